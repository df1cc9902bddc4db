import { X509Certificate } from 'node:crypto';
import { SEND_SYNTAXES, type PeerAuthKind, type PeerInput, type PeerKind, type SendSyntax } from '../../shared/api/exchange';
import { AppError } from '../../shared/errors';

/** A row of the peers table, with its remote AE as it is now (joined) for a DIMSE peer. */
export interface PeerRow {
  id: string;
  kind: PeerKind;
  name: string;
  base_url: string;
  auth_kind: PeerAuthKind;
  username: string;
  secret_sealed: Buffer | null;
  ca_pem: string | null;
  bandwidth_kbps: number | null;
  max_connections: number;
  send_syntax: SendSyntax;
  paused_at: number | null;
  created_at: number;
  updated_at: number;
  /** A DIMSE peer's remote AE (remote_aes.id), and that AE as it is now (joined, not stored here). */
  remote_ae_id: string | null;
  ae_title?: string | null;
  ae_host?: string | null;
  ae_port?: number | null;
}

const MAX_CONNECTIONS = 16;

/** A DICOMweb peer as its POST/PATCH body gives it, checked. */
export type ParsedPeer = Required<Omit<PeerInput, 'auth'>> & { auth: PeerInput['auth'] };

const MAX_URL_LENGTH = 2048;

/** Checks a POST/PATCH body field by field; a PATCH (`old` given) keeps what it does not name. */
export function parsePeerInput(input: unknown, old: PeerRow | undefined): ParsedPeer {
  if (typeof input !== 'object' || input === null) throw new AppError('BAD_REQUEST', 'The body must be a JSON object.');
  const body = input as Record<string, unknown>;
  const bad = (message: string) => new AppError('BAD_REQUEST', message);

  const name = body.name ?? old?.name;
  if (typeof name !== 'string' || !/^\S(.{0,62}\S)?$/u.test(name)) throw bad('name must be 1 to 64 characters.');

  const rawUrl = body.baseUrl ?? old?.base_url;
  if (typeof rawUrl !== 'string' || rawUrl.trim() === '') throw bad('baseUrl is required: the DICOMweb base URL of the peer.');
  if (rawUrl.length > MAX_URL_LENGTH) throw bad(`baseUrl has at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    throw bad('baseUrl is not an absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('baseUrl must be an http or https URL.');
  if (url.username || url.password) throw bad('baseUrl must not hold credentials: give them as the authentication.');
  if (url.search || url.hash) throw bad('baseUrl must not have a query or a fragment.');
  const baseUrl = url.toString().replace(/\/+$/, '');

  let auth: PeerInput['auth'];
  const rawAuth = body.auth ?? (old ? { kind: old.auth_kind, username: old.username } : { kind: 'none' });
  if (typeof rawAuth !== 'object' || rawAuth === null) throw bad('auth must be an object with a kind.');
  const a = rawAuth as Record<string, unknown>;
  const optionalSecret = (field: string): string | undefined => {
    const value = a[field];
    if (value === undefined || value === '') return undefined;
    // Control characters would break (or smuggle into) the Authorization header.
    if (typeof value !== 'string' || value.length > 4096 || /[\x00-\x1f\x7f]/.test(value))
      throw bad(`auth.${field} must be a single line of text (at most 4096 characters, no control characters).`);
    return value;
  };
  switch (a.kind) {
    case 'none':
      auth = { kind: 'none' };
      break;
    case 'basic': {
      const username = a.username ?? (old?.auth_kind === 'basic' ? old.username : undefined);
      if (typeof username !== 'string' || username === '' || username.length > 256 || /[:\x00-\x1f\x7f]/.test(username))
        throw bad('auth.username is required for basic authentication: at most 256 characters, without a colon.');
      const password = optionalSecret('password');
      auth = password === undefined ? { kind: 'basic', username } : { kind: 'basic', username, password };
      break;
    }
    case 'bearer': {
      const token = optionalSecret('token');
      auth = token === undefined ? { kind: 'bearer' } : { kind: 'bearer', token };
      break;
    }
    default:
      throw bad('auth.kind must be none, basic or bearer.');
  }

  const { bandwidthKbps, maxConnections } = parseLimits(body, old);

  // An empty text area means "the system CAs", as null does.
  const rawCa = 'caCertificate' in body ? body.caCertificate : (old?.ca_pem ?? null);
  const caCertificate = typeof rawCa === 'string' && rawCa.trim() === '' ? null : rawCa;
  if (caCertificate !== null) {
    if (typeof caCertificate !== 'string' || caCertificate.length > 64 * 1024) throw bad('caCertificate must be PEM text.');
    try {
      new X509Certificate(caCertificate);
    } catch {
      throw bad('caCertificate is not a PEM certificate.');
    }
  }

  const sendSyntax = body.sendSyntax ?? old?.send_syntax ?? 'as-stored';
  if (!(SEND_SYNTAXES as readonly unknown[]).includes(sendSyntax)) throw bad(`sendSyntax must be one of ${SEND_SYNTAXES.join(', ')}.`);

  return {
    name,
    baseUrl,
    auth,
    bandwidthKbps,
    caCertificate: caCertificate as string | null,
    maxConnections,
    sendSyntax: sendSyntax as SendSyntax,
  };
}

/** The kind a POST body names (DICOMweb unless it says dimse), or the saved peer's; a PATCH cannot change it. */
export function peerKindOf(input: unknown, old: PeerRow | undefined): PeerKind {
  const kind = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).kind : undefined;
  if (kind !== undefined && kind !== 'dicomweb' && kind !== 'dimse') throw new AppError('BAD_REQUEST', 'kind must be dicomweb or dimse.');
  if (old && kind !== undefined && kind !== old.kind)
    throw new AppError('BAD_REQUEST', `This peer is a ${old.kind} peer and stays one: add a new peer of kind ${kind}.`);
  return old?.kind ?? (kind as PeerKind | undefined) ?? 'dicomweb';
}

/** The bandwidth cap and connection limit, which both kinds of peer have. */
export function parseLimits(
  body: Record<string, unknown>,
  old: PeerRow | undefined,
): { bandwidthKbps: number | null; maxConnections: number } {
  const bandwidthKbps = 'bandwidthKbps' in body ? body.bandwidthKbps : (old?.bandwidth_kbps ?? null);
  if (
    bandwidthKbps !== null &&
    (!Number.isInteger(bandwidthKbps) || (bandwidthKbps as number) < 64 || (bandwidthKbps as number) > 100_000_000)
  )
    throw new AppError('BAD_REQUEST', 'bandwidthKbps must be null or an integer from 64 to 100000000 (kbit/s).');
  const maxConnections = body.maxConnections ?? old?.max_connections ?? 2;
  if (!Number.isInteger(maxConnections) || (maxConnections as number) < 1 || (maxConnections as number) > MAX_CONNECTIONS)
    throw new AppError('BAD_REQUEST', `maxConnections must be an integer from 1 to ${MAX_CONNECTIONS}.`);
  return { bandwidthKbps: bandwidthKbps as number | null, maxConnections: maxConnections as number };
}
