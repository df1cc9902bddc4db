import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
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
/** The UID matching keys, by keyword or tag in lower case, and the level of their UIDs. */
const UID_KEYS = new Map(
  (
    [
      ['StudyInstanceUID', 'study'],
      ['SeriesInstanceUID', 'series'],
      ['SOPInstanceUID', 'instance'],
    ] as const
  ).flatMap(([keyword, level]) => [
    [keyword.toLowerCase(), level],
    [Tag[keyword].toLowerCase(), level],
  ]),
);
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
    const level = UID_KEYS.get(lower);
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
  const modalities = [...new Set(series.map((s) => s[Tag.Modality]?.Value?.[0]).filter((m): m is string => typeof m === 'string'))];
  const instances = series.reduce((sum, s) => sum + Number(s[Tag.NumberOfSeriesRelatedInstances]?.Value?.[0] ?? 0), 0);
  return {
    ...study,
    [Tag.ModalitiesInStudy]: { vr: 'CS', Value: modalities },
    [Tag.NumberOfStudyRelatedSeries]: { vr: 'IS', Value: [series.length] },
    [Tag.NumberOfStudyRelatedInstances]: { vr: 'IS', Value: [instances] },
  };
}
