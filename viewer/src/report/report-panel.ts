/**
 * The report drawer of the viewer: the study's signed report (the newest final version, earlier
 * ones marked superseded), and for a radiologist the editor: a per-modality template in the UI
 * language, one text box per section, Save draft, Sign and finalize (stored in the study as a
 * DICOM SR), and Amend once signed.
 */
import { REPORT_SECTIONS, REPORT_TEMPLATES, type ReportSections, type ReportTemplate } from '../../../shared/api/reports';
import { describeError } from '../app/error-banner';
import { currentSession } from '../app/session';
import { currentLanguage, translator } from '../i18n/i18n';
import { formatInstant } from '../sharing/date-time';
import { confirmAction } from '../ui/confirm-dialog';
import { element } from '../ui/element';
import { button, formError, labelled, showFormError } from '../ui/form-parts';
import { reportMessages } from './messages';
import { discardDraft, latestFinal, loadReport, saveDraft, signReport, type ReportVersion, type StudyReport } from './report-api';
import { templateFor, templateSections } from './templates';
import { reportPrintPath, reportSectionsView } from './report-view';
import './report.css';

const t = translator(reportMessages);

export interface ReportPanel {
  element: HTMLElement;
  readonly isOpen: boolean;
  toggle(): void;
  close(): void;
}

export interface ReportStudy {
  studyUid: string;
  modalities: readonly string[];
  /** The study's Institution Name, offered as the signing organization. */
  institution: string;
}

export interface ReportPanelEvents {
  onToggle?(open: boolean): void;
  /** A version was signed: the study has a new SR instance (and, the first time, a new series). */
  onSigned?(): void;
}

