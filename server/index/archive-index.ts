import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getNumber, getString } from '../../shared/dicom/dicom-json';
import { foldCase } from '../../shared/dicom/name-fold';
import { Tag } from '../../shared/dicom/tags';
import type { IndexDb } from './index-db';
import { PATIENT_TAGS, SERIES_TAGS, STUDY_TAGS, pick } from './level-attributes';
import { PATIENT_NAME_WORDS, REFERRING_NAME_WORDS, nameWordWriter } from './name-words';
import { PendingObjects } from './pending-objects';
import type { StoredBulk } from './stored-bulk';

/** What ingest hands to the index for one stored instance. */
export interface InstanceRecord extends IndexedInstance {
  /** The data set as DICOM JSON, BulkDataURIs already set. */
  dataset: DicomJson;
  /** Bulk value and pixel data locations, stored as the `bulk` column. */
  bulk: StoredBulk;
  /** The stored object's digest (object-digest.ts), when PACS_INGEST_DIGEST computed one. */
  digest?: string | undefined;
}

export type InsertResult =
  | { kind: 'inserted' }
  | {
      kind: 'duplicate';
      blobKey: string;
      size: number;
      studyUid: string;
      seriesUid: string;
      /** Size and SHA-256 of the object as received, when it has since been re-stored compressed (PACS_STORE_COMPRESSED). */
      originalSize: number | null;
      originalSha256: string | null;
    }
  | { kind: 'series-in-other-study' };

/** An instance located in the index: enough to stream it from storage. */
export interface IndexedInstance {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  sopClassUid: string;
  transferSyntax: string;
  blobKey: string;
  size: number;
}

/**
 * What Retrieve Frames and Retrieve Bulkdata need about one instance (PS3.18 10.4.1.1.4, 10.4.1.1.5),
 * in one query: where its object is, its transfer syntax, the pixel description and the `bulk` JSON
 * written by ingest (a `StoredBulk`, see stored-bulk.ts). server/stored/ reads it.
 */
export interface InstanceBulk {
  blobKey: string;
  size: number;
  sopClassUid: string;
  transferSyntax: string;
  rows: number | null;
  columns: number | null;
  samplesPerPixel: number | null;
  bitsAllocated: number | null;
  numberOfFrames: number | null;
  /** From the stored DICOM JSON, by the same query (Image Pixel Module, PS3.3 C.7.6.3). */
  bitsStored: number | null;
  pixelRepresentation: number | null;
  photometricInterpretation: string | null;
  planarConfiguration: number | null;
  /** The `bulk` column as stored: `StoredBulk` as JSON text. */
  bulk: string;
}

/** An instance's bulk description with its UIDs: one row of a study or series (`instanceBulks`). */
export interface InstanceBulkRow extends InstanceBulk {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
}

const BULK_COLUMNS = `i.blob_key AS blobKey, i.size AS size, i.sop_class_uid AS sopClassUid, i.transfer_syntax AS transferSyntax,
  i.rows AS rows, i.columns AS columns, i.bits_allocated AS bitsAllocated, i.number_of_frames AS numberOfFrames,
  json_extract(i.json, '$."${Tag.SamplesPerPixel}".Value[0]') AS samplesPerPixel,
  json_extract(i.json, '$."${Tag.BitsStored}".Value[0]') AS bitsStored,
  json_extract(i.json, '$."${Tag.PixelRepresentation}".Value[0]') AS pixelRepresentation,
  json_extract(i.json, '$."${Tag.PhotometricInterpretation}".Value[0]') AS photometricInterpretation,
  json_extract(i.json, '$."${Tag.PlanarConfiguration}".Value[0]') AS planarConfiguration, i.bulk AS bulk`;
const UID_COLUMNS = `st.study_uid AS studyUid, se.series_uid AS seriesUid, i.sop_uid AS sopUid`;
const INSTANCE_COLUMNS = `st.study_uid AS studyUid, se.series_uid AS seriesUid, i.sop_uid AS sopUid,
  i.sop_class_uid AS sopClassUid, i.transfer_syntax AS transferSyntax, i.blob_key AS blobKey, i.size AS size`;
const FROM_INSTANCES = `FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk`;
const INSTANCE_ORDER = `ORDER BY se.series_number, se.pk, i.instance_number, i.pk`;

