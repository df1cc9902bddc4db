import { LONG_LENGTH_VRS, UNDEFINED_LENGTH } from '../ingest/dicom-dictionary';

/**
 * A data set as explicit-little-endian.ts writes it, rewritten in Implicit VR Little Endian
 * (PS3.5 A.1), the one syntax every DICOM AE must accept: what a C-STORE SCU sends to a remote AE
 * that took nothing else. Each element keeps its tag and value and loses its VR (the receiver
 * takes it from the dictionary); sequences and items there have undefined length, so no length
 * changes and the rewrite is one pass over the bytes. Refuses (throws) what that writer does not
 * produce: a sequence or item of defined length with content, encapsulated Pixel Data.
 */
export function explicitToImplicitLittleEndian(dataSet: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let pos = 0; pos < dataSet.length;) {
    if (pos + 8 > dataSet.length) throw new Error('the data set ends inside an element header');
    const group = dataSet.readUInt16LE(pos);
    if (group === 0xfffe) {
      // Item and delimiters: the same 8-byte header in both syntaxes.
      const length = dataSet.readUInt32LE(pos + 4);
      const element = dataSet.readUInt16LE(pos + 2);
      if (element === 0xe000 && length !== UNDEFINED_LENGTH && length !== 0) throw new Error('an item of defined length');
      out.push(dataSet.subarray(pos, pos + 8));
      pos += 8;
      continue;
    }
    const vr = dataSet.toString('latin1', pos + 4, pos + 6);
    const long = LONG_LENGTH_VRS.has(vr);
    if (long && pos + 12 > dataSet.length) throw new Error('the data set ends inside an element header');
    const length = long ? dataSet.readUInt32LE(pos + 8) : dataSet.readUInt16LE(pos + 6);
    const valueStart = pos + (long ? 12 : 8);
    const header = Buffer.alloc(8);
    dataSet.copy(header, 0, pos, pos + 4);
    header.writeUInt32LE(length, 4);
    out.push(header);
    if (vr === 'SQ') {
      if (length !== UNDEFINED_LENGTH && length !== 0) throw new Error('a sequence of defined length');
      pos = valueStart;
      continue;
    }
    if (length === UNDEFINED_LENGTH) throw new Error('encapsulated pixel data has no Implicit VR Little Endian form');
    if (valueStart + length > dataSet.length) throw new Error('an element is longer than the data set');
    out.push(dataSet.subarray(valueStart, valueStart + length));
    pos = valueStart + length;
  }
  return Buffer.concat(out);
}
