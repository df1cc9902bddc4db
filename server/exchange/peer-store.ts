import { X509Certificate } from 'node:crypto';
import type { PeerAuthKind, PeerSummary } from '../../shared/api/exchange';
import { AppError } from '../../shared/errors';
import type { AccessDb } from '../auth/access-db';
import { newId } from '../auth/secrets';
import { PeerConnection, type PeerEndpoint } from './peer-connection';
import { parseLimits, parsePeerInput, peerKindOf, type ParsedPeer, type PeerRow } from './peer-input';
import type { SecretBox } from './secret-box';

/** The peer with its remote AE's title, host and port, when it has one. */
const SELECT = `SELECT p.*, r.ae_title AS ae_title, r.host AS ae_host, r.port AS ae_port
  FROM peers p LEFT JOIN remote_aes r ON r.id = p.remote_ae_id`;

/**
 * The remote archives this one exchanges studies with. A peer's password or token is sealed
 * (secret-box.ts) and leaves this class only as the Authorization header of a PeerConnection:
 * summaries say whether one is set, never what it is. One connection pool per peer, rebuilt when
 * the peer is edited.
 */
export class PeerStore {
  private readonly q;
  private readonly connections = new Map<string, PeerConnection>();

  constructor(
    private readonly db: AccessDb,
    private readonly box: SecretBox,
    /** Given to each connection pool: how long a peer may stay silent (PeerConnection). */
    private readonly connectionOptions: { stallMs?: number } = {},
  ) {
    this.q = {
      all: db.prepare<[], PeerRow>(`${SELECT} ORDER BY p.name`),
      byId: db.prepare<[string], PeerRow>(`${SELECT} WHERE p.id = ?`),
      insert: db.prepare<[PeerRow]>(
        `INSERT INTO peers (id, kind, name, base_url, auth_kind, username, secret_sealed, ca_pem, bandwidth_kbps, max_connections, send_syntax, remote_ae_id, paused_at, created_at, updated_at)
         VALUES (@id, @kind, @name, @base_url, @auth_kind, @username, @secret_sealed, @ca_pem, @bandwidth_kbps, @max_connections, @send_syntax, @remote_ae_id, @paused_at, @created_at, @updated_at)`,
      ),
      update: db.prepare<[PeerRow]>(
        `UPDATE peers SET name = @name, base_url = @base_url, auth_kind = @auth_kind, username = @username, secret_sealed = @secret_sealed,
         ca_pem = @ca_pem, bandwidth_kbps = @bandwidth_kbps, max_connections = @max_connections, send_syntax = @send_syntax,
         remote_ae_id = @remote_ae_id, updated_at = @updated_at
         WHERE id = @id`,
      ),
      remoteAe: db.prepare<[string], { ae_title: string; host: string; port: number | null }>(
        'SELECT ae_title, host, port FROM remote_aes WHERE id = ?',
      ),
      setPaused: db.prepare<[number | null, number, string]>('UPDATE peers SET paused_at = ?, updated_at = ? WHERE id = ?'),
      remove: db.prepare<[string]>('DELETE FROM peers WHERE id = ?'),
      jobsOf: db.prepare<[string], number>('SELECT count(*) FROM transfer_jobs WHERE peer_id = ?').pluck(),
      rulesOf: db.prepare<[string], number>('SELECT count(*) FROM routing_rules WHERE peer_id = ?').pluck(),
    };
  }

  list(): PeerSummary[] {
    return this.q.all.all().map(toSummary);
  }

  get(id: string): PeerSummary | undefined {
    const row = this.q.byId.get(id);
    return row && toSummary(row);
  }

  create(input: unknown, now = Date.now()): PeerSummary {
    const row = this.rowFor(input, undefined, now);
    this.write(() => this.q.insert.run(row), row.name);
    return this.get(row.id)!;
  }

  /** Replaces the peer's settings; its secret stays unless a new one is given (or the kind changes). */
  update(id: string, input: unknown, now = Date.now()): PeerSummary {
    const old = this.q.byId.get(id);
    if (!old) throw new AppError('NOT_FOUND', 'No such peer.');
    const row = this.rowFor(input, old, now);
    this.write(() => this.q.update.run(row), row.name);
    this.dropConnection(id);
    return this.get(id)!;
  }

  /** Removes a peer that no job or rule refers to (those keep the history; pause the peer instead). */
  remove(id: string): void {
    if (!this.q.byId.get(id)) throw new AppError('NOT_FOUND', 'No such peer.');
    if (this.q.rulesOf.get(id)! > 0) throw new AppError('CONFLICT', 'Routing rules send to this peer: remove them first.');
    if (this.q.jobsOf.get(id)! > 0) throw new AppError('CONFLICT', 'Transfers of this peer are on record: pause the peer instead.');
    this.q.remove.run(id);
    this.dropConnection(id);
  }

  setPaused(id: string, paused: boolean, now = Date.now()): PeerSummary {
    const result = this.q.setPaused.run(paused ? now : null, now, id);
    if (result.changes === 0) throw new AppError('NOT_FOUND', 'No such peer.');
    return this.get(id)!;
  }

