import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import type { StowInstanceOutcome } from '../../shared/dicomweb/stow-outcome';
import { fileMetaHeader } from '../codecs/file-meta';
import { receiveInstance, type IngestDeps, type ReceivedInstance } from '../ingest/store-instance';
import {
  APPLICATION_CONTEXT,
  decodeAssociateRq,
  encodeAbort,
  encodeAssociateAc,
  encodeAssociateRj,
  encodeReleaseRp,
  type AcceptedContext,
  type AssociateRq,
} from './association-pdu';
import { CommandField, NO_DATA_SET, decodeCommand, encodeCommand, type Command } from './dimse-command';
import { PduError, PduType, encodePData, readPdus, readPdvs, type PduLimits } from './pdu-reader';
import { IMPLEMENTATION_CLASS_UID } from '../codecs/explicit-little-endian';

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';
/** Storage SOP Classes (PS3.4 Annex B) live under this root, SR, KOS and presentation states included. */
const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';
/** A command set is a few hundred bytes; more than this is not one. */
const MAX_COMMAND_BYTES = 64 * 1024;
/** The retired big-endian syntax is left for the sender to convert: our parser reads little endian. */
const REFUSED_SYNTAXES: ReadonlySet<string> = new Set(['1.2.840.10008.1.2.2']);

/** What a calling AE may do (a known remote AE's rights; all of them with PACS_DIMSE_ACCEPT_ANY). */
export interface CallerRights {
  mayStore: boolean;
  mayQuery: boolean;
  mayRetrieve: boolean;
}

export interface AssociationDeps {
  aeTitle: string;
  /** The rights of this calling AE at this address, or undefined when it is not a known remote AE. */
  caller(callingAeTitle: string, address: string): CallerRights | undefined | Promise<CallerRights | undefined>;
  ingest: IngestDeps;
  /** The largest P-DATA-TF body this side accepts, announced in the A-ASSOCIATE-AC. */
  maxPduLength: number;
  /** Told of each C-STORE's outcome (the audit trail). */
  onStored(outcome: StowInstanceOutcome, callingAeTitle: string, address: string): void;
  log: (message: string, error?: unknown) => void;
}

/** How an association ended, for the admin's list of recent associations and the tests. */
export interface AssociationSummary {
  callingAeTitle: string;
  address: string;
  outcome: 'released' | 'rejected' | 'aborted' | 'closed';
  reason?: string;
  stored: number;
  failed: number;
}

interface Incoming {
  contextId: number;
  chunks: Buffer[];
  size: number;
}

interface Store {
  command: Command;
  contextId: number;
  sink: PassThrough;
  received: Promise<ReceivedInstance>;
}

/**
 * One association accepted on `socket` (PS3.8 9.2, PS3.7): the negotiation (our AE title, a
 * known calling AE, Verification and every Storage SOP Class in a transfer syntax the archive
 * stores), then its messages one at a time: C-ECHO, and C-STORE, whose data set streams into the
 * STOW-RS ingest (store-instance.ts) behind a File Meta Information group of ours, with the
 * socket paused while storage catches up. A protocol error aborts the association; an
 * instance the ingest refuses is a failure status with its comment.
 */
