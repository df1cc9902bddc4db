/**
 * Media types as DICOMweb uses them (PS3.18 8.7 Media Types) and the HTTP grammar for them
 * (RFC 9110 8.3.1 media-type, 5.6.6 parameters, 12.5.1 Accept).
 * Lenient in: spaces around `;` and `=`, and any visible character in unquoted values, because
 * PS3.18's own old examples and OHIF send `multipart/related; type=application/octet-stream` and
 * some clients send unquoted boundaries with `=` or `:` in them.
 * Strict out: `formatMediaType` quotes every value that is not an RFC 9110 token.
 */

/** DICOM Part 10 files. */
export const DICOM = 'application/dicom';
/** DICOM JSON (PS3.18 F.2): metadata and QIDO-RS results. */
export const DICOM_JSON = 'application/dicom+json';
/** Plain JSON; many clients ask for it where they mean DICOM JSON. */
export const PLAIN_JSON = 'application/json';
export const MULTIPART_RELATED = 'multipart/related';
/** Uncompressed bulk data and frames. */
export const OCTET_STREAM = 'application/octet-stream';

export interface MediaType {
  /** `type/subtype`, lower case. */
  type: string;
  /** Parameter names in lower case; values as sent, quoted strings unquoted. */
  params: Record<string, string>;
}

export interface MediaRange extends MediaType {
  /** The `q` weight, 0..1 (1 when absent); not repeated in `params`. */
  q: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TOKEN_AT = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
// Any visible character but the separators `"` `,` `;` `\`: a superset of token.
const LENIENT_VALUE = /[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+/y;
const TYPE_SUBTYPE = /[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const OWS = /[ \t]*/y;
const QVALUE = /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/;

/** Parses one media type; `undefined` for anything that is not exactly one well-formed media type. */
export function parseMediaType(header: string): MediaType | undefined {
  const parsed = parseAt(header, skipOws(header, 0), false);
  if (!parsed || skipOws(header, parsed.end) !== header.length) return undefined;
  return { type: parsed.type, params: parsed.params };
}

/** `type; name=value; …`, each value a token or a quoted string. */
export function formatMediaType(type: string, params: Record<string, string> = {}): string {
  let out = type;
  for (const [name, value] of Object.entries(params)) {
    out += `; ${name}=${TOKEN.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`}`;
  }
  return out;
}

/**
 * The media ranges of an Accept header, highest `q` first (ties keep the client's order).
 * Malformed elements are skipped rather than failing the whole header; an element with q=0
 * is kept, as it says "not acceptable" and the caller may need that.
 */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  let pos = 0;
  while (pos < header.length) {
    pos = skipOws(header, pos);
    if (header[pos] === ',') {
      pos++;
      continue;
    }
    const parsed = parseAt(header, pos, true);
    const end = skipOws(header, parsed?.end ?? pos);
    if (parsed && (end === header.length || header[end] === ',')) {
      const range = toRange(parsed);
      if (range) ranges.push(range);
      pos = end;
    } else {
      pos = skipElement(header, pos);
    }
  }
  // Array.prototype.sort is stable (ES2019), so equal weights keep the client's order.
  return ranges.sort((a, b) => b.q - a.q);
}

function toRange({ type, params }: MediaType): MediaRange | undefined {
  const { q, ...rest } = params;
  if (q === undefined) return { type, params: nullProto(rest), q: 1 };
  return QVALUE.test(q) ? { type, params: nullProto(rest), q: Number(q) } : undefined;
}

function parseAt(s: string, start: number, inList: boolean): (MediaType & { end: number }) | undefined {
  const type = matchAt(TYPE_SUBTYPE, s, start);
  if (!type) return undefined;
  const params: Record<string, string> = Object.create(null);
  let pos = start + type.length;
  for (;;) {
    const next = skipOws(s, pos);
    if (s[next] !== ';') return { type: type.toLowerCase(), params, end: pos };
    pos = skipOws(s, next + 1);
    if (pos === s.length || s[pos] === ';' || (inList && s[pos] === ',')) continue; // empty parameter
    const name = matchAt(TOKEN_AT, s, pos);
    if (!name) return undefined;
    pos = skipOws(s, pos + name.length);
    if (s[pos] !== '=') return undefined;
    pos = skipOws(s, pos + 1);
    const value = s[pos] === '"' ? quotedString(s, pos) : unquotedValue(s, pos);
    const key = name.toLowerCase();
    if (!value || key in params) return undefined;
    params[key] = value.value;
    pos = value.end;
  }
}

function quotedString(s: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return { value, end: i + 1 };
    if (c === 0x5c) i++; // quoted-pair: take the next character as is
    const taken = s.charCodeAt(i);
    if (i >= s.length || (taken < 0x20 && taken !== 0x09) || taken === 0x7f) return undefined;
    value += s[i];
  }
  return undefined;
}

function unquotedValue(s: string, start: number): { value: string; end: number } | undefined {
  const value = matchAt(LENIENT_VALUE, s, start);
  return value === undefined ? undefined : { value, end: start + value.length };
}

/** The match of a sticky regular expression at `start`. */
function matchAt(sticky: RegExp, s: string, start: number): string | undefined {
  sticky.lastIndex = start;
  return sticky.exec(s)?.[0];
}

function skipOws(s: string, start: number): number {
  OWS.lastIndex = start;
  OWS.exec(s);
  return OWS.lastIndex;
}

/** Index of the comma ending the list element at `start` (or the end), skipping quoted strings. */
function skipElement(s: string, start: number): number {
  let quoted = false;
  for (let i = start; i < s.length; i++) {
    if (quoted && s[i] === '\\') i++;
    else if (s[i] === '"') quoted = !quoted;
    else if (!quoted && s[i] === ',') return i;
  }
  return s.length;
}

function nullProto(params: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, params);
}

/**
 * The parts' media type and transfer syntax asked for by a `multipart/related` Accept range.
 * Clients put the transfer syntax either beside `type` or inside the quoted type
 * (`type="application/dicom; transfer-syntax=…"`); both are read here.
 */
export function multipartPartsOf(range: MediaType): { type: string | undefined; transferSyntax: string | undefined } {
  const [inner, ...innerParams] = (range.params.type ?? '').split(';');
  const innerSyntax = innerParams.join(';').match(/transfer-syntax\s*=\s*"?([0-9.*]+)"?/i)?.[1];
  return { type: inner?.trim().toLowerCase() || undefined, transferSyntax: range.params['transfer-syntax'] ?? innerSyntax };
}