/**
 * The archive index: named, prepared-once statements behind methods (STYLE.md rule 5).
 * Writes are short synchronous `BEGIN IMMEDIATE` transactions.
 */
export class ArchiveIndex {
  private readonly q;
  private readonly writePatientNameWords;
  private readonly writeReferringNameWords;
  /** Objects that may exist with no row naming them (pending-objects.ts). */
  readonly pending: PendingObjects;

  constructor(readonly db: IndexDb) {
    this.pending = new PendingObjects(db);
    this.writePatientNameWords = nameWordWriter(db, PATIENT_NAME_WORDS);
    this.writeReferringNameWords = nameWordWriter(db, REFERRING_NAME_WORDS);
    this.q = {
      instanceBySop: db.prepare(
        `SELECT i.blob_key AS blobKey, i.size AS size, st.study_uid AS studyUid, se.series_uid AS seriesUid,
        i.original_size AS originalSize, i.original_sha256 AS originalSha256 ${FROM_INSTANCES} WHERE i.sop_uid = ?`,
      ),
      insertPatient: db.prepare(`INSERT INTO patients (patient_key, patient_id, issuer, patient_name, name_upper, birth_date, sex, json)
        VALUES (@key, @patientId, @issuer, @name, @nameUpper, @birthDate, @sex, @json)
        ON CONFLICT (patient_key) DO NOTHING`),
      patientPk: db.prepare(`SELECT pk FROM patients WHERE patient_key = ?`).pluck(),
      studyByUid: db.prepare(`SELECT pk FROM studies WHERE study_uid = ?`).pluck(),
      studyJson: db.prepare(`SELECT json FROM studies WHERE study_uid = ?`).pluck(),
      insertStudy: db.prepare(`INSERT INTO studies (study_uid, patient_pk, study_date, study_time, accession_number, study_id,
        study_description, referring_physician_upper, institution_name, json, created_at, updated_at)
        VALUES (@uid, @patientPk, @date, @time, @accession, @studyId, @description, @referring, @institution, @json, @now, @now)`),
      seriesByUid: db.prepare(`SELECT pk, study_pk AS studyPk FROM series WHERE series_uid = ?`),
      insertSeries: db.prepare(`INSERT INTO series (series_uid, study_pk, modality, series_number, series_description, body_part,
        pps_start_date, pps_start_time, json, created_at)
        VALUES (@uid, @studyPk, @modality, @number, @description, @bodyPart, @ppsDate, @ppsTime, @json, @now)`),
      insertInstance: db.prepare(`INSERT INTO instances (sop_uid, series_pk, sop_class_uid, instance_number, transfer_syntax, rows, columns,
        bits_allocated, number_of_frames, blob_key, size, bulk, json, created_at, digest)
        VALUES (@sopUid, @seriesPk, @sopClassUid, @instanceNumber, @transferSyntax, @rows, @columns, @bitsAllocated, @frames,
        @blobKey, @size, @bulk, @json, @now, @digest)`),
      bumpSeries: db.prepare(`UPDATE series SET num_instances = num_instances + 1 WHERE pk = ?`),
      bumpStudy: db.prepare(`UPDATE studies SET num_instances = num_instances + 1, updated_at = @now WHERE pk = @pk`),
      refreshStudySeries: db.prepare(`UPDATE studies SET
        num_series = (SELECT count(*) FROM series WHERE study_pk = @pk),
        num_instances = (SELECT coalesce(sum(num_instances), 0) FROM series WHERE study_pk = @pk),
        modalities = coalesce((SELECT group_concat(modality, '\\') FROM
          (SELECT DISTINCT modality FROM series WHERE study_pk = @pk AND modality <> '' ORDER BY modality)), ''),
        updated_at = @now
        WHERE pk = @pk`),
      studyInstances: db.prepare(`SELECT ${INSTANCE_COLUMNS} ${FROM_INSTANCES} WHERE st.study_uid = ? ${INSTANCE_ORDER}`),
      seriesInstances: db.prepare(
        `SELECT ${INSTANCE_COLUMNS} ${FROM_INSTANCES} WHERE st.study_uid = ? AND se.series_uid = ? ${INSTANCE_ORDER}`,
      ),
      oneInstance: db.prepare(
        `SELECT ${INSTANCE_COLUMNS} ${FROM_INSTANCES} WHERE st.study_uid = ? AND se.series_uid = ? AND i.sop_uid = ?`,
      ),
      instanceBulk: db.prepare(`SELECT ${BULK_COLUMNS} ${FROM_INSTANCES} WHERE st.study_uid = ? AND se.series_uid = ? AND i.sop_uid = ?`),
      studyBulks: db.prepare(`SELECT ${UID_COLUMNS}, ${BULK_COLUMNS} ${FROM_INSTANCES} WHERE st.study_uid = ? ${INSTANCE_ORDER}`),
      seriesBulks: db.prepare(
        `SELECT ${UID_COLUMNS}, ${BULK_COLUMNS} ${FROM_INSTANCES} WHERE st.study_uid = ? AND se.series_uid = ? ${INSTANCE_ORDER}`,
      ),
      oneBulk: db.prepare(
        `SELECT ${UID_COLUMNS}, ${BULK_COLUMNS} ${FROM_INSTANCES} WHERE st.study_uid = ? AND se.series_uid = ? AND i.sop_uid = ?`,
      ),
      studyMetadata: db.prepare(`SELECT i.json ${FROM_INSTANCES} WHERE st.study_uid = ? ${INSTANCE_ORDER}`).pluck(),
      seriesMetadata: db.prepare(`SELECT i.json ${FROM_INSTANCES} WHERE st.study_uid = ? AND se.series_uid = ? ${INSTANCE_ORDER}`).pluck(),
      instanceMetadata: db
        .prepare(`SELECT i.json ${FROM_INSTANCES} WHERE st.study_uid = ? AND se.series_uid = ? AND i.sop_uid = ?`)
        .pluck(),
      deleteInstanceRow: db.prepare(`DELETE FROM instances WHERE sop_uid = ?`),
      deleteSeriesRow: db.prepare(`DELETE FROM series WHERE pk = ?`),
      deleteStudyRow: db.prepare(`DELETE FROM studies WHERE pk = ?`),
      deleteOrphanPatient: db.prepare(`DELETE FROM patients WHERE pk = ? AND NOT EXISTS (SELECT 1 FROM studies WHERE patient_pk = ?)`),
      studyPks: db.prepare(`SELECT pk, patient_pk AS patientPk FROM studies WHERE study_uid = ?`),
      seriesPks: db.prepare(
        `SELECT se.pk, se.study_pk AS studyPk FROM series se JOIN studies st ON st.pk = se.study_pk WHERE st.study_uid = ? AND se.series_uid = ?`,
      ),
      studyNumSeries: db.prepare(`SELECT num_series FROM studies WHERE pk = ?`).pluck(),
      seriesNumInstances: db.prepare(`SELECT num_instances FROM series WHERE pk = ?`).pluck(),
      decSeries: db.prepare(`UPDATE series SET num_instances = num_instances - 1 WHERE pk = ?`),
      blobKeysOfStudy: db.prepare(`SELECT i.blob_key ${FROM_INSTANCES} WHERE st.pk = ?`).pluck(),
      blobKeysOfSeries: db.prepare(`SELECT blob_key FROM instances WHERE series_pk = ?`).pluck(),
      allBlobKeys: db.prepare(`SELECT blob_key FROM instances`).pluck(),
    };
  }

