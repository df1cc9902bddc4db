import type { DicomJson } from './dicom-json';
import { Tag } from './tags';

/** A coded concept (PS3.3 8.8, Code Sequence Macro): value, scheme, meaning. */
export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

/** The item of a code sequence (e.g. Concept Name Code Sequence) that holds `code`. */
export function codeItem(code: Code): DicomJson {
  return {
    [Tag.CodeValue]: { vr: 'SH', Value: [code.value] },
    [Tag.CodingSchemeDesignator]: { vr: 'SH', Value: [code.scheme] },
    [Tag.CodeMeaning]: { vr: 'LO', Value: [code.meaning] },
  };
}
