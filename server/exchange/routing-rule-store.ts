import type { RoutingRule, RoutingRuleInput } from '../../shared/api/exchange';
import { AppError } from '../../shared/errors';
import type { AccessDb } from '../auth/access-db';
import { newId } from '../auth/secrets';
import { wildcardMatcher } from './wildcard-match';

interface Row {
  id: string;
  name: string;
  peer_id: string;
  enabled: number;
  modality: string;
  source: string;
  institution: string;
  description: string;
  created_at: number;
  updated_at: number;
}

/** What a rule is asked about: the study as indexed, and who stored its latest instances. */
export interface RoutedStudy {
  /** Modalities in Study (distinct series modalities). */
  modalities: readonly string[];
  institution: string;
  description: string;
  /** Sources (account usernames, later AE titles) of the instances that arrived since the study was last routed. */
  sources: readonly string[];
}

/**
 * The routing rules (issue 13 item 4): which stable study goes to which peer. Rules are few and
 * read at every stable study, so they are kept in memory and reloaded after each change; only this
 * store writes them.
 */
export class RoutingRuleStore {
  private readonly q;
  private enabledRules: Array<{ rule: RoutingRule; matches: (study: RoutedStudy) => boolean }> = [];

  constructor(private readonly db: AccessDb) {
    this.q = {
      all: db.prepare<[], Row & { peer_name: string }>(
        'SELECT r.*, p.name AS peer_name FROM routing_rules r JOIN peers p ON p.id = r.peer_id ORDER BY r.name',
      ),
      byId: db.prepare<[string], Row>('SELECT * FROM routing_rules WHERE id = ?'),
      peerExists: db.prepare<[string], number>('SELECT count(*) FROM peers WHERE id = ?').pluck(),
      insert: db.prepare<[Row]>(
        `INSERT INTO routing_rules (id, name, peer_id, enabled, modality, source, institution, description, created_at, updated_at)
         VALUES (@id, @name, @peer_id, @enabled, @modality, @source, @institution, @description, @created_at, @updated_at)`,
      ),
      update: db.prepare<[Row]>(
        `UPDATE routing_rules SET name = @name, peer_id = @peer_id, enabled = @enabled, modality = @modality, source = @source,
         institution = @institution, description = @description, updated_at = @updated_at WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM routing_rules WHERE id = ?'),
    };
    this.reload();
  }

  list(): RoutingRule[] {
    return this.q.all.all().map(toRule);
  }

  get(id: string): RoutingRule | undefined {
    return this.list().find((rule) => rule.id === id);
  }

  /** Whether any rule is enabled: arrivals are only recorded then (stable-studies.ts). */
  anyEnabled(): boolean {
    return this.enabledRules.length > 0;
  }

  /** The enabled rules that `study` matches. */
  matching(study: RoutedStudy): RoutingRule[] {
    return this.enabledRules.filter(({ matches }) => matches(study)).map(({ rule }) => rule);
  }

  create(input: unknown, now = Date.now()): RoutingRule {
    const rule = this.parse(input, undefined);
    const row: Row = { id: newId(), ...rule, created_at: now, updated_at: now };
    this.write(() => this.q.insert.run(row), rule.name);
    return this.get(row.id)!;
  }

  /** Changes the fields the body names; the others stay. */
  update(id: string, input: unknown, now = Date.now()): RoutingRule {
    const old = this.q.byId.get(id);
    if (!old) throw new AppError('NOT_FOUND', 'No such routing rule.');
    const row: Row = { ...old, ...this.parse(input, old), updated_at: now };
    this.write(() => this.q.update.run(row), row.name);
    return this.get(id)!;
  }

  /** Removes a rule; its past jobs stay, no longer linked to it. */
  remove(id: string): RoutingRule {
    const rule = this.get(id);
    if (!rule) throw new AppError('NOT_FOUND', 'No such routing rule.');
    this.q.remove.run(id);
    this.reload();
    return rule;
  }

  private reload(): void {
    this.enabledRules = this.list()
      .filter((rule) => rule.enabled)
      .map((rule) => ({ rule, matches: ruleMatcher(rule) }));
  }

  private write(run: () => void, name: string): void {
    try {
      run();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new AppError('CONFLICT', `A routing rule named "${name}" exists already.`);
      throw error;
    }
    this.reload();
  }

  /** Checks a POST/PATCH body field by field; a PATCH (`old` given) keeps what it does not name. */
  private parse(input: unknown, old: Row | undefined): Omit<Row, 'id' | 'created_at' | 'updated_at'> {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new AppError('BAD_REQUEST', 'The body must be a JSON object.');
    const body = input as Record<string, unknown>;
    const bad = (message: string) => new AppError('BAD_REQUEST', message);
    const known = new Set<string>(['name', 'peerId', 'enabled', 'modality', 'source', 'institution', 'description']);
    const unknown = Object.keys(body).filter((key) => !known.has(key));
    if (unknown.length > 0) throw bad(`Unknown field(s): ${unknown.slice(0, 5).join(', ')}.`);

    const name = body.name ?? old?.name;
    if (typeof name !== 'string' || !/^\S(.{0,62}\S)?$/u.test(name))
      throw bad('name must be 1 to 64 characters, without spaces at either end.');

    const peerId = body.peerId ?? old?.peer_id;
    if (typeof peerId !== 'string' || peerId === '') throw bad('peerId is required: the peer the rule sends to.');
    if (this.q.peerExists.get(peerId) === 0) throw bad('peerId names no peer.');

    const enabled = body.enabled ?? (old ? old.enabled === 1 : true);
    if (typeof enabled !== 'boolean') throw bad('enabled must be true or false.');

    const text = (field: 'modality' | 'source' | 'institution' | 'description', max: number, check?: RegExp, why?: string): string => {
      const value = body[field] ?? old?.[field] ?? '';
      if (typeof value !== 'string') throw bad(`${field} must be a string (empty: any).`);
      const trimmed = value.trim();
      if (trimmed.length > max) throw bad(`${field} has at most ${max} characters.`);
      if (check && trimmed !== '' && !check.test(trimmed)) throw bad(`${field} ${why}`);
      return trimmed;
    };
    // PS3.5 Table 6.2-1: a CS value is at most 16 upper-case letters, digits, spaces and underscores.
    const modality = text('modality', 16, /^[A-Za-z0-9_ ]+$/, 'must be a modality code such as CT or MR (letters, digits, underscore).');
    const source = text('source', 64, /^[^\p{Cc}]+$/u, 'must be a single line of text.');
    // Institution Name is LO (64 characters), Study Description LO as well.
    const institution = text('institution', 64, /^[^\p{Cc}\\]+$/u, 'must be a single line of text without a backslash.');
    const description = text('description', 64, /^[^\p{Cc}\\]+$/u, 'must be a single line of text without a backslash.');

    return {
      name,
      peer_id: peerId,
      enabled: enabled ? 1 : 0,
      modality: modality.toUpperCase(),
      source,
      institution,
      description,
    };
  }
}

/** A rule as a test of a study: every non-empty criterion must hold. */
export function ruleMatcher(
  rule: Pick<RoutingRuleInput, 'modality' | 'source' | 'institution' | 'description'>,
): (study: RoutedStudy) => boolean {
  const modality = rule.modality?.toUpperCase() ?? '';
  const source = rule.source?.toLowerCase() ?? '';
  const institution = rule.institution ? wildcardMatcher(rule.institution) : undefined;
  const description = rule.description ? wildcardMatcher(rule.description) : undefined;
  return (study) =>
    (modality === '' || study.modalities.some((m) => m.trim().toUpperCase() === modality)) &&
    (source === '' || study.sources.some((s) => s.toLowerCase() === source)) &&
    (institution === undefined || institution(study.institution)) &&
    (description === undefined || description(study.description));
}

function toRule(row: Row & { peer_name: string }): RoutingRule {
  return {
    id: row.id,
    name: row.name,
    peerId: row.peer_id,
    peerName: row.peer_name,
    enabled: row.enabled === 1,
    modality: row.modality,
    source: row.source,
    institution: row.institution,
    description: row.description,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
