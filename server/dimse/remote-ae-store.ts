import dns from 'node:dns';
import net from 'node:net';
import type { RemoteAe, RemoteAeInput } from '../../shared/api/dimse';
import { checkAeTitle } from '../../shared/dicom/ae-title';
import { AppError } from '../../shared/errors';
import type { AccessDb } from '../auth/access-db';
import { newId } from '../auth/secrets';

interface Row {
  id: string;
  ae_title: string;
  host: string;
  port: number | null;
  description: string;
  may_store: 0 | 1;
  may_query: 0 | 1;
  may_retrieve: 0 | 1;
  created_at: number;
  updated_at: number;
}

/** Whether an association may be accepted: the known AE, or why not (for the rejection's log line). */
export type AssociationCheck = { known: true; remoteAe: RemoteAe } | { known: false; reason: 'unknown-ae' | 'wrong-host'; message: string };

/** Where a C-MOVE sends, or the Error Comment (0000,0902: at most 64 characters) of its 0xA801 refusal. */
export type MoveDestination = { ok: true; aeTitle: string; host: string; port: number } | { ok: false; comment: string };

/** Resolves a host name to its addresses, as dns.promises.lookup with `all: true` does. */
export type HostLookup = (hostname: string) => Promise<Array<{ address: string }>>;

/** How long a host name's addresses are trusted, and a failed lookup is not retried. */
const RESOLVED_TTL_MS = 60_000;
const FAILED_TTL_MS = 10_000;

const FIELDS = new Set(['aeTitle', 'host', 'port', 'description', 'mayStore', 'mayQuery', 'mayRetrieve']);
const MAX_DESCRIPTION = 256;

/**
 * The remote AEs the DIMSE listener knows (issue 14 item 1): an association is accepted from a
 * calling AE title only when it comes from that AE's host, given as an address (compared exactly,
 * an IPv4-mapped IPv6 address as its IPv4 one) or as a name resolved with the system resolver
 * (dns.lookup: /etc/hosts, then DNS). A name's addresses are kept 60 s (a failed lookup 10 s),
 * one lookup at a time per name, and forgotten at any change to the list; only the known AE's own
 * host is ever resolved, so an unknown caller costs no lookup.
 */
export class RemoteAeStore {
  private readonly q;
  private readonly resolved = new Map<string, { addresses: Promise<ReadonlySet<string>>; until: number }>();
  private readonly lookup: HostLookup;
  private readonly now: () => number;

