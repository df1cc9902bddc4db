import type Database from 'better-sqlite3';
import { openDatabase } from '../sqlite/open-database';
import type { Migration } from '../sqlite/migrate';

export type AccessDb = Database.Database;

/**
 * The access database, beside the image index: accounts, sessions, API tokens, share links,
 * consultations, annotations, report drafts, exchange with other archives (peers, transfer jobs,
 * routing rules), and the known remote DICOM AEs. Kept out of the index so that the index stays a pure,
 * rebuildable catalogue of what is stored, and so that writes here never wait behind a STOW
 * group commit. Migrations by `PRAGMA user_version`, like the index (STYLE.md rule 5).
 * Never edit a released migration: append a new one.
 */
export const ACCESS_MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('admin', 'radiologist', 'clinician', 'device')),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled_at INTEGER,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
  );
  CREATE TABLE shares (
    id TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users(id),
    study_uid TEXT NOT NULL,
    series_uids TEXT,
    permissions TEXT NOT NULL,
    anonymize INTEGER NOT NULL,
    deid_secret BLOB NOT NULL,
    pin_hash TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER,
    use_count INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX shares_by_creator ON shares (created_by, created_at);
  CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    share_id TEXT REFERENCES shares(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    CHECK ((user_id IS NULL) <> (share_id IS NULL))
  );
  CREATE INDEX sessions_by_user ON sessions (user_id);
  CREATE INDEX sessions_by_share ON sessions (share_id);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER
  );
  CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
  CREATE TABLE consultations (
    id TEXT PRIMARY KEY,
    study_uid TEXT NOT NULL,
    share_id TEXT NOT NULL UNIQUE REFERENCES shares(id),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requester_institution TEXT NOT NULL DEFAULT '',
    specialist_name TEXT NOT NULL,
    specialist_institution TEXT NOT NULL DEFAULT '',
    specialist_contact TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent', 'emergency')),
    status TEXT NOT NULL CHECK (status IN ('requested', 'viewed', 'answered', 'closed')),
    requested_at INTEGER NOT NULL,
    viewed_at INTEGER,
    answered_at INTEGER,
    closed_at INTEGER,
    opinion TEXT,
    opinion_author TEXT,
    opinion_sop_uid TEXT
  );
  CREATE INDEX consultations_by_requester ON consultations (requested_by, status);
  CREATE INDEX consultations_by_study ON consultations (study_uid);
  CREATE TABLE annotations (
    id TEXT PRIMARY KEY,
    study_uid TEXT NOT NULL,
    series_uid TEXT NOT NULL,
    sop_uid TEXT NOT NULL,
    frame INTEGER NOT NULL,
    author_user_id INTEGER REFERENCES users(id),
    author_share_id TEXT REFERENCES shares(id),
    author_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((author_user_id IS NULL) <> (author_share_id IS NULL))
  );
  CREATE INDEX annotations_by_study ON annotations (study_uid);
  `,
  // Diagnostic reports (server/reports): drafts live here; a final version is also an SR in the study.
  `
  CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    study_uid TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'final', 'superseded')),
    template TEXT NOT NULL,
    language TEXT NOT NULL,
    sections TEXT NOT NULL,
    author_user_id INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finalized_at INTEGER,
    signed_by TEXT,
    organization TEXT,
    sop_uid TEXT,
    series_uid TEXT,
    predecessor_id TEXT REFERENCES reports(id),
    UNIQUE (study_uid, version)
  );
  CREATE UNIQUE INDEX reports_one_draft_per_study ON reports (study_uid) WHERE status = 'draft';
  `,
  // Exchange with other archives (server/exchange): peers, durable transfer jobs, routing rules.
  `
  CREATE TABLE peers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    base_url TEXT NOT NULL,
    auth_kind TEXT NOT NULL CHECK (auth_kind IN ('none', 'basic', 'bearer')),
    username TEXT NOT NULL DEFAULT '',
    secret_sealed BLOB,
    ca_pem TEXT,
    bandwidth_kbps INTEGER,
    max_connections INTEGER NOT NULL DEFAULT 2,
    send_syntax TEXT NOT NULL DEFAULT 'as-stored',
    paused_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE routing_rules (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    peer_id TEXT NOT NULL REFERENCES peers(id),
    enabled INTEGER NOT NULL DEFAULT 1,
    modality TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    institution TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE transfer_jobs (
    id TEXT PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('send', 'fetch')),
    peer_id TEXT NOT NULL REFERENCES peers(id),
    study_uid TEXT NOT NULL,
    series_uid TEXT,
    sop_uids TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    requested_by TEXT NOT NULL,
    requested_by_user INTEGER REFERENCES users(id) ON DELETE SET NULL,
    rule_id TEXT REFERENCES routing_rules(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error TEXT,
    listed INTEGER NOT NULL DEFAULT 0,
    bytes_done INTEGER NOT NULL DEFAULT 0,
    bytes_total INTEGER
  );
  CREATE INDEX transfer_jobs_by_status ON transfer_jobs (status, created_at);
  CREATE INDEX transfer_jobs_by_peer ON transfer_jobs (peer_id, status);
  CREATE TABLE transfer_instances (
    job_id TEXT NOT NULL REFERENCES transfer_jobs(id) ON DELETE CASCADE,
    sop_uid TEXT NOT NULL,
    series_uid TEXT NOT NULL,
    size INTEGER,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    reason TEXT,
    PRIMARY KEY (job_id, sop_uid)
  ) WITHOUT ROWID;
  CREATE INDEX transfer_instances_by_state ON transfer_instances (job_id, state);
  CREATE TABLE stable_watch (
    study_uid TEXT PRIMARY KEY,
    last_arrival_at INTEGER NOT NULL,
    sources TEXT NOT NULL DEFAULT ''
  ) WITHOUT ROWID;
  `,
  // Known remote DICOM AEs (server/dimse/remote-ae-store.ts): who may open an association (its
  // calling AE title, from its host), what it may ask for, and where C-MOVE reaches it (port).
  // The title is matched exactly; NOCASE only keeps two titles differing in case from both existing.
  // may_retrieve: the AE may ask for C-MOVE and C-GET, and be a C-MOVE destination.
  `
  CREATE TABLE remote_aes (
    id TEXT PRIMARY KEY,
    ae_title TEXT NOT NULL UNIQUE COLLATE NOCASE,
    host TEXT NOT NULL,
    port INTEGER CHECK (port BETWEEN 1 AND 65535),
    description TEXT NOT NULL DEFAULT '',
    may_store INTEGER NOT NULL,
    may_query INTEGER NOT NULL,
    may_retrieve INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // A peer of the exchange is a DICOMweb archive (base URL, credentials) or a known remote AE
  // reached over DIMSE (server/exchange/dimse-*.ts): C-STORE to send, C-FIND and C-MOVE to fetch.
  // The FK keeps a remote AE a peer uses from being removed.
  `
  ALTER TABLE peers ADD COLUMN kind TEXT NOT NULL DEFAULT 'dicomweb' CHECK (kind IN ('dicomweb', 'dimse'));
  ALTER TABLE peers ADD COLUMN remote_ae_id TEXT REFERENCES remote_aes(id);
  `,
  allowMetricsRole,
];

/**
 * The `metrics` role (issue 15): a wider CHECK on users.role. Rebuilding the table is not possible
 * here (foreign_keys cannot be turned off inside the migration's transaction, and dropping
 * `users` would cascade to sessions and tokens), so the stored CREATE TABLE text is edited, the
 * procedure SQLite documents for changes that leave every stored row valid
 * (https://sqlite.org/lang_altertable.html#otheralter). better-sqlite3's defensive mode forbids
 * writing the schema table, hence unsafe mode for exactly this statement.
 */
function allowMetricsRole(db: AccessDb): void {
  const version = db.pragma('schema_version', { simple: true }) as number;
  db.unsafeMode(true);
  try {
    db.pragma('writable_schema = ON');
    const { changes } = db
      .prepare(`UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'users' AND instr(sql, ?) > 0`)
      .run(ROLE_CHECK_BEFORE, ROLE_CHECK_AFTER, ROLE_CHECK_BEFORE);
    if (changes !== 1) throw new Error('access database: the users.role constraint is not the one this migration expects');
    db.pragma(`schema_version = ${version + 1}`);
    db.pragma('writable_schema = OFF');
  } finally {
    db.unsafeMode(false);
  }
}

const ROLE_CHECK_BEFORE = "CHECK (role IN ('admin', 'radiologist', 'clinician', 'device'))";
const ROLE_CHECK_AFTER = "CHECK (role IN ('admin', 'radiologist', 'clinician', 'device', 'metrics'))";

export function openAccessDb(file: string): AccessDb {
  // Accounts and shares are few and small: every commit is made durable at once.
  return openDatabase(file, { what: 'access database', synchronous: 'FULL', foreignKeys: true, migrations: ACCESS_MIGRATIONS });
}
