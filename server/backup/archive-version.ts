import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The archive's version (package.json), recorded in every backup manifest. */
export function archiveVersion(): string {
  const file = path.resolve(import.meta.dirname, '../../package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
