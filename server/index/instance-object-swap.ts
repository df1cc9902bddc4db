import { Tag } from '../../shared/dicom/tags';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import type { IndexDb } from './index-db';
import { PendingObjects } from './pending-objects';
import type { StoredBulk } from './stored-bulk';

/** An instance as the re-store at rest looks at it before deciding to compress it. */
export interface RestoreCandidate {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  blobKey: string;
  size: number;
  transferSyntax: string;
  /** Lossy Image Compression (0028,2110) as stored, trimmed; undefined when absent. */
  lossyImageCompression: string | undefined;
  /** Set once the instance has been re-stored. */
  originalTransferSyntax: string | null;
}

/** The row of an instance whose object was re-written in another encoding: everything the index holds that depends on it. */
export interface ObjectSwap {
  sopUid: string;
  /** The object the row must still point at; otherwise the instance was deleted or stored again meanwhile and nothing changes. */
  expectedBlobKey: string;
  blobKey: string;
  size: number;
  transferSyntax: string;
  /** The data set as DICOM JSON of the new object, BulkDataURIs set. */
  dataset: DicomJson;
  bulk: StoredBulk;
  original: { transferSyntax: string; size: number; sha256: string };
  /** The new object's digest (object-digest.ts), or undefined without PACS_INGEST_DIGEST. */
  digest?: string | undefined;
}

/**
 * The index side of PACS_STORE_COMPRESSED (server/stored/compressed-at-rest.ts): the instance
 * before it is re-stored, and the swap of its object in one short `BEGIN IMMEDIATE` transaction.
 */
export class InstanceObjectSwap {
  private readonly q;
  /** The new object is recorded before it is written; the swap forgets it and records the replaced one (pending-objects.ts). */
  readonly pending: PendingObjects;

  constructor(private readonly db: IndexDb) {
    this.pending = new PendingObjects(db);
    this.q = {
      candidate: db.prepare(`SELECT st.study_uid AS studyUid, se.series_uid AS seriesUid, i.sop_uid AS sopUid, i.blob_key AS blobKey,
        i.size AS size, i.transfer_syntax AS transferSyntax, i.original_transfer_syntax AS originalTransferSyntax,
        json_extract(i.json, '$."${Tag.LossyImageCompression}".Value[0]') AS lossyImageCompression
        FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk WHERE i.sop_uid = ?`),
      swap: db.prepare(`UPDATE instances SET blob_key = @blobKey, size = @size, transfer_syntax = @transferSyntax, bulk = @bulk,
        json = @json, original_transfer_syntax = @originalTransferSyntax, original_size = @originalSize, original_sha256 = @originalSha256,
        digest = @digest WHERE sop_uid = @sopUid AND blob_key = @expectedBlobKey`),
      // The study's version (study-version.ts) is the metadata's validator: the JSON changed (Pixel Data's VR at least).
      touchStudy: db.prepare(`UPDATE studies SET updated_at = max(updated_at + 1, @now)
        WHERE pk = (SELECT se.study_pk FROM instances i JOIN series se ON se.pk = i.series_pk WHERE i.sop_uid = @sopUid)`),
    };
  }

  candidate(sopUid: string): RestoreCandidate | undefined {
    const row = this.q.candidate.get(sopUid) as
      (Omit<RestoreCandidate, 'lossyImageCompression'> & { lossyImageCompression: unknown }) | undefined;
    if (!row) return undefined;
    const lossy = typeof row.lossyImageCompression === 'string' ? row.lossyImageCompression.trim() : undefined;
    return { ...row, lossyImageCompression: lossy };
  }

  /**
   * Points the instance's row at its new object, if it still points at `expectedBlobKey`; true
   * when it did. Comparing the key closes the races with a concurrent DELETE (no row: nothing is
   * resurrected) and with a delete followed by a new STOW of the same SOP Instance UID (another
   * key: the newer instance is kept). On success the new object is no longer pending and the
   * replaced one is, in the same transaction: its delete is due (compressed-at-rest.ts).
   */
  swap(change: ObjectSwap): boolean {
    return this.db
      .transaction(() => {
        const updated = this.q.swap.run({
          sopUid: change.sopUid,
          expectedBlobKey: change.expectedBlobKey,
          blobKey: change.blobKey,
          size: change.size,
          transferSyntax: change.transferSyntax,
          bulk: JSON.stringify(change.bulk),
          json: JSON.stringify(change.dataset),
          originalTransferSyntax: change.original.transferSyntax,
          originalSize: change.original.size,
          originalSha256: change.original.sha256,
          digest: change.digest ?? null,
        });
        if (updated.changes === 0) return false;
        this.q.touchStudy.run({ sopUid: change.sopUid, now: Date.now() });
        this.pending.forget([change.blobKey]);
        this.pending.record([change.expectedBlobKey]);
        return true;
      })
      .immediate();
  }
}
