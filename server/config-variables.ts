/** One environment variable as the README's configuration table shows it (Markdown in `defaultValue` and `meaning`). */
export interface ConfigVariable {
  readonly name: `PACS_${string}`;
  readonly defaultValue: string;
  readonly meaning: string;
}

/**
 * Every variable `loadConfig` reads, with its default and meaning. The README's configuration
 * table is generated from this list (`npm run docs:config`, server/config-table.ts), and
 * test/server/docs-agree.test.ts checks both that the README holds it and that `loadConfig` (config.ts) reads no other.
 */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'PACS_HOST',
    defaultValue: '`127.0.0.1`',
    meaning: 'Address to listen on. Use `0.0.0.0` to accept other machines (then set `PACS_PUBLIC_URL`).',
  },
  { name: 'PACS_PORT', defaultValue: '`8080`', meaning: 'TCP port to listen on (0 picks a free port).' },
  {
    name: 'PACS_PUBLIC_URL',
    defaultValue: '`http://<host>:<port>`',
    meaning: "Base URL clients use to reach the server (behind a proxy: the proxy's URL). RetrieveURL and BulkDataURI are built from it.",
  },
  {
    name: 'PACS_DATA_DIR',
    defaultValue: '`./data`',
    meaning: 'Folder for the SQLite files and, with `PACS_STORAGE=fs`, the stored objects (`<PACS_DATA_DIR>/objects`).',
  },
  { name: 'PACS_INDEX_FILE', defaultValue: '`<PACS_DATA_DIR>/index.sqlite`', meaning: 'SQLite index file.' },
  { name: 'PACS_STORAGE', defaultValue: '`fs`', meaning: '`fs` (a local folder) or `s3` (MinIO or any S3-compatible server).' },
  {
    name: 'PACS_S3_ENDPOINT',
    defaultValue: '(required for s3)',
    meaning: 'Host name of the S3 server, without scheme or port, e.g. `minio.hospital.lan`.',
  },
  { name: 'PACS_S3_PORT', defaultValue: '443 with SSL, else 80', meaning: 'Port of the S3 server.' },
  { name: 'PACS_S3_USE_SSL', defaultValue: '`true`', meaning: 'Use HTTPS to reach the S3 server (`true`/`false`).' },
  { name: 'PACS_S3_ACCESS_KEY', defaultValue: '(required for s3)', meaning: 'Access key.' },
  { name: 'PACS_S3_SECRET_KEY', defaultValue: '(required for s3)', meaning: 'Secret key.' },
  { name: 'PACS_S3_BUCKET', defaultValue: '`pacs`', meaning: 'Bucket; created at start if missing.' },
  { name: 'PACS_S3_REGION', defaultValue: '`us-east-1`', meaning: 'Region of the bucket.' },
  {
    name: 'PACS_MAX_REQUEST_BYTES',
    defaultValue: '`0` (unlimited)',
    meaning: 'Largest accepted STOW-RS request body, in bytes; larger requests get 413.',
  },
  { name: 'PACS_QIDO_MAX_LIMIT', defaultValue: '`1000`', meaning: 'Largest QIDO-RS `limit`, and the page size when none is given.' },
  { name: 'PACS_LOG_LEVEL', defaultValue: '`info`', meaning: '`silent`, `error` or `info`.' },
  {
    name: 'PACS_CORS_ORIGINS',
    defaultValue: '(none)',
    meaning:
      'Comma-separated origins (e.g. `https://viewer.hospital.vn`) whose pages may call the API from the browser (CORS). Off by default.',
  },
  {
    name: 'PACS_ACCESS_FILE',
    defaultValue: '`<PACS_DATA_DIR>/access.sqlite`',
    meaning: 'SQLite file of accounts, sessions, API tokens, share links, consultations and annotations.',
  },
  { name: 'PACS_AUDIT_FILE', defaultValue: '`<PACS_DATA_DIR>/audit.sqlite`', meaning: 'SQLite file of the append-only audit trail.' },
  {
    name: 'PACS_ADMIN_USER',
    defaultValue: '`admin`',
    meaning: 'Name of the admin account created when the archive has no admin account (the first start).',
  },
  {
    name: 'PACS_ADMIN_PASSWORD',
    defaultValue: '(generated)',
    meaning:
      'Its password (at least 10 characters). Unset: a one-time password is generated and printed once; it must be changed at the first sign-in.',
  },
  {
    name: 'PACS_SHARE_MAX_HOURS',
    defaultValue: '`720`',
    meaning: 'Longest lifetime of a share link, in hours (default 30 days; a link lasts 7 days unless its creator says otherwise).',
  },
  {
    name: 'PACS_DERIVED_CACHE_MB',
    defaultValue: '`4096`',
    meaning:
      'Size cap, in MiB, of the cache of frames encoded on request (JPEG-LS, HTJ2K), kept in object storage beside the instances; least recently used frames are evicted. `0`: encode every time, keep nothing.',
  },
  {
    name: 'PACS_DERIVE_AT_INGEST',
    defaultValue: '(none)',
    meaning:
      'Comma-separated modalities (e.g. `CT,MR`) whose grey frames are encoded as HTJ2K RPCL (1.2.840.10008.1.2.4.202) in the background right after they are stored, so the first reader does not wait for the encoder.',
  },
  {
    name: 'PACS_STORE_COMPRESSED',
    defaultValue: '`off`',
    meaning:
      '`off`, or a lossless transfer syntax (`1.2.840.10008.1.2.4.80` JPEG-LS, `1.2.840.10008.1.2.4.201` / `.202` HTJ2K) in which instances received uncompressed are re-stored in the background after STOW-RS, when the encoder takes their pixels and the result is smaller and decodes to the same pixels. The original transfer syntax is recorded; retrieval with `transfer-syntax=*` then gives the compressed form.',
  },
  {
    name: 'PACS_SECRET_KEY_FILE',
    defaultValue: '`<PACS_DATA_DIR>/secret.key`',
    meaning:
      'File of the 256-bit key that encrypts the credentials of peers (other archives) at rest; created (mode 0600) on the first start. Back it up with the access database: without it, peer passwords must be entered again.',
  },
  { name: 'PACS_TRANSFER_CONCURRENCY', defaultValue: '`2`', meaning: 'Transfer jobs (sends to and fetches from peers) running at once.' },
  {
    name: 'PACS_STABLE_AGE_SECONDS',
    defaultValue: '`60`',
    meaning: 'Seconds without a new instance after which a study is stable and the routing rules are applied to it.',
  },
  {
    name: 'PACS_FETCH_MAX_INSTANCE_MB',
    defaultValue: '`2048`',
    meaning: 'Largest instance, in MiB, accepted from a peer when fetching; a larger one fails with its reason and the fetch goes on.',
  },
  {
    name: 'PACS_PEER_TIMEOUT_SECONDS',
    defaultValue: '`60`',
    meaning:
      'How long a peer may stay silent during a transfer (no answer yet, or no byte for that long in the middle of one) before the request is abandoned and the job retried.',
  },
  {
    name: 'PACS_DIMSE_PORT',
    defaultValue: '`11112`',
    meaning:
      'TCP port of the DICOM network services (DIMSE: C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET), on the address of `PACS_HOST`. `0` picks a free port; `off` turns DIMSE off.',
  },
  {
    name: 'PACS_DIMSE_AE_TITLE',
    defaultValue: '`PACS`',
    meaning:
      "This archive's AE title: the called AE title modalities and workstations must use, and the calling one when it connects to them. 1 to 16 characters, no backslash or control character.",
  },
  {
    name: 'PACS_DIMSE_ACCEPT_ANY',
    defaultValue: '`false`',
    meaning:
      'Accept associations from any calling AE title, not only the known remote AEs of the Admin UI (`true`/`false`). Refused at start unless `PACS_HOST` is a loopback address.',
  },
  {
    name: 'PACS_DIMSE_TLS_CERT',
    defaultValue: '(none)',
    meaning: 'PEM certificate file for DICOM TLS on the DIMSE port; with `PACS_DIMSE_TLS_KEY` (both or neither). Unset: no TLS.',
  },
  { name: 'PACS_DIMSE_TLS_KEY', defaultValue: '(none)', meaning: 'PEM private key file of that certificate.' },
  {
    name: 'PACS_MIN_FREE_PERCENT',
    defaultValue: '`5`',
    meaning:
      'Free-space floor of the disk holding `PACS_DATA_DIR` (and of those holding the SQLite files, when set elsewhere), in percent: below the smaller of this and `PACS_MIN_FREE_MB`, STOW-RS answers 503 and C-STORE 0xA700 (out of resources) while reads go on; ingest resumes by itself when space comes back.',
  },
  { name: 'PACS_MIN_FREE_MB', defaultValue: '`2048`', meaning: 'The same floor in MiB (the smaller of the two applies).' },
  {
    name: 'PACS_METRICS',
    defaultValue: '`true`',
    meaning: 'Serve `GET /metrics` in the Prometheus text format and collect what it reports (`true`/`false`).',
  },
  {
    name: 'PACS_METRICS_TOKEN',
    defaultValue: '(none)',
    meaning:
      'A bearer token (at least 32 characters) a Prometheus scraper may present for `/metrics`. Without it, `/metrics` takes an account with the admin or metrics role, or a caller on loopback.',
  },
  {
    name: 'PACS_INGEST_DIGEST',
    defaultValue: '`true`',
    meaning:
      'Record a digest of every object as it is stored, which `npm run pacs -- check --verify` compares the stored bytes with (`true`/`false`; `false` only to measure its cost).',
  },
];
