import path from 'node:path';
import { dimseConfig, type DimseConfig } from './dimse/dimse-config';

/**
 * Configuration: every PACS_* variable is parsed here, once, and nowhere else reads
 * `process.env` (STYLE.md rule 8). All problems are collected so that a bad start names every
 * bad variable at once.
 */
export type StorageConfig =
  | { kind: 'fs'; dataDir: string }
  | {
      kind: 's3';
      endPoint: string;
      port: number | undefined;
      useSSL: boolean;
      accessKey: string;
      secretKey: string;
      bucket: string;
      region: string;
    };

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Absolute base URL of the server as clients see it, without a trailing slash. */
  readonly publicUrl: string;
  readonly dataDir: string;
  /** SQLite index file. */
  readonly indexFile: string;
  readonly storage: StorageConfig;
  /** Largest accepted STOW-RS request body in bytes (0 = unlimited). */
  readonly maxRequestBytes: number;
  /** QIDO-RS: largest `limit`, and the page size when the client gives none. */
  readonly qidoMaxLimit: number;
  readonly logLevel: 'silent' | 'error' | 'info';
  /** Browser origins allowed to call the API from another site (CORS); empty = none. */
  readonly corsOrigins: readonly string[];
  /** Accounts, sessions, API tokens, share links, consultations, annotations. */
  readonly accessFile: string;
  /** The append-only audit trail. */
  readonly auditFile: string;
  /** The first admin account, created at the first start when no account exists. */
  readonly adminUser: string;
  readonly adminPassword: string | undefined;
  /** Longest lifetime of a share link, in hours. */
  readonly shareMaxHours: number;
  /** Size cap of the derived-representation cache (encoded frames) in MiB; 0 = no caching. */
  readonly derivedCacheMb: number;
  /** Modalities whose grey frames are encoded as HTJ2K RPCL right after ingest. */
  readonly deriveAtIngest: readonly string[];
  /** The lossless transfer syntax native instances are re-stored in after ingest; undefined (`off`) keeps every instance as received. */
  readonly storeCompressed: string | undefined;
  /** The key (32 bytes) that seals peer secrets at rest: created on the first start if missing. */
  readonly secretKeyFile: string;
  /** Transfer jobs (sends and fetches to and from peers) running at once. */
  readonly transferConcurrency: number;
  /** Seconds without a new instance after which a study is stable, and routing rules apply to it. */
  readonly stableAgeSeconds: number;
  /** Largest instance accepted from a peer by a fetch, in bytes. */
  readonly fetchMaxInstanceBytes: number;
  /** How long a peer may stay silent in a transfer (before its answer, or between two chunks), in ms. */
  readonly peerTimeoutMs: number;
  readonly dimse: DimseConfig;
  /** Ingest is refused while the disk of the data dir has less free than the smaller of these two. */
  readonly minFreePercent: number;
  readonly minFreeBytes: number;
  /** GET /metrics (Prometheus) and the collection behind it. */
  readonly metrics: boolean;
  /** A bearer token a Prometheus scraper may present for /metrics, besides accounts and loopback callers. */
  readonly metricsToken: string | undefined;
  /** Record a digest of each object at ingest, which `pacs check --verify` compares the objects with. */
  readonly ingestDigest: boolean;
}

