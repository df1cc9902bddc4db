/**
 * `/upload`: a patient's CD, a folder or loose files stored in the archive through STOW-RS, with
 * a progress bar (bytes sent), a Cancel button, a per-file result list, a summary and links to
 * the stored studies.
 */
import { showError, showErrorFor } from '../app/error-banner';
import type { Page } from '../app/page';
import { displayLocale, translator } from '../i18n/i18n';
import { entriesFromDrop, filesFromEntries, filesFromInput, type PickedFile } from './collect-files';
import { uploadMessages } from './messages';
import { createResultList } from './result-list';
import { UploadSession } from './upload-session';
import './upload.css';

const t = translator(uploadMessages);

/** Kept across mounts: a language switch re-mounts the page in the middle of an upload. */
let session: UploadSession | undefined;
let reading = false;
let cleanup: (() => void) | undefined;

export const page: Page = {
  mount(root) {
    const view = buildView();
    root.append(view.element);
    const draw = () => view.update();
    const unsubscribe: Array<() => void> = [];
    const follow = (s: UploadSession) => unsubscribe.push(s.subscribe(draw));
    if (session) follow(session);

    const start = (files: PickedFile[]) => {
      if (files.length === 0) return;
      if (!session || !session.progress.running || session.cancelled) {
        session = new UploadSession();
        view.resetResults();
        follow(session);
      }
      session.add(files);
    };
    view.onFiles = start;
    view.onCancel = () => session?.cancel();
    view.onReading = (value) => {
      reading = value;
      draw();
    };
    draw();

    // A file dropped beside the zone must not make the browser navigate away to show it.
    const swallow = (event: DragEvent) => event.preventDefault();
    window.addEventListener('dragover', swallow);
    window.addEventListener('drop', swallow);
    cleanup = () => {
      for (const off of unsubscribe) off();
      window.removeEventListener('dragover', swallow);
      window.removeEventListener('drop', swallow);
    };
  },
  unmount() {
    cleanup?.();
    cleanup = undefined;
  },
};

interface View {
  element: HTMLElement;
  update(): void;
  resetResults(): void;
  onFiles: (files: PickedFile[]) => void;
  onReading: (reading: boolean) => void;
  onCancel: () => void;
}

