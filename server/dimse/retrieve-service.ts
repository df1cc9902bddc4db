import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import type { AuditLog } from '../audit/audit-log';
import type { IndexedInstance } from '../index/archive-index';
import type { TranscodeDeps } from '../stored/transcoded-instance';
import type { DimseOperation, OperationHandler } from './association';
import { DataSetError, decodeDataSet, encodeDataSet } from './data-set-codec';
import { DimseAssociationError } from './dimse-client';
import { NO_DATA_SET, type Command } from './dimse-command';
import type { RemoteAeStore } from './remote-ae-store';
import { retrieveInstances } from './retrieve-identifier';
import { queryModelOf } from './sop-classes';
import { statusKind, storeInstance, storeInstances, type StoreOutcome } from './store-scu';

/** C-MOVE and C-GET statuses (PS3.4 C.4.2.1.5, C.4.3.1.4). */
export const RetrieveStatus = {
  Success: 0x0000,
  Pending: 0xff00,
  Cancel: 0xfe00,
  /** Sub-operations complete, one or more failures or warnings. */
  SomeFailed: 0xb000,
  /** Out of resources: unable to perform sub-operations (none could be done). */
  UnableToPerform: 0xa702,
  MoveDestinationUnknown: 0xa801,
  IdentifierDoesNotMatch: 0xa900,
} as const;

export interface RetrieveDeps extends TranscodeDeps {
  remoteAes: RemoteAeStore;
  /** Our AE title: the calling one of a C-MOVE's sub-operations. */
  aeTitle: string;
  audit: AuditLog;
}

/** A Pending response at most this often (and after the first sub-operation), so a requestor sees progress. */
const PENDING_EVERY_MS = 1000;

/** The sub-operations of one C-MOVE or C-GET as counted for its responses. */
class SubOperations {
  completed = 0;
  failed = 0;
  warning = 0;
  readonly failedUids: string[] = [];
  /** Every instance with an outcome. */
  readonly done = new Set<string>();
  private lastPending = 0;

  constructor(private readonly total: number) {}

  get remaining(): number {
    return this.total - this.completed - this.failed - this.warning;
  }

  add(outcome: Pick<StoreOutcome, 'sopUid' | 'status'>): void {
    this.done.add(outcome.sopUid);
    const kind = statusKind(outcome.status);
    this[kind]++;
    if (kind === 'failed') this.failedUids.push(outcome.sopUid);
  }

  /** Whether a Pending response is due now. */
  pendingDue(now = Date.now()): boolean {
    if (this.remaining === 0 || now - this.lastPending < PENDING_EVERY_MS) return false;
    this.lastPending = now;
    return true;
  }

  /** The final status: success, 0xB000 when some failed or warned, 0xA702 when none could be done. */
  finalStatus(): number {
    if (this.failed === 0 && this.warning === 0) return RetrieveStatus.Success;
    if (this.completed === 0 && this.warning === 0) return RetrieveStatus.UnableToPerform;
    return RetrieveStatus.SomeFailed;
  }

  counts(withRemaining: boolean) {
    return {
      ...(withRemaining ? { remainingSubOperations: this.remaining } : {}),
      completedSubOperations: this.completed,
      failedSubOperations: this.failed,
      warningSubOperations: this.warning,
    };
  }

  summary(): string {
    return `${this.completed} completed, ${this.warning} with warnings, ${this.failed} failed, ${this.remaining} not sent`;
  }
}

/**
 * C-MOVE SCP (PS3.4 C.4.2): the identifier's instances C-STOREd to the Move Destination, a known
 * remote AE with the right to receive retrieved images and a port (else 0xA801), over an
 * association of their own (store-scu.ts, with the Move Originator), with Pending responses and
 * the counts of PS3.4 C.4.2.1.5; C-CANCEL stops it with 0xFE00.
 */
export function moveService(deps: RetrieveDeps): OperationHandler {
  return (operation) =>
    serveRetrieve(deps, operation, 'move', (instances, run) => {
      const destination = deps.remoteAes.destination(operation.command.moveDestination ?? '');
      if (!destination.ok) return { refusal: { status: RetrieveStatus.MoveDestinationUnknown, errorComment: destination.comment } };
      return {
        destination: destination.aeTitle,
        outcomes: storeInstances(
          deps,
          { host: destination.host, port: destination.port, calledAeTitle: destination.aeTitle, callingAeTitle: deps.aeTitle },
          instances,
          { signal: run.signal, moveOriginator: { aeTitle: operation.caller.aeTitle, messageId: operation.command.messageId ?? 0 } },
        ),
      };
    });
}

/**
 * C-GET SCP (PS3.4 C.4.3): the identifier's instances C-STOREd to the requestor on the same
 * association, in the storage context accepted for each (store-scu.ts contextFor: the stored
 * syntax, else re-encoded in Explicit VR Little Endian, a lossless syntax we encode or Implicit VR
 * Little Endian; none: that instance fails with 0x0122), with the same responses and counts as
 * C-MOVE.
 */