/** What PACS_STORE_COMPRESSED accepts besides `off`: the lossless syntaxes the archive encodes (codecs/encode-registry.ts LOSSLESS_ENCODINGS). */
export const STORE_COMPRESSED_SYNTAXES: readonly string[] = [
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}="${raw}" must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    problems.push(`${name}="${raw}" must be true or false`);
    return fallback;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name}="${raw}" must be one of ${allowed.join(', ')}`);
    return fallback;
  };

  const host = read('PACS_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) problems.push(`PACS_HOST="${host}" is not a host name or address`);
  const port = int('PACS_PORT', 8080, 0, 65535);
  const dataDir = path.resolve(cwd, read('PACS_DATA_DIR') ?? './data');
  const indexFile = path.resolve(cwd, read('PACS_INDEX_FILE') ?? path.join(dataDir, 'index.sqlite'));

  let publicUrl = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  const rawPublicUrl = read('PACS_PUBLIC_URL');
  if (rawPublicUrl !== undefined) {
    try {
      const url = new URL(rawPublicUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      if (url.search || url.hash) throw new Error('query');
      publicUrl = url.toString().replace(/\/+$/, '');
    } catch {
      problems.push(`PACS_PUBLIC_URL="${rawPublicUrl}" must be an absolute http(s) URL without query or fragment`);
    }
  }

  const storageKind = oneOf('PACS_STORAGE', ['fs', 's3'] as const, 'fs');
  let storage: StorageConfig = { kind: 'fs', dataDir };
  if (storageKind === 's3') {
    const endPoint = read('PACS_S3_ENDPOINT');
    if (endPoint === undefined) problems.push('PACS_S3_ENDPOINT is required when PACS_STORAGE=s3');
    else if (/[/:]/.test(endPoint))
      problems.push(`PACS_S3_ENDPOINT="${endPoint}" must be a host name without scheme or port (use PACS_S3_PORT)`);
    const useSSL = bool('PACS_S3_USE_SSL', true);
    const s3Port = read('PACS_S3_PORT') === undefined ? undefined : int('PACS_S3_PORT', 443, 1, 65535);
    const accessKey = read('PACS_S3_ACCESS_KEY');
    const secretKey = read('PACS_S3_SECRET_KEY');
    if (accessKey === undefined) problems.push('PACS_S3_ACCESS_KEY is required when PACS_STORAGE=s3');
    if (secretKey === undefined) problems.push('PACS_S3_SECRET_KEY is required when PACS_STORAGE=s3');
    const bucket = read('PACS_S3_BUCKET') ?? 'pacs';
    // S3 bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens.
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`PACS_S3_BUCKET="${bucket}" is not a valid bucket name`);
    const region = read('PACS_S3_REGION') ?? 'us-east-1';
    if (!/^[a-z0-9-]+$/.test(region)) problems.push(`PACS_S3_REGION="${region}" is not a valid region name`);
    storage = {
      kind: 's3',
      endPoint: endPoint ?? '',
      port: s3Port,
      useSSL,
      accessKey: accessKey ?? '',
      secretKey: secretKey ?? '',
      bucket,
      region,
    };
  }

  const maxRequestBytes = int('PACS_MAX_REQUEST_BYTES', 0, 0, Number.MAX_SAFE_INTEGER);
  const qidoMaxLimit = int('PACS_QIDO_MAX_LIMIT', 1000, 1, 1_000_000);
  const logLevel = oneOf('PACS_LOG_LEVEL', ['silent', 'error', 'info'] as const, 'info');

  const corsOrigins: string[] = [];
  for (const origin of (read('PACS_CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin.replace(/\/$/, '')) {
      problems.push(`PACS_CORS_ORIGINS: "${origin}" is not an origin like https://viewer.hospital.vn`);
    } else corsOrigins.push(parsed.origin);
  }

  const accessFile = path.resolve(cwd, read('PACS_ACCESS_FILE') ?? path.join(dataDir, 'access.sqlite'));
  const auditFile = path.resolve(cwd, read('PACS_AUDIT_FILE') ?? path.join(dataDir, 'audit.sqlite'));
  const adminUser = read('PACS_ADMIN_USER') ?? 'admin';
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(adminUser))
    problems.push(`PACS_ADMIN_USER="${adminUser}" must be 1 to 64 letters, digits, or . _ @ -`);
  // Not trimmed: spaces may be part of a password.
  const adminPassword = env.PACS_ADMIN_PASSWORD === undefined || env.PACS_ADMIN_PASSWORD === '' ? undefined : env.PACS_ADMIN_PASSWORD;
  if (adminPassword !== undefined && [...adminPassword].length < 10) problems.push('PACS_ADMIN_PASSWORD must have at least 10 characters');
  const shareMaxHours = int('PACS_SHARE_MAX_HOURS', 720, 1, 24 * 366);
  const derivedCacheMb = int('PACS_DERIVED_CACHE_MB', 4096, 0, 1 << 30);
  const deriveAtIngest = (read('PACS_DERIVE_AT_INGEST') ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  for (const modality of deriveAtIngest) {
    // Modality is a CS value (PS3.5 6.2): upper-case letters, digits, space and underscore.
    if (!/^[A-Z0-9_ ]{1,16}$/.test(modality)) problems.push(`PACS_DERIVE_AT_INGEST: "${modality}" is not a modality code like CT or MR`);
  }

  const rawStoreCompressed = read('PACS_STORE_COMPRESSED') ?? 'off';
  const storeCompressed = rawStoreCompressed.toLowerCase() === 'off' ? undefined : rawStoreCompressed;
  if (storeCompressed !== undefined && !STORE_COMPRESSED_SYNTAXES.includes(storeCompressed)) {
    problems.push(
      `PACS_STORE_COMPRESSED="${rawStoreCompressed}" must be off or one of the lossless transfer syntaxes ${STORE_COMPRESSED_SYNTAXES.join(', ')}`,
    );
  }

  const secretKeyFile = path.resolve(cwd, read('PACS_SECRET_KEY_FILE') ?? path.join(dataDir, 'secret.key'));
  const transferConcurrency = int('PACS_TRANSFER_CONCURRENCY', 2, 1, 64);
  const stableAgeSeconds = int('PACS_STABLE_AGE_SECONDS', 60, 1, 7 * 24 * 3600);
  const fetchMaxInstanceBytes = int('PACS_FETCH_MAX_INSTANCE_MB', 2048, 1, 1 << 20) * 2 ** 20;
  const peerTimeoutMs = int('PACS_PEER_TIMEOUT_SECONDS', 60, 1, 3600) * 1000;

  const dimse = dimseConfig(read, bool, problems, { host, port, cwd });
  const minFreePercent = int('PACS_MIN_FREE_PERCENT', 5, 0, 99);
  const minFreeBytes = int('PACS_MIN_FREE_MB', 2048, 0, 1 << 30) * 2 ** 20;
  const metrics = bool('PACS_METRICS', true);
  const metricsToken = read('PACS_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 32) problems.push('PACS_METRICS_TOKEN must have at least 32 characters');
  const ingestDigest = bool('PACS_INGEST_DIGEST', true);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    host,
    port,
    publicUrl,
    dataDir,
    indexFile,
    storage,
    maxRequestBytes,
    qidoMaxLimit,
    logLevel,
    corsOrigins: Object.freeze(corsOrigins),
    accessFile,
    auditFile,
    adminUser,
    adminPassword,
    shareMaxHours,
    derivedCacheMb,
    deriveAtIngest: Object.freeze(deriveAtIngest),
    storeCompressed,
    secretKeyFile,
    transferConcurrency,
    stableAgeSeconds,
    fetchMaxInstanceBytes,
    peerTimeoutMs,
    dimse,
    minFreePercent,
    minFreeBytes,
    metrics,
    metricsToken,
    ingestDigest,
  });
}
