import { performance } from 'node:perf_hooks';
import type { EchoResult } from '../../shared/api/dimse';
import { IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { CommandField, NO_DATA_SET } from './dimse-command';
import { DimseAssociationError, DimseClient } from './dimse-client';
import { VERIFICATION_SOP_CLASS } from './sop-classes';

/** Where a remote AE listens; port null when none is configured. */
export interface RemoteAeAddress {
  aeTitle: string;
  host: string;
  port: number | null;
}

const ECHO_TIMEOUT_MS = 10_000;

/**
 * C-ECHO to a remote AE (PS3.7 9.1.5, Verification SOP Class PS3.4 A.4): associate as
 * `callingAeTitle`, echo, release, timed. Whatever the other end does is a result with a sentence
 * an IT admin can act on, never an exception: "Test" of a known AE and of a DIMSE peer.
 */
export async function echoRemoteAe(remoteAe: RemoteAeAddress, callingAeTitle: string, timeoutMs = ECHO_TIMEOUT_MS): Promise<EchoResult> {
  const where = `${remoteAe.aeTitle} at ${remoteAe.host}:${remoteAe.port ?? ''}`;
  if (remoteAe.port === null)
    return { outcome: 'no-port', millis: null, message: `${remoteAe.aeTitle} has no port: give the port it listens on to call it.` };
  const started = performance.now();
  const millis = () => Math.max(1, Math.round(performance.now() - started));
  let client: DimseClient | undefined;
  try {
    client = await DimseClient.open({
      host: remoteAe.host,
      port: remoteAe.port,
      calledAeTitle: remoteAe.aeTitle,
      callingAeTitle,
      contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT_VR_LITTLE_ENDIAN] }],
      timeoutMs,
    });
    const context = client.contextFor(VERIFICATION_SOP_CLASS);
    if (context === undefined) {
      client.abort();
      return { outcome: 'rejected', millis: millis(), message: `${where} accepted the association but not the Verification SOP Class.` };
    }
    const answer = await client.send(context, {
      commandField: CommandField.CEchoRq,
      affectedSopClassUid: VERIFICATION_SOP_CLASS,
      commandDataSetType: NO_DATA_SET,
    });
    await client.release();
    const ms = millis();
    if (answer.status !== 0)
      return { outcome: 'protocol', millis: ms, message: `${where} answered the C-ECHO with status 0x${hex(answer.status)}.` };
    return { outcome: 'ok', millis: ms, message: `OK: ${where} answered a C-ECHO in ${ms} ms (association, echo and release).` };
  } catch (error) {
    client?.abort();
    if (!(error instanceof DimseAssociationError)) throw error;
    return {
      outcome: error.kind,
      millis: error.kind === 'unreachable' || error.kind === 'timeout' ? null : millis(),
      message: sentence(error, where),
    };
  }
}

function sentence(error: DimseAssociationError, where: string): string {
  switch (error.kind) {
    case 'unreachable':
      return `Nothing answers at ${where} (${error.message}): check the host and port, and that the device's DICOM service runs.`;
    case 'timeout':
      return `No answer from ${where} (${error.message}): a firewall may drop the connection, or the device is busy.`;
    case 'rejected':
      return `${where} refused the association (${error.message}): check both AE titles, and that this archive is known there.`;
    case 'aborted':
      return `${where} aborted the association (${error.message}): it may not know this archive's AE title or address.`;
    case 'protocol':
      return `${where} does not speak DICOM as expected (${error.message}): is this the device's DICOM port?`;
  }
}

function hex(status: number | undefined): string {
  return (status ?? 0).toString(16).toUpperCase().padStart(4, '0');
}
