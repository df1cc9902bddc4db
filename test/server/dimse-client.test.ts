import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandField, NO_DATA_SET } from '../../server/dimse/dimse-command';
import { DimseAssociationError, DimseClient } from '../../server/dimse/dimse-client';
import { VERIFICATION_SOP_CLASS } from '../../server/dimse/sop-classes';
import { Tag } from '../../shared/dicom/tags';
import { CORPUS_DIR } from '../helpers/corpus';
import { startStorescp, type Storescp } from '../helpers/dcmtk';
import { freeLoopbackPort } from '../helpers/free-port';
import { dataSetOf, startDimseArchive } from '../helpers/dimse-archive';
import type { TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';
import { storedDigests } from '../helpers/transfer-jobs';

const SERIES_DIR = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');
const FILE = path.join(SERIES_DIR, fs.readdirSync(SERIES_DIR).sort()[0]!);
const STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
const IMPLICIT = '1.2.840.10008.1.2';
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** A Part 10 file's data set and the three UIDs a C-STORE names it by, read from its File Meta Information. */
function part10(file: string) {
  const bytes = fs.readFileSync(file);
  const dataSet = dataSetOf(bytes);
  const metaEnd = bytes.length - dataSet.length;
  const meta = bytes.subarray(0, metaEnd).toString('latin1');
  const uids = [...meta.matchAll(/([0-9.]{8,})/g)].map((m) => m[1]!);
  return { dataSet, sopClassUid: uids[0]!, sopInstanceUid: uids[1]!, transferSyntax: uids[2]! };
}

/**
 * The requesting end of an association (dimse-client.ts) against DCMTK's storescp and against
 * the archive's own listener: C-ECHO, C-STORE of a real CT slice (its data set arriving byte for
 * byte), and refusals put into words.
 */
describe('DIMSE client', () => {
  let archive: TestArchive;
  let dir: string;
  let storescp: Storescp;

  beforeAll(async () => {
    archive = await startDimseArchive('SCU_TEST');
    dir = await makeTempDir('dimse-client');
    storescp = await startStorescp(dir, 'REFERENCE', ['+xi']);
  });
  afterAll(async () => {
    await storescp?.stop();
    await archive?.stop();
    await removeTempDir(dir);
  });

  it('C-STOREs a CT slice to storescp, which keeps its data set byte for byte', async () => {
    const file = part10(FILE);
    expect(file.sopClassUid).toBe(CT_IMAGE_STORAGE);
    const client = await DimseClient.open({
      host: '127.0.0.1',
      port: storescp.port,
      calledAeTitle: 'REFERENCE',
      callingAeTitle: 'PACS',
      contexts: [
        { abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT] },
        { abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [file.transferSyntax] },
      ],
    });
    const echo = await client.send(client.contextFor(VERIFICATION_SOP_CLASS)!, {
      commandField: CommandField.CEchoRq,
      affectedSopClassUid: VERIFICATION_SOP_CLASS,
      commandDataSetType: NO_DATA_SET,
    });
    expect(echo.status).toBe(0);
    const stored = await client.send(
      client.contextFor(CT_IMAGE_STORAGE, file.transferSyntax)!,
      {
        commandField: CommandField.CStoreRq,
        affectedSopClassUid: file.sopClassUid,
        affectedSopInstanceUid: file.sopInstanceUid,
        priority: 0,
        commandDataSetType: 0x0000,
      },
      // Fragmented into many PDVs: one chunk per 1000 bytes.
      (async function* () {
        for (let at = 0; at < file.dataSet.length; at += 1000) yield file.dataSet.subarray(at, at + 1000);
      })(),
    );
    expect(stored.status).toBe(0);
    await client.release();
    const written = fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name)));
    expect(written).toHaveLength(1);
    expect(dataSetOf(written[0]!).equals(file.dataSet)).toBe(true);
  });

  it("C-STOREs into the archive's own listener, and says in words why a wrong AE title is refused", async () => {
    const file = part10(FILE);
    const options = {
      host: '127.0.0.1',
      port: archive.dimse!.port,
      calledAeTitle: 'PACS',
      callingAeTitle: 'SCU_TEST',
      contexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [file.transferSyntax] }],
    };
    const client = await DimseClient.open(options);
    const stored = await client.send(
      1,
      {
        commandField: CommandField.CStoreRq,
        affectedSopClassUid: file.sopClassUid,
        affectedSopInstanceUid: file.sopInstanceUid,
        priority: 0,
        commandDataSetType: 0x0000,
      },
      file.dataSet,
    );
    expect(stored.status).toBe(0);
    await client.release();
    const digests = await storedDigests(archive, STUDY);
    expect(digests.size).toBe(1);
    const meta = (await (await archive.fetch(`${archive.dicomWeb}/studies/${STUDY}/metadata`)).json()) as Record<
      string,
      { Value?: unknown[] }
    >[];
    expect(meta[0]![Tag.SOPInstanceUID]!.Value).toEqual([file.sopInstanceUid]);

    const refused = await DimseClient.open({ ...options, callingAeTitle: 'STRANGER' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DimseAssociationError);
    expect((refused as DimseAssociationError).kind).toBe('rejected');
    expect((refused as Error).message).toMatch(/calling AE title not recognized/);
    const closed = await DimseClient.open({ ...options, port: await freeLoopbackPort() }).catch((error: unknown) => error);
    expect((closed as DimseAssociationError).kind).toBe('unreachable');
  });
});
