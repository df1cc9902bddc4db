import type { Readable } from 'node:stream';
import type { SendSyntax } from '../../shared/api/exchange';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { isAppError } from '../../shared/errors';
import type { StoredInstance } from '../stored/stored-instance';
import { planTranscode, transcodeInstance, type TranscodeDeps } from '../stored/transcoded-instance';

/** One instance as it goes on the wire: the stored object, or its pixels re-encoded losslessly. */
export interface WireInstance {
  sopUid: string;
  /** The transfer syntax it is sent in; `reencoded` when that is not the stored one. */
  transferSyntax: string;
  reencoded: boolean;
  /** Its bytes, read (or encoded) when its turn comes. */
  open(): Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>>;
}

/**
 * What a send puts on the wire for each instance (issue 13 item 2): with the peer's sendSyntax a
 * lossless syntax, an instance stored natively whose pixels the encoders take is re-encoded in it
 * (stored/transcoded-instance.ts: frames on the worker pool, the rest of the data set element by
 * element) unless the result is not smaller; everything else, and every instance in `asStored`
 * (the peer refused its re-encoded form once), goes as stored.
 */
export function wireInstance(
  deps: TranscodeDeps,
  located: StoredInstance,
  target: SendSyntax,
  asStored: ReadonlySet<string>,
): Promise<WireInstance> {
  const stored = located.instance;
  const asIs: WireInstance = {
    sopUid: located.sopUid,
    transferSyntax: stored.transferSyntax,
    reencoded: false,
    open: () => deps.blobStore.get(stored.blobKey) as Promise<Readable>,
  };
  if (target === 'as-stored' || asStored.has(located.sopUid) || stored.transferSyntax === target) return Promise.resolve(asIs);
  if (transferSyntax(stored.transferSyntax)?.encapsulated !== false || !located.bulk.pixelData?.length) return Promise.resolve(asIs);
  return (async () => {
    let bytes: Buffer;
    try {
      bytes = await transcodeInstance(deps, planTranscode(located, target));
    } catch (error) {
      // The encoder does not take these pixels (406 with the reason), or failed on them: sent as stored.
      // A storage failure fails the stored copy's read as well, and the queue retries the job.
      if (!(isAppError(error) && error.code === 'STORAGE_FAILURE')) return asIs;
      throw error;
    }
    if (bytes.length >= stored.size) return asIs;
    return { sopUid: located.sopUid, transferSyntax: target, reencoded: true, open: async () => [bytes] satisfies Uint8Array[] };
  })();
}
