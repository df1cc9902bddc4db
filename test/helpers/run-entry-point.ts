import { spawn } from 'node:child_process';
import path from 'node:path';
import { startCommand } from './start-command';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface EntryPointResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry point of the project as a real process, as `npm start`
 * (`server/main.ts`) and `npm run pacs` (`server/cli/pacs.ts`) do, with nothing but PATH and
 * `env` in its environment. `stdin` is what it reads (nothing by default); once its output
 * matches `untilLine` it is stopped with SIGTERM.
 */
export function runEntryPoint(
  script: string,
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string; untilLine?: RegExp } = {},
): Promise<EntryPointResult> {
  return runNode(['--import', 'tsx', script, ...args], env, options);
}

/** Runs the archive as `npm start` does (start-command.ts: the compiled server), otherwise as runEntryPoint. */
export function runStartCommand(env: Record<string, string>, options: { untilLine?: RegExp } = {}): Promise<EntryPointResult> {
  return runNode(startCommand(), env, options);
}

function runNode(
  nodeArgs: string[],
  env: Record<string, string>,
  options: { stdin?: string; untilLine?: RegExp },
): Promise<EntryPointResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.untilLine?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
