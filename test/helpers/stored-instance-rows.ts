import { collect } from '../../server/stored/byte-streams';
import { corpusEntry, corpusInstanceUrl } from './corpus';
import type { TestArchive } from './start-app';

/** What the compression-at-rest tests read of an archive: its index row for a corpus file, its instance objects, their bytes. */

export interface InstanceRow {
  blobKey: string;
  size: number;
  transferSyntax: string;
  originalTransferSyntax: string | null;
  originalSize: number | null;
}

export function rowOf(archive: TestArchive, file: string): InstanceRow | undefined {
  return archive.index.db
    .prepare(
      `SELECT blob_key AS blobKey, size, transfer_syntax AS transferSyntax, original_transfer_syntax AS originalTransferSyntax,
       original_size AS originalSize FROM instances WHERE sop_uid = ?`,
    )
    .get(corpusEntry(file).sopInstanceUID) as InstanceRow | undefined;
}

export async function instanceObjects(archive: TestArchive): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for await (const key of archive.blobStore.list('v1/instances/')) sizes.set(key, (await archive.blobStore.head(key)).size);
  return sizes;
}

export const storedBytes = async (archive: TestArchive, key: string) => collect(await archive.blobStore.get(key));
export const url = (archive: TestArchive, file: string) => corpusInstanceUrl(archive.dicomWeb, corpusEntry(file));
