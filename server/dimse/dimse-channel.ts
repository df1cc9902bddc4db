import type { Socket } from 'node:net';
import { encodeAbort } from './association-pdu';
import { decodeCommand, encodeCommand, type Command } from './dimse-command';
import { PduError, PduType, readPdus, readPdvs, type Pdu, type PduLimits } from './pdu-reader';

/** A command set is a few hundred bytes; more than this is not one. */
const MAX_COMMAND_BYTES = 64 * 1024;
/** Fragment size when the peer sets no limit (Maximum Length 0). */
const UNLIMITED_FRAGMENT = 256 * 1024;

/** What arrives on an association, in order: whole commands, data set fragments as they come, and the other PDUs. */
export type ChannelEvent =
  | { kind: 'command'; contextId: number; command: Command }
  | { kind: 'data'; contextId: number; bytes: Buffer; last: boolean }
  | { kind: 'control'; pdu: Pdu };

export type DataSetSource = Buffer | AsyncIterable<Uint8Array>;

/** A PDV this small is copied behind its header: one buffer to write costs less than two (C-FIND matches, commands). */
const SMALL_PDV = 16 * 1024;

/**
 * DIMSE messages over one connection (PS3.8 9.3.5, Annex E), for both ends of an association:
 * reading cuts P-DATA-TF PDUs into whole commands and data set fragments, which are passed on as
 * they arrive and never gathered here; writing fragments a message to the peer's Maximum Length,
 * waits for the socket to drain after each PDU, and sends messages one after another, since
 * fragments of two messages may not interleave.
 */
export class DimseChannel {
  /** The largest P-DATA-TF body the peer accepts, from its association PDU; 0 = no limit. */
  peerMaxLength = 0;
  private writing: Promise<void> = Promise.resolve();
  private corked = false;

  constructor(
    readonly socket: Socket,
    /** Read for every PDU: the P-DATA bound is raised once the association is established. */
    readonly limits: PduLimits = { maxPDataLength: 64 * 1024 },
  ) {}

  async *events(): AsyncGenerator<ChannelEvent> {
    let command: { contextId: number; chunks: Buffer[]; size: number } | undefined;
    // Not destroyed when the reader returns: a last PDU written (A-RELEASE-RP, A-ASSOCIATE-RJ) must still leave.
    const source = this.socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
    for await (const pdu of readPdus(source, this.limits)) {
      if (pdu.type !== PduType.PData) {
        if (command) throw new PduError('a PDU other than P-DATA-TF arrived inside a command', 2);
        yield { kind: 'control', pdu };
        continue;
      }
      for (const pdv of readPdvs(pdu.body)) {
        if (!pdv.command) {
          if (command) throw new PduError('a data set fragment arrived before its command ended', 2);
          yield { kind: 'data', contextId: pdv.contextId, bytes: pdv.data, last: pdv.last };
          continue;
        }
        if (command && command.contextId !== pdv.contextId)
          throw new PduError('a command changed presentation context between fragments', 2);
        command ??= { contextId: pdv.contextId, chunks: [], size: 0 };
        command.chunks.push(pdv.data);
        command.size += pdv.data.length;
        if (command.size > MAX_COMMAND_BYTES) throw new PduError(`a command set is longer than ${MAX_COMMAND_BYTES} bytes`);
        if (!pdv.last) continue;
        const whole = decodeCommand(Buffer.concat(command.chunks, command.size));
        const contextId = command.contextId;
        command = undefined;
        yield { kind: 'command', contextId, command: whole };
      }
    }
  }

  /** Sends one message: its command, then its data set if any. Resolves once the socket took the last byte. */
  send(contextId: number, command: Command, dataSet?: DataSetSource): Promise<void> {
    this.corkForTurn();
    return this.inTurn(async () => {
      await this.writeWhole(contextId, true, encodeCommand(command));
      if (!dataSet) return;
      try {
        await (Buffer.isBuffer(dataSet) ? this.writeWhole(contextId, false, dataSet) : this.writeFragments(contextId, false, dataSet));
      } catch (error) {
        // A message cut off in its data set (storage failed under it) leaves nothing that may follow on this association.
        if (!this.socket.destroyed) this.socket.end(encodeAbort(0));
        setTimeout(() => this.socket.destroy(), 1000).unref();
        throw error;
      }
    });
  }

