import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditLog } from '../audit/audit-log';
import type { IndexDb } from '../index/index-db';
import type { DimseOperation, OperationHandler } from './association';
import { DataSetError, decodeDataSet, encodeDataSet } from './data-set-codec';
import { CommandField, NO_DATA_SET, type Command } from './dimse-command';
import { FindStatus, identifierToQuery, resultToResponse, type FindRequest } from './find-identifier';
import { findMatches } from './find-matches';
import { queryModelOf } from './sop-classes';

/** Matches fetched from the index per search (find-matches.ts): a page costs a few milliseconds to 70 ms. */
const PAGE_SIZE = 100;
/**
 * The longest stretch of matching and encoding before the event loop is let turn (and the
 * responses so far leave, dimse-channel.ts), in time and in matches: a C-CANCEL-RQ is read at
 * the next turn, and at ~20 µs a match 10 ms would let 500 more through. A turn costs ~30 µs.
 */
const TURN_MS = 10;
const TURN_MATCHES = 100;
/** Cancel (PS3.4 C.4.1.1.4): matching ended at the requestor's C-CANCEL-RQ. */
const CANCELLED = 0xfe00;
const SUCCESS = 0x0000;

export interface FindServiceDeps {
  db: IndexDb;
  /** Our AE title, the Retrieve AE Title (0008,0054) of every match. */
  aeTitle: string;
  audit: AuditLog;
  pageSize?: number;
}

/**
 * The C-FIND SCP (PS3.4 C.4.1) of the Patient Root and Study Root models: the identifier,
 * decoded with its Specific Character Set, becomes a QIDO-RS query (find-identifier.ts); each
 * match found by the index search is one Pending response carrying exactly the keys asked for,
 * in the presentation context's syntax; then the final Success, or Cancel when a C-CANCEL-RQ
 * arrived (checked before each match). The event loop turns every 100 matches or 10 ms of
 * work, so a query of thousands of matches never holds up the HTTP side or this association's
 * C-CANCEL. One audit record (Query, 110112) per request, with the calling AE, the keys (never
 * their values) and the number of matches, as QIDO-RS records its queries.
 */
export function findService(deps: FindServiceDeps): OperationHandler {
  const pageSize = deps.pageSize ?? PAGE_SIZE;
  return async (operation) => {
    const { command, context } = operation;
    const model = queryModelOf(context.abstractSyntax);
    if (!model) throw new Error(`${context.abstractSyntax} is not a query/retrieve SOP class`);
    const modelName = model === 'patient' ? 'Patient Root' : 'Study Root';
    const respond = (status: number, fields: Partial<Command> = {}, dataSet?: Buffer) =>
      operation.respond(
        {
          affectedSopClassUid: context.abstractSyntax,
          commandField: CommandField.CFindRsp,
          messageIdBeingRespondedTo: command.messageId ?? 0,
          commandDataSetType: dataSet ? 0x0000 : NO_DATA_SET,
          status,
          ...fields,
        },
        dataSet,
      );
    const audit = (outcome: 0 | 4, detail: string) =>
      deps.audit.record({
        action: 'query',
        outcome,
        who: { kind: 'device', id: operation.caller.aeTitle, role: 'dimse' },
        clientAddress: operation.caller.address,
        detail: `C-FIND ${modelName} ${detail}`,
      });

    let request: FindRequest;
    try {
      const parsed = identifierToQuery(decodeDataSet(operation.identifier, context.transferSyntax), model);
      if (parsed.kind === 'refusal') {
        audit(4, `refused (0x${hex(parsed.status)}): ${parsed.errorComment}`);
        return respond(parsed.status, {
          errorComment: parsed.errorComment.slice(0, 64),
          ...(parsed.offendingElement ? { offendingElement: parsed.offendingElement } : {}),
        });
      }
      request = parsed;
    } catch (error) {
      // Unreadable bytes are not an identifier of another SOP class: Unable to Process.
      if (!(error instanceof DataSetError)) throw error;
      audit(4, `refused (0x${hex(FindStatus.UnableToProcess)}): ${error.message}`);
      return respond(FindStatus.UnableToProcess, { errorComment: 'The identifier cannot be read.' });
    }

    const matched = await answerMatches(operation, request, deps, pageSize, (dataSet) => respond(request.pendingStatus, {}, dataSet));
    const keys = request.returnKeys.map((key) => key.tag).join(',');
    audit(
      0,
      `${request.level} level, ${matched.count} ${matched.count === 1 ? 'match' : 'matches'}${matched.cancelled ? ' (cancelled)' : ''}, keys=${keys}`,
    );
    return respond(matched.cancelled ? CANCELLED : SUCCESS);
  };
}

/** Sends each match as a Pending response until the last one or a C-CANCEL-RQ. */
async function answerMatches(
  operation: DimseOperation,
  request: FindRequest,
  deps: FindServiceDeps,
  pageSize: number,
  pending: (dataSet: Buffer) => Promise<void>,
): Promise<{ count: number; cancelled: boolean }> {
  let count = 0;
  let turned = performance.now();
  for (const match of findMatches(deps.db, request, { pageSize })) {
    if (operation.signal.aborted) return { count, cancelled: true };
    await pending(encodeDataSet(resultToResponse(match, request, deps.aeTitle), operation.context.transferSyntax));
    count++;
    // A response the socket took at once resolves without a turn of the event loop: make one.
    if (count % TURN_MATCHES === 0 || performance.now() - turned > TURN_MS) {
      await nextTurn();
      turned = performance.now();
    }
  }
  return { count, cancelled: operation.signal.aborted };
}

function hex(status: number): string {
  return status.toString(16).padStart(4, '0');
}
