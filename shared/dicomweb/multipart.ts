/**
 * Writing multipart/related bodies (RFC 2046 5.1.1, RFC 2387) as PS3.18 8.7.1 uses them.
 * Every delimiter is `CRLF--boundary`; the CRLF before a delimiter belongs to the delimiter,
 * not to the preceding body.
 */

// `crypto` is a global in browsers and Node ≥ 19, but shared/ compiles without DOM or Node types.
const { crypto } = globalThis as unknown as { crypto: { getRandomValues(array: Uint8Array): Uint8Array } };

/** A random boundary (128 bits) made of characters that need no quoting in a header. */
export function newBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dicomweb-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The delimiter line and header block opening a part; non-first parts start with the CRLF. */
export function partHeader(boundary: string, headers: Record<string, string>, first: boolean): string {
  let out = `${first ? '' : '\r\n'}--${boundary}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name + value)) throw new TypeError(`Part header ${JSON.stringify(name)} contains CR or LF`);
    out += `${name}: ${value}\r\n`;
  }
  return `${out}\r\n`;
}

export function closeDelimiter(boundary: string): string {
  return `\r\n--${boundary}--\r\n`;
}
