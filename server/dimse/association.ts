import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import type { AssociationCounts, DimseService } from '../../shared/api/dimse-associations';
import type { StowInstanceOutcome } from '../../shared/dicomweb/stow-outcome';
import { fileMetaHeader } from '../codecs/file-meta';
import { IMPLEMENTATION_CLASS_UID } from '../codecs/explicit-little-endian';
import { receiveInstance, type IngestDeps, type ReceivedInstance } from '../ingest/store-instance';
import { decodeAssociateRq, encodeAbort, encodeAssociateAc, encodeAssociateRj, encodeReleaseRp } from './association-pdu';
import { acceptedRoles, negotiate, refusalOf, type CallerRights, type PresentationContext } from './association-negotiation';

export type { CallerRights, PresentationContext } from './association-negotiation';
import { DimseChannel, type DataSetSource } from './dimse-channel';
import { CommandField, NO_DATA_SET, type Command } from './dimse-command';
import { PduError, PduType } from './pdu-reader';
import { QUERY_RETRIEVE_SOP_CLASSES, VERIFICATION_SOP_CLASS, type QueryRetrieveService } from './sop-classes';

/** A C-FIND, C-MOVE or C-GET identifier holds a few keys; more than this is not one. */
const MAX_IDENTIFIER_BYTES = 1024 * 1024;

/**
 * A C-FIND, C-MOVE or C-GET request being served. The handler sends every response through
 * `respond`, the final one last; a handler that throws is answered 0xC000 for it.
 */
export interface DimseOperation {
  command: Command;
  contextId: number;
  context: PresentationContext;
  /** The request's identifier data set, in the context's transfer syntax. */
  identifier: Buffer;
  caller: { aeTitle: string; address: string; rights: CallerRights };
  /** Aborted when the requestor sends a C-CANCEL-RQ for this message, or the association ends. */
  signal: AbortSignal;
  respond(command: Command, dataSet?: Buffer): Promise<void>;
  /** The presentation contexts accepted on this association (a C-GET picks one per instance). */
  contexts: ReadonlyMap<number, PresentationContext>;
  /** Sends a request on this association and waits for its response (a C-GET's C-STORE sub-operations). */
  request(contextId: number, command: Omit<Command, 'messageId'>, dataSet?: DataSetSource): Promise<Command>;
}

export type OperationHandler = (operation: DimseOperation) => Promise<void>;

export interface AssociationDeps {
  aeTitle: string;
  /** The rights of this calling AE at this address, or undefined when it is not a known remote AE. */
  caller(callingAeTitle: string, address: string): CallerRights | undefined | Promise<CallerRights | undefined>;
  ingest: IngestDeps;
  /** The largest P-DATA-TF body this side accepts, announced in the A-ASSOCIATE-AC. */
  maxPduLength: number;
  /** Told of each C-STORE's outcome (the audit trail). */
  onStored(outcome: StowInstanceOutcome, callingAeTitle: string, address: string): void;
  /** Told of a query or retrieve refused because the calling AE lacks the right (the audit trail). */
  onRefused?(service: QueryRetrieveService, callingAeTitle: string, address: string): void;
  /** The query/retrieve services served; their SOP classes are refused without a handler. */
  services?: Partial<Record<QueryRetrieveService, OperationHandler>>;
  log: (message: string, error?: unknown) => void;
}

/**
 * How an association ended, for the admin's list of recent associations and the tests. The
 * listener's object is updated in place while the association is served (its list of active ones).
 */
export interface AssociationSummary extends AssociationCounts {
  outcome: 'released' | 'rejected' | 'aborted' | 'closed';
  reason?: string;
  /** The services running now, by count. */
  running: Record<DimseService, number>;
}

/** What the data set fragments now arriving belong to. */
type Receiving =
  | { kind: 'store'; command: Command; contextId: number; sink: PassThrough; received: Promise<ReceivedInstance> }
  | { kind: 'identifier'; command: Command; contextId: number; service: QueryRetrieveService; chunks: Buffer[]; size: number };

