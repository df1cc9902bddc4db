import { createHash } from 'node:crypto';
import fs from 'node:fs';
import dicomParser from 'dicom-parser';
import path from 'node:path';
import { expect } from 'vitest';
import type { PeerInput, PeerSummary, TransferJob } from '../../shared/api/exchange';
import { CORPUS_DIR } from './corpus';
import { getMultipart, postJson } from './dicomweb-http';
import type { ArchiveClient } from './signed-in-fetch';

/** The study of the real CT series of the corpus (series/ct-abdomen-philips-tcia). */
export const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';

/** The first `count` slices of that CT (512², Implicit VR Little Endian, 514 KiB each), as Part 10 files. */
export function ctSlices(count: number): Buffer[] {
  const dir = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');
  return fs
    .readdirSync(dir)
    .sort()
    .slice(0, count)
    .map((name) => fs.readFileSync(path.join(dir, name)));
}

/** POST /api/peers as the archive's admin; the created peer. */
export function addPeer(archive: ArchiveClient, input: PeerInput): Promise<PeerSummary> {
  return postJson<PeerSummary>(archive, '/api/peers', input);
}

/** POST /api/transfers (a send of `studyInstanceUID` unless the request says otherwise); the queued job. */
export function requestTransfer(archive: ArchiveClient, request: Record<string, unknown>): Promise<TransferJob> {
  return postJson<TransferJob>(archive, '/api/transfers', { direction: 'send', ...request });
}

export async function transferJob(archive: ArchiveClient, id: string): Promise<TransferJob> {
  const res = await archive.fetch(`/api/transfers/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as TransferJob;
}

/** Polls GET /api/transfers/{id} until `until` holds (every 100 ms); the job then. */
export async function waitForJob(
  archive: ArchiveClient,
  id: string,
  until: (job: TransferJob) => boolean,
  timeoutMs = 60_000,
): Promise<TransferJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await transferJob(archive, id);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`transfer ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The job once it has ended (done, failed or cancelled). */
export function waitForEnd(archive: ArchiveClient, id: string, timeoutMs?: number): Promise<TransferJob> {
  return waitForJob(archive, id, (job) => job.status === 'done' || job.status === 'failed' || job.status === 'cancelled', timeoutMs);
}

/** SOP Instance UID → SHA-256 of the instance as stored, from a WADO-RS retrieve of the study (transfer-syntax=*), of any archive. */
export async function storedDigests(archive: ArchiveClient, studyUid: string): Promise<Map<string, string>> {
  const { status, parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${studyUid}`);
  const digests = new Map<string, string>();
  if (status === 404) return digests;
  expect(status).toBe(200);
  for (const part of parts) {
    // Orthanc names no Content-Location: the UID is then read from the part.
    const sop =
      /instances\/([0-9.]+)/.exec(part.headers['content-location'] ?? '')?.[1] ??
      dicomParser.parseDicom(part.body, { untilTag: 'x00080018' }).string('x00080018');
    if (!sop) throw new Error(`a part without a SOP Instance UID: ${JSON.stringify(part.headers)}`);
    digests.set(sop, createHash('sha256').update(part.body).digest('hex'));
  }
  return digests;
}

/** SOP Instance UID → SHA-256 of its Pixel Data value (as encoded) in a Part 10 file. */
export function pixelDigestOf(file: Uint8Array): [string, string] {
  const ds = dicomParser.parseDicom(file);
  const pixels = ds.elements.x7fe00010!;
  const value = file.subarray(pixels.dataOffset, pixels.dataOffset + pixels.length);
  return [ds.string('x00080018')!, createHash('sha256').update(value).digest('hex')];
}

/** SOP Instance UID → SHA-256 of its Pixel Data value, as the archive serves the study (WADO-RS, as stored); empty when it has none. */
export async function storedPixelDigests(archive: ArchiveClient, studyUid: string): Promise<Map<string, string>> {
  const { status, parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${studyUid}`);
  if (status === 404) return new Map();
  expect(status).toBe(200);
  return new Map(parts.map((part) => pixelDigestOf(part.body)));
}