  /**
   * Records one stored instance and its patient/study/series, in one transaction.
   * A SOP Instance UID already present is not touched: the caller compares content.
   */
  insertInstance(record: InstanceRecord): InsertResult {
    return this.db.transaction(() => this.insertRows(record)).immediate();
  }

  /** Several instances in one transaction (group commit); results in the same order. */
  insertInstances(records: readonly InstanceRecord[]): InsertResult[] {
    return this.db.transaction(() => records.map((record) => this.insertRows(record))).immediate();
  }

  private insertRows(record: InstanceRecord): InsertResult {
    const existing = this.q.instanceBySop.get(record.sopUid) as Omit<InsertResult & { kind: 'duplicate' }, 'kind'> | undefined;
    if (existing) return { kind: 'duplicate', ...existing };
    const now = Date.now();
    const ds = record.dataset;

    let studyPk = this.q.studyByUid.get(record.studyUid) as number | undefined;
    if (studyPk === undefined) {
      const patientPk = this.upsertPatient(record);
      const referring = getString(ds, Tag.ReferringPhysicianName) ?? '';
      studyPk = Number(
        this.q.insertStudy.run({
          uid: record.studyUid,
          patientPk,
          date: getString(ds, Tag.StudyDate) ?? '',
          time: timeKey(getString(ds, Tag.StudyTime)),
          accession: getString(ds, Tag.AccessionNumber) ?? '',
          studyId: getString(ds, Tag.StudyID) ?? '',
          description: getString(ds, Tag.StudyDescription) ?? '',
          referring: foldCase(referring),
          institution: getString(ds, Tag.InstitutionName) ?? '',
          json: JSON.stringify(pick(ds, [...PATIENT_TAGS, ...STUDY_TAGS])),
          now,
        }).lastInsertRowid,
      );
      this.writeReferringNameWords(referring, studyPk);
    }

    const series = this.q.seriesByUid.get(record.seriesUid) as { pk: number; studyPk: number } | undefined;
    let seriesPk: number;
    let newSeries = false;
    if (series) {
      if (series.studyPk !== studyPk) return { kind: 'series-in-other-study' };
      seriesPk = series.pk;
    } else {
      newSeries = true;
      seriesPk = Number(
        this.q.insertSeries.run({
          uid: record.seriesUid,
          studyPk,
          modality: getString(ds, Tag.Modality) ?? '',
          number: integerOrNull(getNumber(ds, Tag.SeriesNumber)),
          description: getString(ds, Tag.SeriesDescription) ?? '',
          bodyPart: getString(ds, Tag.BodyPartExamined) ?? '',
          ppsDate: getString(ds, Tag.PerformedProcedureStepStartDate) ?? '',
          ppsTime: timeKey(getString(ds, Tag.PerformedProcedureStepStartTime)),
          json: JSON.stringify(pick(ds, SERIES_TAGS)),
          now,
        }).lastInsertRowid,
      );
    }

    this.q.insertInstance.run({
      sopUid: record.sopUid,
      seriesPk,
      sopClassUid: record.sopClassUid,
      instanceNumber: integerOrNull(getNumber(ds, Tag.InstanceNumber)),
      transferSyntax: record.transferSyntax,
      rows: integerOrNull(getNumber(ds, Tag.Rows)),
      columns: integerOrNull(getNumber(ds, Tag.Columns)),
      bitsAllocated: integerOrNull(getNumber(ds, Tag.BitsAllocated)),
      frames: integerOrNull(getNumber(ds, Tag.NumberOfFrames)),
      blobKey: record.blobKey,
      size: record.size,
      bulk: JSON.stringify(record.bulk),
      json: JSON.stringify(ds),
      now,
      digest: record.digest ?? null,
    });
    this.pending.forget([record.blobKey]);
    this.q.bumpSeries.run(seriesPk);
    if (newSeries) this.q.refreshStudySeries.run({ pk: studyPk, now });
    else this.q.bumpStudy.run({ pk: studyPk, now });
    return { kind: 'inserted' };
  }

