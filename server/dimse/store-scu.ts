import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { isAppError } from '../../shared/errors';
import { LOSSLESS_ENCODINGS } from '../codecs/encode-registry';
import { explicitToImplicitLittleEndian } from '../codecs/implicit-little-endian';
import type { IndexedInstance } from '../index/archive-index';
import { dataSetStart, openStoredDataSet } from '../stored/stored-data-set';
import { findStored } from '../stored/stored-instance';
import { planTranscode, transcodeInstance, type TranscodeDeps } from '../stored/transcoded-instance';
import type { PresentationContext } from './association';
import type { DataSetSource } from './dimse-channel';
import { DimseClient, DimseAssociationError } from './dimse-client';
import { CommandField, type Command } from './dimse-command';

/** Where a C-STORE SCU sends: a remote AE, called by its title, with ours as the calling one. */
export interface StoreTarget {
  host: string;
  port: number;
  calledAeTitle: string;
  callingAeTitle: string;
  /** DICOM TLS: the remote AE is checked against these CA certificates (PEM). */
  tls?: { ca?: string };
  timeoutMs?: number;
}

/** One instance's C-STORE sub-operation as it ended. */
export interface StoreOutcome {
  sopUid: string;
  /** The remote AE's C-STORE status, or 0x0122 / 0xC000 (with the comment) when it could not be sent. */
  status: number;
  errorComment?: string;
  /** Data set bytes put on the wire. */
  bytes: number;
  /** The transfer syntax it went in, when it went. */
  transferSyntax?: string;
}

export interface StoreOptions {
  /** Move Originator AE Title and Message ID (0000,1030/1031): these C-STOREs are a C-MOVE's sub-operations. */
  moveOriginator?: { aeTitle: string; messageId: number };
  /** Stops the sending; an instance under way is cut off with an A-ABORT. */
  signal?: AbortSignal;
}

/** Sends one C-STORE-RQ with its data set and resolves to the C-STORE-RSP (a DimseClient's or a C-GET's association). */
export type SendStore = (contextId: number, command: Omit<Command, 'messageId'>, dataSet: DataSetSource) => Promise<Command>;

/** Refused: SOP Class not supported (PS3.4 Table B.2-1), for an instance no accepted context can carry. */
export const NO_CONTEXT_STATUS = 0x0122;
/** Failed: unable to process, for an instance this archive could not read or re-encode. */
export const UNABLE_TO_PROCESS = 0xc000;
/** PS3.8 9.3.2.2: presentation context ids are odd, 1 to 255. */
const MAX_CONTEXTS = 128;

/** A C-STORE status as a sub-operation count (PS3.4 C.4.2.1.5, C.4.3.1.4): success, warning (0001, Bxxx) or failure. */
export function statusKind(status: number): 'completed' | 'warning' | 'failed' {
  if (status === 0) return 'completed';
  if (status === 0x0001 || (status & 0xf000) === 0xb000) return 'warning';
  return 'failed';
}

/**
 * The presentation contexts to propose for sending these instances (issue 14 item 5): for each
 * SOP class, one context per transfer syntax its instances are stored in, so each can go as
 * stored, then one of Explicit VR Little Endian and one of Implicit VR Little Endian (which every
 * AE must take) for those re-encoded because the remote AE took none of the stored ones. Each
 * context carries one syntax, so the remote AE accepts or refuses each separately. At most 128
 * (the instances of classes left out then fail with 0x0122).
 */
export function storageContexts(instances: Iterable<Pick<IndexedInstance, 'sopClassUid' | 'transferSyntax'>>) {
  const syntaxes = new Map<string, Set<string>>();
  for (const { sopClassUid, transferSyntax } of instances) {
    const set = syntaxes.get(sopClassUid) ?? new Set<string>();
    set.add(transferSyntax);
    syntaxes.set(sopClassUid, set);
  }
  const contexts: { abstractSyntax: string; transferSyntaxes: string[] }[] = [];
  for (const [abstractSyntax, stored] of syntaxes)
    for (const syntax of new Set([...stored, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN]))
      contexts.push({ abstractSyntax, transferSyntaxes: [syntax] });
  return contexts.slice(0, MAX_CONTEXTS);
}

/**
 * The accepted context an instance goes in: one in its stored syntax (sent as stored), else one
 * in Explicit VR Little Endian, else one in a lossless syntax the archive encodes to (JPEG-LS,
 * HTJ2K: a C-GET requestor may have accepted only that for the SOP class), else one in Implicit
 * VR Little Endian, re-encoded; else none.
 */
export function contextFor(
  contexts: ReadonlyMap<number, PresentationContext>,
  instance: Pick<IndexedInstance, 'sopClassUid' | 'transferSyntax'>,
): { contextId: number; transferSyntax: string } | undefined {
  let explicit: number | undefined;
  let encoded: number | undefined;
  let implicit: number | undefined;
  for (const [id, c] of contexts) {
    if (c.abstractSyntax !== instance.sopClassUid) continue;
    if (c.transferSyntax === instance.transferSyntax) return { contextId: id, transferSyntax: c.transferSyntax };
    if (c.transferSyntax === EXPLICIT_VR_LITTLE_ENDIAN) explicit ??= id;
    else if (LOSSLESS_ENCODINGS.includes(c.transferSyntax)) encoded ??= id;
    else if (c.transferSyntax === IMPLICIT_VR_LITTLE_ENDIAN) implicit ??= id;
  }
  const chosen = explicit ?? encoded ?? implicit;
  return chosen === undefined ? undefined : { contextId: chosen, transferSyntax: contexts.get(chosen)!.transferSyntax };
}

