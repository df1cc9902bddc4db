/**
 * Index schema, as ordered migrations applied by `PRAGMA user_version` (STYLE.md rule 5).
 * Never edit a released migration: append a new one.
 *
 * Patient and study attributes used for matching live in columns with indexes; the attributes
 * returned by QIDO-RS live as DICOM JSON fragments (`json`) so answers need no stored object.
 * Each instance row holds the instance's whole DICOM JSON (bulk values as BulkDataURI), so
 * WADO-RS metadata never reads object storage.
 */
export const MIGRATIONS: readonly string[] = [
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
];