  isPaused(id: string): boolean {
    return this.q.byId.get(id)?.paused_at != null;
  }

  /** What a connection needs, secret unsealed; undefined for an unknown peer. */
  endpoint(id: string): PeerEndpoint | undefined {
    const row = this.q.byId.get(id);
    return row && this.endpointOf(row);
  }

  /**
   * What a connection to the peer described by `input` needs, without saving anything: the form's
   * "Test connection" before "Save". With `id`, `input` changes that saved peer as a PATCH would
   * (its stored secret is used unless a new one is given).
   */
  draftEndpoint(input: unknown, id?: string): PeerEndpoint {
    const old = id === undefined ? undefined : this.q.byId.get(id);
    if (id !== undefined && !old) throw new AppError('NOT_FOUND', 'No such peer.');
    return this.endpointOf(this.rowFor(input, old, Date.now()));
  }

  /** The peer's connection pool, made on first use and kept until the peer changes. */
  connection(id: string): PeerConnection {
    let connection = this.connections.get(id);
    // A DIMSE peer follows its remote AE, which is edited elsewhere (Admin → DICOM devices).
    if (connection?.endpoint.dimse && !sameRemoteAe(connection.endpoint.dimse, this.q.byId.get(id))) {
      this.dropConnection(id);
      connection = undefined;
    }
    if (!connection) {
      const endpoint = this.endpoint(id);
      if (!endpoint) throw new AppError('NOT_FOUND', 'No such peer.');
      connection = new PeerConnection(endpoint, this.connectionOptions);
      this.connections.set(id, connection);
    }
    return connection;
  }

  async close(): Promise<void> {
    const open = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  }

  private dropConnection(id: string): void {
    const connection = this.connections.get(id);
    this.connections.delete(id);
    void connection?.close().catch(() => undefined);
  }

  /** The row `input` makes: a new peer, or `old` changed as a PATCH would; with a secret where its authentication needs one. */
  private rowFor(input: unknown, old: PeerRow | undefined, now: number): PeerRow {
    const kind = peerKindOf(input, old);
    if (kind === 'dimse') return this.dimseRowFor(input as Record<string, unknown>, old, now);
    const peer = parsePeerInput(input, old);
    const columns = this.columns(peer, old);
    const row: PeerRow = old
      ? { ...old, ...columns, updated_at: now }
      : { id: newId(), ...columns, paused_at: null, created_at: now, updated_at: now };
    if (peer.auth.kind !== 'none' && row.secret_sealed === null)
      throw new AppError('BAD_REQUEST', `A peer with ${peer.auth.kind} authentication needs its ${secretName(peer.auth.kind)}.`);
    return row;
  }

  /** A DIMSE peer's row: a known remote AE with a port instead of a URL and credentials. */
  private dimseRowFor(body: Record<string, unknown>, old: PeerRow | undefined, now: number): PeerRow {
    const bad = (message: string) => new AppError('BAD_REQUEST', message);
    const allowed = new Set(['kind', 'name', 'remoteAeId', 'bandwidthKbps', 'maxConnections']);
    const unknown = Object.keys(body).filter((field) => !allowed.has(field));
    if (unknown.length > 0)
      throw bad(`A DIMSE peer has no ${unknown.join(', ')}: it has name, remoteAeId, bandwidthKbps and maxConnections.`);
    const name = body.name ?? old?.name;
    if (typeof name !== 'string' || !/^\S(.{0,62}\S)?$/u.test(name)) throw bad('name must be 1 to 64 characters.');
    const remoteAeId = body.remoteAeId ?? old?.remote_ae_id;
    if (typeof remoteAeId !== 'string' || remoteAeId === '')
      throw bad('remoteAeId is required: the known remote AE to send to and fetch from.');
    const ae = this.q.remoteAe.get(remoteAeId);
    if (!ae) throw bad('remoteAeId is not a known remote AE (see /api/dimse/remote-aes).');
    if (ae.port === null) throw bad(`The remote AE "${ae.ae_title}" has no port: give it the port it listens on first.`);
    const { bandwidthKbps, maxConnections } = parseLimits(body, old);
    const columns = {
      kind: 'dimse' as const,
      name,
      base_url: '',
      auth_kind: 'none' as const,
      username: '',
      secret_sealed: null,
      ca_pem: null,
      bandwidth_kbps: bandwidthKbps,
      max_connections: maxConnections,
      send_syntax: 'as-stored' as const,
      remote_ae_id: remoteAeId,
      // The AE as it is now: a draft tested before it is saved calls it.
      ae_title: ae.ae_title,
      ae_host: ae.host,
      ae_port: ae.port,
    };
    return old ? { ...old, ...columns, updated_at: now } : { id: newId(), ...columns, paused_at: null, created_at: now, updated_at: now };
  }

