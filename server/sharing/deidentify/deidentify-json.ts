import { codeItem } from '../../../shared/dicom/code-item';
import type { DicomJson, DicomJsonElement } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { isValidUid } from '../../../shared/dicom/uid';
import {
  METHOD_CODE,
  METHOD_TEXT,
  PATIENT_ID,
  PATIENT_NAME,
  dummyBinaryLength,
  dummyPatientName,
  dummyString,
  effectiveVr,
  patientIdPseudonym,
  profileAction,
} from './basic-profile';
import type { ReplacementUids } from './replacement-uids';

/**
 * De-identification of DICOM JSON (QIDO-RS results, WADO-RS metadata) for anonymized shares:
 * the Basic Application Level Confidentiality Profile (PS3.15 E.1.1) applied to every level of
 * nesting, UIDs replaced consistently for the share, and the request paths inside RetrieveURL and
 * BulkDataURI values pointing at the replacement UIDs (the recipient only ever sees those).
 */

export interface DeidContext {
  /** The share's UID mapping (its secret is `secret`). */
  uids: ReplacementUids;
  /** The share's secret: keys the Patient ID pseudonym. */
  secret: Uint8Array;
  /** Shown in the dummy Patient's Name (ANONYMOUS^<label>). */
  label: string;
}

const MAX_DEPTH = 64;

/** A de-identified copy of `ds` (the input is not changed), with (0012,0062-0064) added. */
export function deidentifyDataset(ds: DicomJson, ctx: DeidContext): DicomJson {
  const out = deidentifyItem(ds, ctx, 0);
  out[Tag.PatientIdentityRemoved] = { vr: 'CS', Value: ['YES'] };
  out[Tag.DeidentificationMethod] = { vr: 'LO', Value: [...METHOD_TEXT] };
  out[Tag.DeidentificationMethodCodeSequence] = { vr: 'SQ', Value: [codeItem(METHOD_CODE)] };
  return sortedByTag(out);
}

/**
 * Whether bulk data at this path survives the profile unchanged: tags (8 hex digits) and item
 * indexes alternating, top level first, as in our BulkDataURIs (`['7FE00010']`,
 * `['00540016', '0', '00181078']`). Every tag on the way must be kept.
 */
export function isRetainedTagPath(tags: string[]): boolean {
  if (tags.length % 2 === 0) return false;
  return tags.every((part, i) => {
    if (i % 2 === 1) return /^(0|[1-9][0-9]*)$/.test(part);
    return /^[0-9A-Fa-f]{8}$/.test(part) && profileAction(Number.parseInt(part, 16), false) === 'keep';
  });
}

function deidentifyItem(ds: DicomJson, ctx: DeidContext, depth: number): DicomJson {
  if (depth > MAX_DEPTH) return {};
  const out: DicomJson = {};
  for (const [key, element] of Object.entries(ds)) {
    const tag = Number.parseInt(key, 16);
    if (!/^[0-9A-Fa-f]{8}$/.test(key)) continue;
    const replaced = deidentifyElement(tag, element, ctx, depth);
    if (replaced) out[key] = replaced;
  }
  return out;
}

function deidentifyElement(tag: number, element: DicomJsonElement, ctx: DeidContext, depth: number): DicomJsonElement | undefined {
  const empty = isEmpty(element);
  if (tag === PATIENT_NAME) return { vr: element.vr, Value: [{ Alphabetic: dummyPatientName(ctx.label) }] };
  if (tag === PATIENT_ID) {
    const id = typeof element.Value?.[0] === 'string' ? element.Value[0] : '';
    return id === '' ? { vr: element.vr } : { vr: element.vr, Value: [patientIdPseudonym(ctx.secret, id)] };
  }
  switch (profileAction(tag, empty)) {
    case 'remove':
      return undefined;
    case 'empty':
      return { vr: element.vr };
    case 'uid':
      return replaceUids(element, ctx);
    case 'dummy':
      return dummy(tag, element, ctx);
    case 'keep':
      return keep(element, ctx, depth);
  }
}

function keep(element: DicomJsonElement, ctx: DeidContext, depth: number): DicomJsonElement {
  if (element.vr === 'SQ') {
    return {
      vr: 'SQ',
      ...(element.Value ? { Value: element.Value.map((item) => (isItem(item) ? deidentifyItem(item, ctx, depth + 1) : item)) } : {}),
    };
  }
  const copy = structuredClone(element);
  if (copy.BulkDataURI !== undefined) copy.BulkDataURI = replacePathUids(copy.BulkDataURI, ctx);
  if (copy.vr === 'UR' && copy.Value) copy.Value = copy.Value.map((v) => (typeof v === 'string' ? replacePathUids(v, ctx) : v));
  return copy;
}

function replaceUids(element: DicomJsonElement, ctx: DeidContext): DicomJsonElement {
  if (element.vr !== 'UI') return dummy(0, element, ctx);
  if (!element.Value) return { vr: 'UI' };
  return { vr: 'UI', Value: element.Value.map((v) => (typeof v === 'string' && v !== '' ? ctx.uids.replace(v) : v)) };
}

function dummy(tag: number, element: DicomJsonElement, ctx: DeidContext): DicomJsonElement {
  const vr = effectiveVr(tag, element.vr);
  if (vr === 'SQ') return { vr: element.vr, Value: [{}] };
  if (vr === 'UI') return replaceUids({ ...element, vr: 'UI' }, ctx);
  if (vr === 'PN') return { vr: element.vr, Value: [{ Alphabetic: dummyString(vr)! }] };
  const text = dummyString(vr);
  if (text !== undefined && element.vr !== 'UN') {
    return { vr: element.vr, Value: [vr === 'DS' || vr === 'IS' ? Number(text) : text] };
  }
  if (vr === 'AT') return { vr: element.vr, Value: ['00000000'] };
  if (['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'SV', 'UV'].includes(vr) && element.vr !== 'UN') return { vr: element.vr, Value: [0] };
  const bytes = text !== undefined ? Buffer.from(text, 'latin1') : Buffer.alloc(dummyBinaryLength(vr));
  return { vr: element.vr, InlineBinary: bytes.toString('base64') };
}

/** `/studies/{uid}`, `/series/{uid}`, `/instances/{uid}` segments of a URL with the replacement UIDs. */
function replacePathUids(url: string, ctx: DeidContext): string {
  return url.replace(/\/(studies|series|instances)\/([^/?#]+)/g, (whole, level: string, uid: string) =>
    isValidUid(uid) ? `/${level}/${ctx.uids.replace(uid)}` : whole,
  );
}

function isEmpty(element: DicomJsonElement): boolean {
  return (
    (element.Value === undefined || element.Value.length === 0) && element.InlineBinary === undefined && element.BulkDataURI === undefined
  );
}

function isItem(value: unknown): value is DicomJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortedByTag(ds: DicomJson): DicomJson {
  return Object.fromEntries(Object.entries(ds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
