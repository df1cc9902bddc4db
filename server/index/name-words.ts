import { nameWords } from '../../shared/dicom/name-fold';
import type { IndexDb } from './index-db';

/**
 * Word tables for fuzzy person-name matching (PS3.18 8.3.4.1 `fuzzymatching=true`): each name is
 * stored as its accent-folded words (`nameWords`), one row per (word, owner). A query word is a
 * prefix, so it becomes an index range `word >= w AND word < w + U+10FFFF`; every word of the
 * query must begin some word of the name, in any order.
 */
export interface NameWordTable {
  /** e.g. `patient_name_words` */
  table: string;
  /** the owner's key column in the word table, e.g. `patient_pk` */
  ownerColumn: string;
  /** the owner's key in the search's FROM clause, e.g. `p.pk` */
  owner: string;
}

export const PATIENT_NAME_WORDS: NameWordTable = { table: 'patient_name_words', ownerColumn: 'patient_pk', owner: 'p.pk' };
export const REFERRING_NAME_WORDS: NameWordTable = { table: 'referring_name_words', ownerColumn: 'study_pk', owner: 'st.pk' };

/**
 * Counting a word's rows stops here, so estimating stays cheap (an index walk of at most this
 * many entries, ~1 ms). It is above the count of the most common Vietnamese family name in a
 * 40,000-patient archive (Nguyễn, ~38 %), so that "nguyen hoa" is driven by "hoa", not by a tie.
 */
const COUNT_CAP = 20_000;
const PREFIX_END = '\u{10FFFF}';

/** Writes the words of `name` for one owner row (prepared once per table). */
export function nameWordWriter(db: IndexDb, words: NameWordTable): (name: string, ownerPk: number | bigint) => void {
  const insert = db.prepare(`INSERT OR IGNORE INTO ${words.table} (word, ${words.ownerColumn}) VALUES (?, ?)`);
  return (name, ownerPk) => {
    for (const word of nameWords(name)) insert.run(word, ownerPk);
  };
}

export interface SqlCondition {
  sql: string;
  args: unknown[];
}

/**
 * The condition for a fuzzy name query. The rarest query word (counted in the index, capped)
 * drives the search as `owner IN (…)`; the others are checked per candidate through the owner
 * index, so a common word ("Nguyễn", "Văn") never makes the search walk all its owners.
 * An empty word list (the query was only wildcards or separators) matches everything.
 */
export function fuzzyNameCondition(db: IndexDb, words: NameWordTable, value: string): SqlCondition[] {
  const queryWords = [...new Set(nameWords(value))];
  if (queryWords.length === 0) return [];
  const count = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM ${words.table} WHERE word >= ? AND word < ? LIMIT ${COUNT_CAP})`).pluck();
  const ranked = queryWords
    .map((word) => ({ word, rows: count.get(word, `${word}${PREFIX_END}`) as number }))
    .sort((a, b) => a.rows - b.rows || b.word.length - a.word.length);
  return ranked.map(({ word }, n) => ({
    sql:
      n === 0
        ? `${words.owner} IN (SELECT ${words.ownerColumn} FROM ${words.table} WHERE word >= ? AND word < ?)`
        : `EXISTS (SELECT 1 FROM ${words.table} w WHERE w.${words.ownerColumn} = ${words.owner} AND w.word >= ? AND w.word < ?)`,
    args: [word, `${word}${PREFIX_END}`],
  }));
}