  private upsertPatient(record: InstanceRecord): number {
    const ds = record.dataset;
    const patientId = getString(ds, Tag.PatientID) ?? '';
    const issuer = getString(ds, Tag.IssuerOfPatientID) ?? '';
    const key = patientId === '' ? `study:${record.studyUid}` : `id:${JSON.stringify([issuer, patientId])}`;
    const name = getString(ds, Tag.PatientName) ?? '';
    const inserted = this.q.insertPatient.run({
      key,
      patientId,
      issuer,
      name,
      nameUpper: foldCase(name),
      birthDate: getString(ds, Tag.PatientBirthDate) ?? '',
      sex: getString(ds, Tag.PatientSex) ?? '',
      json: JSON.stringify(pick(ds, PATIENT_TAGS)),
    });
    const patientPk = this.q.patientPk.get(key) as number;
    if (inserted.changes > 0) this.writePatientNameWords(name, patientPk);
    return patientPk;
  }

  /** Instances of a study / series / one instance, resolved by the full UID path. */
  findInstances(studyUid: string, seriesUid?: string, sopUid?: string): IndexedInstance[] {
    if (sopUid !== undefined && seriesUid !== undefined) {
      const row = this.q.oneInstance.get(studyUid, seriesUid, sopUid) as IndexedInstance | undefined;
      return row ? [row] : [];
    }
    if (seriesUid !== undefined) return this.q.seriesInstances.all(studyUid, seriesUid) as IndexedInstance[];
    return this.q.studyInstances.all(studyUid) as IndexedInstance[];
  }

