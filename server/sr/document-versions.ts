import { Readable } from 'node:stream';
import { getNumber, getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { AppError } from '../../shared/errors';
import type { ArchiveIndex } from '../index/archive-index';
import { receiveInstance, type IngestDeps } from '../ingest/store-instance';

/**
 * Documents the archive keeps one current version of in a study (the key object selection, the
 * measurement report): found by SOP Class in our own series (number and description), replaced
 * by storing the next version through the STOW ingest and then deleting the older ones, so QIDO
 * and every DICOM viewer see one document, never a stale duplicate.
 */

export interface DocumentSeries {
  sopClassUid: string;
  seriesNumber: number;
  seriesDescription: string;
}

export interface StoredDocument {
  seriesUid: string;
  sopUid: string;
  /** Its DICOM JSON as the index holds it. */
  ds: DicomJson;
}

/** The study's versions of the document, newest (highest Instance Number) first: more than one only after a crash between store and delete. */
export function storedVersions(index: ArchiveIndex, studyUid: string, series: DocumentSeries): StoredDocument[] {
  return index
    .findInstances(studyUid)
    .filter((i) => i.sopClassUid === series.sopClassUid)
    .map((i) => ({ seriesUid: i.seriesUid, sopUid: i.sopUid, ds: instanceJson(index, studyUid, i.seriesUid, i.sopUid) }))
    .filter(
      ({ ds }) =>
        getString(ds, Tag.SeriesDescription) === series.seriesDescription && getNumber(ds, Tag.SeriesNumber) === series.seriesNumber,
    )
    .sort((a, b) => (getNumber(b.ds, Tag.InstanceNumber) ?? 0) - (getNumber(a.ds, Tag.InstanceNumber) ?? 0));
}

/** Stores `next` (when given) as an instance of the study, then removes every older version: index rows first, then their objects. */
export async function replaceVersions(
  deps: { index: ArchiveIndex; ingest: IngestDeps },
  studyUid: string,
  next: Buffer | undefined,
  older: readonly StoredDocument[],
): Promise<void> {
  if (next) {
    const outcome = await (await receiveInstance(Readable.from([next]), studyUid, deps.ingest)).complete();
    if (!outcome.ok) throw new AppError('INTERNAL', `The document could not be stored in the study: ${outcome.message}`);
  }
  for (const old of older) {
    const keys = deps.index.delete(studyUid, old.seriesUid, old.sopUid) ?? [];
    await deps.ingest.indexWriter.durable(); // the rows are gone for good before their objects go
    for (const key of keys) {
      await deps.ingest.blobStore.delete(key).then(
        () => deps.index.pending.forget([key]),
        (error: unknown) =>
          deps.ingest.log('an older version of a document could not be removed from storage; the next start removes it', error),
      );
    }
  }
}

/** One instance's DICOM JSON from the index ({} when it is not there). */
export function instanceJson(index: ArchiveIndex, studyUid: string, seriesUid: string, sopUid: string): DicomJson {
  const [json] = index.metadataJson(studyUid, seriesUid, sopUid);
  return json === undefined ? {} : (JSON.parse(json) as DicomJson);
}

/**
 * Runs the changes of one study's document one after the other (two users saving at once both
 * count, and never leave two versions); different studies do not wait for each other.
 */
export class PerStudyQueue {
  private readonly queues = new Map<string, Promise<unknown>>();

  run<T>(studyUid: string, work: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(studyUid) ?? Promise.resolve()).then(work);
    const settled = result.catch(() => undefined);
    this.queues.set(studyUid, settled);
    void settled.then(() => {
      if (this.queues.get(studyUid) === settled) this.queues.delete(studyUid);
    });
    return result;
  }
}
