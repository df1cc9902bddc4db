import type { TransferRequest } from '../../shared/api/exchange';
import type { AccessDb } from '../auth/access-db';
import type { ArchiveIndex } from '../index/archive-index';
import type { IndexedNotice } from '../ingest/store-instance';
import type { RoutingRuleStore } from './routing-rule-store';

/**
 * Later arrivals in a watched study are written together after this long (a crash loses at most
 * this much of their times); a quarter of the stable age when that is shorter, so a row is up to
 * date well before it is due.
 */
const FLUSH_MS = 1_000;
/** Studies routed per step; more due ones are taken in the next step, at once. */
const SWEEP_BATCH = 100;
/** A study whose routing failed (the queue refused the job) is tried again after this long. */
const RETRY_MS = 60_000;
/** Distinct sources kept per watched study. */
const MAX_SOURCES = 32;

export interface StableStudiesDeps {
  db: AccessDb;
  index: ArchiveIndex;
  rules: RoutingRuleStore;
  /** Queues a send job (transfer-queue.ts) for a matching rule. */
  enqueue: (request: TransferRequest, requestedBy: { name: string; ruleId: string }) => void;
  stableAgeMs: number;
  log: (message: string, error?: unknown) => void;
  now?: () => number;
}

interface WatchRow {
  study_uid: string;
  last_arrival_at: number;
  sources: string;
}

/**
 * Stable studies (Orthanc's StableAge) and the routing rules applied to them. A study is stable
 * once no instance arrived for `stableAgeMs`. Every indexed instance is told here (`arrived`);
 * while at least one rule is enabled, it is recorded in the stable_watch table (study, last
 * arrival, the sources that stored): a study's first arrival at once, the later ones kept in
 * memory and written together once a second (a quarter of a short stable age). One timer, set for
 * the earliest row's due time (none while nothing is watched), takes the stable rows: each is
 * evaluated against the enabled rules with the study as the index holds it, gets one send job per
 * matching rule, and is deleted, in one transaction. The rows outlive a restart: at start the ones
 * already due are routed at once. More instances after routing make a new row, and the study is
 * routed again when it is stable again; the send job's resume (QIDO on the peer) then sends only
 * what the peer lacks.
 */
export class StableStudies {
  private readonly q;
  private readonly studyQuery;
  private readonly now: () => number;
  private readonly arrivals = new Map<string, { at: number; sources: Set<string> }>();
  /** Studies with a row in stable_watch. */
  private readonly rows = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepDue = Infinity;
  private closed = false;

  constructor(private readonly deps: StableStudiesDeps) {
    this.now = deps.now ?? Date.now;
    const { db } = deps;
    this.q = {
      sources: db.prepare<[string], string>('SELECT sources FROM stable_watch WHERE study_uid = ?').pluck(),
      upsert: db.prepare<[string, number, string]>(
        `INSERT INTO stable_watch (study_uid, last_arrival_at, sources) VALUES (?, ?, ?)
         ON CONFLICT (study_uid) DO UPDATE SET last_arrival_at = max(last_arrival_at, excluded.last_arrival_at), sources = excluded.sources`,
      ),
      due: db.prepare<[number, number], WatchRow>(
        'SELECT study_uid, last_arrival_at, sources FROM stable_watch WHERE last_arrival_at <= ? ORDER BY last_arrival_at LIMIT ?',
      ),
      stillDue: db
        .prepare<[string, number], number>('SELECT count(*) FROM stable_watch WHERE study_uid = ? AND last_arrival_at <= ?')
        .pluck(),
      earliest: db.prepare<[], number | null>('SELECT min(last_arrival_at) FROM stable_watch').pluck(),
      remove: db.prepare<[string]>('DELETE FROM stable_watch WHERE study_uid = ?'),
      postpone: db.prepare<[number, string]>('UPDATE stable_watch SET last_arrival_at = ? WHERE study_uid = ?'),
      all: db.prepare<[], string>('SELECT study_uid FROM stable_watch').pluck(),
    };
    // Study as indexed: Modalities in Study, Institution Name and Study Description (index schema).
    this.studyQuery = deps.index.db.prepare<[string], { modalities: string; institution_name: string; study_description: string }>(
      'SELECT modalities, institution_name, study_description FROM studies WHERE study_uid = ?',
    );
    for (const studyUid of this.q.all.all()) this.rows.add(studyUid);
    // What was watched before a restart, and became stable meanwhile, is routed now.
    this.scheduleFromTable();
  }

