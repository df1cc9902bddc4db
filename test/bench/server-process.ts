/**
 * The archive as its own process for the benchmarks, as `npm start` runs it: the compiled
 * dist/server/main.js with the start script's node flags (start-command.ts), so the child's PID
 * is the server itself (no npm wrapper) and /proc figures are the server's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startCommand } from '../helpers/start-command';
import { BENCH_ADMIN_ENV } from './bench-account';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  child: ChildProcess;
  /** resolves to the DICOMweb root once the server prints its "listening on" line */
  dicomWeb: Promise<string>;
}

/**
 * Starts the server on port 0 with `dataDir` as PACS_DATA_DIR (its index is `dataDir/index.sqlite`)
 * and the bench admin account (BENCH_ADMIN), whose credentials every request of the bench sends.
 * `env` sets more variables for this server (bench:ops starts one per configuration).
 */
export function startServer(dataDir: string, env: NodeJS.ProcessEnv = {}): ServerProcess {
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PACS_HOST: '127.0.0.1',
    PACS_PORT: '0',
    PACS_DATA_DIR: dataDir,
    PACS_LOG_LEVEL: 'error',
    PACS_DIMSE_PORT: '0',
    ...BENCH_ADMIN_ENV,
    ...env,
  };
  for (const name of ['PACS_INDEX_FILE', 'PACS_ACCESS_FILE', 'PACS_AUDIT_FILE', 'PACS_PUBLIC_URL']) delete serverEnv[name];
  // BENCH_NODE_ARGS passes flags to the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...startCommand()], {
    cwd: ROOT,
    env: serverEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  readline.createInterface({ input: child.stderr! }).on('line', (line) => console.error(`[server] ${line}`));
  const lines = readline.createInterface({ input: child.stdout! });
  const dicomWeb = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server printed no "listening on" line within 60 s')), 60_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`the server exited during start-up (code ${code}, signal ${signal})`)));
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(`${match[1]}/dicom-web`);
      }
    });
  });
  return { child, dicomWeb };
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** One benchmark run: a fresh folder under $TMPDIR, the server started in it on demand. */
export interface BenchRun {
  dataDir: string;
  startServer(): ServerProcess;
  /** Stops the server and removes the folder (also done on SIGINT / SIGTERM); idempotent. */
  cleanUp(): Promise<void>;
}

export async function benchRun(prefix: string): Promise<BenchRun> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  let server: ServerProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      if (server) await stopServer(server.child);
      await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    })());
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping the server and removing ${dataDir}`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return { dataDir, startServer: () => (server = startServer(dataDir)), cleanUp };
}