export function createReportPanel(study: ReportStudy, events: ReportPanelEvents = {}): ReportPanel {
  const panel = element('aside', { className: 'report-panel', testid: 'report-panel' });
  panel.setAttribute('aria-label', t('title'));
  panel.hidden = true;
  // Typing a report never reaches the viewer's shortcuts.
  panel.addEventListener('keydown', (event) => event.stopPropagation());
  const close = button(t('close'), 'report-close');
  close.addEventListener('click', () => setOpen(false));
  const body = element('div', { className: 'report-body', testid: 'report-body' });
  panel.append(element('div', { className: 'report-header' }, element('h2', { text: t('title') }), close), body);

  const session = currentSession();
  const mayWrite = session?.kind === 'user' && session.permissions.includes('annotate');
  let generation = 0;

  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    events.onToggle?.(open);
    if (open) void refresh();
    else generation++;
  };

  async function refresh(): Promise<void> {
    const mine = ++generation;
    body.replaceChildren(element('p', { className: 'report-muted', text: t('loading') }));
    let report: StudyReport;
    try {
      report = await loadReport(study.studyUid);
    } catch (error) {
      if (mine === generation) body.replaceChildren(element('p', { className: 'form-error', text: describeError(error) }));
      return;
    }
    if (mine !== generation) return;
    render(report);
  }

  function render(report: StudyReport, editing = false): void {
    const final = latestFinal(report);
    const draft = report.versions.find((v) => v.status === 'draft');
    const parts: HTMLElement[] = [];
    if (final) parts.push(finalView(final));
    else if (!draft) parts.push(element('p', { className: 'report-muted', testid: 'report-none', text: t('none') }));
    if (mayWrite && (draft || !final || editing)) parts.push(editor(report, draft, final));
    else if (mayWrite && final) {
      const amend = button(t('amend'), 'report-amend');
      amend.addEventListener('click', () => render(report, true));
      parts.push(element('div', { className: 'report-actions' }, amend));
    } else if (!mayWrite && !final) parts.push(element('p', { className: 'report-muted', text: t('readOnly') }));
    const earlier = report.versions.filter((v) => v.status === 'superseded');
    if (earlier.length > 0) parts.push(history(earlier));
    body.replaceChildren(...parts);
  }

  function editor(report: StudyReport, draft: ReportVersion | undefined, final: ReportVersion | undefined): HTMLElement {
    const form = element('form', { className: 'report-editor', testid: 'report-editor' });
    form.noValidate = true;
    const version = draft?.version ?? (final ? final.version + 1 : 1);
    form.append(element('h3', { testid: 'report-status', text: t(final ? 'amendmentOf' : 'draftOf', { version }) }));

    const template = element('select', { className: 'input', testid: 'report-template' });
    for (const name of REPORT_TEMPLATES) template.append(new Option(t(`template${name}`), name));
    template.value = draft?.template ?? templateFor(study.modalities);
    const apply = button(t('applyTemplate'), 'report-apply-template');
    form.append(labelled(t('template'), element('span', { className: 'report-inline' }, template, apply), 'report-field'));

    const boxes = new Map(
      REPORT_SECTIONS.map((section) => {
        const box = element('textarea', { className: 'input report-text', testid: `report-section-${section}` });
        box.rows = section === 'findings' ? 8 : 3;
        box.name = section;
        return [section, box] as const;
      }),
    );
    const fill = (sections: ReportSections) => boxes.forEach((box, section) => (box.value = sections[section] ?? ''));
    fill(draft?.sections ?? final?.sections ?? templateSections(template.value as ReportTemplate, currentLanguage()));
    for (const [section, box] of boxes) form.append(labelled(t(section), box, 'report-field'));
    apply.addEventListener('click', () => {
      const written = [...boxes.values()].some((box) => box.value.trim() !== '');
      const use = () => fill(templateSections(template.value as ReportTemplate, currentLanguage()));
      if (!written) return use();
      void confirmAction(t('replaceWithTemplate'), t('replace')).then((ok) => ok && use());
    });

    const organization = element('input', { className: 'input', testid: 'report-organization' });
    organization.maxLength = 64;
    organization.value = final?.organization ?? study.institution;
    form.append(labelled(t('organization'), organization, 'report-field'));

    const error = formError('report-error');
    const savedNote = element('p', { className: 'report-muted', testid: 'report-saved' });
    const save = button(t('saveDraft'), 'report-save', 'submit');
    const sign = button(t('sign'), 'report-sign', 'button', 'btn btn-primary');
    const actions = element('div', { className: 'report-actions' }, save, sign);
    if (draft) {
      const discard = button(t('discardDraft'), 'report-discard');
      discard.addEventListener('click', () => {
        void confirmAction(t('discardQuestion'), t('discard')).then(async (ok) => {
          if (!ok) return;
          try {
            await discardDraft(study.studyUid);
            await refresh();
          } catch (e) {
            showFormError(error, describeError(e));
          }
        });
      });
      actions.append(discard);
    }
    form.append(error, savedNote, actions);

    // The draft as this editor last saw it: a save over someone else's newer one is refused (409).
    let base: string | null = draft?.updatedAt ?? null;
    const read = () => {
      const sections: ReportSections = {};
      for (const [section, box] of boxes) if (box.value.trim() !== '') sections[section] = box.value;
      return { template: template.value as ReportTemplate, language: currentLanguage(), sections, baseUpdatedAt: base };
    };
    const busy = (on: boolean, label?: HTMLButtonElement, text?: string) => {
      save.disabled = on;
      sign.disabled = on;
      if (label && text) label.textContent = text;
      if (!on) {
        save.textContent = t('saveDraft');
        sign.textContent = t('sign');
      }
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      showFormError(error, undefined);
      busy(true, save, t('saving'));
      saveDraft(study.studyUid, read())
        .then((saved) => {
          base = saved.updatedAt;
          savedNote.textContent = t('saved', { time: formatInstant(saved.updatedAt) });
          form.dataset.savedId = saved.id;
        })
        .catch((e: unknown) => showFormError(error, describeError(e)))
        .finally(() => busy(false));
    });
    sign.addEventListener('click', () => {
      const draftNow = read();
      if (!draftNow.sections.findings && !draftNow.sections.impression) return showFormError(error, t('emptyReport'));
      const org = organization.value.trim();
      if (org === '') {
        organization.focus();
        return showFormError(error, t('organizationNeeded'));
      }
      const name = session?.user?.displayName || session?.user?.username || '';
      void confirmAction(t('signQuestion', { name }), t('sign')).then(async (ok) => {
        if (!ok) return;
        showFormError(error, undefined);
        busy(true, sign, t('signing'));
        try {
          base = (await saveDraft(study.studyUid, draftNow)).updatedAt;
          await signReport(study.studyUid, { organization: org });
          events.onSigned?.();
          await refresh();
        } catch (e) {
          showFormError(error, describeError(e));
          busy(false);
        }
      });
    });
    void report;
    return form;
  }

  return {
    element: panel,
    get isOpen() {
      return !panel.hidden;
    },
    toggle() {
      setOpen(panel.hidden);
    },
    close() {
      if (!panel.hidden) setOpen(false);
    },
  };

  function finalView(final: ReportVersion): HTMLElement {
    const section = element('section', { className: 'report-final', testid: 'report-final' });
    section.dataset.version = String(final.version);
    section.dataset.sopUid = final.sopInstanceUID ?? '';
    const print = element('a', { className: 'btn', testid: 'report-print-link', text: t('print') });
    print.href = reportPrintPath(study.studyUid);
    section.append(
      element('h3', { text: `${t('final')} · ${t('version', { version: final.version })}` }),
      reportSectionsView(final),
      element('p', {
        className: 'report-muted',
        testid: 'report-signed-by',
        text: t('signedBy', { name: final.signedBy ?? '', organization: final.organization ?? '', time: formatInstant(final.finalizedAt) }),
      }),
      element('div', { className: 'report-actions' }, print),
    );
    return section;
  }
}

function history(versions: ReportVersion[]): HTMLElement {
  const list = element('ul', { className: 'report-history', testid: 'report-history' });
  for (const v of versions) {
    const item = element('li', {
      testid: 'report-version',
      text: `${t('version', { version: v.version })} · ${t('superseded')} · ${t('signedBy', {
        name: v.signedBy ?? '',
        organization: v.organization ?? '',
        time: formatInstant(v.finalizedAt),
      })}`,
    });
    item.dataset.status = v.status;
    item.dataset.sopUid = v.sopInstanceUID ?? '';
    list.append(item);
  }
  return element('details', { className: 'report-earlier' }, element('summary', { text: t('history') }), list);
}
