import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { DataSetError, decodeDataSet, encodeDataSet } from '../dimse/data-set-codec';
import { DimseAssociationError, DimseClient } from '../dimse/dimse-client';
import { CommandField, type Command } from '../dimse/dimse-command';
import { STUDY_ROOT_FIND, STUDY_ROOT_MOVE } from '../dimse/sop-classes';
import { dimseStatusReason } from './dimse-status';
import { PeerProtocolError, PeerUnreachableError, type PeerConnection } from './peer-connection';

/**
 * A DIMSE peer of the exchange (a known remote AE, issue 14 item 6) as the exchange speaks to
 * it: the remote AE it names, an association for C-FIND and C-MOVE (Study Root) in our AE title,
 * and its failures as the exchange's peer failures (peer-failure.ts turns those into a 502 or a
 * retry): no connection, a timeout or an abort is a PeerUnreachableError, worth retrying; a
 * rejection, a protocol error or a failure status a PeerProtocolError, which someone must fix.
 */

/** Where a DIMSE peer listens and who calls it. */
export interface DimseTarget {
  host: string;
  port: number;
  calledAeTitle: string;
  callingAeTitle: string;
  timeoutMs: number;
}

/** The peer's remote AE as a call target; a PeerProtocolError (someone must fix it) when the AE has no port any more. */
export function dimseTarget(peer: PeerConnection, callingAeTitle: string, timeoutMs: number): DimseTarget {
  const ae = peer.endpoint.dimse;
  if (!ae) throw new Error('not a DIMSE peer');
  if (ae.port === null) throw new PeerProtocolError(`the remote AE ${ae.aeTitle} has no port any more: give it the port it listens on`);
  return { host: ae.host, port: ae.port, calledAeTitle: ae.aeTitle, callingAeTitle, timeoutMs };
}

/** A DimseAssociationError as a peer failure; anything else unchanged. */
export function dimsePeerError(error: unknown): unknown {
  if (!(error instanceof DimseAssociationError)) return error;
  if (error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'aborted')
    return new PeerUnreachableError(error.message, { cause: error });
  return new PeerProtocolError(error.message);
}

/** Opens a query/retrieve association (Study Root C-FIND and C-MOVE, Explicit then Implicit VR LE), aborted with `signal`. */
export async function openQueryAssociation(target: DimseTarget, signal?: AbortSignal): Promise<DimseClient> {
  signal?.throwIfAborted();
  const syntaxes = [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN];
  let client: DimseClient;
  try {
    client = await DimseClient.open({
      ...target,
      contexts: [
        { abstractSyntax: STUDY_ROOT_FIND, transferSyntaxes: syntaxes },
        { abstractSyntax: STUDY_ROOT_MOVE, transferSyntaxes: syntaxes },
      ],
    });
  } catch (error) {
    throw dimsePeerError(error);
  }
  if (signal) {
    const onAbort = () => client.abort();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  return client;
}

/** Closes an association opened by openQueryAssociation: released, or aborted when it broke. */
export async function closeAssociation(client: DimseClient, broken: boolean): Promise<void> {
  if (broken) client.abort();
  else await client.release().catch(() => client.abort());
}

/** PS3.4 C.4.1.1.4: a C-FIND is done with 0000, or was cancelled with FE00; anything else is a failure. */
const FIND_DONE = new Set([0x0000, 0xfe00]);

/**
 * C-FIND of the Study Root model (PS3.4 C.4.1): yields each match as DICOM JSON (text decoded with
 * its character set, QueryRetrieveLevel and Specific Character Set taken out), and ends at the
 * final response; a failure status is a PeerProtocolError naming it. Stop early and the C-FIND
 * is cancelled (C-CANCEL-RQ) and its remaining responses read and dropped.
 */
export async function* findOnPeer(client: DimseClient, identifier: DicomJson): AsyncGenerator<DicomJson> {
  const contextId = client.contextFor(STUDY_ROOT_FIND);
  if (contextId === undefined) throw new PeerProtocolError('the remote AE does not accept Study Root C-FIND');
  const syntax = client.contexts.get(contextId)!.transferSyntax;
  // Read by hand, not with for-await: a consumer stopping early must not close the responses, which are still to be read.
  const responses = client.request(
    contextId,
    { commandField: CommandField.CFindRq, affectedSopClassUid: STUDY_ROOT_FIND, priority: 0, commandDataSetType: 0x0000 },
    encodeDataSet(identifier, syntax),
  );
  const next = async () => {
    try {
      const { value, done } = await responses.next();
      if (done) throw new PeerProtocolError('the remote AE ended the C-FIND without a final response');
      return value;
    } catch (error) {
      throw dimsePeerError(error);
    }
  };
  let final: Command | undefined;
  try {
    for (;;) {
      const response = await next();
      if (!isPendingFind(response.command.status)) {
        final = response.command;
        break;
      }
      if (response.dataSet) yield matchOf(response.dataSet, syntax);
    }
  } finally {
    if (final === undefined) await cancelFind(client, contextId, next);
  }
  if (!FIND_DONE.has(final.status ?? -1))
    throw new PeerProtocolError(`the remote AE's C-FIND failed: ${dimseStatusReason(final.status ?? 0, final.errorComment)}`);
}

/** A C-FIND stopped early (by our consumer, or a match we cannot read): C-CANCEL-RQ, then its last responses dropped. */
async function cancelFind(client: DimseClient, contextId: number, next: () => Promise<{ command: Command }>): Promise<void> {
  try {
    await client.cancel(contextId, client.lastMessageId);
    while (isPendingFind((await next()).command.status));
  } catch {
    client.abort();
  }
}

function matchOf(dataSet: Buffer, syntax: string): DicomJson {
  let match: DicomJson;
  try {
    match = decodeDataSet(dataSet, syntax);
  } catch (error) {
    if (error instanceof DataSetError) throw new PeerProtocolError(`a C-FIND match of the remote AE is unreadable: ${error.message}`);
    throw error;
  }
  delete match[Tag.QueryRetrieveLevel];
  delete match[Tag.SpecificCharacterSet];
  return match;
}

function isPendingFind(status: number | undefined): boolean {
  return status === 0xff00 || status === 0xff01;
}
