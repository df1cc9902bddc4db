import net from 'node:net';
import tls from 'node:tls';
import { IMPLEMENTATION_CLASS_UID } from '../codecs/explicit-little-endian';
import {
  APPLICATION_CONTEXT,
  decodeAbort,
  decodeAssociateAc,
  decodeAssociateRj,
  encodeAbort,
  encodeAssociateRq,
  encodeReleaseRq,
  type RoleSelection,
} from './association-pdu';
import type { PresentationContext } from './association';
import { DimseChannel, type ChannelEvent, type DataSetSource } from './dimse-channel';
import type { Command } from './dimse-command';
import { PduError, PduType } from './pdu-reader';

/** A response data set (a C-FIND match) holds a few keys; more than this is not one. */
const MAX_RESPONSE_DATA_SET = 4 * 1024 * 1024;
const MAX_PDU_LENGTH = 1024 * 1024;

export interface DimseClientOptions {
  host: string;
  port: number;
  calledAeTitle: string;
  callingAeTitle: string;
  /** Proposed in order; context ids 1, 3, 5… */
  contexts: { abstractSyntax: string; transferSyntaxes: string[] }[];
  roles?: RoleSelection[];
  /** DICOM TLS: the server is checked against these CA certificates (PEM). */
  tls?: { ca?: string };
  /** Connection, association and each response: silent this long is a failure. */
  timeoutMs?: number;
}

export interface DimseResponse {
  command: Command;
  /** The response's data set (a C-FIND match), in the context's transfer syntax. */
  dataSet?: Buffer;
}

/** A refusal or failure of the association itself, in words for the admin. */
export class DimseAssociationError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'rejected' | 'aborted' | 'protocol' | 'timeout',
  ) {
    super(message);
    this.name = 'DimseAssociationError';
  }
}

const PENDING = new Set([0xff00, 0xff01]);
/** C-MOVE and C-GET report sub-operations with Pending 0xFF00 too; C-CANCEL's answer is 0xFE00, which is final. */
export function isPending(status: number | undefined): boolean {
  return status !== undefined && PENDING.has(status);
}

/**
 * The requesting end of an association (PS3.8 9.2, PS3.7): our C-ECHO, C-STORE, C-FIND and
 * C-MOVE to a remote AE. One request at a time; its responses are read as they come.
 */
export class DimseClient {
  private nextMessageId = 1;
  private waiting: ((event: ChannelEvent | Error) => void) | undefined;
  private backlog: (ChannelEvent | Error)[] = [];
  private closed = false;

  private constructor(
    private readonly channel: DimseChannel,
    /** Accepted contexts by id. */
    readonly contexts: ReadonlyMap<number, PresentationContext>,
    private readonly timeoutMs: number,
    private readonly events: AsyncGenerator<ChannelEvent>,
  ) {
    void this.pump();
  }

