import type { DicomJson } from '../../shared/dicom/dicom-json';
import { QUERY_KEYS } from '../../shared/dicomweb/qido-query';
import { AppError } from '../../shared/errors';
import type { ShareView } from './share-view';

/** Matching keys an anonymized share may search by: none of them identify the patient. */
const NEUTRAL_KEYS = new Set([
  'StudyInstanceUID',
  'SeriesInstanceUID',
  'SOPInstanceUID',
  'SOPClassUID',
  'Modality',
  'ModalitiesInStudy',
  'SeriesNumber',
  'InstanceNumber',
]);
const CONTROL_PARAMS = new Set(['includefield', 'limit', 'offset', 'fuzzymatching']);
const UID_KEYS = new Map([
  ['studyinstanceuid', 'study'],
  ['0020000d', 'study'],
  ['seriesinstanceuid', 'series'],
  ['0020000e', 'series'],
  ['sopinstanceuid', 'instance'],
  ['00080018', 'instance'],
] as const);
const NEUTRAL_NAMES = new Set(
  QUERY_KEYS.filter((k) => NEUTRAL_KEYS.has(k.keyword)).flatMap((k) => [k.keyword.toLowerCase(), k.tag.toLowerCase()]),
);
/** Matches nothing: no archive UID is the replacement of another share's. */
const NO_SUCH_UID = '2.25.0';

/**
 * The QIDO-RS query of an anonymized share, in the archive's terms: replacement UIDs become the
 * originals, and matching on identifying attributes (names, IDs, dates…) is refused, since the
 * answer would tell whether the hidden values match.
 */
export function shareQueryParams(view: ShareView, params: URLSearchParams): URLSearchParams {
  if (!view.anonymized) return params;
  const out = new URLSearchParams();
  for (const [name, value] of params) {
    const lower = name.toLowerCase();
    if (CONTROL_PARAMS.has(lower)) {
      out.append(name, value);
      continue;
    }
    if (!NEUTRAL_NAMES.has(lower)) {
      throw new AppError(
        'INVALID_QUERY',
        `${name.slice(0, 64)}: an anonymized share can be searched only by UID, modality, SOP class and series or instance number.`,
      );
    }
    const level = UID_KEYS.get(lower as never);
    if (level === undefined) {
      out.append(name, value);
      continue;
    }
    const mapped = value.split(/[\\,]/).map((uid) => {
      try {
        return view.original(level, uid.trim());
      } catch {
        return NO_SUCH_UID;
      }
    });
    out.append(name, mapped.join('\\'));
  }
  return out;
}

/**
 * A study's QIDO-RS aggregates (Modalities in Study, Number of Study Related Series and
 * Instances) recomputed from the series a series-limited share may see, so that the counts tell
 * nothing of the hidden series.
 */
export function withSeriesAggregates(study: DicomJson, series: DicomJson[]): DicomJson {
  const modalities = [...new Set(series.map((s) => s['00080060']?.Value?.[0]).filter((m): m is string => typeof m === 'string'))];
  const instances = series.reduce((sum, s) => sum + Number(s['00201209']?.Value?.[0] ?? 0), 0);
  return {
    ...study,
    '00080061': { vr: 'CS', Value: modalities },
    '00201206': { vr: 'IS', Value: [series.length] },
    '00201208': { vr: 'IS', Value: [instances] },
  };
}
