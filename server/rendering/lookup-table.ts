import type { DicomJsonElement } from '../../shared/dicom/dicom-json';

/**
 * LUTs as PS3.3 describes them (C.11.1.1 Modality LUT, C.11.2.1.1 VOI LUT, C.7.6.3.1.5 Palette
 * Color LUT): a descriptor `entries\firstMapped\bits` and data words. Data may be a Value list
 * (VR US/SS), InlineBinary or a BulkDataURI in our DICOM JSON; `BinaryReader` fetches the bytes.
 */
export type BinaryReader = (element: DicomJsonElement) => Promise<Uint8Array>;

export interface LookupTable {
  /** First input value mapped to entry 0; inputs below use entry 0, above the last entry. */
  firstMapped: number;
  entries: Float64Array;
  /** Bits per entry from the descriptor. */
  bits: number;
}

/**
 * Parses a descriptor and its data. `firstMappedSigned`: the second descriptor value is SS when
 * the pixel data are signed (C.11.1.1.1). An entry count of 0 means 65536.
 */
export async function readLookupTable(
  descriptor: DicomJsonElement | undefined,
  data: DicomJsonElement | undefined,
  read: BinaryReader,
  firstMappedSigned: boolean,
): Promise<LookupTable | undefined> {
  const values = await descriptorValues(descriptor, read);
  if (!values || !data) return undefined;
  const [count = 0, first = 0, bits = 16] = values;
  const size = count === 0 ? 65536 : count;
  const firstMapped = firstMappedSigned && first >= 0x8000 ? first - 0x10000 : first;
  const words = await dataWords(data, read, size);
  if (!words || words.length === 0) return undefined;
  return { firstMapped, entries: Float64Array.from({ length: Math.min(size, words.length) }, (_, i) => words[i]!), bits };
}

/** The entry for an input value, clamped to the table's ends. */
export function lookUp(lut: LookupTable, value: number): number {
  const last = lut.entries.length - 1;
  const i = Math.round(value) - lut.firstMapped;
  return lut.entries[i <= 0 ? 0 : i >= last ? last : i]!;
}

async function descriptorValues(element: DicomJsonElement | undefined, read: BinaryReader): Promise<number[] | undefined> {
  if (!element) return undefined;
  if (element.Value) return element.Value.map(Number);
  if (element.InlineBinary === undefined && element.BulkDataURI === undefined) return undefined;
  const bytes = await read(element);
  return Array.from({ length: Math.floor(bytes.length / 2) }, (_, i) => bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
}

/** 16-bit little endian words, or one byte per entry when the data hold exactly `size` bytes (8-bit LUTs packed, C.7.6.3.1.6). */
async function dataWords(element: DicomJsonElement, read: BinaryReader, size: number): Promise<ArrayLike<number> | undefined> {
  if (element.Value) return element.Value.map(Number);
  if (element.InlineBinary === undefined && element.BulkDataURI === undefined) return undefined;
  const bytes = await read(element);
  if (bytes.length === size) return bytes;
  const words = new Uint16Array(Math.floor(bytes.length / 2));
  for (let i = 0; i < words.length; i++) words[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return words;
}