/**
 * One C-STORE sub-operation (PS3.7 9.1.1) on an association already open: the stored data set
 * streamed from storage without its File Meta Information, or, when only Explicit VR Little
 * Endian (or a lossless syntax we encode to, or Implicit VR Little Endian) was accepted, the
 * instance re-encoded in it (transcoded-instance.ts: frames decoded and encoded on the codec
 * workers). An instance that cannot go is an outcome, not a throw; a failure of the association
 * itself throws.
 */
export async function storeInstance(
  deps: TranscodeDeps,
  instance: IndexedInstance,
  contexts: ReadonlyMap<number, PresentationContext>,
  send: SendStore,
  options: Pick<StoreOptions, 'moveOriginator'> = {},
): Promise<StoreOutcome> {
  const { sopUid } = instance;
  const chosen = contextFor(contexts, instance);
  if (!chosen) return { sopUid, status: NO_CONTEXT_STATUS, errorComment: 'No presentation context accepted for its SOP class', bytes: 0 };
  let dataSet: (AsyncIterable<Buffer> & { close(): void }) | Buffer;
  try {
    dataSet =
      chosen.transferSyntax === instance.transferSyntax
        ? await openStoredDataSet(deps.blobStore, instance.blobKey)
        : await reencoded(deps, instance, chosen.transferSyntax);
  } catch (error) {
    return { sopUid, status: UNABLE_TO_PROCESS, errorComment: failureComment(error), bytes: 0 };
  }
  let bytes = 0;
  const counted = Buffer.isBuffer(dataSet) ? dataSet : counting(dataSet, (n) => (bytes += n));
  if (Buffer.isBuffer(dataSet)) bytes = dataSet.length;
  const response = await send(
    chosen.contextId,
    {
      commandField: CommandField.CStoreRq,
      affectedSopClassUid: instance.sopClassUid,
      affectedSopInstanceUid: sopUid,
      priority: 0,
      commandDataSetType: 0x0000,
      ...(options.moveOriginator
        ? { moveOriginatorAeTitle: options.moveOriginator.aeTitle, moveOriginatorMessageId: options.moveOriginator.messageId }
        : {}),
    },
    counted,
  ).finally(() => {
    if (!Buffer.isBuffer(dataSet)) dataSet.close();
  });
  const status = response.status ?? UNABLE_TO_PROCESS;
  return {
    sopUid,
    status,
    ...(response.errorComment ? { errorComment: response.errorComment } : {}),
    bytes,
    transferSyntax: chosen.transferSyntax,
  };
}

/**
 * Sends stored instances to a remote AE over one association (issue 14 item 5; C-MOVE's
 * sub-operations, the exchange's DIMSE send): proposes storageContexts, then stores the
 * instances one after another, yielding each outcome as its C-STORE-RSP arrives. Memory holds
 * one fragment of a stored instance, or one re-encoded instance. Refusal or loss of the
 * association throws DimseAssociationError; when `signal` aborts, the association is aborted and
 * the generator ends without error. A consumer that stops early releases the association.
 */
export async function* storeInstances(
  deps: TranscodeDeps,
  target: StoreTarget,
  instances: readonly IndexedInstance[],
  options: StoreOptions = {},
): AsyncGenerator<StoreOutcome, void, undefined> {
  const { signal } = options;
  if (instances.length === 0 || signal?.aborted) return;
  const client = await DimseClient.open({ ...target, contexts: storageContexts(instances) });
  const onAbort = () => client.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let broken = false;
  try {
    for (const instance of instances) {
      if (signal?.aborted) return;
      let outcome: StoreOutcome;
      try {
        outcome = await storeInstance(
          deps,
          instance,
          client.contexts,
          (id, command, dataSet) => client.send(id, command, dataSet),
          options,
        );
      } catch (error) {
        broken = true;
        if (signal?.aborted) return;
        throw error instanceof DimseAssociationError
          ? error
          : new DimseAssociationError(`sending ${instance.sopUid} failed: ${(error as Error).message}`, 'aborted');
      }
      yield outcome;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (broken || signal?.aborted) client.abort();
    else await client.release();
  }
}

/** The instance re-encoded in `target`: its data set, without the File Meta Information. */
async function reencoded(deps: TranscodeDeps, instance: IndexedInstance, target: string): Promise<Buffer> {
  const located = findStored(deps.index, instance.studyUid, instance.seriesUid, instance.sopUid);
  if (!located) throw new Error('the instance is no longer in this archive');
  const implicit = target === IMPLICIT_VR_LITTLE_ENDIAN;
  const file = await transcodeInstance(deps, planTranscode(located, implicit ? EXPLICIT_VR_LITTLE_ENDIAN : target));
  const dataSet = file.subarray(dataSetStart(file) ?? 0);
  return implicit ? explicitToImplicitLittleEndian(dataSet) : dataSet;
}

async function* counting(source: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    add(chunk.length);
    yield chunk;
  }
}

/** An Error Comment (0000,0902) is at most 64 characters (LO). */
function failureComment(error: unknown): string {
  const text = isAppError(error) ? error.message.replace(/^An instance cannot be produced in [^:]*: /, '') : (error as Error).message;
  return text.slice(0, 64);
}
