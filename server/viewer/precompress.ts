import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** The content codings written beside each compressible file, in the server's order of preference (RFC 9110 8.4.1). */
export const CODINGS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;
export type Coding = (typeof CODINGS)[number]['coding'];

/** Text and WebAssembly compress well; images and fonts are compressed already, source maps are fetched only by DevTools. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.wasm', '.txt']);
/** Below this a compressed answer saves less than a packet. index.html is compressed whatever its size. */
const MIN_BYTES = 1024;

function compress(coding: Coding, data: Buffer): Buffer {
  if (coding === 'gzip') return zlib.gzipSync(data, { level: zlib.constants.Z_BEST_COMPRESSION });
  return zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
}

/**
 * Writes `.br` (brotli, quality 11) and `.gz` (gzip -9) beside every compressible file of a built
 * viewer, so the server sends them as they are instead of compressing on each request (or never).
 * A variant that would not be smaller is not written. Returns the files it compressed.
 */
export function writeCompressedSiblings(dir: string): string[] {
  const compressed: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.has(path.extname(entry.name))) continue;
    const file = path.join(entry.parentPath, entry.name);
    const data = fs.readFileSync(file);
    if (data.length < MIN_BYTES && entry.name !== 'index.html') continue;
    for (const { coding, suffix } of CODINGS) {
      const packed = compress(coding, data);
      if (packed.length < data.length) fs.writeFileSync(file + suffix, packed);
    }
    compressed.push(file);
  }
  return compressed;
}
