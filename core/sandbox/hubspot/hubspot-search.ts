import type { Db } from '../../store/database.ts';
import type { PropertyDefinition } from './hubspot-default-properties.ts';
import { validationError } from './hubspot-errors.ts';
import type { ObjectType } from './hubspot-object-types.ts';
import type { PropertyCatalog } from './hubspot-properties.ts';
import type { CrmRecord, RecordRow, Records } from './hubspot-records.ts';

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_RESULT_CAP = 10_000;
const MAX_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 6;
const MAX_FILTERS = 18;
const MAX_QUERY_LENGTH = 3000;
const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: unknown;
  values?: unknown[];
  highValue?: unknown;
}

export interface SearchRequest {
  filterGroups?: Array<{ filters?: SearchFilter[] }>;
  sorts?: Array<string | { propertyName?: string; direction?: string }>;
  query?: string;
  properties?: string[];
  limit?: number;
  after?: string | number;
}

interface Sql {
  sql: string;
  params: unknown[];
}

/** How a property is stored and compared in SQL. */
type Kind = 'id' | 'msColumn' | 'number' | 'dateMs' | 'datetimeIso' | 'enum' | 'multi' | 'bool' | 'text' | 'unknown';

/**
 * Compiles HubSpot search requests (and list filters) to SQL over `hs_objects`.
 *
 * `hs_object_id`, `createdate` and the last-modified property are real columns, so ranges and sorts
 * on them use the covering indexes (the mirror pages hundreds of thousands of records that way);
 * other properties are read with json_extract. Matching follows the search guide: text values are
 * case-insensitive, enumerations are case-sensitive, dates are epoch milliseconds.
 */
