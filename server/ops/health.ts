import express, { type Request, type Response, type Router } from 'express';

/** One dependency of the archive that /health/ready checks; `run` resolves with a short detail, or rejects with why it failed. */
export interface HealthCheck {
  name: string;
  run(): Promise<string | undefined> | string | undefined;
}

export interface CheckResult {
  status: 'ok' | 'fail';
  ms: number;
  detail?: string;
  error?: string;
}

export interface Readiness {
  status: 'ready' | 'not-ready';
  checks: Record<string, CheckResult>;
}

/** How long one check may take before it counts as failed. */
export const CHECK_TIMEOUT_MS = 2_000;

/** Runs every check at once, each within `timeoutMs`. */
export async function readiness(checks: readonly HealthCheck[], timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  const results = await Promise.all(checks.map((check) => runCheck(check, timeoutMs)));
  return {
    status: results.every((result) => result.status === 'ok') ? 'ready' : 'not-ready',
    checks: Object.fromEntries(checks.map((check, n) => [check.name, results[n]!])),
  };
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      Promise.resolve().then(() => check.run()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', ms: elapsed(started), ...(detail === undefined ? {} : { detail }) };
  } catch (error) {
    return { status: 'fail', ms: elapsed(started), error: reasonOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /health/live` (the process answers) and `GET /health/ready` (200 when every dependency
 * answers, else 503, with one entry per check). Neither says anything about patients, so neither
 * needs an account; neither is cached.
 */
export function healthRoutes(checks: readonly HealthCheck[]): Router {
  const router = express.Router();
  router.get('/health/live', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'live', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/health/ready', async (_req: Request, res: Response) => {
    const result = await readiness(checks);
    res.setHeader('Cache-Control', 'no-store');
    res.status(result.status === 'ready' ? 200 : 503);
    res.json(result);
  });
  return router;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/** The failure in words: the error's message and, for a storage error, the cause beneath it. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.slice(0, 300);
}
