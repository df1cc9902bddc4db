import { describe, expect, it } from 'vitest';
import { DataSetError, decodeDataSet, encodeDataSet } from '../../server/dimse/data-set-codec';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';

const IDENTIFIER: DicomJson = {
  [Tag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] },
  [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: ['STUDY'] },
  [Tag.PatientName]: { vr: 'PN', Value: [{ Alphabetic: 'Nguyễn^Văn An' }] },
  [Tag.StudyInstanceUID]: { vr: 'UI' },
  [Tag.NumberOfStudyRelatedInstances]: { vr: 'IS' },
  [Tag.ProcedureCodeSequence]: { vr: 'SQ', Value: [{ [Tag.CodeValue]: { vr: 'SH', Value: ['CT-ABD'] } }] },
};

/** Identifiers and C-FIND matches both ways, in the two syntaxes query/retrieve contexts use. */
describe('DIMSE data set codec', () => {
  for (const [name, syntax] of [
    ['Implicit', '1.2.840.10008.1.2'],
    ['Explicit', '1.2.840.10008.1.2.1'],
  ] as const) {
    it(`reads back what it writes in ${name} VR Little Endian: UTF-8 names, empty keys, sequences`, () => {
      const bytes = encodeDataSet(IDENTIFIER, syntax);
      // The name is in UTF-8 on the wire.
      expect(bytes.includes(Buffer.from('Nguyễn^Văn An', 'utf8'))).toBe(true);
      // An empty IS is a zero-length value, not the text "undefined".
      expect(bytes.includes(Buffer.from('undefined'))).toBe(false);
      expect(decodeDataSet(bytes, syntax)).toEqual(IDENTIFIER);
    });
  }

  it('refuses a data set cut inside an element with a DataSetError', () => {
    const bytes = encodeDataSet(IDENTIFIER, '1.2.840.10008.1.2.1');
    expect(() => decodeDataSet(bytes.subarray(0, bytes.length - 5), '1.2.840.10008.1.2.1')).toThrow(DataSetError);
  });
});