  /** Writes a whole non-P-DATA PDU after the messages already being sent; `last` ends the connection after it. */
  control(pdu: Buffer, last = false): Promise<void> {
    return this.inTurn(async () => {
      if (last) this.socket.end(pdu);
      else await this.write(pdu);
    });
  }

  /**
   * Messages sent in one turn of the event loop leave in one write: a C-FIND's Pending responses
   * would otherwise cost two system calls each, more than finding and encoding the match.
   */
  private corkForTurn(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  private inTurn(work: () => Promise<void>): Promise<void> {
    const turn = this.writing.then(work);
    this.writing = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Cuts a command or data set into PDVs of at most the peer's length, one P-DATA-TF each. The
   * fragments are views of the source's chunks written behind a 12-byte header, never copied:
   * a 1 GB data set would otherwise be copied twice over and keep the garbage collector busy.
   */
  private async writeFragments(contextId: number, command: boolean, source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>) {
    const max = this.maxFragment();
    const pending: Buffer[] = [];
    let size = 0;
    for await (const chunk of source) {
      pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      size += chunk.byteLength;
      // Only a fragment known to have bytes after it is written as not last.
      for (; size > max; size -= max) await this.writePdv(contextId, command, false, takeFront(pending, max));
    }
    await this.writePdv(contextId, command, true, takeFront(pending, size));
  }

  /** A command or data set in memory: one PDV when it fits (without writeFragments' async iteration), else fragments. */
  private writeWhole(contextId: number, command: boolean, bytes: Buffer): Promise<void> {
    if (bytes.length <= this.maxFragment()) return this.writePdv(contextId, command, true, [bytes]);
    return this.writeFragments(contextId, command, [bytes]);
  }

  private maxFragment(): number {
    return (this.peerMaxLength > 0 ? Math.min(this.peerMaxLength, 4 * 1024 * 1024) : UNLIMITED_FRAGMENT) - 6;
  }

  /** One P-DATA-TF holding one PDV made of `parts` (PS3.8 9.3.5, E.2). */
  private writePdv(contextId: number, command: boolean, last: boolean, parts: Buffer[]): Promise<void> {
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const header = Buffer.alloc(12);
    header[0] = PduType.PData;
    header.writeUInt32BE(length + 6, 2);
    header.writeUInt32BE(length + 2, 6);
    header[10] = contextId;
    header[11] = (command ? 1 : 0) | (last ? 2 : 0);
    if (parts.length === 0) return this.write(header);
    if (length <= SMALL_PDV) return this.write(Buffer.concat([header, ...parts], length + 12));
    this.socket.cork();
    for (const part of [header, ...parts.slice(0, -1)]) if (!this.socket.destroyed) this.socket.write(part);
    const written = this.write(parts.at(-1)!);
    this.socket.uncork();
    return written;
  }

  private write(bytes: Buffer): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return Promise.reject(new Error('the connection is closed'));
    if (socket.write(bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        socket.off('drain', onDrain);
        socket.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('the connection closed while a message was being sent'));
      socket.on('drain', onDrain);
      socket.on('close', onClose);
    });
  }
}

/** Removes the first `n` bytes of `chunks` and returns them as views. */
function takeFront(chunks: Buffer[], n: number): Buffer[] {
  const taken: Buffer[] = [];
  while (n > 0) {
    const head = chunks[0]!;
    if (head.length <= n) {
      taken.push(chunks.shift()!);
      n -= head.length;
    } else {
      taken.push(head.subarray(0, n));
      chunks[0] = head.subarray(n);
      n = 0;
    }
  }
  return taken;
}
