import fs from 'node:fs';
import path from 'node:path';
import { buildServer } from '../../server/build-server';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * What `npm start` runs once its build steps are done: the last command of package.json's start
 * script (`node <flags> dist/server/main.js`), as arguments for process.execPath. The server is
 * built first (server/build-server.ts), as the start script does, so the tests and benchmarks
 * that use it run the archive exactly as a hospital's `npm start` does, flags included.
 */
export function startCommand(): string[] {
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts;
  const [node, ...args] = scripts.start.split('&&').at(-1)!.trim().split(/\s+/);
  if (node !== 'node' || args.at(-1) !== 'dist/server/main.js')
    throw new Error(`package.json's start script no longer ends with "node … dist/server/main.js": ${scripts.start}`);
  buildServer();
  return args;
}