export async function serveAssociation(socket: Socket, deps: AssociationDeps): Promise<AssociationSummary> {
  const address = socket.remoteAddress ?? '';
  const summary: AssociationSummary = { callingAeTitle: '', address, outcome: 'closed', stored: 0, failed: 0 };
  const limits: PduLimits = { maxPDataLength: 64 * 1024 };
  const contexts = new Map<number, { abstractSyntax: string; transferSyntax: string }>();
  let incoming: Incoming | undefined;
  let store: Store | undefined;
  let rights: CallerRights = { mayStore: false, mayQuery: false, mayRetrieve: false };

  const send = (bytes: Buffer) => socket.write(bytes);
  const respond = (contextId: number, command: Command) =>
    send(encodePData({ contextId, command: true, last: true, data: encodeCommand(command) }));

  try {
    let associated = false;
    // Not destroyed when the loop returns: the A-RELEASE-RP or A-ASSOCIATE-RJ written last must still leave.
    for await (const pdu of readPdus(socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>, limits)) {
      if (!associated) {
        if (pdu.type !== PduType.AssociateRq) throw new PduError(`expected an A-ASSOCIATE-RQ, got a PDU of type ${pdu.type}`, 2);
        const rq = decodeAssociateRq(pdu.body);
        summary.callingAeTitle = rq.callingAeTitle;
        const known = await deps.caller(rq.callingAeTitle, address);
        const refusal = refusalOf(rq, address, deps.aeTitle, known);
        if (refusal || !known) {
          socket.end(encodeAssociateRj({ result: 1, source: 1, reason: refusal?.reason ?? 3 }));
          return { ...summary, outcome: 'rejected', reason: refusal?.text ?? 'unknown calling AE' };
        }
        rights = known;
        const accepted = rq.contexts.map((c) => negotiate(c.id, c.abstractSyntax, c.transferSyntaxes));
        for (const [n, c] of accepted.entries())
          if (c.result === 0) contexts.set(c.id, { abstractSyntax: rq.contexts[n]!.abstractSyntax, transferSyntax: c.transferSyntax });
        limits.maxPDataLength = deps.maxPduLength;
        send(
          encodeAssociateAc({
            calledAeTitle: rq.calledAeTitle,
            callingAeTitle: rq.callingAeTitle,
            contexts: accepted,
            user: {
              maxLength: deps.maxPduLength,
              implementationClassUid: IMPLEMENTATION_CLASS_UID,
              implementationVersionName: 'PACS_TS',
              roles: [],
            },
          }),
        );
        associated = true;
        continue;
      }
      if (pdu.type === PduType.ReleaseRq) {
        if (store) throw new PduError('an A-RELEASE-RQ arrived in the middle of a data set', 2);
        socket.end(encodeReleaseRp());
        return { ...summary, outcome: 'released' };
      }
      if (pdu.type === PduType.Abort) {
        store?.sink.destroy(new Error('the association was aborted'));
        socket.destroy();
        return { ...summary, outcome: 'aborted', reason: 'the peer aborted the association' };
      }
      if (pdu.type !== PduType.PData) throw new PduError(`unexpected PDU of type ${pdu.type} on an established association`, 2);

      for (const pdv of readPdvs(pdu.body)) {
        if (!contexts.has(pdv.contextId))
          throw new PduError(`a PDV names presentation context ${pdv.contextId}, which was not accepted`, 6);
        if (pdv.command) {
          if (store) throw new PduError('a command arrived before the data set of the previous one ended', 2);
          incoming ??= { contextId: pdv.contextId, chunks: [], size: 0 };
          incoming.chunks.push(pdv.data);
          incoming.size += pdv.data.length;
          if (incoming.size > MAX_COMMAND_BYTES) throw new PduError(`a command set is longer than ${MAX_COMMAND_BYTES} bytes`);
          if (!pdv.last) continue;
          const command = decodeCommand(Buffer.concat(incoming.chunks, incoming.size));
          const contextId = incoming.contextId;
          incoming = undefined;
          store = startCommand(command, contextId);
          continue;
        }
        if (!store || store.contextId !== pdv.contextId) throw new PduError('a data set fragment arrived without its command', 2);
        if (!store.sink.write(pdv.data)) await new Promise((resolve) => store!.sink.once('drain', resolve));
        if (!pdv.last) continue;
        const finished = store;
        store = undefined;
        finished.sink.end();
        await finishStore(finished);
      }
    }
    if (store) {
      store.sink.destroy(new Error('the connection closed in the middle of a data set'));
      await store.received.then(
        () => undefined,
        () => undefined,
      );
    }
    return { ...summary, outcome: 'closed', reason: 'the connection closed without a release' };
  } catch (error) {
    store?.sink.destroy(error instanceof Error ? error : new Error(String(error)));
    if (error instanceof PduError) {
      socket.end(encodeAbort(2, error.abortReason));
      return { ...summary, outcome: 'aborted', reason: error.message };
    }
    deps.log('DIMSE: an association failed', error);
    socket.end(encodeAbort(2, 0));
    return { ...summary, outcome: 'aborted', reason: 'internal error' };
  }

  /** A command with no data set is answered now; a C-STORE's data set gets its sink. */
  function startCommand(command: Command, contextId: number): Store | undefined {
    const context = contexts.get(contextId)!;
    if (command.commandField === CommandField.CEchoRq) {
      respond(contextId, {
        affectedSopClassUid: VERIFICATION_SOP_CLASS,
        commandField: CommandField.CEchoRsp,
        messageIdBeingRespondedTo: command.messageId ?? 0,
        commandDataSetType: NO_DATA_SET,
        status: 0,
      });
      return undefined;
    }
    if (command.commandField !== CommandField.CStoreRq) {
      // Not (yet) offered: the context negotiation accepted no SOP class that carries it.
      throw new PduError(`command 0x${command.commandField.toString(16)} is not supported on presentation context ${contextId}`, 2);
    }
    if (command.commandDataSetType === NO_DATA_SET) throw new PduError('a C-STORE-RQ without a data set', 6);
    const sink = new PassThrough({ objectMode: true, highWaterMark: 16 });
    if (!rights.mayStore) {
      // The data set is read and dropped; the answer is Refused: Not Authorized (PS3.7 C.4.2.1.4).
      sink.resume();
      const refused: StowInstanceOutcome = { ok: false, failureReason: 0x0124, message: 'This AE may not store images here.' };
      return { command, contextId, sink, received: Promise.resolve({ size: 0, complete: async () => refused }) };
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
    return { command, contextId, sink, received };
  }

  async function finishStore(finished: Store): Promise<void> {
    let outcome: StowInstanceOutcome;
    try {
      outcome = await (await finished.received).complete();
    } catch (error) {
      deps.log('DIMSE: a C-STORE could not be completed', error);
      outcome = { ok: false, failureReason: 0xa700, message: 'The instance could not be stored.' };
    }
    if (outcome.ok) summary.stored++;
    else summary.failed++;
    deps.onStored(outcome, summary.callingAeTitle, address);
    respond(finished.contextId, {
      affectedSopClassUid: finished.command.affectedSopClassUid ?? '',
      commandField: CommandField.CStoreRsp,
      messageIdBeingRespondedTo: finished.command.messageId ?? 0,
      commandDataSetType: NO_DATA_SET,
      status: outcome.ok ? 0 : outcome.failureReason,
      affectedSopInstanceUid: finished.command.affectedSopInstanceUid ?? '',
      ...(outcome.ok ? {} : { errorComment: outcome.message.slice(0, 64) }),
    });
  }
}

/** Why the association is refused (PS3.8 Table 9-21 reasons, source 1), or undefined. */
function refusalOf(
  rq: AssociateRq,
  address: string,
  aeTitle: string,
  known: CallerRights | undefined,
): { reason: number; text: string } | undefined {
  if (rq.applicationContext !== APPLICATION_CONTEXT)
    return { reason: 2, text: `application context ${rq.applicationContext} not supported` };
  if (rq.calledAeTitle !== aeTitle) return { reason: 7, text: `called AE title "${rq.calledAeTitle}" is not ours` };
  if (!known) return { reason: 3, text: `calling AE title "${rq.callingAeTitle}" from ${address} is not a known remote AE` };
  return undefined;
}

/**
 * Verification, and any Storage SOP Class, in a syntax the archive stores: the first compressed
 * (or deflated) one proposed, since a sender lists what it holds first; else Explicit VR Little
 * Endian, which keeps the VRs; else Implicit VR Little Endian. DCMTK's storescp chooses alike.
 */
function negotiate(id: number, abstractSyntax: string, proposed: string[]): AcceptedContext {
  if (abstractSyntax !== VERIFICATION_SOP_CLASS && !abstractSyntax.startsWith(STORAGE_ROOT)) return { id, result: 3, transferSyntax: '' };
  const stored = proposed.filter((uid) => transferSyntax(uid) !== undefined && !REFUSED_SYNTAXES.has(uid));
  const chosen =
    stored.find((uid) => transferSyntax(uid)!.encapsulated || transferSyntax(uid)!.deflated) ??
    stored.find((uid) => uid === EXPLICIT_VR_LITTLE_ENDIAN) ??
    stored[0];
  return chosen ? { id, result: 0, transferSyntax: chosen } : { id, result: 4, transferSyntax: '' };
}
