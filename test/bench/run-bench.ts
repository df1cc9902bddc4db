import fs from 'node:fs/promises';
import os from 'node:os';
import { benchRun, type BenchRun } from './server-process';

/**
 * What every benchmark does around its own measurements: a fresh BenchRun removed at the end, the
 * JSON report (--json), the verdict on the answers it checked and the exit code: 0 every answer
 * verified, 3 a verification failed, 1 the harness failed.
 */
export function runBench(prefix: string, main: (run: BenchRun) => Promise<number>): void {
  const inRun = async () => {
    const run = await benchRun(prefix);
    try {
      return await main(run);
    } finally {
      await run.cleanUp();
    }
  };
  inRun().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}

/** The start of every report: when, on what, with which options. */
export function benchReport(options: object): Record<string, unknown> {
  return { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, options };
}

/** Writes the report where --json asks for it. */
export async function writeReport(file: string | undefined, report: object): Promise<void> {
  if (!file) return;
  await fs.writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.error(`figures written to ${file}`);
}

/** Prints whether every checked answer was right; the exit code. */
export function verdict(problems: string[], allRight: string): number {
  console.log(problems.length === 0 ? allRight : `INVALID: ${problems.length} problems, e.g.\n  ${problems.slice(0, 5).join('\n  ')}`);
  return problems.length === 0 ? 0 : 3;
}

/** The end of every benchmark: the verdict printed, the problems (and figures) in the report, the report written; the exit code. */
export async function finish(
  report: Record<string, unknown>,
  problems: string[],
  allRight: string,
  jsonFile: string | undefined,
): Promise<number> {
  const code = verdict(problems, allRight);
  report.problems = problems;
  await writeReport(jsonFile, report);
  return code;
}
