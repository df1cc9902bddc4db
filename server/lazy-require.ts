import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on first use rather than at import, for heavy ones a running archive
 * may never need: dcmjs alone adds ~25 MB to the resident memory of every process that loads it.
 * `T` is the slice of the package's API the caller uses (dcmjs ships no type declarations).
 */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
