/**
 * A look at a file before it is uploaded, with dicom-parser: is it DICOM Part 10 at all
 * (PS3.10 7.1: "DICM" after the 128-byte preamble), a DICOMDIR, and which SOP Instance UID it has.
 */
import { parseDicom } from 'dicom-parser';
import { dicomParserKey } from '../../../shared/dicom/tag-forms';
import { Tag } from '../../../shared/dicom/tags';

/** Media Storage Directory Storage (PS3.4 Annex F): a DICOMDIR, an index of files, not an instance. */
const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

export type Inspected = { kind: 'not-dicom' } | { kind: 'directory' } | { kind: 'instance'; sopInstanceUid: string | undefined };

/**
 * Looks at a file before sending it. A Part 10 file that dicom-parser cannot read (truncated,
 * deflated) is still sent: the archive is the judge, and says why it refuses it.
 */
export function inspectPart10(bytes: ArrayBuffer): Inspected {
  const view = new Uint8Array(bytes);
  if (view.length < 132 || String.fromCharCode(view[128]!, view[129]!, view[130]!, view[131]!) !== 'DICM') return { kind: 'not-dicom' };
  const sopInstanceUid = dicomParserKey(Tag.SOPInstanceUID);
  try {
    const dataSet = parseDicom(view, { untilTag: sopInstanceUid });
    if (dataSet.string(dicomParserKey(Tag.MediaStorageSOPClassUID))?.trim() === MEDIA_STORAGE_DIRECTORY) return { kind: 'directory' };
    return { kind: 'instance', sopInstanceUid: dataSet.string(sopInstanceUid)?.trim() || undefined };
  } catch {
    return { kind: 'instance', sopInstanceUid: undefined };
  }
}
