/**
 * The DICOM JSON Model (PS3.18 F.2): the one metadata currency of the archive (STYLE.md rule 2).
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/chapter_F.html
 */

/** A data set: attribute objects keyed by 8 upper-case hex digits ("0020000D"). */
export type DicomJson = Record<string, DicomJsonElement>;

/** One attribute (F.2.2). An empty value has neither Value, InlineBinary nor BulkDataURI (F.2.5). */
export interface DicomJsonElement {
  vr: string;
  /** Strings, numbers, PersonName objects, nested DicomJson items (SQ), or null for an empty entry of a multi-valued attribute. */
  Value?: unknown[];
  /** Base64 of the value bytes (OB OD OF OL OV OW UN), F.2.7. */
  InlineBinary?: string;
  /** Where to fetch the value bytes, F.2.6. */
  BulkDataURI?: string;
}

/** A PN value (F.2.2): only non-empty component groups are present. */
export interface PersonName {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

function isPersonName(value: unknown): value is PersonName {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isPersonName(value)) return value.Alphabetic;
  return undefined;
}

/** The first value as a string; for PN the Alphabetic group; numbers are formatted. */
export function getString(ds: DicomJson | undefined, tag: string): string | undefined {
  return asString(ds?.[tag]?.Value?.[0]);
}

/** The first value as a number; DS/IS kept as strings (non-numeric in the file) are parsed if possible. */
export function getNumber(ds: DicomJson | undefined, tag: string): number | undefined {
  const value = ds?.[tag]?.Value?.[0];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Every value as a string (PN: Alphabetic); empty entries become '' so positions are kept. */
export function getStrings(ds: DicomJson | undefined, tag: string): string[] {
  return (ds?.[tag]?.Value ?? []).map((value) => asString(value) ?? '');
}

/** The item at `index` of a sequence (SQ), or undefined when there is none. */
export function getItem(ds: DicomJson | undefined, tag: string, index = 0): DicomJson | undefined {
  const value = ds?.[tag]?.Value?.[index];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as DicomJson) : undefined;
}