  constructor(db: AccessDb, options: { lookup?: HostLookup; now?: () => number } = {}) {
    this.lookup = options.lookup ?? ((hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true }));
    this.now = options.now ?? Date.now;
    this.q = {
      all: db.prepare<[], Row>('SELECT * FROM remote_aes ORDER BY ae_title'),
      byId: db.prepare<[string], Row>('SELECT * FROM remote_aes WHERE id = ?'),
      // NOCASE (the column's): finds a title differing only in case, to say so.
      byTitle: db.prepare<[string], Row>('SELECT * FROM remote_aes WHERE ae_title = ?'),
      insert: db.prepare<[Row]>(
        `INSERT INTO remote_aes (id, ae_title, host, port, description, may_store, may_query, may_retrieve, created_at, updated_at)
         VALUES (@id, @ae_title, @host, @port, @description, @may_store, @may_query, @may_retrieve, @created_at, @updated_at)`,
      ),
      update: db.prepare<[Row]>(
        `UPDATE remote_aes SET ae_title = @ae_title, host = @host, port = @port, description = @description,
         may_store = @may_store, may_query = @may_query, may_retrieve = @may_retrieve, updated_at = @updated_at WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM remote_aes WHERE id = ?'),
      peersOf: db.prepare<[string], string>('SELECT name FROM peers WHERE remote_ae_id = ? ORDER BY name').pluck(),
    };
  }

  list(): RemoteAe[] {
    return this.q.all.all().map(toRemoteAe);
  }

  get(id: string): RemoteAe | undefined {
    const row = this.q.byId.get(id);
    return row && toRemoteAe(row);
  }

  create(input: unknown, now = this.now()): RemoteAe {
    const row: Row = { id: newId(), ...parseRemoteAeInput(input, undefined), created_at: now, updated_at: now };
    this.write(() => this.q.insert.run(row), row.ae_title);
    return toRemoteAe(row);
  }

  /** Changes what `input` names; the rest stays. */
  update(id: string, input: unknown, now = this.now()): RemoteAe {
    const old = this.q.byId.get(id);
    if (!old) throw new AppError('NOT_FOUND', 'No such remote AE.');
    const row: Row = { ...old, ...parseRemoteAeInput(input, old), updated_at: now };
    this.write(() => this.q.update.run(row), row.ae_title);
    return toRemoteAe(row);
  }

  /** Removes an AE no peer of the exchange uses (a DIMSE peer names its AE: remove the peer first). */
  remove(id: string): void {
    const peers = this.q.peersOf.all(id);
    if (peers.length > 0)
      throw new AppError(
        'CONFLICT',
        `The exchange peer${peers.length > 1 ? 's' : ''} ${peers.map((n) => `"${n}"`).join(', ')} send${peers.length > 1 ? '' : 's'} to this AE: remove ${peers.length > 1 ? 'them' : 'it'} from Peers first.`,
      );
    if (this.q.remove.run(id).changes === 0) throw new AppError('NOT_FOUND', 'No such remote AE.');
    this.resolved.clear();
  }

  /** Whether an association with this calling AE title from `peerAddress` (the socket's remote address) comes from a known AE. */
  async find(callingAeTitle: string, peerAddress: string): Promise<AssociationCheck> {
    const title = callingAeTitle.replace(/^ +| +$/g, '');
    const row = this.q.byTitle.get(title);
    if (!row) return { known: false, reason: 'unknown-ae', message: `calling AE title "${title}" is not a known remote AE` };
    // PS3.5 says nothing of case, and DCMTK compares titles exactly: so do we.
    if (row.ae_title !== title)
      return {
        known: false,
        reason: 'unknown-ae',
        message: `calling AE title "${title}" is not a known remote AE (titles are case-sensitive: "${row.ae_title}" is known)`,
      };
    const address = canonicalAddress(peerAddress);
    if (await this.hostHas(row.host, address)) return { known: true, remoteAe: toRemoteAe(row) };
    return { known: false, reason: 'wrong-host', message: `calling AE "${title}" is known at ${row.host}, not at ${address}` };
  }

  /** The C-MOVE destination named `aeTitle`: a known AE that may receive retrieved images and has a port. */
  destination(aeTitle: string): MoveDestination {
    const title = aeTitle.replace(/^ +| +$/g, '');
    const row = this.q.byTitle.get(title);
    if (!row || row.ae_title !== title) return { ok: false, comment: `Unknown move destination ${title}` };
    if (!row.may_retrieve) return { ok: false, comment: `${title} may not receive retrieved images` };
    if (row.port === null) return { ok: false, comment: `${title} has no port configured` };
    return { ok: true, aeTitle: row.ae_title, host: row.host, port: row.port };
  }

  private async hostHas(host: string, address: string): Promise<boolean> {
    if (net.isIP(host) !== 0) return host === address;
    return (await this.addressesOf(host)).has(address);
  }

  private addressesOf(hostname: string): Promise<ReadonlySet<string>> {
    const cached = this.resolved.get(hostname);
    if (cached && cached.until > this.now()) return cached.addresses;
    const entry = {
      // In flight until settled: concurrent associations share the one lookup.
      until: Infinity,
      addresses: this.lookup(hostname).then(
        (found) => {
          entry.until = this.now() + RESOLVED_TTL_MS;
          return new Set(found.map((a) => canonicalAddress(a.address)));
        },
        () => {
          entry.until = this.now() + FAILED_TTL_MS;
          return new Set<string>();
        },
      ),
    };
    this.resolved.set(hostname, entry);
    return entry.addresses;
  }

  private write(run: () => void, aeTitle: string): void {
    try {
      run();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new AppError('CONFLICT', `A remote AE titled "${aeTitle}" exists already (titles differing only in case are not allowed).`);
      throw error;
    }
    this.resolved.clear();
  }
}

type Columns = Omit<Row, 'id' | 'created_at' | 'updated_at'>;

/** Checks a POST / PATCH body field by field; a PATCH (`old` given) keeps what it does not name. */
function parseRemoteAeInput(input: unknown, old: Row | undefined): Columns {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('The body must be a JSON object.');
  const body = input as Partial<Record<keyof RemoteAeInput, unknown>>;
  const unknown = Object.keys(body).filter((field) => !FIELDS.has(field));
  if (unknown.length > 0) throw bad(`Unknown field ${unknown.join(', ')}: a remote AE has ${[...FIELDS].join(', ')}.`);

  const rawTitle = body.aeTitle ?? old?.ae_title;
  if (typeof rawTitle !== 'string') throw bad('aeTitle is required: the AE title the device calls with (1 to 16 characters).');
  const title = checkAeTitle(rawTitle);
  if (!title.ok) throw bad(`aeTitle "${rawTitle.slice(0, 64)}" is not an AE title: ${title.problem}.`);

  const rawHost = body.host ?? old?.host;
  if (typeof rawHost !== 'string' || rawHost.trim() === '') throw bad('host is required: the host name or IP address of the device.');
  const host = normalizeHost(rawHost.trim());

  const port = 'port' in body ? body.port : (old?.port ?? null);
  if (port !== null && (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535))
    throw bad('port must be null or an integer from 1 to 65535.');

  const description = body.description ?? old?.description ?? '';
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION || /[\x00-\x1f\x7f]/.test(description))
    throw bad(`description must be one line of at most ${MAX_DESCRIPTION} characters.`);

  const flag = (field: 'mayStore' | 'mayQuery' | 'mayRetrieve', stored: 0 | 1 | undefined, fallback: boolean): 0 | 1 => {
    const value = body[field] ?? (stored === undefined ? fallback : stored === 1);
    if (typeof value !== 'boolean') throw bad(`${field} must be true or false.`);
    return value ? 1 : 0;
  };
  return {
    ae_title: title.aeTitle,
    host,
    port: port as number | null,
    description: description.trim(),
    may_store: flag('mayStore', old?.may_store, true),
    may_query: flag('mayQuery', old?.may_query, false),
    may_retrieve: flag('mayRetrieve', old?.may_retrieve, false),
  };
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** An IP address in canonical form, or a host name (RFC 1123) in lower case. */
function normalizeHost(raw: string): string {
  const bare = raw.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(bare) !== 0) return canonicalAddress(bare);
  const name = bare.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (name.length > 253 || !labels.every((label) => LABEL.test(label)))
    throw bad(`host "${raw.slice(0, 64)}" is neither an IPv4 or IPv6 address nor a host name (letters, digits, hyphens, dots).`);
  if (/^\d+$/.test(labels[labels.length - 1]!)) throw bad(`host "${raw.slice(0, 64)}" is not a valid IPv4 address.`);
  return name;
}

/** The form addresses are compared in: IPv6 compressed and lower case, an IPv4-mapped IPv6 address (a dual-stack socket's) as IPv4. */
export function canonicalAddress(address: string): string {
  if (net.isIPv6(address)) {
    // A link-local address's zone (fe80::1%eth0) is kept as given; URL does not take it.
    const [bare, zone] = address.split('%') as [string, string | undefined];
    const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1) + (zone === undefined ? '' : `%${zone}`);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    if (!mapped) return canonical;
    const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return address;
}

function bad(message: string): AppError {
  return new AppError('BAD_REQUEST', message);
}

function toRemoteAe(row: Row): RemoteAe {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: row.id,
    aeTitle: row.ae_title,
    host: row.host,
    port: row.port,
    description: row.description,
    mayStore: row.may_store === 1,
    mayQuery: row.may_query === 1,
    mayRetrieve: row.may_retrieve === 1,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
