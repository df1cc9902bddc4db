/**
 * STOW-RS per-instance outcomes and the response status rule (PS3.18 10.5.3).
 * Partial success is data, not an exception (STYLE.md rule 3).
 */
export const FailureReason = {
  /** A7xx Refused: out of resources (object storage unavailable or full). */
  OutOfResources: 0xa700,
  /** A9xx Error: data set does not match the request (e.g. a different study than the URL names). */
  DataSetDoesNotMatch: 0xa900,
  /** Cxxx Error: cannot understand (not Part 10, missing or invalid required UIDs). */
  CannotUnderstand: 0xc000,
  /** 0110 Processing failure. */
  ProcessingFailure: 0x0110,
  /** 0111 Duplicate SOP Instance: the UID is stored with different content. */
  DuplicateSopInstance: 0x0111,
} as const;

export type StowInstanceOutcome =
  | {
      ok: true;
      sopClassUid: string;
      sopInstanceUid: string;
      studyInstanceUid: string;
      seriesInstanceUid: string;
      /** True when the identical instance was already stored (idempotent success). */
      alreadyStored: boolean;
    }
  | {
      ok: false;
      sopClassUid?: string;
      sopInstanceUid?: string;
      failureReason: number;
      /** Readable, never contains patient data. */
      message: string;
    };

/**
 * 200 when every instance was stored, 202 when some failed, 409 when none was stored,
 * 400 when the request carried no instance at all.
 */
export function stowResponseStatus(outcomes: readonly StowInstanceOutcome[]): 200 | 202 | 400 | 409 {
  if (outcomes.length === 0) return 400;
  const stored = outcomes.filter((o) => o.ok).length;
  if (stored === outcomes.length) return 200;
  return stored === 0 ? 409 : 202;
}