export function getService(deps: RetrieveDeps): OperationHandler {
  return (operation) =>
    serveRetrieve(deps, operation, 'get', (instances, run) => ({
      destination: operation.caller.aeTitle,
      outcomes: (async function* () {
        for (const instance of instances) {
          if (run.signal.aborted) return;
          yield await storeInstance(deps, instance, operation.contexts, (id, command, dataSet) => operation.request(id, command, dataSet));
        }
      })(),
    }));
}

type SubOperationSource = (
  instances: IndexedInstance[],
  run: { signal: AbortSignal },
) => { refusal: { status: number; errorComment: string } } | { destination: string; outcomes: AsyncIterable<StoreOutcome> };

async function serveRetrieve(deps: RetrieveDeps, operation: DimseOperation, service: 'move' | 'get', source: SubOperationSource) {
  const { command, context, caller, signal } = operation;
  const name = service === 'move' ? 'C-MOVE' : 'C-GET';
  const response = (status: number, extra: Partial<Command> = {}): Command => ({
    affectedSopClassUid: context.abstractSyntax,
    commandField: command.commandField | 0x8000,
    messageIdBeingRespondedTo: command.messageId ?? 0,
    commandDataSetType: NO_DATA_SET,
    status,
    ...extra,
  });

  let identifier: DicomJson;
  try {
    identifier = decodeDataSet(operation.identifier, context.transferSyntax);
  } catch (error) {
    if (!(error instanceof DataSetError)) throw error;
    return operation.respond(response(RetrieveStatus.IdentifierDoesNotMatch, { errorComment: error.message.slice(0, 64) }));
  }
  const match = retrieveInstances(deps.index, identifier, queryModelOf(context.abstractSyntax)!);
  if (match.kind === 'refusal') return operation.respond(response(match.status, { errorComment: match.errorComment }));
  const { instances } = match;
  const started = source(instances, { signal });
  if ('refusal' in started) return operation.respond(response(started.refusal.status, { errorComment: started.refusal.errorComment }));

  const studies = [...new Set(instances.map((i) => i.studyUid))];
  const audit = (action: 'transfer-begin' | 'transfer-send', outcome: 0 | 4 | 8, detail: string) =>
    deps.audit.record({
      action,
      outcome,
      who: { kind: 'device', id: caller.aeTitle, role: 'dimse' },
      clientAddress: caller.address,
      ...(studies.length === 1 ? { studyUid: studies[0] } : {}),
      detail: `${name} by ${caller.aeTitle} to ${started.destination}: ${detail}`,
    });
  audit('transfer-begin', 0, `${instances.length} instance(s) of ${studies.length} study(ies)`);

  const counts = new SubOperations(instances.length);
  let lostAssociation: string | undefined;
  try {
    for await (const outcome of started.outcomes) {
      counts.add(outcome);
      if (counts.pendingDue() && !signal.aborted) await operation.respond(response(RetrieveStatus.Pending, counts.counts(true)));
    }
  } catch (error) {
    if (!(error instanceof DimseAssociationError) && !signal.aborted) throw error;
    if (!signal.aborted) lostAssociation = (error as Error).message;
  }

  const cancelled = signal.aborted;
  // Lost, refused or unreachable: every instance not yet sent failed.
  if (lostAssociation)
    for (const instance of instances) if (!counts.done.has(instance.sopUid)) counts.add({ sopUid: instance.sopUid, status: 0xc000 });
  audit(
    'transfer-send',
    counts.failed > 0 || cancelled ? 4 : 0,
    `${counts.summary()}${cancelled ? ' (cancelled)' : ''}${lostAssociation ? ` (${lostAssociation})` : ''}`,
  );
  const status = cancelled ? RetrieveStatus.Cancel : counts.finalStatus();
  const listed = fitting(counts.failedUids);
  const failedList =
    listed.length > 0 ? encodeDataSet({ [Tag.FailedSOPInstanceUIDList]: { vr: 'UI', Value: listed } }, context.transferSyntax) : undefined;
  await operation.respond(
    response(status, {
      ...counts.counts(cancelled),
      ...(failedList ? { commandDataSetType: 0x0000 } : {}),
      ...(lostAssociation && status !== RetrieveStatus.Success ? { errorComment: lostAssociation.slice(0, 64) } : {}),
    }),
    failedList,
  );
}

/** An Explicit VR UI value holds at most 65,534 bytes (a 16-bit length): the first failed UIDs that fit. */
function fitting(uids: readonly string[]): string[] {
  const listed: string[] = [];
  let length = -1;
  for (const uid of uids) {
    length += uid.length + 1;
    if (length > 0xfffe) break;
    listed.push(uid);
  }
  return listed;
}
