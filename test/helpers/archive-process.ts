import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freeLoopbackPort } from './free-port';
import { basicAuthorization, signedInFetch, type ArchiveClient, type ArchiveFetch } from './signed-in-fetch';
import { TEST_ADMIN, testArchiveEnv } from './start-app';
import { startCommand } from './start-command';
import { makeTempDir, removeTempDir } from './temp-dir';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LISTENING = /PACS archive listening on /;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export interface ArchiveProcess extends ArchiveClient {
  dataDir: string;
  port: number;
  /** PID of the running process (changes with restart()). */
  readonly pid: number;
  /** `Authorization` header value of the admin (TEST_ADMIN, HTTP Basic). */
  adminAuthorization: string;
  /** fetch() signed in as the admin, like TestArchive.fetch (signed-in-fetch.ts). */
  fetch: ArchiveFetch;
  /** What the process wrote to stdout (its info log, with PACS_LOG_LEVEL=info) since its last start. */
  readonly stdout: string;
  /** What the process wrote to stderr since its last start. */
  readonly stderr: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
  /** SIGKILL, as a power cut or the OOM killer would; waits for the exit. */
  kill9(): Promise<void>;
  /** Stops the process if it runs, starts it again on the same data dir and port, waits for its listening line. */
  restart(): Promise<void>;
  /** stop(), then removes the data dir. */
  dispose(): Promise<void>;
}

/**
 * Our archive as a real child process (`server/main.ts`, as `npm start` runs it) with its own
 * fresh data dir, a fixed loopback port (so a restart keeps the URL, as a peer's does), the admin
 * TEST_ADMIN and PACS_LOG_LEVEL=error. `env` adds or overrides PACS_* variables. For what an
 * in-process archive cannot show: a `kill -9` in the middle of a job, a peer that goes away and
 * comes back, two archives with their own accounts. A start that does not reach its listening
 * line rejects with the process's stderr. With `asNpmStart`, the process is the compiled server
 * `npm start` runs (start-command.ts) instead of the TypeScript through tsx.
 */
export async function startArchiveProcess(
  env: Record<string, string> = {},
  options: { asNpmStart?: boolean } = {},
): Promise<ArchiveProcess> {
  const dataDir = await makeTempDir('archive-process');
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...testArchiveEnv(dataDir),
    PACS_HOST: '127.0.0.1',
    PACS_PORT: String(port),
    ...env,
  };
  const nodeArgs = options.asNpmStart ? startCommand() : ['--import', 'tsx', 'server/main.ts'];
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';

  const launch = async (): Promise<void> => {
    stdout = '';
    stderr = '';
    const started = spawn(process.execPath, nodeArgs, {
      cwd: ROOT,
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    started.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        started.kill('SIGKILL');
        reject(new Error(`archive process on port ${port} ${why}\nstderr:\n${stderr}\nstdout:\n${stdout}`));
      };
      const timer = setTimeout(() => fail(`did not say it listens within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
      const onData = () => {
        if (!LISTENING.test(stdout)) return;
        clearTimeout(timer);
        started.off('exit', onExit);
        started.stdout.off('data', onData);
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) =>
        setImmediate(() => fail(`exited during start-up (code ${code}, signal ${signal})`));
      started.stdout.on('data', onData);
      started.once('exit', onExit);
      started.once('error', (error) => fail(`could not be spawned: ${error.message}`));
    });
  };

  const terminate = async (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (error) {
    await removeTempDir(dataDir);
    throw error;
  }
  const adminAuthorization = basicAuthorization(TEST_ADMIN.username, TEST_ADMIN.password);
  return {
    url,
    dicomWeb: `${url}/dicom-web`,
    dataDir,
    port,
    get pid() {
      if (child?.pid === undefined) throw new Error(`archive process on port ${port} is not running`);
      return child.pid;
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    adminAuthorization,
    fetch: signedInFetch(url, adminAuthorization),
    stop: () => terminate('SIGTERM'),
    kill9: () => terminate('SIGKILL'),
    restart: async () => {
      await terminate('SIGTERM');
      await launch();
    },
    dispose: async () => {
      await terminate('SIGTERM');
      await removeTempDir(dataDir);
    },
  };
}
