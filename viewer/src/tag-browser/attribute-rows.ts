/**
 * The rows of the tag browser from an instance's DICOM JSON (PS3.18 F.2): one per attribute in
 * tag order, each value as plain text, sequences with their items (nested data sets).
 */
import type { DicomJson, DicomJsonElement } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import type { KeywordOf } from './keyword-dictionary';

export interface AttributeRow {
  /** 8 hex digits, as the JSON key */
  tag: string;
  /** `(gggg,eeee)` */
  label: string;
  keyword: string;
  vr: string;
  /** The value as text; for a sequence, its item count is shown by the panel instead. */
  value: ValueText;
  /** Items of a sequence (SQ), each a data set of its own. */
  items?: DicomJson[];
}

/** A value as the panel shows it: literal text, or a translatable description of a binary value. */
export type ValueText =
  | { kind: 'text'; text: string }
  | { kind: 'inline'; bytes: number }
  | { kind: 'bulk'; bytes?: number }
  | { kind: 'items'; count: number }
  | { kind: 'empty' };

export function attributeRows(dataset: DicomJson, keywordOf: KeywordOf): AttributeRow[] {
  return Object.keys(dataset)
    .sort()
    .map((tag) => {
      const element = dataset[tag]!;
      const row: AttributeRow = {
        tag,
        label: `(${tag.slice(0, 4)},${tag.slice(4)})`.toUpperCase(),
        keyword: keywordOf(tag.toUpperCase()),
        vr: element.vr,
        value: valueText(element, dataset, tag),
      };
      if (element.vr === 'SQ') row.items = (element.Value ?? []).filter(isDataset);
      return row;
    });
}

function isDataset(value: unknown): value is DicomJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function valueText(element: DicomJsonElement, dataset: DicomJson, tag: string): ValueText {
  if (element.vr === 'SQ') return { kind: 'items', count: element.Value?.length ?? 0 };
  if (element.InlineBinary !== undefined) return { kind: 'inline', bytes: base64Bytes(element.InlineBinary) };
  if (element.BulkDataURI !== undefined)
    return { kind: 'bulk', bytes: tag.toUpperCase() === Tag.PixelData ? nativePixelBytes(dataset) : undefined };
  const values = element.Value ?? [];
  if (values.length === 0) return { kind: 'empty' };
  return { kind: 'text', text: values.map((v) => (element.vr === 'PN' ? personNameText(v) : scalarText(v))).join('\\') };
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** PN as in its DICOM form, the component groups joined by `=` (Alphabetic=Ideographic=Phonetic), trailing empty ones left out. */
export function personNameText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!isDataset(value)) return '';
  const groups = [value.Alphabetic, value.Ideographic, value.Phonetic].map((g) => (typeof g === 'string' ? g : ''));
  while (groups.length > 1 && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

function base64Bytes(base64: string): number {
  const clean = base64.replace(/\s/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, (clean.length * 3) / 4 - padding);
}

const NATIVE_SYNTAXES = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

/** The size of native Pixel Data follows from the image attributes; compressed data has no known size in metadata. */
function nativePixelBytes(dataset: DicomJson): number | undefined {
  const syntax = dataset[Tag.TransferSyntaxUID]?.Value?.[0];
  if (typeof syntax !== 'string' || !NATIVE_SYNTAXES.has(syntax)) return undefined;
  const n = (tag: string) => Number(dataset[tag]?.Value?.[0] ?? NaN);
  const frames = dataset[Tag.NumberOfFrames] ? n(Tag.NumberOfFrames) : 1;
  const bits = n(Tag.BitsAllocated);
  const bytes = n(Tag.Rows) * n(Tag.Columns) * (n(Tag.SamplesPerPixel) || 1) * frames * (bits / 8);
  return Number.isFinite(bytes) && bytes > 0 && bits % 8 === 0 ? bytes : undefined;
}

/** Whether a row (or anything inside its items) contains the filter text in its tag, keyword or value. */
export function rowMatches(row: AttributeRow, needle: string, keywordOf: KeywordOf): boolean {
  if (needle === '') return true;
  const hex = row.tag.toLowerCase();
  const haystack = [
    row.label.toLowerCase(),
    hex,
    row.keyword.toLowerCase(),
    row.vr.toLowerCase(),
    row.value.kind === 'text' ? row.value.text.toLowerCase() : '',
  ];
  if (haystack.some((s) => s.includes(needle))) return true;
  return (row.items ?? []).some((item) => attributeRows(item, keywordOf).some((child) => rowMatches(child, needle, keywordOf)));
}

/** Filter text normalised: lower case, and `(0010,0010)`, `0010,0010` or `00100010` all find the tag. */
export function normaliseFilter(text: string): string {
  const trimmed = text.trim().toLowerCase();
  const tag = /^\(?([0-9a-f]{4}),?([0-9a-f]{4})\)?$/.exec(trimmed);
  return tag ? `${tag[1]}${tag[2]}` : trimmed;
}