  /** An instance was indexed (the archive's onIndexed chain): cheap, never throws. */
  arrived(notice: IndexedNotice): void {
    if (this.closed || !this.deps.rules.anyEnabled()) return;
    let entry = this.arrivals.get(notice.studyUid);
    if (!entry) {
      entry = { at: 0, sources: new Set() };
      this.arrivals.set(notice.studyUid, entry);
    }
    entry.at = this.now();
    if (entry.sources.size < MAX_SOURCES) entry.sources.add(notice.source);
    // A study's first arrival since it was last routed is written at once: a crash, even a
    // `kill -9`, then never loses a study, at most the time of its latest instances.
    if (!this.rows.has(notice.studyUid)) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), Math.min(FLUSH_MS, this.deps.stableAgeMs / 4)).unref();
  }

  /** Writes the arrivals held in memory, in one transaction. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.arrivals.size === 0) return;
    const batch = [...this.arrivals];
    this.arrivals.clear();
    let earliest = Infinity;
    try {
      this.deps.db.transaction(() => {
        for (const [studyUid, { at, sources }] of batch) {
          const merged = new Set([...parseSources(this.q.sources.get(studyUid)), ...sources]);
          this.q.upsert.run(studyUid, at, JSON.stringify([...merged].slice(0, MAX_SOURCES)));
          earliest = Math.min(earliest, at);
        }
      })();
      for (const [studyUid] of batch) this.rows.add(studyUid);
    } catch (error) {
      this.deps.log(`routing rules: arrivals in ${batch.length} studies were not recorded; they are not routed automatically`, error);
      return;
    }
    this.schedule(earliest + this.deps.stableAgeMs);
  }

  /** Routes the studies that are stable now; returns how many were taken. */
  sweep(): number {
    this.flush();
    const now = this.now();
    const cutoff = now - this.deps.stableAgeMs;
    const rows = this.q.due.all(cutoff, SWEEP_BATCH);
    for (const row of rows) {
      try {
        const routed = this.deps.db.transaction(() => {
          // An arrival flushed since the SELECT keeps it unstable.
          if (this.q.stillDue.get(row.study_uid, cutoff) === 0) return false;
          this.route(row);
          this.q.remove.run(row.study_uid);
          return true;
        })();
        if (routed) this.rows.delete(row.study_uid);
      } catch (error) {
        this.deps.log(`routing rules: a stable study was not routed; trying again in ${RETRY_MS / 1000} s`, error);
        this.q.postpone.run(now - this.deps.stableAgeMs + RETRY_MS, row.study_uid);
      }
    }
    this.scheduleFromTable(rows.length === SWEEP_BATCH ? now : undefined);
    return rows.length;
  }

  /** Writes what is held and stops the timers (the archive's shutdown; the rows stay for the next start). */
  close(): void {
    this.flush();
    this.closed = true;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private route(row: WatchRow): void {
    const study = this.studyQuery.get(row.study_uid);
    if (!study) return; // deleted meanwhile
    const matching = this.deps.rules.matching({
      modalities: study.modalities === '' ? [] : study.modalities.split('\\'),
      institution: study.institution_name,
      description: study.study_description,
      sources: parseSources(row.sources),
    });
    for (const rule of matching)
      this.deps.enqueue(
        { direction: 'send', peerId: rule.peerId, studyInstanceUID: row.study_uid },
        { name: `rule:${rule.name}`, ruleId: rule.id },
      );
  }

  private scheduleFromTable(dueNow?: number): void {
    this.sweepDue = Infinity;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    if (dueNow !== undefined) return this.schedule(dueNow);
    const earliest = this.q.earliest.get();
    if (earliest !== null && earliest !== undefined) this.schedule(earliest + this.deps.stableAgeMs);
  }

  /** Makes sure a sweep runs by `due` (ms since the epoch). */
  private schedule(due: number): void {
    if (this.closed || due >= this.sweepDue) return;
    clearTimeout(this.sweepTimer);
    this.sweepDue = due;
    // A few ms late, so the row is past its due time by the clock the sweep reads.
    this.sweepTimer = setTimeout(
      () => {
        this.sweepTimer = undefined;
        this.sweepDue = Infinity;
        try {
          this.sweep();
        } catch (error) {
          this.deps.log('routing rules: the stable study sweep failed', error);
          this.schedule(this.now() + RETRY_MS);
        }
      },
      Math.max(0, due - this.now()) + 5,
    ).unref();
  }
}

function parseSources(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}
