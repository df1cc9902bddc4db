import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { lazyRequire } from '../lazy-require';

/**
 * A data set the archive writes itself (an opinion SR, a key object selection…) as a Part 10
 * file in Explicit VR Little Endian, through dcmjs's DicomDict (data set + file meta → bytes).
 */

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** The archive's Implementation Class UID (PS3.10 7.1), the one server/codecs/explicit-little-endian.ts writes. */
const IMPLEMENTATION_CLASS_UID = '2.25.197307452463411419331296306282924185927';

// dcmjs ships no type declarations: only DicomDict is used here.
interface DcmjsDicomDict {
  dict: DicomJson;
  write(): ArrayBuffer;
}
const dcmjs = lazyRequire<{ data: { DicomDict: new (meta: DicomJson) => DcmjsDicomDict } }>('dcmjs');

export function writePart10(dataset: DicomJson, sopClassUid: string, sopInstanceUid: string): Buffer {
  const file = new (dcmjs().data.DicomDict)({
    [Tag.FileMetaInformationVersion]: { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    [Tag.MediaStorageSOPClassUID]: { vr: 'UI', Value: [sopClassUid] },
    [Tag.MediaStorageSOPInstanceUID]: { vr: 'UI', Value: [sopInstanceUid] },
    [Tag.TransferSyntaxUID]: { vr: 'UI', Value: [EXPLICIT_VR_LITTLE_ENDIAN] },
    [Tag.ImplementationClassUID]: { vr: 'UI', Value: [IMPLEMENTATION_CLASS_UID] },
  });
  file.dict = dataset;
  return Buffer.from(file.write());
}
