/**
 * The series list on the left: thumbnail, number, description, instance count and a per-series
 * loading indicator. With several studies (a current and its priors) the series come study by
 * study, each group under a heading with the study's role and date.
 */
import { currentLanguage, formatDicomDate, translator } from '../i18n/i18n';
import { priorMessages } from '../priors/messages';
import { seriesThumbnailUrl } from '../dicomweb/resource-urls';
import type { SeriesProgress } from '../loading/staged-series';
import { viewerMessages } from './messages';
import { seriesDescriptionText } from '../sr-view/our-concepts';
import { qualityMessages } from './quality-messages';
import type { SeriesModel } from './study-model';

const t = translator(viewerMessages);
const tQuality = translator(qualityMessages);
const tPrior = translator(priorMessages);
export const SERIES_DRAG_TYPE = 'application/x-pacs-series';

export interface SeriesBrowser {
  element: HTMLElement;
  setProgress(seriesUid: string, progress: SeriesProgress): void;
  /** The list again with these series (a study's series asked for again): items of the same series model stay as they are. */
  setSeries(series: readonly SeriesModel[]): void;
}

export function createSeriesBrowser(
  series: readonly SeriesModel[],
  onChoose: (series: SeriesModel) => void,
  onOpenReport?: (series: SeriesModel) => void,
): SeriesBrowser {
  const list = document.createElement('ul');
  list.className = 'series-browser';
  list.setAttribute('aria-label', t('seriesBrowser'));
  const progress = new Map<string, { bar: HTMLProgressElement; label: HTMLElement; item: HTMLElement }>();
  const items = new Map<SeriesModel, HTMLElement>();

  const render = (shown: readonly SeriesModel[]) => {
    const studies = [...new Set(shown.map((s) => s.studyUid))];
    const children: HTMLElement[] = [];
    let group: string | undefined;
    for (const s of shown) {
      if (studies.length > 1 && s.studyUid !== group) {
        group = s.studyUid;
        children.push(studyHeading(s, s.studyUid === studies[0]));
      }
      children.push(items.get(s) ?? seriesItem(s));
    }
    for (const [s, item] of items) {
      if (shown.includes(s)) continue;
      items.delete(s);
      if (progress.get(s.seriesUid)?.item === item) progress.delete(s.seriesUid);
    }
    list.replaceChildren(...children);
  };

  function seriesItem(s: SeriesModel): HTMLElement {
    const item = document.createElement('li');
    item.className = 'series-item';
    item.dataset.testid = 'series-item';
    item.dataset.seriesUid = s.seriesUid;
    item.dataset.displayable = String(s.displayable);
    items.set(s, item);
    const thumb = document.createElement('div');
    thumb.className = 'series-thumb';
    if (s.displayable) {
      const img = document.createElement('img');
      img.alt = '';
      img.loading = 'lazy';
      img.src = seriesThumbnailUrl(s.studyUid, s.seriesUid);
      thumb.append(img);
    } else {
      thumb.textContent = s.modality;
    }

    const text = document.createElement('div');
    text.className = 'series-text';
    const title = document.createElement('div');
    title.className = 'series-title';
    const number = document.createElement('span');
    number.className = 'series-number';
    number.dataset.testid = 'series-number';
    number.textContent = s.number !== undefined ? String(s.number) : '';
    if (s.number !== undefined) item.dataset.seriesNumber = String(s.number);
    const modality = document.createElement('span');
    modality.className = 'series-modality';
    modality.textContent = s.modality;
    title.append(number, s.number !== undefined ? ' ' : '', modality);
    const description = document.createElement('div');
    description.className = 'series-description';
    description.textContent = seriesDescriptionText(s.description, currentLanguage()) || t('noDescription');
    const count = document.createElement('div');
    count.className = 'series-count';
    count.dataset.testid = 'series-count';
    // What the user scrolls through: every frame of a multi-frame instance is an image.
    const images = s.displayable ? s.imageIds.length : s.instanceCount;
    count.textContent = t(images === 1 ? 'instancesOne' : 'instances', { count: images });
    count.dataset.count = String(images);
    text.append(title, description, count);

    if (s.displayable) {
      const label = document.createElement('div');
      label.className = 'series-progress-label';
      label.dataset.testid = 'series-progress';
      const bar = document.createElement('progress');
      bar.className = 'series-progress';
      bar.max = s.imageIds.length;
      bar.value = 0;
      bar.hidden = true;
      text.append(bar, label);
      progress.set(s.seriesUid, { bar, label, item });
      item.draggable = true;
      item.tabIndex = 0;
      item.addEventListener('click', () => onChoose(s));
      item.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') onChoose(s);
      });
      item.addEventListener('dragstart', (event) => event.dataTransfer?.setData(SERIES_DRAG_TYPE, s.seriesUid));
    } else {
      item.classList.add('not-displayable');
      const note = document.createElement('div');
      note.className = 'series-note';
      note.dataset.testid = 'not-displayable';
      note.textContent = t('notDisplayable');
      text.append(note);
      if (s.modality === 'SR' && onOpenReport) {
        // A structured report reads as text (sr-view); other non-image objects stay not displayable.
        note.textContent = t('openReport');
        note.dataset.testid = 'open-report';
        item.tabIndex = 0;
        item.addEventListener('click', () => onOpenReport(s));
        item.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') onOpenReport(s);
        });
      }
    }
    item.append(thumb, text);
    return item;
  }

  render(series);

  return {
    element: list,
    setSeries: render,
    setProgress(seriesUid, p) {
      const entry = progress.get(seriesUid);
      if (!entry) return;
      const done = p.loaded >= p.total && p.final >= p.total;
      entry.bar.hidden = done;
      entry.bar.max = p.total;
      entry.bar.value = p.final;
      entry.label.textContent = done ? '' : `${t('loadingSeries')} ${progressText(p)}`;
      entry.item.dataset.loaded = String(p.loaded);
      entry.item.dataset.lossless = String(p.lossless);
      entry.item.dataset.total = String(p.total);
      entry.item.dataset.bytes = String(p.bytes);
    },
  };
}

/** "Prior · 06/07/2012 · CT ABDOMEN" above the series of one study. */
function studyHeading(s: SeriesModel, current: boolean): HTMLElement {
  const heading = document.createElement('li');
  heading.className = 'series-study';
  heading.dataset.testid = 'series-study';
  heading.dataset.studyUid = s.studyUid;
  heading.dataset.studyDate = s.studyDate;
  const role = document.createElement('span');
  role.className = 'series-study-role';
  role.textContent = tPrior(current ? 'current' : 'prior');
  heading.append(role, [formatDicomDate(s.studyDate) || tPrior('noDate'), s.studyDescription].filter(Boolean).join(' · '));
  return heading;
}

/** e.g. "120/300 · 60 lossless · 8.4 MB · 3.9 Mbit/s · 1:12" */
function progressText(p: SeriesProgress): string {
  const parts = [t('loadedOf', { loaded: p.loaded, total: p.total })];
  if (p.lossless < p.total) parts.push(tQuality('losslessCount', { count: p.lossless }));
  parts.push(`${(p.bytes / 1e6).toFixed(1)} MB`);
  if (p.bitsPerSecond !== undefined) parts.push(`${(p.bitsPerSecond / 1e6).toFixed(1)} Mbit/s`);
  if (p.etaSeconds !== undefined && p.lossless < p.total) {
    const seconds = Math.ceil(p.etaSeconds);
    parts.push(`${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`);
  }
  return parts.join(' · ');
}
