import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { fileMetaHeader } from '../../server/codecs/file-meta';
import { encodeDataSet } from '../../server/dimse/data-set-codec';
import { CommandField } from '../../server/dimse/dimse-command';
import { DimseClient } from '../../server/dimse/dimse-client';
import { dataSetOf, startDimseArchive } from '../helpers/dimse-archive';
import { bearer, call, createShare } from '../helpers/access-client';
import { firstValue, getMultipart, stowFiles } from '../helpers/dicomweb-http';
import { eventLoopTurnsDuring } from '../helpers/event-loop-turns';
import { storedState } from '../helpers/raw-association';
import type { TestArchive } from '../helpers/start-app';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const MIB = 1024 * 1024;
/** The last bytes of the pixel data, after the zeros: a range read of them shows where the value lies. */
const MARKER = Buffer.from('end of the bomb!');

/**
 * A Deflated Explicit VR Little Endian data set (PS3.5 A.5) of about `zeroMiB` KiB that inflates
 * to a small CT header and Pixel Data of `zeroMiB` MiB of zeros then MARKER. Built from raw deflate
 * segments each ending with a sync flush (byte-aligned, no back-reference across them), the MiB of
 * zeros compressed once and repeated, and a final block.
 */
function deflateBomb(zeroMiB: number): { sop: string; dataSet: Buffer; pixelLength: number } {
  const sop = `2.25.${BigInt(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')}`)}`;
  const pixelLength = zeroMiB * MIB + MARKER.length;
  const pixelHeader = Buffer.alloc(12);
  pixelHeader.writeUInt32LE(0x00107fe0, 0);
  pixelHeader.write('OB', 4, 'latin1');
  pixelHeader.writeUInt32LE(pixelLength, 8);
  const head = Buffer.concat([
    encodeDataSet(
      {
        '00080016': { vr: 'UI', Value: [CT_IMAGE_STORAGE] },
        '00080018': { vr: 'UI', Value: [sop] },
        '00080060': { vr: 'CS', Value: ['CT'] },
        '0020000D': { vr: 'UI', Value: ['2.25.1501'] },
        '0020000E': { vr: 'UI', Value: ['2.25.1502'] },
      },
      EXPLICIT_VR_LITTLE_ENDIAN,
    ),
    pixelHeader,
  ]);
  const flushed = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const zeros = zlib.deflateRawSync(Buffer.alloc(MIB), { level: 9, ...flushed });
  const dataSet = Buffer.concat([zlib.deflateRawSync(head, flushed), ...Array<Buffer>(zeroMiB).fill(zeros), zlib.deflateRawSync(MARKER)]);
  return { sop, dataSet, pixelLength };
}

function part10(bomb: { sop: string; dataSet: Buffer }): Buffer {
  const meta = fileMetaHeader({
    sopClassUid: CT_IMAGE_STORAGE,
    sopInstanceUid: bomb.sop,
    transferSyntaxUid: DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  });
  return Buffer.concat([meta, bomb.dataSet]);
}

/** Runs `work` while watching the event loop (longest gap between 5 ms ticks) and the resident set size (sampled every 20 ms). */
async function watched<T>(work: () => Promise<T>): Promise<{ result: T; worstGap: number; rssGrowth: number; elapsed: number }> {
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  try {
    const { result, worstGap, elapsed } = await eventLoopTurnsDuring(work);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    console.log(
      `deflate bomb: ${Math.round(elapsed)} ms, longest event-loop gap ${Math.round(worstGap)} ms, RSS +${Math.round((rssPeak - rssBefore) / MIB)} MiB`,
    );
    return { result, worstGap, rssGrowth: rssPeak - rssBefore, elapsed };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * A deflate bomb (issue 14, bad input): about 1 MB of Deflated Explicit VR Little Endian that
 * inflates to about 1 GB of zeros in Pixel Data. The ingest inflates it as it arrives and drops
 * the skipped pixel bytes like in every other syntax: the resident set grows by well under
 * 100 MiB, the event loop never stops for 200 ms, and the answer is the instance stored (within
 * the 1 GiB inflated limit, read back byte for byte and by range in the inflated data set) or a
 * readable refusal (over it), with nothing half-written.
 */
describe('a deflated data set that inflates to about 1 GB', () => {
  let archive: TestArchive;
  const within = deflateBomb(1000);
  const over = deflateBomb(1100);

  beforeAll(async () => {
    archive = await startDimseArchive('DISTRICT_CT');
  });
  afterAll(() => archive?.stop());

  it('through STOW-RS: within the limit stored, over it refused with its reason; memory and event loop stay calm', async () => {
    expect(within.dataSet.length).toBeLessThan(1.1 * MIB);
    const withinFile = part10(within);
    const { result, worstGap, rssGrowth } = await watched(() => stowFiles(archive, [withinFile, part10(over)]));
    expect(result.status).toBe(202);
    expect(result.referenced.map((ref) => ref['00081155']?.Value)).toEqual([[within.sop]]);
    expect(result.failed.map((failed) => failed['00081197']?.Value)).toEqual([[0xc000]]);
    expect(result.failed[0]!['00000902']?.Value).toEqual(['Cannot read the instance: the data set inflates to over 1 GiB']);
    expect(rssGrowth).toBeLessThan(100 * MIB);
    expect(worstGap).toBeLessThan(200);
    expect(await storedState(archive)).toEqual({ rows: 1, objects: 1, tempFiles: 0 });

    const instance = `${archive.dicomWeb}/studies/2.25.1501/series/2.25.1502/instances/${within.sop}`;
    const asStored = await getMultipart(archive, instance);
    expect(asStored.parts.map((part) => part.body.equals(withinFile))).toEqual([true]);
    const [metadata] = (await (await archive.fetch(`${instance}/metadata`)).json()) as Array<Record<string, { BulkDataURI?: string }>>;
    const pixelUri = metadata!['7FE00010']!.BulkDataURI!;
    const tail = await archive.fetch(pixelUri, {
      headers: { accept: 'application/octet-stream', range: `bytes=${within.pixelLength - MARKER.length}-${within.pixelLength - 1}` },
    });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(MARKER);
    // Re-encoding inflates the whole data set in memory: refused like any instance too large for that.
    const reEncoded = await watched(() => archive.fetch(instance, { headers: { accept: 'multipart/related; type="application/dicom"' } }));
    expect(reEncoded.result.status).toBe(406);
    expect(((await reEncoded.result.json()) as { message: string }).message).toMatch(/too large to re-encode in memory/);
    expect(reEncoded.rssGrowth).toBeLessThan(100 * MIB);
    // An anonymized share rewrites each instance in memory too: refused the same way, not inflated whole.
    const share = await createShare(archive, { studyInstanceUID: '2.25.1501', anonymize: true, permissions: ['read', 'download'] });
    const guest = bearer(share.token);
    const found = await call(archive, 'GET', '/dicom-web/instances?includefield=all', guest);
    const [replaced] = found.json as DicomJson[];
    const uid = (tag: string) => String(firstValue(replaced, tag));
    // WADO-URI in the stored (deflated) syntax: the object de-identified element by element, in memory.
    const anonymized = await watched(() =>
      fetch(
        `${archive.url}/wado?requestType=WADO&studyUID=${uid(Tag.StudyInstanceUID)}&seriesUID=${uid(Tag.SeriesInstanceUID)}` +
          `&objectUID=${uid(Tag.SOPInstanceUID)}&contentType=application/dicom&transferSyntax=${DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN}`,
        { headers: guest },
      ),
    );
    expect(anonymized.result.status).toBe(406);
    expect(((await anonymized.result.json()) as { message: string }).message).toMatch(/too large to re-encode in memory/);
    expect(anonymized.rssGrowth).toBeLessThan(100 * MIB);
  });

  it('through DIMSE C-STORE: within the limit stored, over it refused 0xC000 with a comment; memory and event loop stay calm', async () => {
    const client = await DimseClient.open({
      host: '127.0.0.1',
      port: archive.dimse!.port,
      calledAeTitle: 'PACS',
      callingAeTitle: 'DISTRICT_CT',
      contexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN] }],
    });
    const before = await storedState(archive);
    const within2 = deflateBomb(1000);
    const store = (bomb: { sop: string; dataSet: Buffer }) =>
      client.send(
        client.contextFor(CT_IMAGE_STORAGE, DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)!,
        {
          commandField: CommandField.CStoreRq,
          affectedSopClassUid: CT_IMAGE_STORAGE,
          affectedSopInstanceUid: bomb.sop,
          commandDataSetType: 0,
        },
        bomb.dataSet,
      );
    try {
      const { result, worstGap, rssGrowth } = await watched(async () => [await store(within2), await store(over)]);
      expect(result.map((answer) => answer.status)).toEqual([0x0000, 0xc000]);
      expect(result[1]!.errorComment).toBe('Cannot read the instance: the data set inflates to over 1 GiB');
      expect(rssGrowth).toBeLessThan(100 * MIB);
      expect(worstGap).toBeLessThan(200);
    } finally {
      await client.release();
    }
    expect(await storedState(archive)).toEqual({ rows: before.rows + 1, objects: before.objects + 1, tempFiles: 0 });
    const instance = `${archive.dicomWeb}/studies/2.25.1501/series/2.25.1502/instances/${within2.sop}`;
    const asStored = await getMultipart(archive, instance);
    expect(asStored.parts.map((part) => dataSetOf(part.body).equals(within2.dataSet))).toEqual([true]);
  });
});
