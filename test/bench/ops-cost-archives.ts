import fs from 'node:fs/promises';
import path from 'node:path';
import { readCpuMs } from './proc-monitor';
import { startServer, stopServer, type BenchRun, type ServerProcess } from './server-process';

/** The four archives bench:ops compares (ops-cost-bench.ts), each its own process, and how it pauses and wakes them. */
export interface Configuration {
  name: string;
  metrics: boolean;
  digest: boolean;
}

export const CONFIGURATIONS: readonly Configuration[] = [
  { name: 'all on (default)', metrics: true, digest: true },
  { name: 'metrics off', metrics: false, digest: true },
  { name: 'digest off', metrics: true, digest: false },
  { name: 'both off', metrics: false, digest: false },
];

export interface Archive {
  config: Configuration;
  server: ServerProcess;
  pid: number;
  dicomWeb: string;
}

/** One data dir per configuration, each with its own copy of the synthetic index. */
export async function prepareDataDirs(run: BenchRun, indexFile: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const n of CONFIGURATIONS.keys()) {
    const dataDir = path.join(run.dataDir, `archive-${n}`);
    await fs.mkdir(dataDir);
    await fs.copyFile(indexFile, path.join(dataDir, 'index.sqlite'));
    dirs.push(dataDir);
  }
  return dirs;
}

export async function startArchives(dataDirs: readonly string[]): Promise<Archive[]> {
  const archives: Archive[] = [];
  for (const [n, config] of CONFIGURATIONS.entries()) {
    // Objects in each archive's own folder: four archives in one S3 bucket would share their keys.
    const server = startServer(dataDirs[n]!, {
      PACS_STORAGE: 'fs',
      PACS_METRICS: String(config.metrics),
      PACS_INGEST_DIGEST: String(config.digest),
    });
    if (server.child.pid === undefined) throw new Error(`the ${config.name} archive did not start`);
    archives.push({ config, server, pid: server.child.pid, dicomWeb: '' });
  }
  for (const a of archives) a.dicomWeb = await a.server.dicomWeb;
  return archives;
}

export function pause(a: Archive): void {
  a.server.child.kill('SIGSTOP');
}

/** Lets the archive run again and waits until it has caught up with its timers. */
export async function resume(a: Archive): Promise<void> {
  a.server.child.kill('SIGCONT');
  await waitIdle(a);
}

/** Waits (at most 3 s) until the archive uses under 6 % of a core over 250 ms. */
export async function waitIdle(a: Archive): Promise<void> {
  for (let tries = 0; tries < 12; tries++) {
    const before = readCpuMs(a.pid);
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (readCpuMs(a.pid) - before < 15) return;
  }
}

export async function stopArchives(archives: readonly Archive[]): Promise<void> {
  for (const a of archives) a.server.child.kill('SIGCONT');
  await Promise.all(archives.map((a) => stopServer(a.server.child)));
}
