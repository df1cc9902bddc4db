import { PassThrough } from 'node:stream';
import { getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { isValidUid } from '../../shared/dicom/uid';
import { instancePath } from '../../shared/dicomweb/paths';
import { FailureReason, type StowInstanceOutcome } from '../../shared/dicomweb/stow-outcome';
import type { IndexWriter } from '../index/index-writer';
import type { BlobStore } from '../storage/blob-store';
import { newInstanceKey } from '../storage/object-keys';
import { blobsEqual } from '../storage/blobs-equal';
import { blobSha256 } from '../storage/blob-digest';
import { ObjectDigest } from '../storage/object-digest';
import type { StoredBulk } from '../index/stored-bulk';
import { Part10Error, Part10StreamParser, type ParsedPart10 } from './part10-parser';
import { BULK_BASE_MARKER } from './bulk-data-uri';
import { DISK_FULL_COMMENT, isDiskFull } from '../ops/disk-full';

/** An instance whose bytes have all been received; `complete` waits for storage, then indexes. */
export interface ReceivedInstance {
  size: number;
  complete: () => Promise<StowInstanceOutcome>;
}

/** A new instance, as background work told of it by `onIndexed` needs it. */
export interface IndexedNotice {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  modality: string;
  /**
   * Who stored it: the account's username for STOW-RS (password or API token), ARCHIVE_SOURCE for
   * what the archive writes itself (report, opinion, key image and measurement SRs). A plain
   * string so that a DIMSE calling AE title can be one too. The routing rules match on it.
   */
  source: string;
}

/** The source of the instances the archive makes itself. */
export const ARCHIVE_SOURCE = 'pacs';

/**
 * What the sender announced: a retrieval from a peer (server/exchange/fetch-worker.ts) its study
 * and only these instances; a DIMSE C-STORE the command's Affected SOP Instance UID.
 */
export interface ExpectedInstances {
  studyUid?: string;
  sopUids: ReadonlySet<string>;
}

export interface IngestDeps {
  blobStore: BlobStore;
  indexWriter: IndexWriter;
  log: (message: string, error?: unknown) => void;
  /** Told of each new instance once its index rows are durable (background work such as PACS_DERIVE_AT_INGEST); must not throw or wait. */
  onIndexed?: (indexed: IndexedNotice) => void;
  /** Why new instances are refused now (the free-space floor, server/ops/free-space.ts); undefined to go on. */
  refuseNew?: () => string | undefined;
  /** Told of every instance's outcome and size (metrics); must not throw or wait. */
  observe?: (outcome: StowInstanceOutcome, size: number) => void;
  /** Records each object's digest in its row (PACS_INGEST_DIGEST; on unless false). */
  digest?: boolean;
}

/**
 * Stores one Part 10 instance arriving as a stream (the STOW path of STYLE.md §2):
 * bytes are parsed and written to a fresh object as they arrive (the 128-byte
 * preamble zeroed on the way), then validated, then indexed in one synchronous transaction.
 * Blob first, index second; any failure after the object write removes the object. The key is
 * recorded as pending before the write starts and forgotten by the transaction that indexes it
 * (or once the object is removed), so a crash leaves nothing the start-up sweep cannot find.
 *
 * Returns the size and a function that completes the instance (waits for durable storage, then indexes)
 * once the body has been read, so the caller can read the next part while this one is
 * flushed to storage.
 */
export async function receiveInstance(
  body: AsyncIterable<Buffer>,
  expected: string | ExpectedInstances | undefined,
  deps: IngestDeps,
  source: string = ARCHIVE_SOURCE,
): Promise<ReceivedInstance> {
  const refusal = deps.refuseNew?.();
  const received = refusal === undefined ? await receive(body, expected, deps, source) : await refuse(body, refusal);
  const observe = deps.observe;
  if (!observe) return received;
  return {
    size: received.size,
    complete: async () => {
      const outcome = await received.complete();
      observe(outcome, received.size);
      return outcome;
    },
  };
}

/** Reads and drops an instance refused before it was stored (out of resources), so the sender hears why. */
async function refuse(body: AsyncIterable<Buffer>, reason: string): Promise<ReceivedInstance> {
  let size = 0;
  for await (const chunk of body) size += chunk.length;
  const outcome = failure(FailureReason.OutOfResources, reason);
  return { size, complete: async () => outcome };
}

async function receive(
  body: AsyncIterable<Buffer>,
  expected: string | ExpectedInstances | undefined,
  deps: IngestDeps,
  source: string,
): Promise<ReceivedInstance> {
  const key = newInstanceKey();
  try {
    deps.indexWriter.pending.record([key]);
  } catch (error) {
    deps.log('the index could not record an object about to be written; the instance is refused', error);
    return refuse(body, isDiskFull(error) ? DISK_FULL_COMMENT : 'The index could not record the instance.');
  }
  const digest = deps.digest === false ? undefined : new ObjectDigest();
  // Object mode: chunks pass through as they are, never concatenated (16 chunks ≈ 1 MB buffered).
  const sink = new PassThrough({ objectMode: true, highWaterMark: 16 });
  // We destroy the sink ourselves to abort a refused instance; the store sees that through `put`.
  sink.on('error', () => undefined);
  const stored = deps.blobStore.put(key, sink);
  stored.catch(() => undefined); // observed below; avoids an unhandled rejection while we read
  const parser = new Part10StreamParser();
  let position = 0;
  let parseError: Part10Error | undefined;
  let storageError: unknown;

  try {
    for await (const chunk of body) {
      if (parseError) continue; // drain the rest of the part
      if (position < 128) chunk.fill(0, 0, Math.min(chunk.length, 128 - position));
      position += chunk.length;
      try {
        await parser.writeInTurns(chunk);
      } catch (error) {
        if (!(error instanceof Part10Error)) throw error;
        parseError = error;
        sink.destroy(error);
        continue;
      }
      if (storageError) continue;
      digest?.update(chunk);
      try {
        if (!sink.write(chunk)) await drainOrFail(sink, stored);
      } catch (error) {
        storageError = error;
      }
    }
  } catch (error) {
    // The request itself failed (client gone, body over the size limit, broken multipart):
    // abandon the object so nothing half-written stays behind, then let the caller answer.
    sink.destroy();
    await stored.catch(() => undefined);
    await discard(deps, key);
    throw error;
  }
  if (storageError) {
    deps.log(`storage failed while receiving a STOW instance (key ${key})`, storageError);
    sink.destroy();
    await stored.catch(() => undefined);
    await discard(deps, key);
    const outcome = failure(FailureReason.OutOfResources, storageFailure(storageError));
    return { size: position, complete: async () => outcome };
  }

  let parsed: ParsedPart10 | undefined;
  if (!parseError) {
    try {
      parsed = parser.end();
    } catch (error) {
      if (!(error instanceof Part10Error)) throw error;
      parseError = error;
    }
  }
  const refusal = parseError
    ? failure(FailureReason.CannotUnderstand, `Cannot read the instance: ${parseError.reason}`)
    : validate(parsed!, expected);
  if (refusal) {
    sink.destroy(new Error('instance refused'));
    return {
      size: position,
      complete: async () => {
        await stored.catch(() => undefined);
        await discard(deps, key);
        return refusal;
      },
    };
  }
  sink.end();
  const instance = parsed!;
  const object = { key, size: position, digest: digest?.digest() };
  return { size: position, complete: () => completeInstance(instance, object, stored, deps, source) };
}

/** Removes an object no row will name, then its pending record; a failed delete leaves the record to the start-up sweep. */
async function discard(deps: IngestDeps, key: string): Promise<void> {
  try {
    await deps.blobStore.delete(key);
    deps.indexWriter.pending.forget([key]);
  } catch (error) {
    // The delete, or forgetting its record (a full disk fails SQLite too): the record stays, and the next start finishes it.
    deps.log(`an object of an instance not stored was not removed and forgotten (key ${key}); the next start finishes it`, error);
  }
}

async function completeInstance(
  parsed: ParsedPart10,
  { key, size, digest }: { key: string; size: number; digest: string | undefined },
  stored: Promise<unknown>,
  deps: IngestDeps,
  source: string,
): Promise<StowInstanceOutcome> {
  const ds = parsed.dataset;
  const ids = {
    sopClassUid: getString(ds, Tag.SOPClassUID)!,
    sopInstanceUid: getString(ds, Tag.SOPInstanceUID)!,
    studyInstanceUid: getString(ds, Tag.StudyInstanceUID)!,
    seriesInstanceUid: getString(ds, Tag.SeriesInstanceUID)!,
  };
  try {
    await stored;
  } catch (error) {
    deps.log(`storage failed for a STOW instance (key ${key})`, error);
    await discard(deps, key);
    return failure(FailureReason.OutOfResources, storageFailure(error), ids);
  }
  try {
    const result = await deps.indexWriter.insert({
      studyUid: ids.studyInstanceUid,
      seriesUid: ids.seriesInstanceUid,
      sopUid: ids.sopInstanceUid,
      sopClassUid: ids.sopClassUid,
      transferSyntax: parsed.transferSyntaxUid,
      blobKey: key,
      size,
      digest,
      ...indexedForm(parsed, ids.studyInstanceUid, ids.seriesInstanceUid, ids.sopInstanceUid),
    });
    if (result.kind === 'inserted') {
      deps.onIndexed?.({
        studyUid: ids.studyInstanceUid,
        seriesUid: ids.seriesInstanceUid,
        sopUid: ids.sopInstanceUid,
        modality: getString(ds, Tag.Modality) ?? '',
        source,
      });
      return { ok: true, ...ids, alreadyStored: false };
    }
    // Not indexed: our new object goes, whatever the verdict. Duplicates are rare, so we compare
    // bytes with the stored copy rather than hash every instance on the hot path.
    const identical = result.kind === 'duplicate' && (await sameAsStored(deps.blobStore, result, key, size));
    await deps.blobStore.delete(key);
    deps.indexWriter.pending.forget([key]);
    if (identical) return { ok: true, ...ids, alreadyStored: true };
    if (result.kind === 'series-in-other-study') {
      return failure(FailureReason.DataSetDoesNotMatch, 'The Series Instance UID already belongs to another study.', ids);
    }
    return failure(
      FailureReason.DuplicateSopInstance,
      'An instance with this SOP Instance UID is already stored with different content; the stored copy is kept.',
      ids,
    );
  } catch (error) {
    deps.log(`index transaction failed for a STOW instance (key ${key})`, error);
    await discard(deps, key);
    // A full disk (SQLITE_FULL) is out of resources, which the sender may retry; anything else a processing failure.
    if (isDiskFull(error)) return failure(FailureReason.OutOfResources, DISK_FULL_COMMENT, ids);
    return failure(FailureReason.ProcessingFailure, 'The instance could not be indexed.', ids);
  }
}

/**
 * What the index keeps of a parsed object that depends on how it is encoded: the data set as
 * DICOM JSON with its BulkDataURIs set (relative, bulk-data-uri.ts), and where each bulk value
 * and the pixel data lie in the object. Ingest and the re-store at rest (compressed-at-rest.ts).
 */
export function indexedForm(
  parsed: ParsedPart10,
  studyUid: string,
  seriesUid: string,
  sopUid: string,
): { dataset: DicomJson; bulk: StoredBulk } {
  const instanceUrl = `${BULK_BASE_MARKER}/${instancePath(studyUid, seriesUid, sopUid)}`;
  for (const bulk of parsed.bulk) bulk.element.BulkDataURI = `${instanceUrl}/bulkdata/${bulk.path}`;
  return {
    dataset: parsed.dataset,
    bulk: {
      items: parsed.bulk.map(({ path, vr, offset, length }) => ({ path, vr, offset, length })),
      pixelData: parsed.pixelData,
      deflated: parsed.deflated === true,
    },
  };
}

/**
 * Whether the object just received under `key` has the stored copy's bytes (Decision 2). An
 * instance re-stored compressed (PACS_STORE_COMPRESSED) is compared with the size and SHA-256 of
 * the object it was received as, so a sender's retry is still an idempotent success.
 */
async function sameAsStored(
  store: BlobStore,
  stored: { blobKey: string; size: number; originalSize: number | null; originalSha256: string | null },
  key: string,
  size: number,
): Promise<boolean> {
  if (stored.originalSha256 !== null) return stored.originalSize === size && (await blobSha256(store, key)) === stored.originalSha256;
  return stored.size === size && blobsEqual(store, stored.blobKey, key);
}

/** Required attributes (PS3.18 10.5.1): meta header, transfer syntax, valid UIDs, the study in the URL (and the instances asked for). */
function validate(parsed: ParsedPart10, expected: string | ExpectedInstances | undefined): StowInstanceOutcome | undefined {
  const expectedStudyUid = typeof expected === 'object' ? expected.studyUid : expected;
  const ds = parsed.dataset;
  const sopClassUid = getString(ds, Tag.SOPClassUID);
  const sopInstanceUid = getString(ds, Tag.SOPInstanceUID);
  const ids = { sopClassUid, sopInstanceUid };
  if (!isValidUid(parsed.transferSyntaxUid))
    return failure(FailureReason.CannotUnderstand, 'The file meta information has no valid Transfer Syntax UID (0002,0010).', ids);
  const required: Array<[string, string]> = [
    ['SOP Class UID (0008,0016)', Tag.SOPClassUID],
    ['SOP Instance UID (0008,0018)', Tag.SOPInstanceUID],
    ['Study Instance UID (0020,000D)', Tag.StudyInstanceUID],
    ['Series Instance UID (0020,000E)', Tag.SeriesInstanceUID],
  ];
  for (const [name, tag] of required) {
    const value = getString(ds, tag);
    if (value === undefined || value === '') return failure(FailureReason.CannotUnderstand, `The ${name} is missing or empty.`, ids);
    if (!isValidUid(value)) return failure(FailureReason.CannotUnderstand, `The ${name} is not a valid UID (PS3.5 9.1).`, ids);
  }
  const studyUid = getString(ds, Tag.StudyInstanceUID);
  if (expectedStudyUid !== undefined && studyUid !== expectedStudyUid) {
    return failure(FailureReason.DataSetDoesNotMatch, 'The instance belongs to a different study than the one in the request URL.', ids);
  }
  if (typeof expected === 'object' && !expected.sopUids.has(sopInstanceUid!))
    return failure(FailureReason.DataSetDoesNotMatch, "The data set's SOP Instance UID is not the one announced for it.", ids);
  // A Media Storage SOP Instance UID (0002,0003) that differs from (0008,0018) is accepted
  // (lenient in): real modality exports carry it; the data set's own UID is authoritative.
  return undefined;
}

/** Why the object could not be stored, for the sender: a full disk said as such. */
function storageFailure(error: unknown): string {
  return isDiskFull(error) ? DISK_FULL_COMMENT : 'Object storage could not store the instance.';
}

function failure(
  failureReason: number,
  message: string,
  ids: { sopClassUid?: string | undefined; sopInstanceUid?: string | undefined } = {},
): StowInstanceOutcome {
  return {
    ok: false,
    failureReason,
    message,
    ...(isValidUid(ids.sopClassUid) ? { sopClassUid: ids.sopClassUid } : {}),
    ...(isValidUid(ids.sopInstanceUid) ? { sopInstanceUid: ids.sopInstanceUid } : {}),
  };
}

/**
 * Waits for the sink to drain, or fails as soon as the storage write itself fails. Its listeners
 * go once it returns: a 1 GB instance waits thousands of times on the same sink.
 */
async function drainOrFail(sink: PassThrough, stored: Promise<unknown>): Promise<void> {
  let done = (): void => undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        done = resolve;
        sink.once('drain', resolve);
        sink.once('close', resolve);
      }),
      stored.then(
        () => undefined,
        (error: unknown) => {
          throw error;
        },
      ),
    ]);
  } finally {
    sink.off('drain', done);
    sink.off('close', done);
  }
}
