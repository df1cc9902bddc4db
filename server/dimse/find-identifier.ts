import type { DicomJson, DicomJsonElement, PersonName } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { isAppError } from '../../shared/errors';
import { QUERY_KEYS, parseQidoQuery, type QidoQuery, type QueryKey } from '../../shared/dicomweb/qido-query';
import { LEVELS, QIDO_LEVEL, isBelowLevel, type QueryModel, type QueryRetrieveLevel } from './find-key-levels';

/**
 * C-FIND SCP matching (PS3.4 C.4.1, identifiers of C.6.1 Patient Root and C.6.2 Study Root) as
 * a translation of the request identifier into the QIDO-RS query model: every matching key
 * becomes the QIDO parameter it would be over HTTP and goes through parseQidoQuery, so C-FIND and
 * QIDO-RS share one parser and one matcher (qido-conditions.ts). The identifier arrives as DICOM
 * JSON, already decoded with its Specific Character Set.
 */
export type { QueryModel, QueryRetrieveLevel } from './find-key-levels';

/** C-FIND statuses (PS3.4 C.4.1.1.4). */
export const FindStatus = {
  Pending: 0xff00,
  /** Pending, with a warning that one or more optional keys were not supported for matching. */
  PendingOptionalKeysUnsupported: 0xff01,
  IdentifierDoesNotMatchSopClass: 0xa900,
  UnableToProcess: 0xc000,
} as const;

/** A key to return: its tag, the VR asked for, and for a sequence the keys asked for in its items. */
export interface ReturnKey {
  tag: string;
  vr: string;
  item?: ReturnKey[];
}

export interface FindRequest {
  kind: 'query';
  level: QueryRetrieveLevel;
  /** The QIDO-RS query to run; at PATIENT level a study-level query (see find-matches.ts). */
  query: QidoQuery;
  /** Exactly the keys of the identifier, in its order, without Query/Retrieve Level and Specific Character Set. */
  returnKeys: ReturnKey[];
  /** FF01 when a key had a value the archive does not match on (taken as universal matching), else FF00. */
  pendingStatus: number;
}

export interface FindRefusal {
  kind: 'refusal';
  status: number;
  errorComment: string;
  /** The tag at fault, for Offending Element (0000,0901). */
  offendingElement?: string;
}

/** Attributes of the identifier that are about the query, not keys matched against the index. */
const NOT_MATCHED = new Set<string>([Tag.RetrieveAETitle, Tag.InstanceAvailability, Tag.QueryRetrieveView]);
const KEY_BY_TAG = new Map<string, QueryKey>(QUERY_KEYS.map((k) => [k.tag, k]));
const KEYWORD = new Map<string, string>(Object.entries(Tag).map(([keyword, tag]) => [tag, keyword]));

function name(tag: string): string {
  const keyword = KEYWORD.get(tag);
  return keyword ? `${keyword} (${tag.slice(0, 4)},${tag.slice(4)})` : `(${tag.slice(0, 4)},${tag.slice(4)})`;
}

function refuse(status: number, errorComment: string, offendingElement?: string): FindRefusal {
  return { kind: 'refusal', status, errorComment, offendingElement };
}

/**
 * Translates a C-FIND identifier into a QIDO-RS query at the level it names. Refused:
 * 0xA900 when the level does not exist in the model (PATIENT in Study Root); 0xC000 when the
 * level is missing or unknown, a key belongs to a level below it, a value is malformed (the
 * message parseQidoQuery gives over HTTP), or a key that only takes one value has several.
 * Keys of the levels above are matched as given (relational; see CONFORMANCE).
 * `fuzzyMatching`: the SCU negotiated fuzzy semantic matching of person names (PS3.4 C.5.1.1),
 * QIDO-RS's fuzzymatching=true.
 */
export function identifierToQuery(
  identifier: DicomJson,
  model: QueryModel,
  options: { fuzzyMatching?: boolean } = {},
): FindRequest | FindRefusal {
  const levelValue = identifier[Tag.QueryRetrieveLevel]?.Value?.[0];
  if (typeof levelValue !== 'string' || levelValue.trim() === '') {
    return refuse(FindStatus.UnableToProcess, 'Query/Retrieve Level (0008,0052) is missing.', Tag.QueryRetrieveLevel);
  }
  const level = levelValue.trim().toUpperCase();
  if (!isLevel(level)) {
    return refuse(FindStatus.UnableToProcess, `Unknown Query/Retrieve Level "${levelValue}".`, Tag.QueryRetrieveLevel);
  }
  if (!LEVELS[model].includes(level)) {
    return refuse(
      FindStatus.IdentifierDoesNotMatchSopClass,
      `The ${model === 'study' ? 'Study' : 'Patient'} Root model has no ${level} level.`,
      Tag.QueryRetrieveLevel,
    );
  }
  // The enhanced multi-frame conversion views (PS3.4 C.4.1.1.3.1) need a negotiation we do not accept.
  if (hasValue(identifier[Tag.QueryRetrieveView] ?? { vr: 'CS' })) {
    return refuse(FindStatus.UnableToProcess, 'Query/Retrieve View (0008,0053) is not supported.', Tag.QueryRetrieveView);
  }
  const params: [string, string][] = [];
  const returnKeys: ReturnKey[] = [];
  let unsupported = false;
  for (const [tag, element] of Object.entries(identifier)) {
    // Group lengths and command-group elements are not keys.
    if (tag.endsWith('0000') || tag.startsWith('0000') || tag === Tag.QueryRetrieveLevel || tag === Tag.SpecificCharacterSet) continue;
    if (isBelowLevel(tag, level, model)) {
      return refuse(FindStatus.UnableToProcess, `${name(tag)} is a key of a level below ${level}.`, tag);
    }
    returnKeys.push(returnKey(tag, element));
    if (NOT_MATCHED.has(tag)) continue;
    const key = KEY_BY_TAG.get(tag);
    const value = key ? matchValue(key, element) : undefined;
    if (typeof value === 'object') return refuse(FindStatus.UnableToProcess, value.error, tag);
    if (key && value !== undefined) {
      params.push([tag, value]);
      continue;
    }
    // Not a key the index matches on (or a sequence): returned as stored, matched universally
    // (an optional key the SCP does not match on; pending status FF01 says so, PS3.4 C.4.1.1.4).
    if (hasValue(element)) unsupported = true;
    params.push(['includefield', tag]);
  }
  try {
    const query = parseQidoQuery(params, QIDO_LEVEL[level]);
    query.fuzzyMatching = options.fuzzyMatching ?? false;
    return {
      kind: 'query',
      level,
      query,
      returnKeys,
      pendingStatus: unsupported ? FindStatus.PendingOptionalKeysUnsupported : FindStatus.Pending,
    };
  } catch (err) {
    if (!isAppError(err)) throw err;
    const tag = params.find(([param]) => err.message.startsWith(`${KEYWORD.get(param) ?? param}:`))?.[0];
    return refuse(FindStatus.UnableToProcess, err.message, tag);
  }
}