function buildView(): View {
  const section = el('section', 'upload-page');
  section.dataset.testid = 'upload-page';
  const title = el('h1', 'upload-title', t('title'));
  const intro = el('p', 'upload-intro', t('intro'));

  const zone = el('div', 'upload-drop');
  zone.dataset.testid = 'upload-drop';
  const filesInput = fileInput('upload-files-input', false);
  const folderInput = fileInput('upload-folder-input', true);
  zone.append(el('p', 'upload-drop-text', t('dropHere')), el('div', 'upload-buttons'));
  zone.lastElementChild!.append(pickButton(t('chooseFiles'), filesInput), pickButton(t('chooseFolder'), folderInput));

  const progress = document.createElement('progress');
  progress.className = 'upload-progress';
  progress.dataset.testid = 'upload-progress';
  progress.max = 100;
  progress.value = 0;
  progress.setAttribute('aria-label', t('progressLabel'));
  const cancel = el('button', 'upload-cancel', t('cancel'));
  cancel.type = 'button';
  cancel.dataset.testid = 'upload-cancel';
  const progressRow = el('div', 'upload-progress-row');
  progressRow.append(progress, cancel);
  const progressText = el('p', 'upload-progress-text');
  progressText.dataset.testid = 'upload-progress-text';
  const summary = el('p', 'upload-summary');
  summary.dataset.testid = 'upload-summary';
  summary.setAttribute('aria-live', 'polite');
  const studies = el('nav', 'upload-studies');
  studies.dataset.testid = 'upload-studies';
  const status = el('div', 'upload-status');
  status.append(progressRow, progressText, summary, studies);

  let list = createResultList();
  section.append(title, intro, zone, status, list.element);

  const view: View = {
    element: section,
    onFiles: () => undefined,
    onReading: () => undefined,
    onCancel: () => undefined,
    resetResults() {
      const fresh = createResultList();
      list.element.replaceWith(fresh.element);
      list = fresh;
    },
    update() {
      const p = session?.progress;
      section.dataset.state = reading ? 'reading' : !p ? 'idle' : p.running ? 'running' : 'done';
      status.hidden = !p && !reading;
      cancel.hidden = !p?.running;
      cancel.disabled = p?.cancelled ?? false;
      cancel.textContent = p?.cancelled ? t('cancelling') : t('cancel');
      if (!session || !p) {
        progressText.textContent = reading ? t('reading') : '';
        return;
      }
      // Once cancelled, the bar stays at what was sent.
      const percent = p.running || p.cancelled ? Math.floor(100 * fraction(p.doneBytes, p.totalBytes, p.doneFiles, p.totalFiles)) : 100;
      progress.value = percent;
      progress.dataset.percent = String(percent);
      progressText.textContent = [
        reading ? t('reading') : p.running ? (p.cancelled ? t('cancelling') : t('running')) : p.cancelled ? t('cancelled') : t('finished'),
        t('progressFiles', { done: p.doneFiles, total: p.totalFiles }),
        t('progressBytes', { done: megabytes(p.doneBytes), total: megabytes(p.totalBytes) }),
      ].join(' · ');
      const cancelled = session.count('cancelled');
      summary.textContent = [
        t('summary', {
          stored: session.count('stored'),
          duplicate: session.count('duplicate'),
          refused: session.count('refused'),
          skipped: session.count('not-dicom') + session.count('directory'),
          failed: session.count('failed'),
        }),
        ...(cancelled > 0 ? [t('summaryCancelled', { cancelled })] : []),
      ].join(', ');
      syncStudyLinks(studies, session.studies);
      list.sync(session.results);
    },
  };

  cancel.addEventListener('click', () => view.onCancel());
  for (const input of [filesInput, folderInput]) {
    input.addEventListener('change', () => {
      view.onFiles(filesFromInput(input.files));
      input.value = ''; // choosing the same folder again fires `change` again
    });
  }
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('upload-drop-over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('upload-drop-over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('upload-drop-over');
    const { entries, files } = entriesFromDrop(event.dataTransfer);
    const loose = files.map((file): PickedFile => ({ file, path: file.name }));
    view.onReading(true);
    filesFromEntries(entries)
      .then((found) => {
        view.onReading(false);
        if (found.length + loose.length === 0) showError(t('nothingFound'));
        view.onFiles([...found, ...loose]);
      })
      .catch((error: unknown) => {
        view.onReading(false);
        showErrorFor(error);
      });
  });
  return view;
}

function syncStudyLinks(nav: HTMLElement, uids: readonly string[]): void {
  const key = uids.join(' ');
  if (nav.dataset.studies === key) return;
  nav.dataset.studies = key;
  nav.replaceChildren();
  if (uids.length === 0) return;
  const list = el('ul', 'upload-study-list');
  for (const uid of uids) {
    const link = document.createElement('a');
    link.href = `/viewer?StudyInstanceUIDs=${encodeURIComponent(uid)}`;
    link.dataset.testid = 'upload-study-link';
    link.textContent = t('openStudy', { uid });
    const item = document.createElement('li');
    item.append(link);
    list.append(item);
  }
  nav.append(el('h2', 'upload-studies-title', t('storedStudies')), list);
}

function fraction(doneBytes: number, totalBytes: number, doneFiles: number, totalFiles: number): number {
  if (totalBytes > 0) return doneBytes / totalBytes;
  return totalFiles > 0 ? doneFiles / totalFiles : 0;
}

function megabytes(bytes: number): string {
  return new Intl.NumberFormat(displayLocale(), { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / 1_000_000);
}

function fileInput(testid: string, folder: boolean): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = true;
  input.webkitdirectory = folder;
  input.className = 'upload-input';
  input.dataset.testid = testid;
  return input;
}

/** A visible button for a hidden file input (the input keeps its native picker). */
function pickButton(text: string, input: HTMLInputElement): HTMLLabelElement {
  const label = el('label', 'upload-pick');
  label.append(input, document.createTextNode(text));
  label.tabIndex = 0;
  label.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      input.click();
    }
  });
  return label;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
