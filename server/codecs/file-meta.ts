import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import { encode, u32, uid } from './element-encoding';
import { IMPLEMENTATION_CLASS_UID } from './explicit-little-endian';

export interface FileMetaFields {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** Source Application Entity Title (0002,0016): the AE that sent the data set over DIMSE. */
  sourceAeTitle?: string;
}

const t = (keyword: keyof typeof Tag): number => tagNumber(Tag[keyword]);

/**
 * The 128-byte preamble (zeroed), `DICM` and the File Meta Information group (PS3.10 7.1) of a
 * file this archive writes: what a data set received without one (DIMSE C-STORE, a DICOMDIR)
 * needs in front of it to be a Part 10 file.
 */
export function fileMetaHeader(fields: FileMetaFields): Buffer {
  const ae = fields.sourceAeTitle?.trim();
  const meta = Buffer.concat([
    encode(t('FileMetaInformationVersion'), 'OB', Uint8Array.of(0, 1)),
    encode(t('MediaStorageSOPClassUID'), 'UI', uid(fields.sopClassUid)),
    encode(t('MediaStorageSOPInstanceUID'), 'UI', uid(fields.sopInstanceUid)),
    encode(t('TransferSyntaxUID'), 'UI', uid(fields.transferSyntaxUid)),
    encode(t('ImplementationClassUID'), 'UI', uid(IMPLEMENTATION_CLASS_UID)),
    ...(ae ? [encode(t('SourceApplicationEntityTitle'), 'AE', Buffer.from(ae, 'latin1'))] : []),
  ]);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    encode(t('FileMetaInformationGroupLength'), 'UL', u32(meta.length)),
    meta,
  ]);
}