  static async open(options: DimseClientOptions): Promise<DimseClient> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const socket = await connect(options, timeoutMs);
    const channel = new DimseChannel(socket, { maxPDataLength: MAX_PDU_LENGTH });
    const events = channel.events();
    try {
      await channel.control(
        encodeAssociateRq({
          calledAeTitle: options.calledAeTitle,
          callingAeTitle: options.callingAeTitle,
          applicationContext: APPLICATION_CONTEXT,
          contexts: options.contexts.map((c, n) => ({ id: 2 * n + 1, ...c })),
          user: {
            maxLength: MAX_PDU_LENGTH,
            implementationClassUid: IMPLEMENTATION_CLASS_UID,
            implementationVersionName: 'PACS_TS',
            roles: options.roles ?? [],
          },
        }),
      );
      const first = await withTimeout(events.next(), timeoutMs, `${options.calledAeTitle} did not answer the association request`);
      if (first.done || first.value.kind !== 'control')
        throw new DimseAssociationError(`${options.calledAeTitle} closed the connection`, 'aborted');
      const pdu = first.value.pdu;
      if (pdu.type === PduType.AssociateRj) {
        const rj = decodeAssociateRj(pdu.body);
        throw new DimseAssociationError(
          `${options.calledAeTitle} rejected the association: ${rejection(rj.source, rj.reason)}`,
          'rejected',
        );
      }
      if (pdu.type === PduType.Abort) throw new DimseAssociationError(`${options.calledAeTitle} aborted the association`, 'aborted');
      if (pdu.type !== PduType.AssociateAc)
        throw new DimseAssociationError(`${options.calledAeTitle} answered with a PDU of type ${pdu.type}`, 'protocol');
      const ac = decodeAssociateAc(pdu.body);
      channel.peerMaxLength = ac.user.maxLength;
      const accepted = new Map<number, PresentationContext>();
      for (const c of ac.contexts) {
        const proposed = options.contexts[(c.id - 1) / 2];
        if (c.result === 0 && proposed) accepted.set(c.id, { abstractSyntax: proposed.abstractSyntax, transferSyntax: c.transferSyntax });
      }
      return new DimseClient(channel, accepted, timeoutMs, events);
    } catch (error) {
      socket.destroy();
      if (error instanceof PduError)
        throw new DimseAssociationError(`${options.calledAeTitle} broke the protocol: ${error.message}`, 'protocol');
      throw error;
    }
  }

  /** The first accepted context for the SOP class, in the given transfer syntax when one is named. */
  contextFor(abstractSyntax: string, transferSyntax?: string): number | undefined {
    for (const [id, c] of this.contexts)
      if (c.abstractSyntax === abstractSyntax && (transferSyntax === undefined || c.transferSyntax === transferSyntax)) return id;
    return undefined;
  }

  /** Sends a request and yields its responses, the final one (not Pending) last. */
  async *request(contextId: number, command: Omit<Command, 'messageId'>, dataSet?: DataSetSource): AsyncGenerator<DimseResponse> {
    const messageId = this.nextMessageId++;
    await this.channel.send(contextId, { ...command, messageId }, dataSet);
    for (;;) {
      const response = await this.response(messageId);
      yield response;
      if (!isPending(response.command.status)) return;
    }
  }

  /** Sends a request whose only response is the final one (C-ECHO, C-STORE). */
  async send(contextId: number, command: Omit<Command, 'messageId'>, dataSet?: DataSetSource): Promise<Command> {
    let last: Command | undefined;
    for await (const response of this.request(contextId, command, dataSet)) last = response.command;
    return last!;
  }

  /** C-CANCEL-RQ for a request under way (its final response still follows). */
  async cancel(contextId: number, messageId: number): Promise<void> {
    await this.channel.send(contextId, { commandField: 0x0fff, messageIdBeingRespondedTo: messageId, commandDataSetType: 0x0101 });
  }

  get lastMessageId(): number {
    return this.nextMessageId - 1;
  }

  async release(): Promise<void> {
    if (this.closed) return;
    await this.channel.control(encodeReleaseRq()).catch(() => undefined);
    const answer = await withTimeout(this.next(), this.timeoutMs, 'no answer to the release').catch(() => undefined);
    this.closed = true;
    this.channel.socket.end();
    if (answer && !(answer instanceof Error) && answer.kind === 'control' && answer.pdu.type === PduType.ReleaseRp) return;
    this.channel.socket.destroy();
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.socket.end(encodeAbort(0));
    this.channel.socket.destroy();
  }

  private async response(messageId: number): Promise<DimseResponse> {
    const event = await withTimeout(this.next(), this.timeoutMs, 'the remote AE stopped answering');
    if (event instanceof Error) throw event;
    if (event.kind === 'control') {
      if (event.pdu.type === PduType.Abort) {
        const { reason } = decodeAbort(event.pdu.body);
        throw new DimseAssociationError(`the remote AE aborted the association (reason ${reason})`, 'aborted');
      }
      throw new DimseAssociationError(`the remote AE sent a PDU of type ${event.pdu.type} instead of a response`, 'protocol');
    }
    if (event.kind !== 'command') throw new DimseAssociationError('the remote AE sent a data set without its command', 'protocol');
    if (event.command.messageIdBeingRespondedTo !== messageId)
      throw new DimseAssociationError(
        `the remote AE answered message ${event.command.messageIdBeingRespondedTo}, not ${messageId}`,
        'protocol',
      );
    if (event.command.commandDataSetType === 0x0101) return { command: event.command };
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const part = await withTimeout(this.next(), this.timeoutMs, 'the remote AE stopped inside a data set');
      if (part instanceof Error) throw part;
      if (part.kind !== 'data') throw new DimseAssociationError('a response data set was cut short', 'protocol');
      chunks.push(Buffer.from(part.bytes));
      size += part.bytes.length;
      if (size > MAX_RESPONSE_DATA_SET)
        throw new DimseAssociationError(`a response data set is over ${MAX_RESPONSE_DATA_SET} bytes`, 'protocol');
      if (part.last) return { command: event.command, dataSet: Buffer.concat(chunks, size) };
    }
  }

  private next(): Promise<ChannelEvent | Error> {
    const queued = this.backlog.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  private async pump(): Promise<void> {
    const deliver = (event: ChannelEvent | Error) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(event);
      else this.backlog.push(event);
    };
    try {
      for await (const event of this.events) deliver(event);
      deliver(new DimseAssociationError('the remote AE closed the connection', 'aborted'));
    } catch (error) {
      deliver(
        error instanceof PduError
          ? new DimseAssociationError(`the remote AE broke the protocol: ${error.message}`, 'protocol')
          : (error as Error),
      );
    }
  }
}

function connect(options: DimseClientOptions, timeoutMs: number): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const socket = options.tls
      ? tls.connect({
          host: options.host,
          port: options.port,
          ca: options.tls.ca,
          servername: net.isIP(options.host) ? undefined : options.host,
        })
      : net.connect({ host: options.host, port: options.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DimseAssociationError(`no connection to ${options.host}:${options.port} within ${timeoutMs / 1000} s`, 'timeout'));
    }, timeoutMs);
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new DimseAssociationError(`cannot connect to ${options.host}:${options.port}: ${error.code ?? error.message}`, 'unreachable'));
    };
    socket.once('error', onError);
    socket.once(options.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      // Later socket errors end the association's reading, which reports them.
      socket.on('error', () => undefined);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DimseAssociationError(message, 'timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** PS3.8 Table 9-21 in words. */
function rejection(source: number, reason: number): string {
  if (source === 1 && reason === 3) return 'our AE title is not known there (calling AE title not recognized)';
  if (source === 1 && reason === 7) return 'the called AE title is not its own';
  if (source === 1 && reason === 2) return 'application context not supported';
  if (source === 3 && reason === 2) return 'too many associations at once (try again later)';
  return `source ${source}, reason ${reason}`;
}
