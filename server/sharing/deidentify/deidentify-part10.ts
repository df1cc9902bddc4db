import { tagNumber } from '../../../shared/dicom/tag-forms';
import { Tag } from '../../../shared/dicom/tags';
import { itemHeader } from '../../codecs/element-encoding';
import {
  IMPLEMENTATION_CLASS_UID,
  encode,
  toExplicitVrLittleEndian,
  type ElementFilter,
  type ReplacedElement,
} from '../../codecs/explicit-little-endian';
import { tagHex } from '../../ingest/dicom-dictionary';
import {
  DEIDENTIFICATION_METHOD,
  DEIDENTIFICATION_METHOD_CODE_SEQUENCE,
  METHOD_CODE,
  METHOD_TEXT,
  PATIENT_ID,
  PATIENT_IDENTITY_REMOVED,
  PATIENT_NAME,
  dummyBinaryLength,
  dummyPatientName,
  dummyString,
  effectiveVr,
  patientIdPseudonym,
  profileAction,
} from './basic-profile';
import type { DeidContext } from './deidentify-json';

/**
 * De-identification of a stored Part 10 object for anonymized shares: the same Basic Profile
 * decisions as the DICOM JSON path (so UIDs match what the recipient saw in QIDO and metadata),
 * applied element by element while the object is re-encoded in Explicit VR Little Endian
 * (server/codecs/explicit-little-endian.ts), inside sequences too. Pixel Data is never changed.
 *
 * The File Meta Information is rebuilt as PS3.15 E.1.1 item 7 asks: version, SOP Class, the
 * replacement Media Storage SOP Instance UID, the transfer syntax and this archive's
 * Implementation Class UID; the source's implementation name, AE titles and private meta
 * information are dropped, and the preamble is zeros.
 *
 * `replace` (from transcoding) supplies decoded Pixel Data and the Image Pixel attributes that
 * decoding changes. Without a Pixel Data replacement, encapsulated Pixel Data is copied as stored
 * and the result keeps the stored transfer syntax (a de-identified "as stored" retrieval);
 * everything else comes out in Explicit VR Little Endian.
 */
export interface DeidentifyPart10Input {
  file: Uint8Array;
  transferSyntax: string;
  sopClassUid: string;
  sopInstanceUid: string;
  replace?: ReadonlyMap<number, ReplacedElement>;
}

export function deidentifyPart10(input: DeidentifyPart10Input, ctx: DeidContext): Buffer {
  const replace = new Map(input.replace ?? []);
  for (const [tag, element] of deidentificationElements()) replace.set(tag, element);
  return toExplicitVrLittleEndian({
    file: input.file,
    transferSyntax: input.transferSyntax,
    sopClassUid: input.sopClassUid,
    sopInstanceUid: input.sopInstanceUid,
    replace,
    filter: profileFilter(ctx, input.sopInstanceUid),
    keepEncapsulated: true,
  });
}

/**
 * The element filter that applies the Basic Profile (also usable on its own with the re-encoder).
 * The Media Storage SOP Instance UID becomes the replacement of the data set's own SOP Instance
 * UID, so the two agree even where the stored file meta disagreed.
 */
export function profileFilter(ctx: DeidContext, sopInstanceUid: string): ElementFilter {
  return (_path, tag, vr, value, empty) => {
    if (tag >>> 16 === 0x0002) return metaVerdict(tag, ctx, sopInstanceUid);
    if (tag === PATIENT_NAME) return ascii(dummyPatientName(ctx.label));
    if (tag === PATIENT_ID) {
      const id = text(value);
      return id === '' ? EMPTY : ascii(patientIdPseudonym(ctx.secret, id));
    }
    switch (profileAction(tag, empty || (vr !== 'SQ' && isBlank(value)))) {
      case 'keep':
        return 'keep';
      case 'remove':
        return 'remove';
      case 'empty':
        return EMPTY;
      case 'uid':
        return replaceUids(tag, vr, value, ctx);
      case 'dummy':
        return dummy(tag, vr, value, ctx);
    }
  };
}

/** File Meta (PS3.10 7.1) of a de-identified object: only what identifies no one. */
function metaVerdict(tag: number, ctx: DeidContext, sopInstanceUid: string): 'keep' | 'remove' | Uint8Array {
  switch (tagHex(tag)) {
    case Tag.FileMetaInformationVersion:
    case Tag.MediaStorageSOPClassUID:
      return 'keep';
    case Tag.MediaStorageSOPInstanceUID:
      return ascii(ctx.uids.replace(sopInstanceUid));
    case Tag.ImplementationClassUID:
      return ascii(IMPLEMENTATION_CLASS_UID);
    default:
      return 'remove';
  }
}

function replaceUids(tag: number, vr: string, value: Uint8Array, ctx: DeidContext): Uint8Array {
  if (effectiveVr(tag, vr) !== 'UI') return dummy(tag, vr, value, ctx);
  const uids = text(value)
    .split('\\')
    .map((uid) => uid.trim());
  return ascii(uids.map((uid) => (uid === '' ? '' : ctx.uids.replace(uid))).join('\\'));
}

function dummy(tag: number, vr: string, value: Uint8Array, ctx: DeidContext): Uint8Array {
  const dictionaryVr = effectiveVr(tag, vr);
  if (vr === 'SQ') return ONE_EMPTY_ITEM;
  if (dictionaryVr === 'UI') return replaceUids(tag, 'UI', value, ctx);
  const dummyText = dummyString(dictionaryVr);
  return dummyText !== undefined ? ascii(dummyText) : new Uint8Array(dummyBinaryLength(dictionaryVr));
}

/** (0012,0062) YES, (0012,0063) and (0012,0064), encoded for the re-encoder's `replace`. */
function deidentificationElements(): Array<[number, ReplacedElement]> {
  const codeItem = Buffer.concat([
    encode(tagNumber(Tag.CodeValue), 'SH', ascii(METHOD_CODE.value)),
    encode(tagNumber(Tag.CodingSchemeDesignator), 'SH', ascii(METHOD_CODE.scheme)),
    encode(tagNumber(Tag.CodeMeaning), 'LO', ascii(METHOD_CODE.meaning)),
  ]);
  return [
    [PATIENT_IDENTITY_REMOVED, { vr: 'CS', value: ascii('YES') }],
    [DEIDENTIFICATION_METHOD, { vr: 'LO', value: ascii(METHOD_TEXT.join('\\')) }],
    [DEIDENTIFICATION_METHOD_CODE_SEQUENCE, { vr: 'SQ', value: Buffer.concat([itemHeader(codeItem.length), codeItem]) }],
  ];
}

const EMPTY = new Uint8Array(0);
/** A sequence value of one empty item (defined length 0): the dummy for a D sequence. */
const ONE_EMPTY_ITEM = itemHeader(0);

/** The value as text without padding (trailing NUL or space, leading space). */
function text(value: Uint8Array): string {
  let start = 0;
  let end = value.length;
  while (end > start && (value[end - 1] === 0 || value[end - 1] === 0x20)) end--;
  while (start < end && value[start] === 0x20) start++;
  return Buffer.from(value.buffer, value.byteOffset + start, end - start).toString('latin1');
}

/** Only padding: an empty value for the Z/D choice. Stops at the first other byte. */
function isBlank(value: Uint8Array): boolean {
  for (const byte of value) if (byte !== 0 && byte !== 0x20) return false;
  return true;
}

function ascii(value: string): Buffer {
  return Buffer.from(value, 'latin1');
}
