import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { BlobStore } from '../storage/blob-store';
import { isKnownDigest } from '../storage/object-digest';
import type { BackupObject } from './backup-manifest';
import type { BackupLocation } from './backup-location';
import { checksumFile, checksumStream, HashingStream, type Checksum } from './checksum';
import type { LiveIndex, LiveInstance, SnapshotInstance } from './snapshot-index';

/** What became of the snapshot's instances whose objects were not where the snapshot said. */
export interface ObjectRaces {
  /** Deleted from the archive since the snapshot (or stored again in another series): dropped from the snapshot. */
  dropped: SnapshotInstance[];
  /** Object replaced since the snapshot (PACS_STORE_COMPRESSED): the new object and row are taken. */
  replaced: LiveInstance[];
  /** The live archive itself lacks the object its row names (`pacs check` reports it): kept as is, not in the manifest. */
  missing: SnapshotInstance[];
}

export interface ObjectTally {
  kept: number;
  linked: number;
  copied: number;
  /** Bytes read from the archive's storage (linked objects are read once for their checksum). */
  bytesRead: number;
}

/** An instance changed by the archive again and again while it is backed up is given up on after this many tries. */
const MAX_CHASES = 5;

/**
 * Copies the objects of a snapshot's instances into a backup location: kept when the location
 * already holds the key with the same size (objects are immutable and keys unique: incremental),
 * hard-linked from a local archive when the location allows it, otherwise streamed through a
 * SHA-256. An object gone since the snapshot is looked up in the live index (see ObjectRaces).
 */
export class ObjectBackup {
  readonly races: ObjectRaces = { dropped: [], replaced: [], missing: [] };
  readonly tally: ObjectTally = { kept: 0, linked: 0, copied: 0, bytesRead: 0 };
  readonly objects: BackupObject[] = [];
  /** Objects whose bytes differ from the digest recorded at ingest: backed up as they are, and reported (`pacs check --verify`). */
  readonly damaged: SnapshotInstance[] = [];

  constructor(
    private readonly deps: {
      source: BlobStore;
      /** The folder of a local archive's objects (`<dataDir>/objects`, create-blob-store.ts), for hard links. */
      sourceDir: string | undefined;
      location: BackupLocation;
      live: LiveIndex;
      /** Keys the location holds already, with their sizes. */
      existing: ReadonlyMap<string, number>;
      /** Checksums of the previous manifest, so kept objects are not read again. */
      previous: ReadonlyMap<string, BackupObject>;
    },
  ) {}

  /** Backs up the object of one instance; resolves with the bytes now in the backup for it (0 when dropped or missing). */
  async backUp(instance: SnapshotInstance): Promise<number> {
    let wanted: SnapshotInstance = instance;
    for (let chase = 0; chase < MAX_CHASES; chase++) {
      const done = await this.backUpObject(wanted.blobKey, wanted.size).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'BLOB_NOT_FOUND') return undefined;
        throw error;
      });
      if (done !== undefined) {
        if (wanted !== instance) this.races.replaced.push(wanted as LiveInstance);
        if (done.digest !== undefined && wanted.digest !== null && isKnownDigest(wanted.digest) && done.digest !== wanted.digest) {
          this.damaged.push(wanted);
        }
        this.objects.push({ key: wanted.blobKey, size: done.size, sha256: done.sha256 });
        return done.size;
      }
      const now = this.deps.live.instance(instance.sopUid);
      if (now === undefined || now.seriesUid !== instance.seriesUid || now.studyUid !== instance.studyUid) {
        this.races.dropped.push(instance);
        return 0;
      }
      if (now.blobKey === wanted.blobKey) {
        this.races.missing.push(instance);
        return 0;
      }
      wanted = now;
    }
    throw new AppError(
      'CONFLICT',
      `The instance ${instance.sopUid} changed ${MAX_CHASES} times while it was backed up; run the backup again.`,
    );
  }

  private async backUpObject(key: string, size: number): Promise<Checksum | undefined> {
    const { location, existing, previous, source, sourceDir } = this.deps;
    if (existing.get(key) === size) {
      this.tally.kept++;
      const before = previous.get(key);
      if (before !== undefined && before.size === size) return { sha256: before.sha256, size };
      return checksumStream(await location.readObject(key));
    }
    if (sourceDir !== undefined && location.linkObject !== undefined) {
      const file = path.join(sourceDir, key);
      if (await location.linkObject(key, file)) {
        this.tally.linked++;
        const checksum = await checksumFile(file).catch(async () => checksumStream(await location.readObject(key)));
        this.tally.bytesRead += checksum.size;
        return checkSize(key, checksum, size);
      }
    }
    const hashing = HashingStream.of(await source.get(key));
    await location.writeObject(key, hashing, size);
    this.tally.copied++;
    this.tally.bytesRead += hashing.bytes;
    return checkSize(key, hashing.checksum(), size);
  }
}

function checkSize(key: string, checksum: Checksum, size: number): Checksum {
  if (checksum.size !== size) {
    throw new AppError('STORAGE_FAILURE', `The stored object ${key} has ${checksum.size} bytes, not the ${size} its index row says.`);
  }
  return checksum;
}
