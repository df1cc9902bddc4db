import { toDicomDate } from '../i18n/i18n';
import type { StudyQuery } from '../dicomweb/search';

export type DatePreset = 'any' | 'today' | 'last7' | 'custom';
export const SORT_COLUMNS = [
  'patientName',
  'patientId',
  'studyDate',
  'modalities',
  'studyDescription',
  'accessionNumber',
  'numberOfSeries',
  'numberOfInstances',
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

/** What the user asked for, as the form holds it (a preset stays relative: "today" is today tomorrow too). */
export interface WorklistSearch {
  patientName: string;
  patientId: string;
  accessionNumber: string;
  datePreset: DatePreset;
  /** `YYYY-MM-DD` from the date inputs, used with the custom preset. */
  dateFrom: string;
  dateTo: string;
  modality: string;
  pageSize: number;
  offset: number;
  sort: { column: SortColumn; descending: boolean };
}

export const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'MG', 'US', 'XA', 'RF', 'NM', 'PT', 'OT', 'SR', 'SEG'] as const;
export const PAGE_SIZES = [25, 50, 100] as const;

export function emptySearch(): WorklistSearch {
  return {
    patientName: '',
    patientId: '',
    accessionNumber: '',
    datePreset: 'any',
    dateFrom: '',
    dateTo: '',
    modality: '',
    pageSize: 50,
    offset: 0,
    sort: { column: 'studyDate', descending: true },
  };
}

const STORAGE_KEY = 'pacs.worklist.lastSearch';

/** The last search run in this browser, or the empty one. */
export function loadLastSearch(): WorklistSearch {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<WorklistSearch> | null;
    if (stored && typeof stored === 'object') return sanitize({ ...emptySearch(), ...stored });
  } catch {
    // unreadable or disabled storage: start empty
  }
  return emptySearch();
}

export function saveLastSearch(search: WorklistSearch): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(search));
  } catch {
    // not remembered; the search itself still runs
  }
}

/** Stored values come from an older version or a hand edit: keep only what is well-formed. */
function sanitize(s: WorklistSearch): WorklistSearch {
  const empty = emptySearch();
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : '');
  return {
    patientName: text(s.patientName),
    patientId: text(s.patientId),
    accessionNumber: text(s.accessionNumber),
    datePreset: (['any', 'today', 'last7', 'custom'] as const).includes(s.datePreset) ? s.datePreset : 'any',
    dateFrom: /^\d{4}-\d{2}-\d{2}$/.test(text(s.dateFrom)) ? s.dateFrom : '',
    dateTo: /^\d{4}-\d{2}-\d{2}$/.test(text(s.dateTo)) ? s.dateTo : '',
    modality: (MODALITIES as readonly string[]).includes(s.modality) ? s.modality : '',
    pageSize: (PAGE_SIZES as readonly number[]).includes(s.pageSize) ? s.pageSize : empty.pageSize,
    offset: Number.isInteger(s.offset) && s.offset >= 0 ? s.offset : 0,
    sort:
      typeof s.sort === 'object' && s.sort !== null && SORT_COLUMNS.includes(s.sort.column)
        ? { column: s.sort.column, descending: s.sort.descending === true }
        : empty.sort,
  };
}

/** The QIDO query of a search, with presets resolved against `now`. */
export function toStudyQuery(search: WorklistSearch, now: Date = new Date()): StudyQuery {
  const query: StudyQuery = {
    patientName: search.patientName,
    patientId: search.patientId,
    accessionNumber: search.accessionNumber,
    modality: search.modality,
    limit: search.pageSize,
    offset: search.offset,
  };
  if (search.datePreset === 'today') {
    query.studyDateFrom = query.studyDateTo = toDicomDate(now);
  } else if (search.datePreset === 'last7') {
    const weekAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6);
    query.studyDateFrom = toDicomDate(weekAgo);
    query.studyDateTo = toDicomDate(now);
  } else if (search.datePreset === 'custom') {
    if (search.dateFrom) query.studyDateFrom = search.dateFrom.replaceAll('-', '');
    if (search.dateTo) query.studyDateTo = search.dateTo.replaceAll('-', '');
  }
  return query;
}
