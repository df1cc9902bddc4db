import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';

/**
 * The object key scheme, a versioned contract (STYLE.md rule 4): every stored object lives under
 * `v1/`, and keys are generated here from random UUIDs, never from UIDs or any other request
 * input. A new layout gets a new version prefix; old keys stay readable.
 */
export const INSTANCE_KEY_PREFIX = 'v1/instances/';

const INSTANCE_KEY = /^v1\/instances\/([0-9a-f]{2})\/\1[0-9a-f]{30}\.dcm$/;
const SAFE_KEY = /^v1\/[a-z0-9/._-]+$/;

/**
 * A fresh key for one stored DICOM instance: `v1/instances/<hh>/<32 hex>.dcm`, where `<hh>` is
 * the first byte of the UUID, so objects spread over 256 folders (fs) or key prefixes (S3).
 */
export function newInstanceKey(): string {
  const id = randomUUID().replaceAll('-', '');
  return `${INSTANCE_KEY_PREFIX}${id.slice(0, 2)}/${id}.dcm`;
}

/** Objects derived from stored instances (encoded frames, server/stored/derived-frames.ts): a cache, never the record. */
export const DERIVED_KEY_PREFIX = 'v1/derived/';

/**
 * The key of one frame of a stored instance encoded in a transfer syntax:
 * `v1/derived/<hh>/<32 hex>-f<frame>-<syntax UID>-g<generation>`, beside the instance's own
 * `<hh>` and UUID (so it is never built from request input), `generation` naming the encoders
 * that made it. Flat per `<hh>` folder: deleting an instance leaves no empty folder behind.
 */
export function derivedFrameKey(blobKey: string, frame: number, transferSyntaxUid: string, generation: number): string {
  const match = INSTANCE_KEY.exec(blobKey);
  if (!match || !Number.isSafeInteger(frame) || frame < 1 || !/^[0-9.]+$/.test(transferSyntaxUid)) {
    throw new AppError('INTERNAL', `No derived frame key for ${JSON.stringify(blobKey.slice(0, 100))} frame ${frame}.`);
  }
  const id = blobKey.slice(INSTANCE_KEY_PREFIX.length + 3, -'.dcm'.length);
  return `${DERIVED_KEY_PREFIX}${match[1]}/${id}-f${frame}-${transferSyntaxUid}-g${generation}`;
}

/** The one object /health/ready writes and deletes to prove object storage takes writes (server/ops/archive-health.ts). */
export const HEALTH_PROBE_KEY = 'v1/health/probe';

export function isInstanceKey(key: string): boolean {
  return INSTANCE_KEY.test(key);
}

/**
 * Guard every store calls before touching a key. Keys come from this module, so a failure here
 * is a programming error (hence INTERNAL), but it also keeps a bad key from ever becoming a
 * path outside the object folder.
 */
export function assertSafeKey(key: string): void {
  const segments = key.split('/');
  if (!SAFE_KEY.test(key) || key.endsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new AppError('INTERNAL', `Refusing unsafe object key ${JSON.stringify(key.slice(0, 100))}.`);
  }
}

/**
 * Guard for `list(prefix)`: a prefix is any leading part of a safe key (including "" for
 * everything), so it may end in the middle of a segment or with a "/".
 */
export function assertSafePrefix(prefix: string): void {
  if (prefix === '' || prefix === 'v' || prefix === 'v1') return;
  if (!/^v1\/[a-z0-9/._-]*$/.test(prefix) || prefix.includes('//') || prefix.split('/').some((s) => s === '..' || s === '.')) {
    throw new AppError('INTERNAL', `Refusing unsafe object key prefix ${JSON.stringify(prefix.slice(0, 100))}.`);
  }
}

/** Where `pacs check --repair` moves orphan instance objects before a later run deletes them (server/ops/consistency-check.ts). */
export const QUARANTINE_KEY_PREFIX = 'v1/quarantine/';

/** The quarantine key of an object under `v1/instances/`: the same path under `v1/quarantine/`. */
export function quarantineKey(instanceKey: string): string {
  if (!instanceKey.startsWith(INSTANCE_KEY_PREFIX)) {
    throw new AppError('INTERNAL', `No quarantine key for ${JSON.stringify(instanceKey.slice(0, 100))}.`);
  }
  return `${QUARANTINE_KEY_PREFIX}${instanceKey.slice(INSTANCE_KEY_PREFIX.length)}`;
}
