/**
 * The film sheet: key images in pages of `columns × rows` cells, each page with the study header
 * and a page footer. Every DICOM value is written as text.
 */
import { formatDicomDate, translator } from '../i18n/i18n';
import type { KeyImage } from '../key-images/key-images';
import { drawKeyImage, loadRendered } from './draw-key-image';
import { printMessages } from './messages';

const t = translator(printMessages);

export const FILM_LAYOUTS = ['1x1', '2x2', '3x3', '3x4', '4x5'] as const;
export type FilmLayout = (typeof FILM_LAYOUTS)[number];

export function layoutSize(layout: FilmLayout): { columns: number; rows: number } {
  const [columns, rows] = layout.split('x').map(Number);
  return { columns: columns ?? 1, rows: rows ?? 1 };
}

export interface StudyHeader {
  patientName: string;
  patientId: string;
  sex: string;
  age: string;
  /** DICOM DA */
  studyDate: string;
  description: string;
  institution: string;
}

/** Canvas pixels per CSS pixel: a print at about 200 dpi. */
const PRINT_DENSITY = 2;

export interface FilmSheet {
  element: HTMLElement;
  /** Draws every cell once the sheet is in the document (cells must have their size); resolves when all are drawn. */
  draw(isCurrent: () => boolean): Promise<void>;
}

export function createFilmSheet(keys: KeyImage[], layout: FilmLayout, header: StudyHeader): FilmSheet {
  const { columns, rows } = layoutSize(layout);
  const perPage = columns * rows;
  const pages = Math.max(1, Math.ceil(keys.length / perPage));
  const sheet = document.createElement('div');
  sheet.className = 'film-sheet';
  sheet.dataset.testid = 'print-sheet';
  sheet.dataset.layout = layout;
  sheet.dataset.pages = String(pages);
  sheet.dataset.state = 'drawing';
  const cells: { canvas: HTMLCanvasElement; key: KeyImage; cell: HTMLElement }[] = [];

  for (let p = 0; p < pages; p++) {
    const page = document.createElement('section');
    page.className = 'film-page';
    page.dataset.testid = 'print-page';
    const grid = document.createElement('div');
    grid.className = 'film-grid';
    grid.style.gridTemplateColumns = `repeat(${columns}, 1fr)`;
    grid.style.gridTemplateRows = `repeat(${rows}, 1fr)`;
    for (let i = p * perPage; i < (p + 1) * perPage; i++) {
      const key = keys[i];
      const cell = document.createElement('div');
      cell.className = 'film-cell';
      if (key) {
        cell.dataset.testid = 'print-cell';
        cell.dataset.sopUid = key.sopUid;
        cell.dataset.frame = String(key.frame);
        cell.dataset.measurements = String(key.measurements.length);
        const canvas = document.createElement('canvas');
        canvas.dataset.testid = 'print-canvas';
        cell.append(canvas, captions(key), measurementTexts(key));
        cells.push({ canvas, key, cell });
      }
      grid.append(cell);
    }
    const footer = document.createElement('footer');
    footer.className = 'film-footer';
    footer.dataset.testid = 'print-footer';
    footer.textContent = t('pageOf', { page: p + 1, pages });
    page.append(headerOf(header), grid, footer);
    sheet.append(page);
  }

  return {
    element: sheet,
    async draw(isCurrent) {
      await Promise.all(
        cells.map(async ({ canvas, key, cell }) => {
          const box = cell.getBoundingClientRect();
          canvas.width = Math.max(1, Math.round(box.width * PRINT_DENSITY));
          canvas.height = Math.max(1, Math.round(box.height * PRINT_DENSITY));
          try {
            const img = await loadRendered(key);
            if (!isCurrent()) return;
            drawKeyImage(canvas, key, img);
            cell.dataset.state = 'drawn';
          } catch {
            cell.dataset.state = 'failed';
            const note = document.createElement('div');
            note.className = 'film-cell-error';
            note.textContent = t('imageFailed');
            cell.append(note);
          }
        }),
      );
      if (isCurrent()) sheet.dataset.state = 'done';
    },
  };
}

function headerOf(h: StudyHeader): HTMLElement {
  const header = document.createElement('header');
  header.className = 'film-header';
  header.dataset.testid = 'print-header';
  const fields: [string, string, string][] = [
    ['patientName', t('patientName'), h.patientName],
    ['patientId', t('patientId'), h.patientId],
    ['sexAge', t('sexAge'), [h.sex, h.age].filter(Boolean).join(' / ')],
    ['studyDate', t('studyDate'), formatDicomDate(h.studyDate)],
    ['description', t('description'), h.description],
    ['institution', t('institution'), h.institution],
  ];
  for (const [name, label, value] of fields) {
    const field = document.createElement('div');
    field.className = `film-field film-${name}`;
    field.dataset.testid = `print-${name}`;
    const l = document.createElement('span');
    l.className = 'film-label';
    l.textContent = `${label}: `;
    const v = document.createElement('span');
    v.className = 'film-value';
    v.textContent = value;
    field.append(l, v);
    header.append(field);
  }
  return header;
}

function captions(key: KeyImage): HTMLElement {
  const box = document.createElement('div');
  box.className = 'film-caption';
  const left = document.createElement('span');
  left.textContent =
    t('imageCaption', { series: key.seriesNumber ?? '–', instance: key.instanceNumber ?? '–' }) + (key.frame > 1 ? ` #${key.frame}` : '');
  const right = document.createElement('span');
  if (key.windowWidth !== undefined && key.windowCenter !== undefined)
    right.textContent = t('windowCaption', { width: Math.round(key.windowWidth), center: Math.round(key.windowCenter) });
  box.append(left, right);
  return box;
}

/** The measurement labels as text as well (drawn on the canvas for the film; here for screen readers and search). */
function measurementTexts(key: KeyImage): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'film-measurements';
  for (const m of key.measurements) {
    const li = document.createElement('li');
    li.dataset.testid = 'print-measurement';
    li.dataset.tool = m.tool;
    li.textContent = m.text.join('; ');
    list.append(li);
  }
  return list;
}
