import { getString } from '../../shared/dicom/dicom-json';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import type { Migration } from '../sqlite/migrate';
import { REFERRING_NAME_WORDS, nameWordWriter } from './name-words';
import type { IndexDb } from './index-db';
import { writePlannerStats } from './planner-stats';

/**
 * Index schema, as ordered migrations applied by `PRAGMA user_version` (STYLE.md rule 5, see
 * sqlite/migrate.ts). Never edit a released migration: append a new one. A migration is SQL, or a
 * function for backfills that need our own code (accent folding); each runs in one transaction.
 *
 * Patient and study attributes used for matching live in columns with indexes; the attributes
 * returned by QIDO-RS live as DICOM JSON fragments (`json`) so answers need no stored object.
 * Each instance row holds the instance's whole DICOM JSON (bulk values as BulkDataURI), so
 * WADO-RS metadata never reads object storage.
 */
export const MIGRATIONS: readonly Migration[] = [
  /* 1: archive core */ `
  CREATE TABLE patients (
    pk            INTEGER PRIMARY KEY,
    -- identity: PatientID + issuer when PatientID is present, else one patient per study
    patient_key   TEXT NOT NULL UNIQUE,
    patient_id    TEXT NOT NULL DEFAULT '',
    issuer        TEXT NOT NULL DEFAULT '',
    patient_name  TEXT NOT NULL DEFAULT '',
    name_upper    TEXT NOT NULL DEFAULT '',   -- case-folded PN, for literal matching
    birth_date    TEXT NOT NULL DEFAULT '',
    sex           TEXT NOT NULL DEFAULT '',
    json          TEXT NOT NULL
  );
  CREATE INDEX patients_patient_id ON patients(patient_id);
  CREATE INDEX patients_name_upper ON patients(name_upper);
  CREATE INDEX patients_birth_date ON patients(birth_date);

  -- Accent-folded words of each patient name, for fuzzy matching by word prefix in any order
  -- ("nguyen an" finds "Nguyễn^Văn An") with an index range per word instead of a scan.
  CREATE TABLE patient_name_words (
    word        TEXT NOT NULL,
    patient_pk  INTEGER NOT NULL REFERENCES patients(pk) ON DELETE CASCADE,
    PRIMARY KEY (word, patient_pk)
  ) WITHOUT ROWID;
  CREATE INDEX patient_name_words_patient ON patient_name_words(patient_pk);

  CREATE TABLE studies (
    pk                 INTEGER PRIMARY KEY,
    study_uid          TEXT NOT NULL UNIQUE,
    patient_pk         INTEGER NOT NULL REFERENCES patients(pk),
    study_date         TEXT NOT NULL DEFAULT '',
    study_time         TEXT NOT NULL DEFAULT '',
    accession_number   TEXT NOT NULL DEFAULT '',
    study_id           TEXT NOT NULL DEFAULT '',
    study_description  TEXT NOT NULL DEFAULT '',
    referring_physician_upper TEXT NOT NULL DEFAULT '',
    num_series         INTEGER NOT NULL DEFAULT 0,
    num_instances      INTEGER NOT NULL DEFAULT 0,
    modalities         TEXT NOT NULL DEFAULT '',   -- distinct series modalities, backslash-joined, sorted
    json               TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
  );
  CREATE INDEX studies_patient ON studies(patient_pk);
  CREATE INDEX studies_date ON studies(study_date, study_time);
  CREATE INDEX studies_accession ON studies(accession_number);
  CREATE INDEX studies_study_id ON studies(study_id);
  CREATE INDEX studies_updated ON studies(updated_at);

  CREATE TABLE series (
    pk                  INTEGER PRIMARY KEY,
    series_uid          TEXT NOT NULL UNIQUE,
    study_pk            INTEGER NOT NULL REFERENCES studies(pk) ON DELETE CASCADE,
    modality            TEXT NOT NULL DEFAULT '',
    series_number       INTEGER,
    series_description  TEXT NOT NULL DEFAULT '',
    body_part           TEXT NOT NULL DEFAULT '',
    num_instances       INTEGER NOT NULL DEFAULT 0,
    json                TEXT NOT NULL,
    created_at          INTEGER NOT NULL
  );
  CREATE INDEX series_study ON series(study_pk, series_number);
  CREATE INDEX series_modality ON series(modality, study_pk);

  CREATE TABLE instances (
    pk                INTEGER PRIMARY KEY,
    sop_uid           TEXT NOT NULL UNIQUE,
    series_pk         INTEGER NOT NULL REFERENCES series(pk) ON DELETE CASCADE,
    sop_class_uid     TEXT NOT NULL,
    instance_number   INTEGER,
    transfer_syntax   TEXT NOT NULL,
    rows              INTEGER,
    columns           INTEGER,
    bits_allocated    INTEGER,
    number_of_frames  INTEGER,
    blob_key          TEXT NOT NULL UNIQUE,
    size              INTEGER NOT NULL,
    bulk              TEXT NOT NULL,   -- JSON: [{path, vr, offset, length}] and pixel data location
    json              TEXT NOT NULL,   -- the whole data set as DICOM JSON (PS3.18 F.2)
    created_at        INTEGER NOT NULL
  );
  CREATE INDEX instances_series ON instances(series_pk, instance_number);
  CREATE INDEX instances_sop_class ON instances(sop_class_uid);
  `,
  /* 2: the remaining QIDO-RS keys (PS3.18 Tables 6.7.1-1, -1a), each behind an index */
  migrateQidoKeys,
  /* 3: the derived-representation cache (server/stored/derived-frames.ts): one row per encoded frame kept in object storage */ `
  CREATE TABLE derived_frames (
    key              TEXT PRIMARY KEY,   -- its object in the blob store (object-keys.ts derivedFrameKey)
    blob_key         TEXT NOT NULL,      -- the stored instance it was made from (instances.blob_key; no foreign key: see derived-frames.ts)
    frame            INTEGER NOT NULL,
    transfer_syntax  TEXT NOT NULL,
    bytes            INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    last_used_at     INTEGER NOT NULL,
    hits             INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX derived_frames_blob ON derived_frames(blob_key);
  CREATE INDEX derived_frames_used ON derived_frames(last_used_at);
  `,
  /* 4: instances re-stored compressed at rest (server/stored/compressed-at-rest.ts, PACS_STORE_COMPRESSED): what they were received as */ `
  ALTER TABLE instances ADD COLUMN original_transfer_syntax TEXT;   -- NULL: stored as received
  ALTER TABLE instances ADD COLUMN original_size INTEGER;           -- bytes of the object as received (preamble zeroed)
  ALTER TABLE instances ADD COLUMN original_sha256 TEXT;            -- its SHA-256, hex: a re-sent identical instance is still recognised
  `,
  /* 5: IssuerOfPatientID as a QIDO-RS key (a patient's studies are those of one ID within one issuer: the viewer's patient panel) */
  (db: IndexDb) => {
    db.exec(`CREATE INDEX patients_issuer ON patients(issuer, patient_id)`);
    writePlannerStats(db);
  },
  /* 6: consistency (issue 15): objects that may exist with no row naming them (pending-objects.ts), and each object's digest */ `
  CREATE TABLE pending_objects (
    key    TEXT PRIMARY KEY,    -- an instance object being written, or whose row is gone and that is being deleted
    since  INTEGER NOT NULL     -- when it was recorded (ms): the consistency check's grace counts from the later of this and the object's time
  ) WITHOUT ROWID;
  ALTER TABLE instances ADD COLUMN digest TEXT;   -- of the stored object, 'xxh3:<16 hex>' (object-digest.ts); NULL: stored before, or PACS_INGEST_DIGEST=false
  `,
];

