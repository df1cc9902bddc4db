import { createRequire } from 'node:module';
import { generateCtSeries } from '../../fixtures/generate-ct-series';

// dcmjs ships no type declarations: only reading, naturalizing and writing a Part 10 file are used.
interface DcmjsDict {
  dict: Record<string, unknown>;
  write(): ArrayBuffer;
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): DcmjsDict };
    DicomMetaDictionary: {
      naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown>;
      denaturalizeDataset(dataset: Record<string, unknown>): Record<string, unknown>;
    };
  };
};

export type Attributes = Record<string, unknown>;
export const pn = (name: string) => [{ Alphabetic: name }];

/**
 * One synthetic CT series (16×16, SpecificCharacterSet ISO_IR 192) with attributes set or
 * removed (`undefined`) through dcmjs, as a modality would have written them.
 */
export function syntheticSeries(
  slices: number,
  attributes: Attributes,
): { studyUid: string; seriesUid: string; sopUids: string[]; files: Buffer[] } {
  const generated = generateCtSeries({ slices, rows: 16, columns: 16, seed: 'qido-keys' });
  const studyUid = (attributes.StudyInstanceUID as string | undefined) ?? generated.studyUid;
  const files = generated.instances.map(({ bytes }) => {
    const file = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
    const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
    for (const [keyword, v] of Object.entries({ ...attributes, StudyInstanceUID: studyUid })) {
      if (v === undefined) delete dataset[keyword];
      else dataset[keyword] = v;
    }
    file.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
    return Buffer.from(file.write());
  });
  const seriesUid = (attributes.SeriesInstanceUID as string | undefined) ?? generated.seriesUid;
  return { studyUid, seriesUid, sopUids: generated.instances.map((i) => i.sopUid), files };
}
