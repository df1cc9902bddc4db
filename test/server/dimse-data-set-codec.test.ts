import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeDicomJson } from '../../server/codecs/dicom-json-element';
import { DataSetError, decodeDataSet, encodeDataSet } from '../../server/dimse/data-set-codec';
import { writeDataSet } from '../../server/dimse/data-set-writer';
import { Part10StreamParser } from '../../server/ingest/part10-parser';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';

const CORPUS = '/work/shared/dicom';
const SYNTAXES = [
  ['Implicit', '1.2.840.10008.1.2'],
  ['Explicit', '1.2.840.10008.1.2.1'],
] as const;

/**
 * A corpus file's data set as the index holds it, without what our writer leaves to dcmjs
 * (binary values, AT) and without empty values inside a list, which dcmjs writes as "null".
 */
function corpusDataSet(file: string): DicomJson {
  const parser = new Part10StreamParser({ inlineBinaryMaxBytes: 64 * 1024 });
  parser.write(fs.readFileSync(path.join(CORPUS, file)));
  return written(parser.end().dataset);
}

function collectVrs(dataSet: DicomJson, vrs: Set<string>): void {
  for (const element of Object.values(dataSet)) {
    vrs.add(element.vr);
    if (element.vr === 'SQ') for (const item of (element.Value ?? []) as DicomJson[]) collectVrs(item, vrs);
  }
}

function written(dataSet: DicomJson): DicomJson {
  const out: DicomJson = {};
  for (const [tag, element] of Object.entries(dataSet)) {
    if (element.InlineBinary !== undefined || element.BulkDataURI !== undefined || element.vr === 'AT') continue;
    if (element.vr !== 'SQ' && element.Value?.includes(null)) continue;
    out[tag] = element.vr === 'SQ' ? { vr: 'SQ', Value: ((element.Value ?? []) as DicomJson[]).map(written) } : element;
  }
  return out;
}

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
  for (const [name, syntax] of SYNTAXES) {
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

  it("writes C-FIND matches byte for byte as dcmjs does: the corpus' data sets, sequences, character sets", () => {
    const files = [
      'series/ct-abdomen-philips-tcia/1-036.dcm',
      'series/mr-ge-750-fmri-150-instances/axial_epi_fmri_interleaved_i_to_s-00001.dcm',
      'charsets/iso-ir-192-utf8-mr.dcm',
      'charsets/iso-2022-ir-58-gb2312.dcm',
      'non-image/sr-comprehensive-tid1500.dcm',
      'non-image/rtstruct.dcm',
      'other-modalities/nm-nema-nm1.dcm',
    ];
    const vrs = new Set<string>();
    for (const file of files) {
      const dataSet = corpusDataSet(file);
      collectVrs(dataSet, vrs);
      for (const [, syntax] of SYNTAXES) {
        const ours = writeDataSet(dataSet, syntax);
        expect(ours, file).toBeDefined();
        expect(ours!.equals(encodeDicomJson(dataSet, syntax)), `${file} in ${syntax}`).toBe(true);
      }
    }
    // The VRs of the corpus' attributes went through our writer, not around it.
    for (const vr of ['AS', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'PN', 'SH', 'SQ', 'SS', 'ST', 'TM', 'UI', 'UL', 'US'])
      expect([...vrs].sort().join(' '), vr).toContain(vr);
  });

  it('writes the values dcmjs shapes itself as it does: three-part names, long decimals, numbers, empty values', () => {
    const dataSet: DicomJson = {
      [Tag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] },
      [Tag.PatientName]: { vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }] },
      [Tag.ReferringPhysicianName]: { vr: 'PN', Value: [{ Alphabetic: 'Lê^Văn' }, { Alphabetic: 'Trần' }] },
      [Tag.NameOfPhysiciansReadingStudy]: { vr: 'PN', Value: [{ Alphabetic: '', Ideographic: '陳' }] },
      [Tag.PixelSpacing]: { vr: 'DS', Value: [0.1 + 0.2, -1 / 3] },
      [Tag.ImagePositionPatient]: { vr: 'DS', Value: [1e-7, -123456789012345.6, 5] },
      [Tag.InstanceNumber]: { vr: 'IS', Value: [12] },
      [Tag.NumberOfStudyRelatedInstances]: { vr: 'IS' },
      [Tag.Rows]: { vr: 'US', Value: [512] },
      '00280106': { vr: 'SS', Value: [-1024] },
      [Tag.FileMetaInformationGroupLength]: { vr: 'UL', Value: [4294967295] },
      [Tag.StudyInstanceUID]: { vr: 'UI', Value: ['1.2.3'] },
      [Tag.ModalitiesInStudy]: { vr: 'CS', Value: ['CT', 'PT'] },
      [Tag.StudyDescription]: { vr: 'LO', Value: ['Siêu âm'] },
      [Tag.RetrieveURL]: { vr: 'UR', Value: ['http://pacs/dicom-web/studies/1.2.3'] },
      [Tag.StudyDate]: { vr: 'DA' },
      [Tag.ProcedureCodeSequence]: { vr: 'SQ', Value: [{}, { [Tag.CodeValue]: { vr: 'SH', Value: ['A'] } }] },
      [Tag.IssuerOfAccessionNumberSequence]: { vr: 'SQ' },
    };
    for (const [, syntax] of SYNTAXES) {
      const ours = writeDataSet(dataSet, syntax);
      expect(ours?.toString('latin1')).toBe(encodeDicomJson(dataSet, syntax).toString('latin1'));
    }
  });

  it('writes an empty value inside a list empty, where dcmjs writes "null"', () => {
    const dataSet: DicomJson = { [Tag.OtherPatientIDs]: { vr: 'LO', Value: ['10000', null, 'NO'] } };
    for (const [, syntax] of SYNTAXES) {
      expect(writeDataSet(dataSet, syntax)!.includes(Buffer.from('10000\\\\NO'))).toBe(true);
      expect(decodeDataSet(writeDataSet(dataSet, syntax)!, syntax)).toEqual(dataSet);
    }
  });

  it('leaves to dcmjs what it does not write itself: binary values, AT, a value too long for a 16-bit length', () => {
    const cases: DicomJson[] = [
      { [Tag.PatientID]: { vr: 'LO', Value: ['1'] }, '00091010': { vr: 'OB', InlineBinary: 'AAEC' } },
      { [Tag.PatientID]: { vr: 'LO', Value: ['1'] }, '00209165': { vr: 'AT', Value: ['00100020'] } },
      { [Tag.StudyDescription]: { vr: 'LO', Value: ['x'.repeat(70_000)] } },
    ];
    for (const dataSet of cases) {
      expect(writeDataSet(dataSet, '1.2.840.10008.1.2.1')).toBeUndefined();
      expect(encodeDataSet(dataSet, '1.2.840.10008.1.2.1').equals(encodeDicomJson(dataSet, '1.2.840.10008.1.2.1'))).toBe(true);
    }
  });
});