  private endpointOf(row: PeerRow): PeerEndpoint {
    if (row.kind === 'dimse') {
      const remoteAe = { aeTitle: row.ae_title ?? '', host: row.ae_host ?? '', port: row.ae_port ?? null };
      return {
        baseUrl: dimseUrl(remoteAe),
        authorization: undefined,
        caPem: null,
        bandwidthKbps: row.bandwidth_kbps,
        maxConnections: row.max_connections,
        dimse: remoteAe,
      };
    }
    return {
      baseUrl: row.base_url,
      authorization: this.authorization(row),
      caPem: row.ca_pem,
      bandwidthKbps: row.bandwidth_kbps,
      maxConnections: row.max_connections,
    };
  }

  private authorization(row: PeerRow): string | undefined {
    if (row.auth_kind === 'none' || !row.secret_sealed) return undefined;
    const secret = this.box.open(row.secret_sealed);
    // Sealed under another key: the admin must enter the secret again; sending none makes the peer say 401.
    if (secret === undefined) return undefined;
    if (row.auth_kind === 'bearer') return `Bearer ${secret}`;
    return `Basic ${Buffer.from(`${row.username}:${secret}`, 'utf8').toString('base64')}`;
  }

  private columns(peer: ParsedPeer, old: PeerRow | undefined): Omit<PeerRow, 'id' | 'paused_at' | 'created_at' | 'updated_at'> {
    if (old?.kind === 'dimse') throw new AppError('BAD_REQUEST', 'A DIMSE peer cannot become a DICOMweb one: add a new peer.');
    const secret = peer.auth.kind === 'basic' ? peer.auth.password : peer.auth.kind === 'bearer' ? peer.auth.token : undefined;
    // A stored secret is only ever sent to the server it was given for: were it kept when the base
    // URL moves to another origin, an admin could read it by pointing the peer at a server of theirs.
    const keepOld = old !== undefined && old.auth_kind === peer.auth.kind && sameOrigin(old.base_url, peer.baseUrl);
    if (old?.secret_sealed && secret === undefined && peer.auth.kind === old.auth_kind && !keepOld)
      throw new AppError(
        'BAD_REQUEST',
        `The base URL moves to another server: enter the ${secretName(peer.auth.kind)} again (a saved one is only sent to the server it was given for).`,
      );
    return {
      name: peer.name,
      base_url: peer.baseUrl,
      auth_kind: peer.auth.kind,
      username: peer.auth.kind === 'basic' ? peer.auth.username : '',
      secret_sealed: peer.auth.kind === 'none' ? null : secret !== undefined ? this.box.seal(secret) : keepOld ? old.secret_sealed : null,
      ca_pem: peer.caCertificate,
      bandwidth_kbps: peer.bandwidthKbps,
      max_connections: peer.maxConnections,
      send_syntax: peer.sendSyntax,
      kind: 'dicomweb',
      remote_ae_id: null,
    };
  }

  private write(run: () => void, name: string): void {
    try {
      run();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new AppError('CONFLICT', `A peer named "${name}" exists already.`);
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
        throw new AppError('BAD_REQUEST', 'remoteAeId is not a known remote AE (see /api/dimse/remote-aes).');
      throw error;
    }
  }
}

function secretName(kind: PeerAuthKind): string {
  return kind === 'bearer' ? 'token' : 'password';
}

function sameOrigin(a: string, b: string): boolean {
  return new URL(a).origin === new URL(b).origin;
}

function sameRemoteAe(ae: NonNullable<PeerEndpoint['dimse']>, row: PeerRow | undefined): boolean {
  return row !== undefined && ae.aeTitle === row.ae_title && ae.host === row.ae_host && ae.port === row.ae_port;
}

/** A DIMSE peer as a URL, for the audit trail and the list: dicom://AE_TITLE@host:port. */
function dimseUrl(ae: { aeTitle: string; host: string; port: number | null }): string {
  const host = ae.host.includes(':') ? `[${ae.host}]` : ae.host;
  return `dicom://${encodeURIComponent(ae.aeTitle)}@${host}${ae.port === null ? '' : `:${ae.port}`}`;
}

function toSummary(row: PeerRow): PeerSummary {
  const iso = (ms: number) => new Date(ms).toISOString();
  const dimse =
    row.kind === 'dimse'
      ? { remoteAeId: row.remote_ae_id ?? '', aeTitle: row.ae_title ?? '', host: row.ae_host ?? '', port: row.ae_port ?? null }
      : undefined;
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    baseUrl: dimse ? dimseUrl(dimse) : row.base_url,
    ...dimse,
    auth: {
      kind: row.auth_kind,
      ...(row.auth_kind === 'basic' ? { username: row.username } : {}),
      secretSet: row.secret_sealed !== null,
    },
    bandwidthKbps: row.bandwidth_kbps,
    caSubject: row.ca_pem ? caSubject(row.ca_pem) : null,
    maxConnections: row.max_connections,
    sendSyntax: row.send_syntax,
    pausedAt: row.paused_at === null ? null : iso(row.paused_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function caSubject(pem: string): string {
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ', ');
  } catch {
    return '(unreadable certificate)';
  }
}
