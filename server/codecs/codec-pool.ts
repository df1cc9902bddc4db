import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../shared/errors';
import { decodeHere } from './decode-here';
import { encodeHere } from './encode-here';
import type { DecodedFrame, EncodedFrame, FrameGeometry } from './frame-geometry';

/**
 * Frames are decoded and encoded on worker threads, as many as there are CPUs, started on first
 * use and not holding the process open. Each worker takes one frame at a time; frames wait in
 * one queue. The input (codestream or pixels) is copied to the worker and the output is
 * transferred back. A worker that dies fails its frame with a 406 and is replaced. Where no
 * worker can be started at all, frames are coded on the calling thread.
 */

export type CodecJob =
  | { kind: 'decode'; transferSyntaxUid: string; input: Uint8Array; geometry: FrameGeometry }
  | { kind: 'encode'; transferSyntaxUid: string; input: Uint8Array; geometry: FrameGeometry };

type CodecResult = DecodedFrame | EncodedFrame;

export type CodecRequest = CodecJob & { id: number };

export type CodecReply =
  { id: number; result: CodecResult; error?: undefined } | { id: number; result?: undefined; error: { code: ErrorCode; message: string } };

interface Task {
  request: CodecRequest;
  resolve: (result: CodecResult) => void;
  reject: (error: AppError) => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  /** The worker said it loaded its script: a failure before that means workers cannot run here at all. */
  online: boolean;
}

const SIZE = Math.max(1, os.availableParallelism());
const slots: Slot[] = [];
const queue: Task[] = [];
let nextId = 1;
let unavailable = false;

export function decodeInPool(transferSyntaxUid: string, encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  return run({ kind: 'decode', transferSyntaxUid, input: encoded, geometry }) as Promise<DecodedFrame>;
}

export function encodeInPool(transferSyntaxUid: string, pixels: Uint8Array, geometry: FrameGeometry): Promise<EncodedFrame> {
  return run({ kind: 'encode', transferSyntaxUid, input: pixels, geometry }) as Promise<EncodedFrame>;
}

/**
 * Starts one worker and has it compile the encoders of `transferSyntaxUids` on a small frame, so
 * that the first viewer after a restart does not wait for them: 30 ms instead of 240 for the
 * first JPEG-LS frame on the team's VM. One job at a time, so one worker (the first free slot)
 * takes them all: each worker costs about 38 MB, and the others start when frames need them.
 * Failures are left to the first real frame to report.
 */
export async function warmCodecPool(transferSyntaxUids: readonly string[]): Promise<void> {
  const geometry: FrameGeometry = {
    rows: WARM_SIDE,
    columns: WARM_SIDE,
    samplesPerPixel: 1,
    bitsAllocated: 16,
    bitsStored: 12,
    pixelRepresentation: 0,
    photometricInterpretation: 'MONOCHROME2',
    planarConfiguration: 0,
  };
  const pixels = new Uint8Array(WARM_SIDE * WARM_SIDE * 2);
  for (const uid of transferSyntaxUids) await encodeInPool(uid, pixels, geometry).catch(() => undefined);
}

const WARM_SIDE = 64;

/** One job on the calling thread: what a worker does with a request. */
export function runHere(job: CodecJob): Promise<CodecResult> {
  return job.kind === 'decode'
    ? decodeHere(job.transferSyntaxUid, job.input, job.geometry)
    : encodeHere(job.transferSyntaxUid, job.input, job.geometry);
}

function run(job: CodecJob): Promise<CodecResult> {
  if (unavailable) return runHere(job);
  return new Promise<CodecResult>((resolve, reject) => {
    queue.push({ request: { ...job, id: nextId++ }, resolve, reject });
    dispatch();
  });
}

function dispatch(): void {
  while (queue.length > 0) {
    const slot = slots.find((s) => !s.task) ?? (slots.length < SIZE ? startWorker() : undefined);
    if (!slot) return;
    const task = queue.shift()!;
    slot.task = task;
    slot.worker.ref(); // keep the process alive while a frame is being coded
    // Cloned, not transferred: the caller's buffer may hold more than this frame, and a task
    // may have to be run again here if its worker fails to start.
    slot.worker.postMessage({ ...task.request, input: task.request.input.slice() });
  }
}

function startWorker(): Slot | undefined {
  let worker: Worker;
  try {
    worker = newCodecWorker();
  } catch {
    fallBackToThisThread();
    return undefined;
  }
  worker.unref();
  const slot: Slot = { worker, task: undefined, online: false };
  slots.push(slot);
  worker.on('message', (reply: CodecReply | { ready: true }) => {
    if ('ready' in reply) {
      slot.online = true;
      return;
    }
    const task = slot.task;
    slot.task = undefined;
    worker.unref();
    if (task && task.request.id === reply.id) {
      if (reply.result) task.resolve(reply.result);
      else task.reject(new AppError(reply.error.code, reply.error.message));
    }
    dispatch();
  });
  const fail = (reason: string) => {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    const task = slot.task;
    slot.task = undefined;
    if (!slot.online) {
      // Workers cannot run here (no tsx, a sandbox without threads): code on this thread instead.
      if (task) queue.unshift(task);
      fallBackToThisThread();
      return;
    }
    const doing = task?.request.kind === 'encode' ? 'encoder' : 'decoder';
    task?.reject(new AppError('NOT_ACCEPTABLE', `The ${doing} stopped while coding this frame (${reason}).`));
    dispatch();
  };
  worker.on('error', (error) => fail(error.message));
  worker.on('exit', (code) => fail(`exit code ${code}`));
  return slot;
}

/**
 * Compiled (`npm start` runs dist/server/main.js, built by server/build-server.ts), the worker is
 * dist/server/codec-worker.js beside it. Run as TypeScript (tests, `npm run dev`), a small
 * bootstrap registers tsx's loader in the new thread (hooks are per thread) and imports
 * codec-worker.ts. tsx's ESM API sits beside the CommonJS file that require.resolve finds; its
 * CommonJS API cannot register from a worker.
 */
function newCodecWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./codec-worker.js', import.meta.url));
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const script = new URL('./codec-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`, {
    eval: true,
  });
}

function fallBackToThisThread(): void {
  unavailable = true;
  for (const task of queue.splice(0)) runHere(task.request).then(task.resolve, task.reject);
}
