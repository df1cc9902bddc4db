/**
 * A simple text view of a Structured Report series: per SR instance, its title, completion and
 * verification flags, verifying observers, and the content tree with concept names as headings
 * and nested containers indented. Objects of other classes stay "not displayable yet".
 */
import { showErrorFor } from '../app/error-banner';
import { retrieveSeriesMetadata } from '../dicomweb/retrieve';
import { translator } from '../i18n/i18n';
import { isStructuredReport, readStructuredReport, type SrDocument, type SrItem } from './sr-content';
import { srViewMessages } from './messages';

const t = translator(srViewMessages);

export interface SrView {
  readonly element: HTMLElement;
  /** Fetches the series metadata and shows its reports; `data-state="ready"` once shown. */
  show(studyUid: string, seriesUid: string): Promise<void>;
  close(): void;
  readonly isOpen: boolean;
}

export function createSrView(): SrView {
  const panel = document.createElement('aside');
  panel.className = 'sr-view';
  panel.dataset.testid = 'sr-view';
  panel.hidden = true;
  panel.setAttribute('aria-label', t('title'));
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'sr-close';
  close.dataset.testid = 'sr-close';
  close.textContent = t('close');
  const body = document.createElement('div');
  body.className = 'sr-body';
  panel.append(close, body);
  close.addEventListener('click', () => view.close());
  let request = 0;

  const view: SrView = {
    element: panel,
    get isOpen() {
      return !panel.hidden;
    },
    async show(studyUid, seriesUid) {
      const mine = ++request;
      panel.hidden = false;
      panel.dataset.state = 'loading';
      panel.dataset.seriesUid = seriesUid;
      const status = document.createElement('p');
      status.textContent = t('loading');
      body.replaceChildren(status);
      try {
        const instances = await retrieveSeriesMetadata(studyUid, seriesUid);
        if (mine !== request) return;
        const reports = instances.filter(isStructuredReport).map(readStructuredReport);
        if (reports.length === 0) {
          status.textContent = t('notDisplayable');
          status.dataset.testid = 'sr-not-displayable';
        } else {
          // An amended document is shown after the version that replaces it, and says so.
          const replaced = new Set(reports.flatMap((r) => r.predecessors));
          const current = reports.filter((r) => !replaced.has(r.sopInstanceUid));
          const superseded = reports.filter((r) => replaced.has(r.sopInstanceUid));
          body.replaceChildren(...current.map((r) => reportElement(r, false)), ...superseded.map((r) => reportElement(r, true)));
        }
      } catch (error) {
        if (mine !== request) return;
        status.remove();
        showErrorFor(error);
      }
      panel.dataset.state = 'ready';
    },
    close() {
      request++;
      panel.hidden = true;
      body.replaceChildren();
    },
  };
  return view;
}

const FLAGS = new Set(['COMPLETE', 'PARTIAL', 'VERIFIED', 'UNVERIFIED'] as const);
function flagText(flag: string): string {
  return FLAGS.has(flag as 'COMPLETE') ? t(flag as 'COMPLETE') : t('unknownFlag');
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

function reportElement(report: SrDocument, superseded: boolean): HTMLElement {
  const article = document.createElement('article');
  article.className = 'sr-report';
  article.dataset.testid = 'sr-report';
  article.dataset.superseded = String(superseded);
  const title = element('h2', (report.title || t('untitled')) + (superseded ? ` (${t('superseded')})` : ''), 'sr-title');
  title.dataset.testid = 'sr-title';
  const facts = document.createElement('dl');
  facts.className = 'sr-facts';
  const fact = (label: string, value: string, testid: string) => {
    const dd = element('dd', value);
    dd.dataset.testid = testid;
    facts.append(element('dt', label), dd);
  };
  fact(t('completion'), flagText(report.completion), 'sr-completion');
  fact(t('verification'), flagText(report.verification), 'sr-verification');
  if (report.contentDate) fact(t('contentDate'), report.contentDate, 'sr-content-date');
  article.append(title, facts);
  for (const v of report.verifiers) {
    const p = element(
      'p',
      t('verifiedBy', { ...v })
        .replace(/\s+/g, ' ')
        .trim(),
      'sr-verifier',
    );
    p.dataset.testid = 'sr-verifier';
    article.append(p);
  }
  article.append(...report.root.children.map((item) => itemElement(item, 1)));
  return article;
}

function itemElement(item: SrItem, depth: number): HTMLElement {
  const section = document.createElement('section');
  section.className = `sr-item sr-${item.valueType.toLowerCase()}`;
  section.dataset.testid = 'sr-item';
  section.dataset.valueType = item.valueType;
  if (item.valueType === 'CONTAINER') {
    const heading = element(depth < 5 ? (`h${depth + 2}` as 'h3') : 'h6', item.name, 'sr-heading');
    heading.dataset.testid = 'sr-heading';
    section.append(heading);
  } else {
    const line = document.createElement('p');
    line.className = 'sr-line';
    if (item.name) {
      const name = element('strong', item.name, 'sr-name');
      name.dataset.testid = 'sr-name';
      line.append(name, document.createTextNode(': '));
    }
    const isReference = ['IMAGE', 'COMPOSITE', 'WAVEFORM'].includes(item.valueType);
    const value = element('span', isReference && item.value ? t('reference', { uid: item.value }) : item.value, 'sr-value');
    value.dataset.testid = 'sr-value';
    line.append(value);
    section.append(line);
  }
  section.append(...item.children.map((child) => itemElement(child, depth + 1)));
  return section;
}