function isLevel(value: string): value is QueryRetrieveLevel {
  return value === 'PATIENT' || value === 'STUDY' || value === 'SERIES' || value === 'IMAGE';
}

/**
 * The QIDO-RS parameter value of a matching key: '' for universal matching, a comma-separated
 * list for UID lists (backslash-separated in DIMSE) and code lists, else the single value.
 * undefined: the key cannot be matched by value (a PN given only in ideographic or phonetic form).
 */
function matchValue(key: QueryKey, element: DicomJsonElement): string | undefined | { error: string } {
  const values = (element.Value ?? []).filter((v) => v !== null && v !== '');
  if (values.length === 0) return '';
  if (values.length > 1 && key.kind !== 'uid-list' && key.kind !== 'code-list') {
    return { error: `${key.keyword}: only UID keys take a list of values (PS3.4 C.2.2.2.2).` };
  }
  if (key.kind === 'person-name') {
    const pn = values[0] as PersonName | string;
    return typeof pn === 'string' ? pn : pn.Alphabetic;
  }
  return values.map(String).join(',');
}

function hasValue(element: DicomJsonElement): boolean {
  if (element.InlineBinary !== undefined || element.BulkDataURI !== undefined) return true;
  if (element.vr === 'SQ') return (element.Value ?? []).some((item) => Object.values(item as DicomJson).some(hasValue));
  return (element.Value ?? []).some((v) => v !== null && v !== '' && !(typeof v === 'object' && Object.keys(v).length === 0));
}

function returnKey(tag: string, element: DicomJsonElement): ReturnKey {
  const first = element.vr === 'SQ' ? (element.Value?.[0] as DicomJson | undefined) : undefined;
  if (first === undefined || Object.keys(first).length === 0) return { tag, vr: element.vr };
  return { tag, vr: 'SQ', item: Object.entries(first).map(([subTag, sub]) => returnKey(subTag, sub)) };
}

/**
 * The C-FIND response identifier for one match (PS3.4 C.4.1.1.3.2): exactly the keys asked for,
 * with the archive's value or empty when it has none; Query/Retrieve Level; Retrieve AE Title
 * when the caller gives it; Specific Character Set ISO_IR 192 only when a value is not ASCII
 * (it "shall not be included otherwise"). A sequence asked for with an empty item comes whole;
 * with keys in its item, each stored item reduced to those keys.
 */
export function resultToResponse(
  result: DicomJson,
  request: Pick<FindRequest, 'level' | 'returnKeys'>,
  retrieveAeTitle?: string,
): DicomJson {
  const response = pickKeys(result, request.returnKeys);
  response[Tag.QueryRetrieveLevel] = { vr: 'CS', Value: [request.level] };
  if (retrieveAeTitle !== undefined) response[Tag.RetrieveAETitle] = { vr: 'AE', Value: [retrieveAeTitle] };
  if (Object.values(response).some(hasNonAscii)) response[Tag.SpecificCharacterSet] = { vr: 'CS', Value: ['ISO_IR 192'] };
  return Object.fromEntries(Object.entries(response).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function pickKeys(dataset: DicomJson, keys: readonly ReturnKey[]): DicomJson {
  const out: DicomJson = {};
  for (const key of keys) {
    const stored = dataset[key.tag];
    if (stored === undefined || stored.BulkDataURI !== undefined || (stored.Value === undefined && stored.InlineBinary === undefined)) {
      out[key.tag] = { vr: stored?.vr ?? key.vr };
    } else if (key.item && stored.vr === 'SQ') {
      out[key.tag] = { vr: 'SQ', Value: (stored.Value ?? []).map((item) => pickKeys(item as DicomJson, key.item!)) };
    } else {
      out[key.tag] = stored;
    }
  }
  return out;
}

function hasNonAscii(element: DicomJsonElement): boolean {
  return (element.Value ?? []).some((value) => {
    if (typeof value === 'string') return /[^\x00-\x7f]/.test(value);
    if (typeof value !== 'object' || value === null) return false;
    return Object.values(value as Record<string, unknown>).some((v) =>
      typeof v === 'string' ? /[^\x00-\x7f]/.test(v) : typeof v === 'object' && v !== null && hasNonAscii(v as DicomJsonElement),
    );
  });
}