  /** The study-level DICOM JSON (patient and study attributes) of a study, or undefined. */
  studyJson(studyUid: string): string | undefined {
    return this.q.studyJson.get(studyUid) as string | undefined;
  }

  /** Bulk data and pixel data locations of one instance, resolved by the full UID path. */
  instanceBulk(studyUid: string, seriesUid: string, sopUid: string): InstanceBulk | undefined {
    return this.q.instanceBulk.get(studyUid, seriesUid, sopUid) as InstanceBulk | undefined;
  }

  /**
   * `instanceBulk` for every instance of a study / series / one instance, by one query, in the
   * order of `findInstances` (what re-encoding a whole study or series plans with).
   */
  instanceBulks(studyUid: string, seriesUid?: string, sopUid?: string): InstanceBulkRow[] {
    if (sopUid !== undefined && seriesUid !== undefined) {
      const row = this.q.oneBulk.get(studyUid, seriesUid, sopUid) as InstanceBulkRow | undefined;
      return row ? [row] : [];
    }
    if (seriesUid !== undefined) return this.q.seriesBulks.all(studyUid, seriesUid) as InstanceBulkRow[];
    return this.q.studyBulks.all(studyUid) as InstanceBulkRow[];
  }

  /** The stored DICOM JSON texts (one per instance) for WADO-RS metadata. */
  metadataJson(studyUid: string, seriesUid?: string, sopUid?: string): string[] {
    if (sopUid !== undefined && seriesUid !== undefined) {
      const json = this.q.instanceMetadata.get(studyUid, seriesUid, sopUid) as string | undefined;
      return json === undefined ? [] : [json];
    }
    if (seriesUid !== undefined) return this.q.seriesMetadata.all(studyUid, seriesUid) as string[];
    return this.q.studyMetadata.all(studyUid) as string[];
  }

  /**
   * Removes a study, a series or one instance from the index and returns the blob keys that
   * were referenced, for the caller to delete afterwards (index first: the index never points
   * to a missing object), then to forget (`pending.forget`): the same transaction records them
   * as pending objects, so a crash before their delete leaves them to the start-up sweep.
   * Returns undefined when the resource does not exist.
   */
  delete(studyUid: string, seriesUid?: string, sopUid?: string): string[] | undefined {
    return this.db
      .transaction((): string[] | undefined => {
        const study = this.q.studyPks.get(studyUid) as { pk: number; patientPk: number } | undefined;
        if (!study) return undefined;
        const now = Date.now();
        let keys: string[];
        if (seriesUid === undefined) {
          keys = this.q.blobKeysOfStudy.all(study.pk) as string[];
          this.q.deleteStudyRow.run(study.pk);
        } else {
          const series = this.q.seriesPks.get(studyUid, seriesUid) as { pk: number; studyPk: number } | undefined;
          if (!series) return undefined;
          if (sopUid === undefined) {
            keys = this.q.blobKeysOfSeries.all(series.pk) as string[];
            this.q.deleteSeriesRow.run(series.pk);
          } else {
            const instance = this.q.oneInstance.get(studyUid, seriesUid, sopUid) as IndexedInstance | undefined;
            if (!instance) return undefined;
            keys = [instance.blobKey];
            this.q.deleteInstanceRow.run(sopUid);
            this.q.decSeries.run(series.pk);
            if ((this.q.seriesNumInstances.get(series.pk) as number) <= 0) this.q.deleteSeriesRow.run(series.pk);
          }
          this.q.refreshStudySeries.run({ pk: study.pk, now });
          const remaining = this.q.studyNumSeries.get(study.pk) as number;
          if (remaining === 0) this.q.deleteStudyRow.run(study.pk);
        }
        this.q.deleteOrphanPatient.run(study.patientPk, study.patientPk);
        this.pending.record(keys, now);
        return keys;
      })
      .immediate();
  }

  /** Every referenced blob key (maintenance: finding orphans in storage). */
  *allBlobKeys(): IterableIterator<string> {
    yield* this.q.allBlobKeys.iterate() as IterableIterator<string>;
  }
}

/** TM as indexed: without the colons of old ACR-NEMA times, so that ranges compare as text. */
function timeKey(value: string | undefined): string {
  return (value ?? '').replace(/:/g, '');
}

function integerOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? Math.trunc(value) : null;
}