export function createSearch(db: Db, catalog: PropertyCatalog, records: Records) {
  const totals = new Map<string, number>();
  db.function('hs_token_match', { deterministic: true }, (value: unknown, pattern: unknown) => (tokenMatch(value, pattern) ? 1 : 0));

  const kindOf = (portalId: number, type: ObjectType, name: string): { kind: Kind; expr: string; def?: PropertyDefinition } => {
    if (name === 'hs_object_id') return { kind: 'id', expr: 'o.id' };
    if (name === 'createdate') return { kind: 'msColumn', expr: 'o.created_at' };
    if (name === type.lastModified) return { kind: 'msColumn', expr: 'o.updated_at' };
    const def = catalog.get(portalId, type, name);
    // Unknown properties match nothing (HubSpot "silently fails" e.g. for hs_lastmodifieddate on contacts; UNCONFIRMED in general).
    if (!def) return { kind: 'unknown', expr: 'null' };
    const expr = `json_extract(o.props, '$."${name}"')`;
    if (def.type === 'number') return { kind: 'number', expr, def };
    if (def.type === 'date') return { kind: 'dateMs', expr, def };
    if (def.type === 'datetime') return { kind: 'datetimeIso', expr, def };
    if (def.type === 'bool') return { kind: 'bool', expr, def };
    if (def.type === 'enumeration') return { kind: def.fieldType === 'checkbox' ? 'multi' : 'enum', expr, def };
    return { kind: 'text', expr, def };
  };

  /** Filter value → the SQL parameter it compares with, or undefined when it can never match. */
  const operand = (kind: Kind, raw: unknown): unknown => {
    const value = raw === null || raw === undefined ? '' : String(raw);
    switch (kind) {
      case 'id':
      case 'number':
      case 'dateMs': {
        const n = Number(value);
        return value !== '' && Number.isFinite(n) ? n : undefined;
      }
      case 'msColumn':
      case 'datetimeIso': {
        const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
        if (!Number.isFinite(ms)) return undefined;
        return kind === 'msColumn' ? ms : new Date(ms).toISOString();
      }
      case 'enum':
      case 'multi':
        return value;
      default:
        return value.toLowerCase();
    }
  };

  const compare = (kind: Kind, expr: string): string => {
    if (kind === 'number' || kind === 'dateMs') return `cast(${expr} as real)`;
    if (kind === 'text' || kind === 'bool') return `lower(${expr})`;
    return expr;
  };

  const compileFilter = (portalId: number, type: ObjectType, filter: SearchFilter): Sql => {
    if (typeof filter?.propertyName !== 'string' || typeof filter.operator !== 'string' || !OPERATORS.has(filter.operator)) {
      validationError(`Invalid filter: ${JSON.stringify(filter)}. A filter needs "propertyName" and an "operator" among ${[...OPERATORS].join(', ')}.`);
    }
    const { kind, expr } = kindOf(portalId, type, filter.propertyName);
    const op = filter.operator;
    const lhs = compare(kind, expr);
    const never: Sql = { sql: '0', params: [] };
    if (kind === 'unknown') return op === 'NOT_HAS_PROPERTY' ? { sql: '1', params: [] } : never;
    const nullable = kind !== 'id' && kind !== 'msColumn';
    switch (op) {
      case 'HAS_PROPERTY':
        return { sql: nullable ? `${expr} is not null` : '1', params: [] };
      case 'NOT_HAS_PROPERTY':
        return { sql: nullable ? `${expr} is null` : '0', params: [] };
      case 'EQ':
      case 'NEQ': {
        const v = operand(kind, filter.value);
        // NEQ / NOT_IN also match records without a value (UNCONFIRMED).
        const negate = (sql: string): Sql => ({ sql: nullable ? `(${expr} is null or not (${sql}))` : `not (${sql})`, params: [] });
        if (v === undefined) return op === 'EQ' ? never : { sql: '1', params: [] };
        let positive: Sql;
        if (type.name === 'contacts' && filter.propertyName === 'email') {
          // email EQ also finds contacts holding the address as an additional email.
          positive = { sql: 'o.id in (select contact_id from hs_emails where portal_id = ? and email = ?)', params: [portalId, v] };
        } else if (kind === 'multi') positive = { sql: `(';' || ${expr} || ';') like ?`, params: [`%;${String(v)};%`] };
        else positive = { sql: `${lhs} = ?`, params: [v] };
        if (op === 'EQ') return positive;
        const negated = negate(positive.sql);
        return { sql: negated.sql, params: positive.params };
      }
      case 'LT':
      case 'LTE':
      case 'GT':
      case 'GTE': {
        const v = operand(kind, filter.value);
        if (v === undefined) return never;
        const sym = { LT: '<', LTE: '<=', GT: '>', GTE: '>=' }[op];
        return { sql: `${lhs} ${sym} ?`, params: [v] };
      }
      case 'BETWEEN': {
        if (filter.highValue === undefined) validationError('BETWEEN needs both "value" and "highValue".');
        const low = operand(kind, filter.value);
        const high = operand(kind, filter.highValue);
        if (low === undefined || high === undefined) return never;
        return { sql: `${lhs} between ? and ?`, params: [low, high] };
      }
      case 'IN':
      case 'NOT_IN': {
        if (!Array.isArray(filter.values) || filter.values.length === 0) validationError(`${op} needs a non-empty "values" array.`);
        const values = filter.values!.map((v) => operand(kind, v)).filter((v) => v !== undefined);
        if (values.length === 0) return op === 'IN' ? never : { sql: '1', params: [] };
        let positive: Sql;
        if (kind === 'multi') positive = { sql: `(${values.map(() => `(';' || ${expr} || ';') like ?`).join(' or ')})`, params: values.map((v) => `%;${String(v)};%`) };
        else positive = { sql: `${lhs} in (${values.map(() => '?').join(', ')})`, params: values };
        if (op === 'IN') return positive;
        return { sql: nullable ? `(${expr} is null or not ${positive.sql})` : `not ${positive.sql}`, params: positive.params };
      }
      case 'CONTAINS_TOKEN':
        return { sql: `hs_token_match(${expr}, ?)`, params: [String(filter.value ?? '')] };
      default:
        return { sql: `not hs_token_match(${expr}, ?)`, params: [String(filter.value ?? '')] };
    }
  };

  const compileGroups = (portalId: number, type: ObjectType, groups: SearchRequest['filterGroups']): Sql | undefined => {
    if (!groups || groups.length === 0) return undefined;
    if (!Array.isArray(groups)) validationError('"filterGroups" must be an array.');
    if (groups.length > MAX_GROUPS) validationError(`Too many filter groups: ${groups.length}. A search allows at most ${MAX_GROUPS} filterGroups.`, { errors: [{ message: `filterGroups: size must be between 0 and ${MAX_GROUPS}`, code: 'TOO_MANY_FILTER_GROUPS' }] });
    let total = 0;
    const parts: Sql[] = [];
    for (const group of groups) {
      const filters = group?.filters ?? [];
      if (filters.length > MAX_FILTERS_PER_GROUP) validationError(`Too many filters in a group: ${filters.length}. A filter group allows at most ${MAX_FILTERS_PER_GROUP} filters.`, { errors: [{ message: `filters: size must be between 0 and ${MAX_FILTERS_PER_GROUP}`, code: 'TOO_MANY_FILTERS' }] });
      total += filters.length;
      if (filters.length === 0) {
        parts.push({ sql: '1', params: [] });
        continue;
      }
      const compiled = filters.map((f) => compileFilter(portalId, type, f));
      parts.push({ sql: `(${compiled.map((c) => c.sql).join(' and ')})`, params: compiled.flatMap((c) => c.params) });
    }
    if (total > MAX_FILTERS) validationError(`Too many filters: ${total}. A search allows at most ${MAX_FILTERS} filters in total.`, { errors: [{ message: `filters: at most ${MAX_FILTERS} in total`, code: 'TOO_MANY_FILTERS' }] });
    return { sql: `(${parts.map((p) => p.sql).join(' or ')})`, params: parts.flatMap((p) => p.params) };
  };

  const compileQuery = (portalId: number, type: ObjectType, query: string): Sql | undefined => {
    const tokens = query.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return undefined;
    const fields = type.queryProperties.filter((p) => catalog.get(portalId, type, p)).map((p) => `coalesce(json_extract(o.props, '$."${p}"'), '')`);
    const perToken = tokens.map(() => `(${fields.map((f) => `${f} like ? escape '\\'`).join(' or ')})`);
    return {
      sql: `(${perToken.join(' and ')})`,
      params: tokens.flatMap((t) => fields.map(() => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)),
    };
  };

  const compileSort = (portalId: number, type: ObjectType, sorts: SearchRequest['sorts']): string => {
    const first = Array.isArray(sorts) ? sorts[0] : undefined;
    // Only one sort rule is applied; the SDK sends strings ("-createdate"), the docs objects.
    let name: string | undefined;
    let descending = false;
    if (typeof first === 'string') {
      descending = first.startsWith('-');
      name = descending ? first.slice(1) : first;
    } else if (first && typeof first === 'object') {
      name = first.propertyName;
      descending = first.direction === 'DESCENDING';
    }
    const dir = descending ? 'desc' : 'asc';
    if (!name) return 'o.id asc';
    const { kind, expr } = kindOf(portalId, type, name);
    if (kind === 'id') return `o.id ${dir}`;
    if (kind === 'msColumn') return `${expr} ${dir}, o.id ${dir}`;
    if (kind === 'unknown') return 'o.id asc';
    // Records without the value sort last in both directions (UNCONFIRMED).
    return `(${expr} is null), ${compare(kind, expr)} ${dir}, o.id asc`;
  };

  /** Rows search can see: live, indexed, plus the older versions of records updated inside the lag. */
  const source = (portalId: number, type: ObjectType, now: number): Sql => {
    if (records.allVisible(now)) return { sql: '(select id, created_at, updated_at, props from hs_objects where portal_id = ? and type = ? and archived = 0) o', params: [portalId, type.id] };
    const base = 'select id, created_at, updated_at, props from hs_objects where portal_id = ? and type = ? and archived = 0 and visible_at <= ?';
    if (!records.hasShadows()) return { sql: `(${base}) o`, params: [portalId, type.id, now] };
    return {
      sql: `(${base} union all select id, created_at, updated_at, props from hs_search_shadow where portal_id = ? and type = ? and visible_until > ?) o`,
      params: [portalId, type.id, now, portalId, type.id, now],
    };
  };

  return {
    /** SQL condition for one filter, reused by dynamic lists. */
    condition(portalId: number, type: ObjectType, groups: SearchRequest['filterGroups']): Sql | undefined {
      return compileGroups(portalId, type, groups);
    },

    run(portalId: number, type: ObjectType, request: SearchRequest, now: number): { total: number; records: CrmRecord[]; nextAfter?: string } {
      records.pruneShadows(now);
      const limit = request.limit ?? 10;
      if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_LIMIT) {
        validationError(`limit must be an integer from 1 to ${SEARCH_MAX_LIMIT}; got ${JSON.stringify(request.limit)}.`, { errors: [{ message: `limit: must be between 1 and ${SEARCH_MAX_LIMIT}`, code: 'INVALID_LIMIT', context: { limit: [String(request.limit)] } }] });
      }
      const afterRaw = request.after ?? 0;
      const offset = typeof afterRaw === 'number' ? afterRaw : afterRaw === '' ? 0 : /^\d+$/.test(String(afterRaw)) ? Number(afterRaw) : NaN;
      if (!Number.isInteger(offset) || offset < 0) validationError(`"after" must be an integer offset, as a string; got ${JSON.stringify(afterRaw)}.`);
      if (offset >= SEARCH_RESULT_CAP) {
        // The 10,000-result cap: documented as a 400; the exact body is UNCONFIRMED.
        validationError(`The search API can only return the first ${SEARCH_RESULT_CAP} results of a query; "after" ${offset} is past that. Narrow the filters (for example by ${type.lastModified} or hs_object_id) to page further.`, {
          errors: [{ message: `after: must be less than ${SEARCH_RESULT_CAP}`, code: 'SEARCH_RESULT_LIMIT_EXCEEDED', context: { after: [String(offset)] } }],
        });
      }
      if (request.query !== undefined && typeof request.query !== 'string') validationError('"query" must be a string.');
      if ((request.query ?? '').length > MAX_QUERY_LENGTH) validationError(`"query" is longer than ${MAX_QUERY_LENGTH} characters.`);
      const conditions = [compileGroups(portalId, type, request.filterGroups), request.query ? compileQuery(portalId, type, request.query) : undefined].filter(
        (c): c is Sql => c !== undefined,
      );
      const from = source(portalId, type, now);
      const where = conditions.length ? `where ${conditions.map((c) => c.sql).join(' and ')}` : '';
      const params = [...from.params, ...conditions.flatMap((c) => c.params)];
      // `total` counts every match, beyond the 10,000 a query can page through (UNCONFIRMED whether HubSpot caps it).
      // Paging re-runs one query many times; its total is cached until the next write.
      const countSql = `select count(*) from ${from.sql} ${where}`;
      const cacheKey = records.allVisible(now) ? `${records.version()}|${catalog.version()}|${countSql}|${JSON.stringify(params)}` : undefined;
      let total = cacheKey ? totals.get(cacheKey) : undefined;
      if (total === undefined) {
        total = db.prepare(countSql).pluck().get(...params) as number;
        if (cacheKey) {
          if (totals.size > 200) totals.clear();
          totals.set(cacheKey, total);
        }
      }
      const pageSize = Math.min(limit, SEARCH_RESULT_CAP - offset);
      const rows = db
        .prepare(`select o.id, o.created_at, o.updated_at, o.props from ${from.sql} ${where} order by ${compileSort(portalId, type, request.sorts)} limit ? offset ?`)
        .all(...params, pageSize, offset) as Array<Pick<RecordRow, 'id' | 'created_at' | 'updated_at' | 'props'>>;
      const found = rows.map((r) =>
        records.fromRow({ ...r, portal_id: portalId, type: type.id, archived: 0, archived_at: null, visible_at: now }, type),
      );
      const next = offset + rows.length;
      // paging.next is offered whenever more matches exist, even at 10,000, where following it gives the 400.
      return next < total && rows.length > 0 ? { total, records: found, nextAfter: String(next) } : { total, records: found };
    },
  };
}
export type Search = ReturnType<typeof createSearch>;

/** CONTAINS_TOKEN: whole-token match, case-insensitive, `*` as a wildcard ("*@hubspot.com"). */
export function tokenMatch(value: unknown, pattern: unknown): boolean {
  if (value === null || value === undefined) return false;
  const text = String(value).toLowerCase();
  const p = String(pattern ?? '').toLowerCase().trim();
  if (p === '') return false;
  const candidates = [text, ...text.split(/[\s,;]+/), ...text.split(/[^a-z0-9]+/)].filter(Boolean);
  if (p.includes('*')) {
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return candidates.some((c) => re.test(c));
  }
  return candidates.includes(p);
}
