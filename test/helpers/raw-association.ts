import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { APPLICATION_CONTEXT, encodeAssociateRq } from '../../server/dimse/association-pdu';
import { CommandField, encodeCommand } from '../../server/dimse/dimse-command';
import { PduType, encodePData, readPdus, type Pdu } from '../../server/dimse/pdu-reader';
import type { TestArchive } from './start-app';

/**
 * A peer that writes Upper Layer bytes by hand (issue 14's bad-input tests): whatever it is told
 * to, in the order told, so a test can break the protocol where a real SCU never would. The PDUs
 * the archive sends back are collected until it closes the connection.
 */
export class RawAssociation {
  readonly received: Pdu[] = [];
  /** Resolves once the archive closed the connection (or it broke). */
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    this.closed = (async () => {
      try {
        for await (const pdu of readPdus(socket, { maxPDataLength: 1 << 30 })) {
          this.received.push(pdu);
          for (const wake of this.waiters.splice(0)) wake();
        }
      } catch {
        // a connection cut inside a PDU is just the end here
      }
      for (const wake of this.waiters.splice(0)) wake();
    })();
  }

  static connect(port: number): Promise<RawAssociation> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawAssociation(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and negotiates one presentation context (id 1); resolves once the archive accepted it. */
  static async associate(port: number, abstractSyntax: string, transferSyntax: string, callingAeTitle = 'DISTRICT_CT') {
    const peer = await RawAssociation.connect(port);
    peer.write(
      encodeAssociateRq({
        calledAeTitle: 'PACS',
        callingAeTitle,
        applicationContext: APPLICATION_CONTEXT,
        contexts: [{ id: 1, abstractSyntax, transferSyntaxes: [transferSyntax] }],
        user: { maxLength: 64 * 1024, implementationClassUid: '1.2.826.0.1.3680043.10.1.99', roles: [] },
      }),
    );
    const answer = await peer.next();
    if (answer?.type !== PduType.AssociateAc) throw new Error(`the archive answered the association with PDU type ${answer?.type}`);
    return peer;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** A C-STORE-RQ command in one PDV on context 1. */
  storeCommand(sopClassUid: string, sopInstanceUid: string, messageId = 1): void {
    const command = encodeCommand({
      commandField: CommandField.CStoreRq,
      messageId,
      affectedSopClassUid: sopClassUid,
      affectedSopInstanceUid: sopInstanceUid,
      priority: 0,
      commandDataSetType: 0x0000,
    });
    this.write(encodePData({ contextId: 1, command: true, last: true, data: command }));
  }

  /** `bytes` of a data set in P-DATA-TF PDUs of at most 16 KiB; `last` marks the final fragment. */
  dataSet(bytes: Buffer, last: boolean): void {
    const max = 16 * 1024;
    for (let at = 0; at < bytes.length; at += max) {
      const end = Math.min(at + max, bytes.length);
      this.write(encodePData({ contextId: 1, command: false, last: last && end === bytes.length, data: bytes.subarray(at, end) }));
    }
  }

  /** The next PDU the archive sends, or undefined when it closes first. */
  async next(): Promise<Pdu | undefined> {
    const seen = this.received.length;
    while (this.received.length === seen) {
      if (this.socket.destroyed || this.socket.readableEnded) {
        await this.closed;
        return this.received[seen];
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.received[seen];
  }

  /** The PDU types the archive sent, once it has closed the connection; throws when it has not within `ms`. */
  async typesAtClose(ms = 5000): Promise<number[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'open'>((resolve) => (timer = setTimeout(() => resolve('open'), ms)));
    const end = await Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
    if (end === 'open') throw new Error(`the archive kept the connection open for ${ms} ms`);
    return this.received.map((pdu) => pdu.type);
  }
}

/** What an archive holds of instances: index rows, objects in the blob store, temp files of puts under way. */
export async function storedState(archive: TestArchive): Promise<{ rows: number; objects: number; tempFiles: number }> {
  const { rows } = archive.index.db.prepare('SELECT count(*) AS rows FROM instances').get() as { rows: number };
  let objects = 0;
  for await (const key of archive.blobStore.list('v1/instances/')) if (key) objects++;
  const tmp = path.join(archive.dataDir, 'objects', '.tmp');
  const tempFiles = fs.existsSync(tmp) ? fs.readdirSync(tmp).length : 0;
  return { rows, objects, tempFiles };
}

/** Waits up to `ms` for the archive's stored state to be `expected` (clean-up after an abort is asynchronous). */
export async function settledState(
  archive: TestArchive,
  expected: { rows: number; objects: number; tempFiles: number },
  ms = 3000,
): Promise<{ rows: number; objects: number; tempFiles: number }> {
  const until = Date.now() + ms;
  let state = await storedState(archive);
  while (Date.now() < until && JSON.stringify(state) !== JSON.stringify(expected)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    state = await storedState(archive);
  }
  return state;
}

/**
 * Polls the web side every 50 ms while a test runs; `stop()` gives every status seen, so a test
 * can say the HTTP side never answered 5xx (or failed to answer) meanwhile.
 */
export function watchHttp(archive: TestArchive): { stop(): Promise<number[]> } {
  const statuses: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const status = await archive
        .fetch('/dicom-web/studies?limit=1')
        .then(async (res) => (await res.arrayBuffer(), res.status))
        .catch(() => 0);
      statuses.push(status);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return statuses;
    },
  };
}
