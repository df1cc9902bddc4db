import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { collect } from '../stored/byte-streams';
import { AppError } from '../../shared/errors';
import type { ArchiveIndex, IndexedInstance } from '../index/archive-index';
import { findStored } from '../stored/stored-instance';
import { inflatedTooLarge } from '../stored/transcoded-instance';
import type { BlobStore } from '../storage/blob-store';
import { deidentifyPart10 } from './deidentify/deidentify-part10';
import type { ShareView } from './share-view';

/**
 * A stored instance as an anonymized share receives it "as stored": de-identified element by
 * element; compressed pixel data is kept in its fragments (and so its transfer syntax), anything
 * else is written in Explicit VR Little Endian. Made in memory, one instance at a time.
 */
export async function anonymizedInstance(
  deps: { blobStore: BlobStore; index: ArchiveIndex },
  view: ShareView,
  instance: IndexedInstance,
): Promise<{ bytes: Buffer; transferSyntax: string }> {
  const located = findStored(deps.index, instance.studyUid, instance.seriesUid, instance.sopUid);
  const tooLarge = located && inflatedTooLarge(located);
  if (tooLarge) throw new AppError('NOT_ACCEPTABLE', `The instance cannot be de-identified: ${tooLarge}.`);
  const file = await collect(await deps.blobStore.get(instance.blobKey));
  const bytes = deidentifyPart10(
    { file, transferSyntax: instance.transferSyntax, sopClassUid: instance.sopClassUid, sopInstanceUid: instance.sopUid },
    view.deidContext(),
  );
  return {
    bytes,
    transferSyntax: transferSyntax(instance.transferSyntax)?.encapsulated ? instance.transferSyntax : EXPLICIT_VR_LITTLE_ENDIAN,
  };
}
