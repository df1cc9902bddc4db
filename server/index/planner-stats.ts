import type { IndexDb } from './index-db';

/**
 * Fixed query-planner statistics (sqlite_stat1) describing a typical large archive — 40,000
 * patients, 100,000 studies, 250,000 series, 1,000,000 instances — instead of `ANALYZE`.
 *
 * Without statistics SQLite guesses that every table has a million rows and every index key ten,
 * and then prefers e.g. walking all instances in series order to finding a patient by name and
 * descending. With measured statistics plans would change as the archive grows (and ANALYZE
 * reads the whole index). Fixed figures give every archive, small or large, the plans that are
 * right for a large one, which is also what the EXPLAIN QUERY PLAN test checks. Each entry is
 * "rows, then rows per distinct value of the first 1..n indexed columns" (SQLite's
 * "Manual Control Of Query Plans Using SQLITE_STAT Tables").
 */
const STATS: ReadonlyArray<[table: string, index: string, stat: string]> = [
  ['patients', 'sqlite_autoindex_patients_1', '40000 1'],
  ['patients', 'patients_patient_id', '40000 1'],
  ['patients', 'patients_issuer', '40000 4000 1'],
  ['patients', 'patients_name_upper', '40000 2'],
  ['patients', 'patients_birth_date', '40000 3'],
  ['patients', 'patients_sex', '40000 20000'],
  ['patient_name_words', 'patient_name_words', '120000 60 1'],
  ['patient_name_words', 'patient_name_words_patient', '120000 3'],
  ['studies', 'sqlite_autoindex_studies_1', '100000 1'],
  ['studies', 'studies_patient', '100000 3 1 1'],
  ['studies', 'studies_date', '100000 30 2'],
  ['studies', 'studies_time', '100000 5'],
  ['studies', 'studies_accession', '100000 1'],
  ['studies', 'studies_study_id', '100000 50 2 1'],
  ['studies', 'studies_updated', '100000 1'],
  ['studies', 'studies_description', '100000 200 10 1'],
  ['studies', 'studies_referring', '100000 50 5 1'],
  ['studies', 'studies_institution', '100000 5000 30 2'],
  ['referring_name_words', 'referring_name_words', '300000 100 1'],
  ['referring_name_words', 'referring_name_words_study', '300000 3'],
  ['series', 'sqlite_autoindex_series_1', '250000 1'],
  ['series', 'series_study', '250000 3 1'],
  ['series', 'series_modality', '250000 25000 1'],
  ['series', 'series_number', '250000 10000'],
  ['series', 'series_description', '250000 100'],
  ['series', 'series_body_part', '250000 10000'],
  ['series', 'series_pps_start', '250000 100 2'],
  ['series', 'series_pps_start_time', '250000 10'],
  ['instances', 'sqlite_autoindex_instances_1', '1000000 1'],
  ['instances', 'sqlite_autoindex_instances_2', '1000000 1'],
  ['instances', 'instances_series', '1000000 4 1'],
  ['instances', 'instances_sop_class', '1000000 100000'],
  ['instances', 'instances_number', '1000000 2500'],
];

export function writePlannerStats(db: IndexDb): void {
  db.exec('ANALYZE sqlite_schema'); // creates sqlite_stat1 (and stat4) without reading any table
  db.exec('DELETE FROM sqlite_stat1');
  db.exec(`DELETE FROM sqlite_stat4`);
  const insert = db.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
  for (const [table, index, stat] of STATS) insert.run(table, index, stat);
  db.exec('ANALYZE sqlite_schema'); // reloads the statistics into this connection's planner
}
