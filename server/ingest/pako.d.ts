// pako 2 ships no type declarations (@types/pako is a stub for pako 3); this covers the streaming inflater the ingest uses.
declare module 'pako' {
  export interface InflateOptions {
    /** Raw deflate (RFC 1951), no zlib header. */
    raw?: boolean;
    /** 15 with `raw` false: a zlib stream (RFC 1950) only, no gzip detection. */
    windowBits?: number;
    /** Size of each output chunk given to `onData`. */
    chunkSize?: number;
  }

  export class Inflate {
    constructor(options?: InflateOptions);
    /** Each chunk of output as it is produced, inside `push()`; a fresh array every time. */
    onData: (chunk: Uint8Array) => void;
    /** Inflates as much of `data` as it can, calling `onData`; false once failed or ended before the call. */
    push(data: Uint8Array, flushMode?: boolean | number): boolean;
    /** 0, or the zlib status of the failure. */
    readonly err: number;
    /** The zlib message of the failure, e.g. "invalid block type". */
    readonly msg: string;
    /** Set once the end of the stream was reached, or it failed. */
    readonly ended: boolean;
    /** Input of the last `push()` left unread: after the end of the stream, bytes that follow it. */
    readonly strm: { readonly avail_in: number };
  }
}