/**
 * Migration 2: new searchable columns, backfilled from the level JSON already stored; one index
 * per searchable column (a key without one would scan the table as the archive grows); the
 * ReferringPhysicianName word table for fuzzy matching. Times lose ACR-NEMA colons (`10:15:00`)
 * so that TM ranges compare as text.
 */
function migrateQidoKeys(db: IndexDb): void {
  db.exec(`
  ALTER TABLE studies ADD COLUMN institution_name TEXT NOT NULL DEFAULT '';
  UPDATE studies SET
    institution_name = coalesce(json_extract(json, '$."${Tag.InstitutionName}".Value[0]'), ''),
    study_time = replace(study_time, ':', '');
  -- Study keys matched by equality end with the study date and time, the order of study results:
  -- a page of "every study of this patient / institution" is read from the index in order and
  -- stops after \`limit\`, without sorting all matches or reading their rows.
  DROP INDEX studies_patient;
  CREATE INDEX studies_patient ON studies(patient_pk, study_date, study_time);
  DROP INDEX studies_study_id;
  CREATE INDEX studies_study_id ON studies(study_id, study_date, study_time);
  CREATE INDEX studies_time ON studies(study_time);
  CREATE INDEX studies_description ON studies(study_description, study_date, study_time);
  CREATE INDEX studies_referring ON studies(referring_physician_upper, study_date, study_time);
  CREATE INDEX studies_institution ON studies(institution_name, study_date, study_time);

  CREATE TABLE referring_name_words (
    word      TEXT NOT NULL,
    study_pk  INTEGER NOT NULL REFERENCES studies(pk) ON DELETE CASCADE,
    PRIMARY KEY (word, study_pk)
  ) WITHOUT ROWID;
  CREATE INDEX referring_name_words_study ON referring_name_words(study_pk);

  CREATE INDEX patients_sex ON patients(sex);

  ALTER TABLE series ADD COLUMN pps_start_date TEXT NOT NULL DEFAULT '';
  ALTER TABLE series ADD COLUMN pps_start_time TEXT NOT NULL DEFAULT '';
  UPDATE series SET
    pps_start_date = coalesce(json_extract(json, '$."${Tag.PerformedProcedureStepStartDate}".Value[0]'), ''),
    pps_start_time = replace(coalesce(json_extract(json, '$."${Tag.PerformedProcedureStepStartTime}".Value[0]'), ''), ':', '');
  CREATE INDEX series_number ON series(series_number);
  CREATE INDEX series_description ON series(series_description);
  CREATE INDEX series_body_part ON series(body_part);
  CREATE INDEX series_pps_start ON series(pps_start_date, pps_start_time);
  CREATE INDEX series_pps_start_time ON series(pps_start_time);

  CREATE INDEX instances_number ON instances(instance_number);
  `);
  writePlannerStats(db);
  const writeWords = nameWordWriter(db, REFERRING_NAME_WORDS);
  // In pages: better-sqlite3 cannot write while a statement is still iterating.
  const page = db.prepare(`SELECT pk, json FROM studies WHERE pk > ? AND referring_physician_upper <> '' ORDER BY pk LIMIT 1000`);
  for (let after = 0; ;) {
    const rows = page.all(after) as Array<{ pk: number; json: string }>;
    if (rows.length === 0) break;
    for (const row of rows) writeWords(getString(JSON.parse(row.json) as DicomJson, Tag.ReferringPhysicianName) ?? '', row.pk);
    after = rows.at(-1)!.pk;
  }
}
