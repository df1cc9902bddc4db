import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { encodeAbort, encodeReleaseRq } from '../../server/dimse/association-pdu';
import { encodeDataSet } from '../../server/dimse/data-set-codec';
import { CommandField, NO_DATA_SET } from '../../server/dimse/dimse-command';
import { DimseClient } from '../../server/dimse/dimse-client';
import { PduType, encodePdu } from '../../server/dimse/pdu-reader';
import { VERIFICATION_SOP_CLASS } from '../../server/dimse/sop-classes';
import { CORPUS_DIR } from '../helpers/corpus';
import { runDcmtk } from '../helpers/dcmtk';
import { RawAssociation, settledState, storedState, watchHttp } from '../helpers/raw-association';
import { dataSetOf, startDimseArchive } from '../helpers/dimse-archive';
import type { TestArchive } from '../helpers/start-app';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const SERIES_DIR = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');
/** A real CT slice in Implicit VR Little Endian, about 525 KB. */
const SLICE = fs.readFileSync(path.join(SERIES_DIR, '1-036.dcm'));
const SLICE_SOP = '1.3.6.1.4.1.14519.5.2.1.152769481080456269472160275118272516489';
const NOTHING = { rows: 0, objects: 0, tempFiles: 0 };

/** A small valid CT header in Explicit VR Little Endian, then `tail` (the bad element). */
function dataSetWith(tail: Buffer, transferSyntax = EXPLICIT_VR_LITTLE_ENDIAN): { sop: string; bytes: Buffer } {
  const sop = `2.25.${BigInt(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')}`)}`;
  const head = encodeDataSet(
    {
      '00080016': { vr: 'UI', Value: [CT_IMAGE_STORAGE] },
      '00080018': { vr: 'UI', Value: [sop] },
      '00080060': { vr: 'CS', Value: ['CT'] },
      '0020000D': { vr: 'UI', Value: ['2.25.1401'] },
      '0020000E': { vr: 'UI', Value: ['2.25.1402'] },
    },
    transferSyntax,
  );
  return { sop, bytes: Buffer.concat([head, tail]) };
}

/** An element header: tag, then (explicit) VR and length, or (implicit) the 32-bit length. */
function elementHeader(group: number, element: number, length: number, vr?: string): Buffer {
  const long = vr === undefined || ['OB', 'OW', 'UN', 'UT', 'SQ', 'OF', 'UC', 'UR'].includes(vr);
  const header = Buffer.alloc(vr === undefined ? 8 : long ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(element, 2);
  if (vr === undefined) header.writeUInt32LE(length, 4);
  else if (long) {
    header.write(vr, 4, 'latin1');
    header.writeUInt32LE(length, 8);
  } else {
    header.write(vr, 4, 'latin1');
    header.writeUInt16LE(length, 6);
  }
  return header;
}

/**
 * What a broken or hostile peer may do to the DIMSE listener (issue 14, bad input): abort or cut
 * the connection in the middle of a C-STORE data set, send a truncated PDU or one announcing
 * 4 GB, a data set with an element announcing more bytes than it has, garbage inside an
 * association, and 50 storing associations at once. Every time: the archive keeps serving both
 * sides, the web side never answers 5xx meanwhile, and nothing is half-written (no index row, no
 * object in the blob store, no temp file of a put).
 */
describe('DIMSE listener under bad input', () => {
  let archive: TestArchive;
  let port: number;
  let http: ReturnType<typeof watchHttp>;

  beforeAll(async () => {
    archive = await startDimseArchive('DISTRICT_CT');
    port = archive.dimse!.port;
  });
  afterAll(() => archive?.stop());

  beforeEach(() => {
    http = watchHttp(archive);
  });
  afterEach(async () => {
    const statuses = await http.stop();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  /** The listener still serves: a C-ECHO on a new association succeeds. */
  async function echoes(): Promise<number | undefined> {
    const client = await DimseClient.open({
      host: '127.0.0.1',
      port,
      calledAeTitle: 'PACS',
      callingAeTitle: 'DISTRICT_CT',
      contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT_VR_LITTLE_ENDIAN] }],
    });
    try {
      const answer = await client.send(client.contextFor(VERIFICATION_SOP_CLASS)!, {
        commandField: CommandField.CEchoRq,
        affectedSopClassUid: VERIFICATION_SOP_CLASS,
        commandDataSetType: NO_DATA_SET,
      });
      return answer.status;
    } finally {
      await client.release();
    }
  }

  /** Sends the command and half the slice's data set, and waits until the archive is writing it to a temp file. */
  async function halfAStore(): Promise<RawAssociation> {
    const peer = await RawAssociation.associate(port, CT_IMAGE_STORAGE, IMPLICIT_VR_LITTLE_ENDIAN);
    peer.storeCommand(CT_IMAGE_STORAGE, SLICE_SOP);
    const dataSet = dataSetOf(SLICE);
    peer.dataSet(dataSet.subarray(0, dataSet.length >> 1), false);
    const until = Date.now() + 5000;
    while ((await storedState(archive)).tempFiles === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await storedState(archive)).tempFiles).toBe(1);
    return peer;
  }

  it('an A-ABORT in the middle of a C-STORE data set leaves nothing, and the next association is served', async () => {
    const peer = await halfAStore();
    peer.write(encodeAbort(0));
    await peer.closed;
    expect(await settledState(archive, NOTHING)).toEqual(NOTHING);
    expect(await echoes()).toBe(0);
  });

  it('an A-RELEASE-RQ in the middle of a C-STORE data set is answered with an A-ABORT, nothing stored', async () => {
    const peer = await halfAStore();
    peer.write(encodeReleaseRq());
    expect(await peer.typesAtClose()).toEqual([PduType.AssociateAc, PduType.Abort]);
    expect(await settledState(archive, NOTHING)).toEqual(NOTHING);
  });

  it('a connection cut in the middle of a C-STORE data set (between PDUs, or inside one) leaves nothing', async () => {
    const between = await halfAStore();
    between.socket.destroy();
    expect(await settledState(archive, NOTHING)).toEqual(NOTHING);

    const inside = await halfAStore();
    // A P-DATA-TF header announcing 16 KiB, then 100 bytes of it, then the end.
    inside.write(encodePdu(PduType.PData, Buffer.alloc(16 * 1024)).subarray(0, 106));
    inside.socket.end();
    // The peer ended its side: the archive closes (an A-ABORT may no longer reach it).
    expect((await inside.typesAtClose()).slice(0, 1)).toEqual([PduType.AssociateAc]);
    expect(await settledState(archive, NOTHING)).toEqual(NOTHING);
    expect(await echoes()).toBe(0);
  });

  it('a truncated PDU (1000 bytes announced, the connection ending after 10) closes the connection, before and after association', async () => {
    const before = await RawAssociation.connect(port);
    before.write(encodePdu(PduType.AssociateRq, Buffer.alloc(1000)).subarray(0, 10));
    before.socket.end();
    expect(await before.typesAtClose()).toEqual([]);

    const after = await RawAssociation.associate(port, CT_IMAGE_STORAGE, IMPLICIT_VR_LITTLE_ENDIAN);
    after.write(encodePdu(PduType.PData, Buffer.alloc(1000)).subarray(0, 10));
    after.socket.end();
    expect(await after.typesAtClose()).toEqual([PduType.AssociateAc]);
    expect(await echoes()).toBe(0);
  });

  it('a PDU announcing 2^32-1 bytes is refused at once, without buffering anything of it', async () => {
    const rssBefore = process.memoryUsage().rss;
    for (const type of [PduType.AssociateRq, PduType.PData]) {
      const peer = await RawAssociation.connect(port);
      const header = Buffer.from([type, 0, 0xff, 0xff, 0xff, 0xff]);
      // The header and 64 KiB of its body; the connection stays open: the archive must not wait for the rest.
      peer.write(Buffer.concat([header, Buffer.alloc(64 * 1024, 0x41)]));
      expect(await peer.typesAtClose()).toEqual([PduType.Abort]);
    }
    const inside = await RawAssociation.associate(port, CT_IMAGE_STORAGE, IMPLICIT_VR_LITTLE_ENDIAN);
    inside.write(Buffer.from([PduType.PData, 0, 0xff, 0xff, 0xff, 0xff]));
    expect(await inside.typesAtClose()).toEqual([PduType.AssociateAc, PduType.Abort]);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(32 * 1024 * 1024);
    expect(await echoes()).toBe(0);
  });

  it('a data set with an element announcing 0x7FFFFFF0 bytes is refused with 0xC000 and a comment, nothing stored', async () => {
    const client = await DimseClient.open({
      host: '127.0.0.1',
      port,
      calledAeTitle: 'PACS',
      callingAeTitle: 'DISTRICT_CT',
      contexts: [
        { abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] },
        { abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [IMPLICIT_VR_LITTLE_ENDIAN] },
      ],
    });
    try {
      const filler = Buffer.alloc(2048 - 300, 0x20);
      const cases = [
        // A binary value (skipped as bulk data) longer than the data set: the data set ends inside it.
        { syntax: EXPLICIT_VR_LITTLE_ENDIAN, tail: Buffer.concat([elementHeader(0x0009, 0x1010, 0x7ffffff0, 'OB'), filler]) },
        // A text value in implicit VR: refused as soon as its length is read.
        { syntax: IMPLICIT_VR_LITTLE_ENDIAN, tail: Buffer.concat([elementHeader(0x0010, 0x0010, 0x7ffffff0), filler]) },
        // An item inside a sequence announcing more than the sequence holds.
        {
          syntax: EXPLICIT_VR_LITTLE_ENDIAN,
          tail: Buffer.concat([elementHeader(0x0040, 0x0275, 0xffffffff, 'SQ'), elementHeader(0xfffe, 0xe000, 0x7ffffff0), filler]),
        },
      ];
      for (const { syntax, tail } of cases) {
        const { sop, bytes } = dataSetWith(tail, syntax);
        expect(bytes.length).toBeLessThan(2200);
        const answer = await client.send(
          client.contextFor(CT_IMAGE_STORAGE, syntax)!,
          {
            commandField: CommandField.CStoreRq,
            affectedSopClassUid: CT_IMAGE_STORAGE,
            affectedSopInstanceUid: sop,
            commandDataSetType: 0,
          },
          bytes,
        );
        expect(answer.status).toBe(0xc000);
        expect(answer.errorComment).toMatch(/^Cannot read the instance: /);
        expect(answer.errorComment!.length).toBeLessThanOrEqual(64);
      }
    } finally {
      await client.release();
    }
    expect(await settledState(archive, NOTHING)).toEqual(NOTHING);
  });

  it("a data set whose SOP Instance UID is not the command's is refused with 0xA900 and a comment, nothing stored", async () => {
    const client = await DimseClient.open({
      host: '127.0.0.1',
      port,
      calledAeTitle: 'PACS',
      callingAeTitle: 'DISTRICT_CT',
      contexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [IMPLICIT_VR_LITTLE_ENDIAN] }],
    });
    try {
      const answer = await client.send(
        client.contextFor(CT_IMAGE_STORAGE)!,
        {
          commandField: CommandField.CStoreRq,
          affectedSopClassUid: CT_IMAGE_STORAGE,
          affectedSopInstanceUid: '2.25.1403',
          commandDataSetType: 0,
        },
        dataSetOf(SLICE),
      );
      expect(answer.status).toBe(0xa900);
      expect(answer.errorComment).toBe("The data set's SOP Instance UID is not the one announced for it.");
    } finally {
      await client.release();
    }
    expect(await settledState(archive, NOTHING)).toEqual(NOTHING);
  });

  it('garbage inside an established association aborts it; garbage before one is refused', async () => {
    // A P-DATA-TF whose PDV has reserved control bits set, then random bytes.
    const peer = await RawAssociation.associate(port, CT_IMAGE_STORAGE, IMPLICIT_VR_LITTLE_ENDIAN);
    const pdv = Buffer.from([0, 0, 0, 6, 1, 0xf0, 1, 2, 3, 4]);
    peer.write(Buffer.concat([encodePdu(PduType.PData, pdv), crypto.getRandomValues(Buffer.alloc(4096))]));
    expect(await peer.typesAtClose()).toEqual([PduType.AssociateAc, PduType.Abort]);

    const strangers = await RawAssociation.connect(port);
    strangers.write(Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not a DICOM peer at all'));
    expect(await strangers.typesAtClose()).toEqual([PduType.Abort]);
    expect(await settledState(archive, NOTHING)).toEqual(NOTHING);
    expect(await echoes()).toBe(0);
  });

  it('50 associations at once, each storing with storescu, are all served', async () => {
    const files = fs
      .readdirSync(SERIES_DIR)
      .sort()
      .map((name) => path.join(SERIES_DIR, name));
    const others = path.join(CORPUS_DIR, 'series');
    for (const dir of fs.readdirSync(others).sort()) {
      if (files.length >= 50) break;
      if (dir === 'ct-abdomen-philips-tcia') continue;
      for (const name of fs
        .readdirSync(path.join(others, dir))
        .sort()
        .slice(0, 50 - files.length))
        files.push(path.join(others, dir, name));
    }
    expect(files).toHaveLength(50);
    const runs = await Promise.all(
      files.map((file) => runDcmtk('storescu', ['-aet', 'DISTRICT_CT', '-aec', 'PACS', '127.0.0.1', String(port), file])),
    );
    expect(runs.filter((run) => run.code !== 0).map((run) => run.output)).toEqual([]);
    expect(await settledState(archive, { rows: 50, objects: 50, tempFiles: 0 })).toEqual({ rows: 50, objects: 50, tempFiles: 0 });
  });
});
