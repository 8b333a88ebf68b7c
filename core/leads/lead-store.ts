import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Lead, LeadFilter, LeadPage, LeadProblem, LeadSort } from '../contract/leads.ts';
import { AppError } from '../errors.ts';
import type { Db } from '../store/database.ts';
import { SORT_SPECS, STANDARD_FIELD_SPECS } from './lead-fields.ts';
import type { LeadRecord } from './lead-validation.ts';

interface LeadRow {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  company: string;
  job_title: string;
  website: string;
  notes: string;
  source: string;
  owner: string;
  custom: string;
  problems: string;
  import_id: string | null;
  created_at: string;
  updated_at: string;
  sort_value?: string | number;
}

export function rowToLead(row: LeadRow): Lead {
  return {
    id: String(row.id),
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    company: row.company,
    jobTitle: row.job_title,
    website: row.website,
    notes: row.notes,
    source: row.source,
    owner: row.owner,
    custom: JSON.parse(row.custom) as Record<string, string>,
    problems: JSON.parse(row.problems) as LeadProblem[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    importId: row.import_id,
  };
}

/** Lead ids cross the contract as strings; inside they are SQLite rowids. */
export function parseLeadId(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new AppError('not_found', `There is no lead with id ${id}.`);
  return Number(id);
}

const COLUMNS = STANDARD_FIELD_SPECS.map((f) => f.column);
const MAX_TERMS = 10;
const PHONE_LIKE = /^[+(]?\d[\d\s().\-/]*$/;

/** Search tokens for a phone number: all its digits, and the national number when it has a country code. */
export function phoneDigits(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (!digits) return '';
  const national = parsePhoneNumberFromString(phone)?.nationalNumber;
  return national && national !== digits ? `${digits} ${national}` : digits;
}

interface SqlPart {
  where: string[];
  params: unknown[];
  from: string;
}

type FilterInput = Omit<LeadFilter, 'workspaceId'>;

interface Cursor {
  /** Sort fingerprint: a cursor from another sort is refused rather than silently misread. */
  f: string;
  /** Section: `a` values, `b` blanks (which come last). */
  s: 'a' | 'b';
  v: string | number | null;
  id: number;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(text: string, fingerprint: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (cursor.f === fingerprint && (cursor.s === 'a' || cursor.s === 'b') && Number.isInteger(cursor.id)) return cursor;
  } catch {
    // fall through
  }
  throw new AppError('validation', 'after: this page cursor belongs to another sort or is damaged; load the first page again.');
}

/**
 * Turns a search into one FTS5 query: every word must match, as a prefix of the words of a name,
 * email (split at . @ - _), company or phone. A word with punctuation ("anna.berg@ex") must match
 * those pieces in order; a phone-like word also matches the number's digits.
 */
export function searchQuery(search: string): string | null {
  const clauses: string[] = [];
  const text = search.trim();
  // "(415) 555-0123" is one phone number, not three words.
  const terms = PHONE_LIKE.test(text) ? [text] : text.split(/\s+/).filter(Boolean).slice(0, MAX_TERMS);
  for (const term of terms) {
    const tokens = term.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (tokens.length === 0) continue;
    const phrase = `"${tokens.join(' ')}"*`;
    const digits = term.replace(/\D/g, '');
    clauses.push(PHONE_LIKE.test(term) && digits.length >= 3 && tokens.length > 1 ? `(${phrase} OR "${digits}"*)` : phrase);
  }
  return clauses.length > 0 ? clauses.join(' AND ') : null;
}

export type LeadStore = ReturnType<typeof createLeadStore>;

export function createLeadStore(db: Db) {
  const insertStatement = db.prepare(
    `insert into leads (${COLUMNS.join(', ')}, phone_digits, custom, problems, problem_count, import_id, import_row, created_at, updated_at)
     values (${COLUMNS.map(() => '?').join(', ')}, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateStatement = db.prepare(
    `update leads set ${COLUMNS.map((c) => `${c} = ?`).join(', ')}, phone_digits = ?, custom = ?, problems = ?, problem_count = ?, updated_at = ?
     where id = ?`,
  );
  const getStatement = db.prepare('select * from leads where id = ?');
  const deleteStatement = db.prepare('delete from leads where id = ?');
  const countAll = db.prepare('select count(*) as n from leads');
  const countFlagged = db.prepare('select count(*) as n from leads where problem_count > 0');

  const valuesOf = (lead: LeadRecord) => STANDARD_FIELD_SPECS.map((f) => lead[f.key]);

  function filterSql(filter: FilterInput, options: { preferFlaggedIndex?: boolean } = {}): SqlPart {
    const where: string[] = [];
    const params: unknown[] = [];
    let from = 'leads';
    if (filter.flaggedOnly) {
      where.push('problem_count > 0');
      // Few flagged leads: read them through their partial index and sort them, rather than
      // walking a whole sort index to find them.
      if (options.preferFlaggedIndex) from = 'leads indexed by leads_flagged';
    }
    if (filter.importId) {
      where.push('import_id = ?');
      params.push(filter.importId);
    }
    const query = filter.search ? searchQuery(filter.search) : null;
    if (query) {
      where.push('id in (select rowid from leads_search where leads_search match ?)');
      params.push(query);
    }
    return { where, params, from };
  }

  function count(filter: FilterInput): number {
    if (!filter.flaggedOnly && !filter.importId && !(filter.search && searchQuery(filter.search))) return (countAll.get() as { n: number }).n;
    const sql = filterSql(filter);
    const where = sql.where.length ? `where ${sql.where.join(' and ')}` : '';
    return (db.prepare(`select count(*) as n from leads ${where}`).get(...sql.params) as { n: number }).n;
  }

  function select(part: SqlPart, extraWhere: string[], extraParams: unknown[], sortValue: string, orderBy: string, limit: number, offset = 0) {
    const where = [...part.where, ...extraWhere];
    const sql = `select *, ${sortValue} as sort_value from ${part.from} ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${orderBy} limit ? offset ?`;
    return db.prepare(sql).all(...part.params, ...extraParams, limit, offset) as LeadRow[];
  }

  function list(request: FilterInput & { sort: LeadSort; limit: number; after?: string | undefined; offset?: number | undefined }): LeadPage {
    const { sort, limit } = request;
    const spec = SORT_SPECS[sort.field];
    const fingerprint = `${sort.field}:${sort.direction}`;
    const cursor = request.after ? decodeCursor(request.after, fingerprint) : null;
    const offset = cursor ? 0 : (request.offset ?? 0);
    const desc = sort.direction === 'desc';
    const dir = desc ? 'desc' : 'asc';
    const cmp = desc ? '<' : '>';
    const bound = desc ? '<=' : '>=';

    let preferFlaggedIndex = false;
    if (request.flaggedOnly) {
      const flagged = (countFlagged.get() as { n: number }).n;
      preferFlaggedIndex = flagged * 4 < (countAll.get() as { n: number }).n;
    }
    const part = filterSql(request, { preferFlaggedIndex });
    const rows: Array<LeadRow & { section: 'a' | 'b' }> = [];

    if (!spec.blank) {
      // createdAt (the rowid) and updatedAt are never blank: one section.
      const extra: string[] = [];
      const extraParams: unknown[] = [];
      if (cursor) {
        if (spec.expression === 'id') {
          extra.push(`id ${cmp} ?`);
          extraParams.push(cursor.id);
        } else {
          extra.push(`${spec.expression} ${bound} ?`, `(${spec.expression}, id) ${cmp} (?, ?)`);
          extraParams.push(cursor.v, cursor.v, cursor.id);
        }
      }
      const orderBy = spec.expression === 'id' ? `id ${dir}` : `${spec.expression} ${dir}, id ${dir}`;
      for (const row of select(part, extra, extraParams, spec.expression, orderBy, limit, offset)) rows.push({ ...row, section: 'a' });
    } else {
      // Section a: leads with a value, in value order; section b: blanks, by id.
      let offsetB = offset;
      if (!cursor || cursor.s === 'a') {
        let offsetA = offset;
        if (offset > 0) {
          const countA = count(request) - countBlank(request, spec.blank);
          if (offset >= countA) {
            offsetA = -1;
            offsetB = offset - countA;
          } else {
            offsetB = 0;
          }
        }
        if (offsetA >= 0) {
          const extra = [`${spec.blank} = 0`];
          const extraParams: unknown[] = [];
          if (cursor) {
            extra.push(`${spec.expression} ${bound} ?`, `(${spec.expression}, id) ${cmp} (?, ?)`);
            extraParams.push(cursor.v, cursor.v, cursor.id);
          }
          const orderBy = `${spec.expression} ${dir}, id ${dir}`;
          for (const row of select(part, extra, extraParams, spec.expression, orderBy, limit, offsetA)) rows.push({ ...row, section: 'a' });
        }
      }
      if (rows.length < limit) {
        const extra = [`${spec.blank} = 1`];
        const extraParams: unknown[] = [];
        if (cursor?.s === 'b') {
          extra.push(`id ${cmp} ?`);
          extraParams.push(cursor.id);
        }
        const fromB = cursor ? 0 : offsetB;
        for (const row of select(part, extra, extraParams, "''", `id ${dir}`, limit - rows.length, fromB)) rows.push({ ...row, section: 'b' });
      }
    }

    const last = rows.at(-1);
    const page: LeadPage = { items: rows.map(rowToLead) };
    if (last && rows.length === limit) page.next = encodeCursor({ f: fingerprint, s: last.section, v: last.sort_value ?? null, id: last.id });
    if (!cursor) page.total = count(request);
    return page;
  }

  function countBlank(filter: FilterInput, blank: string): number {
    const part = filterSql(filter);
    const where = [...part.where, `${blank} = 1`];
    return (db.prepare(`select count(*) as n from leads where ${where.join(' and ')}`).get(...part.params) as { n: number }).n;
  }

  return {
    insert(lead: LeadRecord, problems: LeadProblem[], at: string, origin?: { importId: string; row: number }): number {
      const result = insertStatement.run(
        ...valuesOf(lead),
        phoneDigits(lead.phone),
        JSON.stringify(lead.custom),
        JSON.stringify(problems),
        problems.length,
        origin?.importId ?? null,
        origin?.row ?? null,
        at,
        at,
      );
      return Number(result.lastInsertRowid);
    },

    update(id: number, lead: LeadRecord, problems: LeadProblem[], at: string): void {
      updateStatement.run(...valuesOf(lead), phoneDigits(lead.phone), JSON.stringify(lead.custom), JSON.stringify(problems), problems.length, at, id);
    },

    get(id: number): Lead | undefined {
      const row = getStatement.get(id) as LeadRow | undefined;
      return row ? rowToLead(row) : undefined;
    },

    /** Deletes in one transaction; returns the ids that existed. */
    deleteIds(ids: readonly number[]): number[] {
      const deleted: number[] = [];
      db.transaction(() => {
        for (const id of ids) if (deleteStatement.run(id).changes > 0) deleted.push(id);
      })();
      return deleted;
    },

    list,
    count,

    /** Ids matching a filter in id order, a batch at a time (bulk delete, export). */
    idsAfter(filter: FilterInput, afterId: number, batch: number): number[] {
      const part = filterSql(filter);
      const where = [...part.where, 'id > ?'];
      const rows = db.prepare(`select id from leads where ${where.join(' and ')} order by id limit ?`).all(...part.params, afterId, batch) as Array<{
        id: number;
      }>;
      return rows.map((r) => r.id);
    },

    /** Whole leads matching a filter in id order (export). */
    leadsAfter(filter: FilterInput & { ids?: number[] | undefined }, afterId: number, batch: number): Lead[] {
      const part = filterSql(filter);
      const where = [...part.where, 'id > ?'];
      const params = [...part.params, afterId];
      if (filter.ids) {
        where.push(`id in (select value from json_each(?))`);
        params.push(JSON.stringify(filter.ids));
      }
      const rows = db.prepare(`select * from leads where ${where.join(' and ')} order by id limit ?`).all(...params, batch) as LeadRow[];
      return rows.map(rowToLead);
    },
  };
}
