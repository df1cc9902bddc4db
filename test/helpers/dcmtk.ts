import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { requireTool, type TestTool } from './debian-tools';
import { freeLoopbackPort } from './free-port';

/**
 * Debian's DCMTK leaves Nagle's algorithm on unless TCP_NODELAY=1 is in its environment: every
 * small PDU after a large one then waits ~40 ms for an acknowledgement (290 files: 24 s, not 0.7 s).
 */
const DCMTK_ENV = { ...process.env, TCP_NODELAY: process.env.TCP_NODELAY ?? '1' };

export type DcmtkTool = Extract<TestTool, 'echoscu' | 'storescu' | 'findscu' | 'movescu' | 'getscu' | 'storescp'>;

/** Runs a DCMTK network tool to its end: exit code and everything it wrote. */
export function runDcmtk(
  tool: DcmtkTool,
  args: string[],
  options: { cwd?: string } = {},
): Promise<{ code: number | null; output: string }> {
  requireTool(tool);
  return new Promise((resolve) => {
    const child = spawn(tool, args, { cwd: options.cwd, env: DCMTK_ENV });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

export interface Storescp {
  port: number;
  aeTitle: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * DCMTK's storescp on a free loopback port, writing what it receives into `dir` exactly as read
 * (+B); resolves once it accepts connections. `args` adds options (e.g. +xi, -xs).
 */
export async function startStorescp(dir: string, aeTitle = 'STORESCP', args: string[] = []): Promise<Storescp> {
  requireTool('storescp');
  const port = await freeLoopbackPort();
  const child = spawn('storescp', ['+B', ...args, '-od', dir, '-aet', aeTitle, String(port)], { stdio: 'ignore', env: DCMTK_ENV });
  for (let attempt = 0; ; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (attempt > 100 || child.exitCode !== null) throw new Error(`storescp did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    aeTitle,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
