/**
 * Whether a deflate stream starts with a zlib header (RFC 1950 2.2: CM 8, CINFO at most 7, the
 * FCHECK multiple of 31). Deflated Explicit VR Little Endian (PS3.5 A.5) is raw deflate, but some
 * senders wrap it in zlib; the ingest accepts that with a warning, so every reader of a stored
 * deflated data set must decide the same way from the same two bytes.
 */
export function zlibWrapped(bytes: Uint8Array): boolean {
  const [b0, b1] = bytes;
  return b0 !== undefined && b1 !== undefined && (b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0;
}