/**
 * One association accepted on `socket` (PS3.8 9.2, PS3.7): the negotiation (our AE title, a
 * known calling AE; Verification, every Storage SOP Class in a transfer syntax the archive
 * stores, and the query/retrieve SOP classes served), then its messages. C-ECHO is answered at
 * once. A C-STORE's data set streams into the STOW-RS ingest (store-instance.ts) behind a File
 * Meta Information group of ours, with reading paused while storage catches up. A C-FIND,
 * C-MOVE or C-GET runs beside the reading, so its C-CANCEL and a C-GET's C-STORE responses are
 * heard while it answers. A protocol error aborts the association; an instance the ingest
 * refuses is a failure status with its comment.
 */
export async function serveAssociation(socket: Socket, deps: AssociationDeps, summary: AssociationSummary): Promise<AssociationSummary> {
  const address = summary.address;
  const channel = new DimseChannel(socket);
  const contexts = new Map<number, PresentationContext>();
  const operations = new Map<number, { controller: AbortController; done: Promise<void> }>();
  const awaiting = new Map<number, (response: Command) => void>();
  let receiving: Receiving | undefined;
  let rights: CallerRights = { mayStore: false, mayQuery: false, mayRetrieve: false };
  let nextMessageId = 1;

  try {
    let associated = false;
    for await (const event of channel.events()) {
      if (!associated) {
        if (event.kind !== 'control' || event.pdu.type !== PduType.AssociateRq) throw new PduError('expected an A-ASSOCIATE-RQ first', 2);
        const rq = decodeAssociateRq(event.pdu.body);
        summary.callingAeTitle = rq.callingAeTitle;
        const known = await deps.caller(rq.callingAeTitle, address);
        const refusal = refusalOf(rq, address, deps.aeTitle, known);
        if (refusal || !known) {
          await channel.control(encodeAssociateRj({ result: 1, source: 1, reason: refusal?.reason ?? 3 }), true);
          return { ...summary, outcome: 'rejected', reason: refusal?.text ?? 'unknown calling AE' };
        }
        rights = known;
        const receivers = new Set(rq.user.roles.filter((r) => r.scp).map((r) => r.sopClass));
        const served = new Set(Object.keys(deps.services ?? {}) as QueryRetrieveService[]);
        const accepted = rq.contexts.map((c) =>
          negotiate(c.id, c.abstractSyntax, c.transferSyntaxes, served, receivers.has(c.abstractSyntax) && served.has('get')),
        );
        for (const [n, c] of accepted.entries())
          if (c.result === 0) contexts.set(c.id, { abstractSyntax: rq.contexts[n]!.abstractSyntax, transferSyntax: c.transferSyntax });
        channel.peerMaxLength = rq.user.maxLength;
        channel.limits.maxPDataLength = deps.maxPduLength;
        await channel.control(
          encodeAssociateAc({
            calledAeTitle: rq.calledAeTitle,
            callingAeTitle: rq.callingAeTitle,
            contexts: accepted,
            user: {
              maxLength: deps.maxPduLength,
              implementationClassUid: IMPLEMENTATION_CLASS_UID,
              implementationVersionName: 'PACS_TS',
              roles: acceptedRoles(rq.user.roles, contexts),
            },
          }),
        );
        associated = true;
        continue;
      }
      if (event.kind === 'control') {
        if (event.pdu.type === PduType.ReleaseRq) {
          if (receiving) throw new PduError('an A-RELEASE-RQ arrived in the middle of a data set', 2);
          await Promise.all([...operations.values()].map((o) => o.done));
          await channel.control(encodeReleaseRp(), true);
          return { ...summary, outcome: 'released' };
        }
        if (event.pdu.type === PduType.Abort) {
          endReceiving(new Error('the association was aborted'));
          cancelAll();
          socket.destroy();
          return { ...summary, outcome: 'aborted', reason: 'the peer aborted the association' };
        }
        throw new PduError(`unexpected PDU of type ${event.pdu.type} on an established association`, 2);
      }
      if (!contexts.has(event.contextId))
        throw new PduError(`a PDV names presentation context ${event.contextId}, which was not accepted`, 6);
      if (event.kind === 'command') {
        if (receiving) throw new PduError('a command arrived before the data set of the previous one ended', 2);
        receiving = startCommand(event.command, event.contextId);
        continue;
      }
      if (!receiving || receiving.contextId !== event.contextId) throw new PduError('a data set fragment arrived without its command', 2);
      if (receiving.kind === 'store') {
        const sink = receiving.sink;
        if (!sink.write(event.bytes)) await new Promise((resolve) => sink.once('drain', resolve));
      } else {
        receiving.chunks.push(event.bytes);
        receiving.size += event.bytes.length;
        if (receiving.size > MAX_IDENTIFIER_BYTES) throw new PduError(`an identifier is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
      }
      if (!event.last) continue;
      const finished = receiving;
      receiving = undefined;
      if (finished.kind === 'store') {
        finished.sink.end();
        await finishStore(finished);
      } else startOperation(finished);
    }
    endReceiving(new Error('the connection closed in the middle of a data set'));
    cancelAll();
    return { ...summary, outcome: 'closed', reason: 'the connection closed without a release' };
  } catch (error) {
    endReceiving(error instanceof Error ? error : new Error(String(error)));
    cancelAll();
    if (error instanceof PduError) {
      await channel.control(encodeAbort(2, error.abortReason), true).catch(() => undefined);
      return { ...summary, outcome: 'aborted', reason: error.message };
    }
    deps.log('DIMSE: an association failed', error);
    await channel.control(encodeAbort(2, 0), true).catch(() => undefined);
    return { ...summary, outcome: 'aborted', reason: 'internal error' };
  }

  function respond(contextId: number, command: Command, dataSet?: Buffer): Promise<void> {
    return channel.send(contextId, command, dataSet);
  }

  function endReceiving(error: Error): void {
    if (receiving?.kind === 'store') receiving.sink.destroy(error);
    receiving = undefined;
  }

  function cancelAll(): void {
    for (const operation of operations.values()) operation.controller.abort();
  }

  /** A command with no data set is handled now; one with a data set gets where its fragments go. */
  function startCommand(command: Command, contextId: number): Receiving | undefined {
    const context = contexts.get(contextId)!;
    switch (command.commandField) {
      case CommandField.CEchoRq:
        void respond(contextId, {
          affectedSopClassUid: VERIFICATION_SOP_CLASS,
          commandField: CommandField.CEchoRsp,
          messageIdBeingRespondedTo: command.messageId ?? 0,
          commandDataSetType: NO_DATA_SET,
          status: 0,
        }).catch(() => undefined);
        return undefined;
      case CommandField.CCancelRq:
        operations.get(command.messageIdBeingRespondedTo ?? -1)?.controller.abort();
        return undefined;
      case CommandField.CStoreRsp:
        awaiting.get(command.messageIdBeingRespondedTo ?? -1)?.(command);
        return undefined;
      case CommandField.CStoreRq:
        if (command.commandDataSetType === NO_DATA_SET) throw new PduError('a C-STORE-RQ without a data set', 6);
        return startStore(command, contextId, context);
      case CommandField.CFindRq:
      case CommandField.CMoveRq:
      case CommandField.CGetRq: {
        const service = QUERY_RETRIEVE_SOP_CLASSES.get(context.abstractSyntax);
        if (!service || COMMAND_OF[service] !== command.commandField)
          throw new PduError(`command 0x${command.commandField.toString(16)} does not belong to presentation context ${contextId}`, 6);
        if (command.commandDataSetType === NO_DATA_SET) throw new PduError('a query/retrieve request without an identifier', 6);
        return { kind: 'identifier', command, contextId, service, chunks: [], size: 0 };
      }
      default:
        throw new PduError(`command 0x${command.commandField.toString(16)} is not supported`, 2);
    }
  }

  function startStore(command: Command, contextId: number, context: PresentationContext): Receiving {
    const sink = new PassThrough({ objectMode: true, highWaterMark: 16 });
    summary.running.store++;
    if (!rights.mayStore) {
      // The data set is read and dropped; the answer is Refused: Not Authorized (PS3.7 C.4.2.1.4).
      sink.resume();
      const refused: StowInstanceOutcome = { ok: false, failureReason: 0x0124, message: 'This AE may not store images here.' };
      return { kind: 'store', command, contextId, sink, received: Promise.resolve({ size: 0, complete: async () => refused }) };
    }
    sink.write(
      fileMetaHeader({
        sopClassUid: command.affectedSopClassUid ?? context.abstractSyntax,
        sopInstanceUid: command.affectedSopInstanceUid ?? '',
        transferSyntaxUid: context.transferSyntax,
        sourceAeTitle: summary.callingAeTitle,
      }),
    );
    const expected = command.affectedSopInstanceUid ? { sopUids: new Set([command.affectedSopInstanceUid]) } : undefined;
    const received = receiveInstance(sink, expected, deps.ingest, summary.callingAeTitle);
    received.catch(() => undefined);
    return { kind: 'store', command, contextId, sink, received };
  }

  async function finishStore(finished: Extract<Receiving, { kind: 'store' }>): Promise<void> {
    let outcome: StowInstanceOutcome;
    try {
      outcome = await (await finished.received).complete();
    } catch (error) {
      deps.log('DIMSE: a C-STORE could not be completed', error);
      outcome = { ok: false, failureReason: 0xa700, message: 'The instance could not be stored.' };
    }
    summary.running.store--;
    if (outcome.ok) summary.stored++;
    else summary.failed++;
    deps.onStored(outcome, summary.callingAeTitle, address);
    await respond(finished.contextId, {
      affectedSopClassUid: finished.command.affectedSopClassUid ?? '',
      commandField: CommandField.CStoreRsp,
      messageIdBeingRespondedTo: finished.command.messageId ?? 0,
      commandDataSetType: NO_DATA_SET,
      status: outcome.ok ? 0 : outcome.failureReason,
      affectedSopInstanceUid: finished.command.affectedSopInstanceUid ?? '',
      ...(outcome.ok ? {} : { errorComment: outcome.message.slice(0, 64) }),
    });
  }

  /** Runs a C-FIND, C-MOVE or C-GET beside the reading loop. */
  function startOperation(finished: Extract<Receiving, { kind: 'identifier' }>): void {
    const { command, contextId, service } = finished;
    const messageId = command.messageId ?? 0;
    const controller = new AbortController();
    summary.requests[service]++;
    summary.running[service]++;
    const finalResponse = (status: number, errorComment: string): Command => ({
      affectedSopClassUid: contexts.get(contextId)!.abstractSyntax,
      commandField: command.commandField | 0x8000,
      messageIdBeingRespondedTo: messageId,
      commandDataSetType: NO_DATA_SET,
      status,
      errorComment,
    });
    const run = async () => {
      const allowed = service === 'find' ? rights.mayQuery : rights.mayRetrieve;
      if (!allowed) {
        deps.onRefused?.(service, summary.callingAeTitle, address);
        await respond(
          contextId,
          finalResponse(0x0124, service === 'find' ? 'This AE may not query here.' : 'This AE may not retrieve from here.'),
        );
        return;
      }
      await deps.services![service]!({
        command,
        contextId,
        context: contexts.get(contextId)!,
        identifier: Buffer.concat(finished.chunks, finished.size),
        caller: { aeTitle: summary.callingAeTitle, address, rights },
        signal: controller.signal,
        respond: (response, dataSet) => respond(contextId, response, dataSet),
        contexts,
        request: (requestContextId, request, dataSet) => {
          const id = nextMessageId++;
          let onAbort: () => void = () => undefined;
          const answered = new Promise<Command>((resolve, reject) => {
            awaiting.set(id, resolve);
            onAbort = () => reject(new Error('the association ended'));
            controller.signal.addEventListener('abort', onAbort, { once: true });
          });
          answered.catch(() => undefined);
          // One listener per sub-operation, removed when it is answered: a C-GET of a study sends hundreds.
          return channel
            .send(requestContextId, { ...request, messageId: id }, dataSet)
            .then(() => answered)
            .finally(() => {
              awaiting.delete(id);
              controller.signal.removeEventListener('abort', onAbort);
            });
        },
      });
    };
    const done = run()
      .catch(async (error: unknown) => {
        if (controller.signal.aborted && socket.destroyed) return;
        deps.log(`DIMSE: a ${service} request failed`, error);
        await respond(contextId, finalResponse(0xc000, 'The request could not be processed.')).catch(() => undefined);
      })
      .finally(() => {
        summary.running[service]--;
        operations.delete(messageId);
      });
    operations.set(messageId, { controller, done });
  }
}

const COMMAND_OF: Record<QueryRetrieveService, number> = {
  find: CommandField.CFindRq,
  move: CommandField.CMoveRq,
  get: CommandField.CGetRq,
};
