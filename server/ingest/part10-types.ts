/** What the Part 10 parser returns, where each value was left in the file, and its options. */
import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';

export interface Part10ParseOptions {
  /** Binary values (OB OD OF OL OV OW UN) longer than this become BulkDataURI; default 1024. */
  inlineBinaryMaxBytes?: number;
  /** Safety cap for one buffered non-bulk value; larger → Part10Error. Default 64 MiB. */
  maxHeaderValueBytes?: number;
}

export interface ParsedPart10 {
  /** The (0002,xxxx) file meta elements, without (0002,0000). */
  meta: DicomJson;
  /** From (0002,0010), trimmed. */
  transferSyntaxUid: string;
  /** The data set: no group 0002, no group lengths (gggg,0000); Data Set Trailing Padding (FFFC,FFFC) included as a binary value. */
  dataset: DicomJson;
  /** Every element whose value was left out of `dataset`, in file order. */
  bulk: BulkElement[];
  pixelData?: PixelDataLocation;
  /** Deflated Explicit VR LE: `offset`s are positions in the inflated data set, not in the file. */
  deflated?: true;
  /** Bytes consumed. */
  byteLength: number;
  /** Lenient-in notes (odd lengths, non-numeric DS, ...); never contain values. */
  warnings: string[];
}

export interface BulkElement {
  /** "7FE00010" at top level; nested "00540016/0/00281201" = tag/itemIndex/tag. */
  path: string;
  vr: string;
  /** Offset of the first value byte; for undefined-length encapsulated data, of the first item tag. */
  offset: number;
  /** Value length in bytes; for undefined length, up to and excluding the Sequence Delimitation Item. */
  length: number;
  /** The very object placed in `dataset` ({vr, BulkDataURI: path}); the caller rewrites BulkDataURI. */
  element: DicomJsonElement;
}

export interface PixelDataLocation {
  /** Tag.PixelData, Tag.FloatPixelData or Tag.DoubleFloatPixelData. */
  tag: string;
  vr: string;
  offset: number;
  length: number;
  encapsulated: boolean;
  /** Encapsulated only: the Basic Offset Table, [] when empty. */
  basicOffsetTable?: number[];
  /** Encapsulated only: each fragment's value bytes, the Basic Offset Table item excluded. */
  fragments?: Array<{ offset: number; length: number }>;
}
