import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexWriter } from '../../server/index/index-writer';
import { CompressionAtRest, type RestoreOutcome } from '../../server/stored/compressed-at-rest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored, getJson, withZeroPreamble } from '../helpers/dicomweb-http';
import { instanceObjects, rowOf, storedBytes, url, type InstanceRow } from '../helpers/stored-instance-rows';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * PACS_STORE_COMPRESSED (issue 11 item 3): the swap of a re-stored instance against a DELETE and
 * a new STOW-RS of the same instance arriving meanwhile (compressed-at-rest.test.ts has the rest).
 */

const JPEG_LS = '1.2.840.10008.1.2.4.80';
const IMPLICIT_LE = '1.2.840.10008.1.2';

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const PIXEL_DATA = '7FE00010';

describe('PACS_STORE_COMPRESSED', () => {
  describe('the swap, racing a DELETE and a new STOW-RS', () => {
    let archive: TestArchive;
    let writer: IndexWriter;
    beforeAll(async () => {
      archive = await startTestArchive();
      writer = new IndexWriter(archive.index);
    });
    afterAll(async () => {
      await writer?.close();
      await archive?.stop();
    });

    /** A compressor of the test's own over the archive's index and storage, that the archive does not drive. */
    const compressor = (beforeSwap?: () => Promise<void>) =>
      new CompressionAtRest(
        {
          index: archive.index,
          blobStore: archive.blobStore,
          indexWriter: writer,
          derived: archive.derived,
          log: () => undefined,
          info: () => undefined,
          ...(beforeSwap ? { beforeSwap } : {}),
        },
        JPEG_LS,
      );

    /** Re-stores the CT, paused before the swap while `meanwhile` runs. */
    async function restoreAround(meanwhile: () => Promise<void>): Promise<RestoreOutcome> {
      let paused!: () => void;
      const atSwap = new Promise<void>((resolve) => (paused = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const compression = compressor(async () => {
        paused();
        await released;
      });
      const outcome = compression.restore({ sopUid: corpusEntry(CT).sopInstanceUID! });
      await atSwap;
      // The compressed object is written and waits for its swap.
      expect((await instanceObjects(archive)).size).toBe(2);
      await meanwhile();
      release();
      return outcome;
    }

    it('a DELETE while the instance is re-encoded leaves no row and no object', async () => {
      await expectStored(archive, [corpusFile(CT)]);
      const outcome = await restoreAround(async () => {
        expect((await archive.fetch(url(archive, CT), { method: 'DELETE' })).status).toBe(204);
      });
      expect(outcome).toMatchObject({ kind: 'kept', reason: expect.stringMatching(/deleted or stored again/) as string });
      expect(rowOf(archive, CT)).toBeUndefined();
      expect((await instanceObjects(archive)).size).toBe(0);
    });

    it('an instance deleted and stored again meanwhile is not overwritten by the stale swap', async () => {
      await expectStored(archive, [corpusFile(CT)]);
      let again: InstanceRow | undefined;
      const outcome = await restoreAround(async () => {
        expect((await archive.fetch(url(archive, CT), { method: 'DELETE' })).status).toBe(204);
        await expectStored(archive, [corpusFile(CT)]);
        again = rowOf(archive, CT);
      });
      expect(outcome.kind).toBe('kept');
      expect(rowOf(archive, CT)).toEqual(again);
      expect(again).toMatchObject({ transferSyntax: IMPLICIT_LE, originalTransferSyntax: null });
      expect([...(await instanceObjects(archive)).keys()]).toEqual([again!.blobKey]);
      expect((await storedBytes(archive, again!.blobKey)).equals(withZeroPreamble(corpusFile(CT)))).toBe(true);
    });

    it('a completed swap changes the validator of the study metadata', async () => {
      const metadataUrl = `${archive.dicomWeb}/studies/${corpusEntry(CT).studyInstanceUID}/metadata`;
      const before = (await getJson(archive, metadataUrl)).headers.get('etag')!;
      expect(before).toBeTruthy();
      const compression = compressor();
      expect((await compression.restore({ sopUid: corpusEntry(CT).sopInstanceUID! })).kind).toBe('compressed');
      const res = await archive.fetch(metadataUrl, { headers: { accept: 'application/dicom+json', 'if-none-match': before } });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).not.toBe(before);
      expect(((await res.json()) as DicomJson[])[0]![PIXEL_DATA]?.vr).toBe('OB');
      await compression.stop();
      expect((await instanceObjects(archive)).size).toBe(1);
    });
  });
});
