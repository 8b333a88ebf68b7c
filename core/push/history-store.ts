import { type BucketSize, type HistoryFilter, JOB_STATES, type JobFilter, type OutcomeBucket } from '../contract/push.ts';
import { AppError } from '../errors.ts';
import type { JobRow } from '../jobs/job-store.ts';
import { searchQuery } from '../leads/lead-store.ts';
import type { Db } from '../store/database.ts';
import { type AttemptRow, type ExchangeRow, HISTORY_COLUMNS } from './job-view.ts';
import { mergeSearch, statement } from '../jobs/statements.ts';

const HOUR_MS = 3_600_000;

interface Cursor {
  t: number;
  i: number;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (Number.isInteger(c.t) && Number.isInteger(c.i)) return c;
  } catch {
    // fall through
  }
  throw new AppError('validation', 'after: this page cursor is damaged or belongs to another list; load the first page again.');
}

function ms(text: string, name: string): number {
  const value = Date.parse(text);
  if (!Number.isFinite(value)) throw new AppError('validation', `${name}: "${text}" is not a date and time.`);
  return value;
}

interface Where {
  sql: string[];
  params: unknown[];
}

export type HistoryStore = ReturnType<typeof createHistoryStore>;

/**
 * Sync History and queue queries, built for a million attempts: keyset paging on the attempt id
 * (ids ascend with the start time) and an index per filter (status, errors only, error code,
 * step, lead, job) ending in id, so a page is one index range scan; a time range becomes an id
 * range. A filter with several values runs one ordered scan per value and merges them (UNION ALL
 * of limited scans) instead of sorting every match. Free text drives the scan from FTS5, whose
 * matches stream by rowid. The chart reads hourly rollups kept in step with the attempts.
 */
export function createHistoryStore(db: Db) {
  const firstAtOrAfter = statement(db, 'select id from push_attempts where started_at >= ? order by started_at, id limit 1').pluck();
  const lastBefore = statement(db, 'select id from push_attempts where started_at < ? order by started_at desc, id desc limit 1').pluck();

  /**
   * A time range as an id range (attempt ids ascend with their start), so every filter index,
   * ordered by id, serves it too. The started_at conditions stay as well, as the exact test.
   */
  function idRange(filter: HistoryFilter): { lo: number | null; hi: number | null; empty: boolean } {
    const lo = filter.from ? ((firstAtOrAfter.get(ms(filter.from, 'from')) as number | undefined) ?? null) : null;
    const hi = filter.to ? ((lastBefore.get(ms(filter.to, 'to')) as number | undefined) ?? null) : null;
    return { lo, hi, empty: (filter.from !== undefined && lo === null) || (filter.to !== undefined && hi === null) || (lo !== null && hi !== null && lo > hi) };
  }

  /** The filters other than the expanded dimension and the search, as SQL; `id` is the id column to bound. */
  function historyWhere(filter: HistoryFilter, skip: 'statuses' | 'errorCodes' | 'steps' | null, id: string, range: { lo: number | null; hi: number | null }): Where {
    const sql: string[] = [];
    const params: unknown[] = [];
    const list = (column: string, values: readonly string[] | undefined, name: typeof skip) => {
      if (!values || values.length === 0 || name === skip) return;
      sql.push(`${column} in (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    list('a.status', filter.statuses, 'statuses');
    list('a.error_code', filter.errorCodes, 'errorCodes');
    list('a.failed_step', filter.steps, 'steps');
    if (filter.errorsOnly) sql.push('a.is_error = 1');
    if (range.lo !== null) {
      sql.push(`${id} >= ?`);
      params.push(range.lo);
    }
    if (range.hi !== null) {
      sql.push(`${id} <= ?`);
      params.push(range.hi);
    }
    if (filter.from) {
      sql.push('a.started_at >= ?');
      params.push(ms(filter.from, 'from'));
    }
    if (filter.to) {
      sql.push('a.started_at < ?');
      params.push(ms(filter.to, 'to'));
    }
    if (filter.leadId) {
      sql.push('a.lead_id = ?');
      params.push(Number(filter.leadId));
    }
    if (filter.jobId) {
      sql.push('a.job_id = ?');
      params.push(Number(filter.jobId));
    }
    return { sql, params };
  }

  /** The dimension to expand into one ordered scan per value, and its values. */
  function expansion(filter: HistoryFilter): { name: 'statuses' | 'errorCodes' | 'steps'; column: string; values: string[] } | null {
    if (filter.errorCodes?.length) return { name: 'errorCodes', column: 'a.error_code', values: [...new Set(filter.errorCodes)] };
    if (filter.steps?.length) return { name: 'steps', column: 'a.failed_step', values: [...new Set(filter.steps)] };
    if (filter.statuses?.length) return { name: 'statuses', column: 'a.status', values: [...new Set(filter.statuses)] };
    return null;
  }

  /**
   * One ordered scan per value of the expanded dimension (or one scan), newest (highest id) first.
   * With a search, FTS5 drives: it streams matching rowids downwards and the scan stops at a page.
   */
  function scans(filter: HistoryFilter, afterId: number | null): Array<{ from: string; where: Where; order: string }> | null {
    const range = idRange(filter);
    if (range.empty) return null;
    const query = filter.search ? searchQuery(filter.search) : null;
    if (filter.search?.trim() && !query) return null;
    const id = query ? 'f.rowid' : 'a.id';
    const expand = expansion(filter);
    return (expand ? expand.values : [null]).map((value) => {
      const where = historyWhere(filter, expand?.name ?? null, id, range);
      if (value !== null && expand) {
        where.sql.unshift(`${expand.column} = ?`);
        where.params.unshift(value);
      }
      if (afterId !== null) {
        where.sql.push(`${id} < ?`);
        where.params.push(afterId);
      }
      if (query) {
        where.sql.unshift('f.push_attempts_search match ?');
        where.params.unshift(query);
      }
      return {
        from: query ? 'push_attempts_search f cross join push_attempts a on a.id = f.rowid' : 'push_attempts a',
        where,
        order: `${id} desc`,
      };
    });
  }

  function historyRows(filter: HistoryFilter, limit: number, afterId: number | null, columns: string): Array<Record<string, unknown>> {
    const parts = scans(filter, afterId);
    if (!parts) return [];
    const arms = parts.map((p) => ({
      sql: `select ${columns} from ${p.from} ${p.where.sql.length ? `where ${p.where.sql.join(' and ')}` : ''} order by ${p.order} limit ?`,
      params: [...p.where.params, limit],
    }));
    if (arms.length === 1) return statement(db, arms[0]!.sql).all(...arms[0]!.params) as Array<Record<string, unknown>>;
    const sql = `${arms.map((a) => `select * from (${a.sql})`).join(' union all ')} order by id desc limit ?`;
    return statement(db, sql).all(...arms.flatMap((a) => a.params), limit) as Array<Record<string, unknown>>;
  }

  function jobWhere(filter: JobFilter): Where {
    const sql: string[] = [];
    const params: unknown[] = [];
    if (filter.states?.length) {
      // Literals (the states are a closed set), so the partial indexes on state apply.
      const states = filter.states.filter((s) => (JOB_STATES as readonly string[]).includes(s));
      sql.push(states.length === 1 ? `j.state = '${states[0]}'` : `j.state in (${states.map((s) => `'${s}'`).join(', ')})`);
    }
    if (filter.errorCodes?.length) {
      sql.push(`j.error_code in (${filter.errorCodes.map(() => '?').join(', ')})`);
      params.push(...filter.errorCodes);
    }
    if (filter.leadIds?.length) {
      sql.push('j.lead_id in (select value from json_each(?))');
      params.push(JSON.stringify(filter.leadIds.map(Number)));
    }
    if (filter.hubspotContact) {
      const { id, email } = filter.hubspotContact;
      // Two indexed lookups (push_jobs_contact, push_jobs_email), not a scan.
      if (email) {
        sql.push('j.id in (select id from push_jobs where contact_id = ? union select id from push_jobs where lower(lead_email) = lower(?))');
        params.push(id, email);
      } else {
        sql.push('j.contact_id = ?');
        params.push(id);
      }
    }
    if (filter.from) {
      sql.push('j.updated_at >= ?');
      params.push(ms(filter.from, 'from'));
    }
    if (filter.to) {
      sql.push('j.updated_at < ?');
      params.push(ms(filter.to, 'to'));
    }
    const query = filter.search ? searchQuery(filter.search) : null;
    if (query) {
      sql.push('j.id in (select rowid from push_jobs_search where push_jobs_search match ?)');
      params.push(query);
    } else if (filter.search?.trim()) {
      sql.push('0');
    }
    return { sql, params };
  }

  return {
    /** One page of history, newest first (by attempt id, which ascends with the start time). */
    history(filter: HistoryFilter, limit: number, after?: string): { rows: AttemptRow[]; next?: string } {
      const cursor = after ? decodeCursor(after) : null;
      const rows = historyRows(filter, limit + 1, cursor?.i ?? null, HISTORY_COLUMNS) as unknown as AttemptRow[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page.at(-1);
      return { rows: page, ...(more && last ? { next: encodeCursor({ t: last.started_at, i: last.id }) } : {}) };
    },

    /** Rows matching, counted up to `cap`. */
    historyCount(filter: HistoryFilter, cap: number): { count: number; capped: boolean } {
      const parts = scans(filter, null);
      if (!parts) return { count: 0, capped: false };
      let total = 0;
      for (const p of parts) {
        const sql = `select count(*) as n from (select 1 from ${p.from} ${p.where.sql.length ? `where ${p.where.sql.join(' and ')}` : ''} limit ?)`;
        total += (statement(db, sql).get(...p.where.params, cap + 1 - total) as { n: number }).n;
        if (total > cap) return { count: cap, capped: true };
      }
      return { count: total, capped: false };
    },

    /** Outcomes per hour or per day (days begin at midnight in `timeZone`), zeros included. */
    buckets(from: string, to: string, size: BucketSize, timeZone: string): OutcomeBucket[] {
      const start = Math.floor(ms(from, 'from') / HOUR_MS) * HOUR_MS;
      const end = ms(to, 'to');
      if (end <= start) return [];
      if ((end - start) / HOUR_MS > 24 * 400) throw new AppError('validation', 'Choose a time range of at most 400 days.');
      let dayKey: (t: number) => string;
      try {
        const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
        dayKey = (t) => format.format(t);
      } catch {
        throw new AppError('validation', `timeZone: "${timeZone}" is not a time zone.`);
      }
      const rows = statement(db, 'select * from push_outcome_hours where hour >= ? and hour < ? order by hour').all(start, end) as Array<{
        hour: number;
        succeeded: number;
        succeeded_with_warnings: number;
        failed: number;
        retried: number;
        cancelled: number;
      }>;
      const byHour = new Map(rows.map((r) => [r.hour, r]));
      const buckets: OutcomeBucket[] = [];
      let current: OutcomeBucket | null = null;
      let currentKey = '';
      for (let hour = start; hour < end; hour += HOUR_MS) {
        const key = size === 'hour' ? String(hour) : dayKey(hour);
        if (!current || key !== currentKey) {
          current = { start: new Date(hour).toISOString(), succeeded: 0, succeededWithWarnings: 0, failed: 0, retried: 0, cancelled: 0 };
          currentKey = key;
          buckets.push(current);
        }
        const r = byHour.get(hour);
        if (r) {
          current.succeeded += r.succeeded;
          current.succeededWithWarnings += r.succeeded_with_warnings;
          current.failed += r.failed;
          current.retried += r.retried;
          current.cancelled += r.cancelled;
        }
      }
      return buckets;
    },

    /** The error codes seen since `from`, most frequent first. */
    errorCodes(from: number | null): Array<{ code: string; count: number }> {
      const lo = from === null ? 0 : ((firstAtOrAfter.get(from) as number | undefined) ?? Number.MAX_SAFE_INTEGER);
      return db
        .prepare(
          `select error_code as code, count(*) as count from push_attempts indexed by push_attempts_code
           where error_code is not null and id >= ? group by error_code order by count desc, code`,
        )
        .all(lo) as Array<{ code: string; count: number }>;
    },

    attempt(attemptId: number): AttemptRow | undefined {
      return statement(db, 'select * from push_attempts where id = ?').get(attemptId) as AttemptRow | undefined;
    },

    attemptsOf(jobId: number): AttemptRow[] {
      return statement(db, 'select * from push_attempts where job_id = ? order by number, id').all(jobId) as AttemptRow[];
    },

    exchangesOf(attemptIds: readonly number[]): Map<number, ExchangeRow[]> {
      const rows = db
        .prepare(
          `select l.attempt_id, e.* from push_attempt_exchanges l join push_exchanges e on e.id = l.exchange_id
           where l.attempt_id in (select value from json_each(?)) order by e.batch_id, e.seq`,
        )
        .all(JSON.stringify(attemptIds)) as Array<ExchangeRow & { attempt_id: number }>;
      const byAttempt = new Map<number, ExchangeRow[]>();
      for (const row of rows) {
        const list = byAttempt.get(row.attempt_id) ?? [];
        list.push(row);
        byAttempt.set(row.attempt_id, list);
      }
      return byAttempt;
    },

    /** The queue, newest job first. */
    jobs(filter: JobFilter, limit: number, after?: string): { rows: JobRow[]; next?: string } {
      const where = jobWhere(filter);
      if (after) {
        const cursor = decodeCursor(after);
        where.sql.push('j.id < ?');
        where.params.push(cursor.i);
      }
      const rows = db
        .prepare(`select j.* from push_jobs j ${where.sql.length ? `where ${where.sql.join(' and ')}` : ''} order by j.id desc limit ?`)
        .all(...where.params, limit + 1) as JobRow[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page.at(-1);
      return { rows: page, ...(more && last ? { next: encodeCursor({ t: 0, i: last.id }) } : {}) };
    },

    /** Ids of jobs matching a filter, a chunk at a time (Retry all failed). */
    jobIds(filter: JobFilter, afterId: number, chunk: number): number[] {
      const where = jobWhere(filter);
      where.sql.push('j.id > ?');
      return statement(db, `select j.id from push_jobs j where ${where.sql.join(' and ')} order by j.id limit ?`).pluck().all(...where.params, afterId, chunk) as number[];
    },

    countJobs(filter: JobFilter): number {
      const where = jobWhere(filter);
      return (statement(db, `select count(*) as n from push_jobs j ${where.sql.length ? `where ${where.sql.join(' and ')}` : ''}`).get(...where.params) as { n: number }).n;
    },

    /** The newest job of each lead. */
    lastJobs(leadIds: readonly number[]): JobRow[] {
      const newest = statement(db, 'select * from push_jobs where lead_id = ? order by id desc limit 1');
      return leadIds.map((id) => newest.get(id) as JobRow | undefined).filter((r): r is JobRow => r !== undefined);
    },

    /**
     * Deletes history older than `before`, one short transaction per call (the caller yields between
     * calls): first the attempts, a chunk at a time, with their exchange links and the exchanges no
     * attempt refers to any more; then, once no old attempt is left, the finished jobs older than
     * `before` (none has an attempt left by then). Deleting exchanges by time instead cascaded to
     * ~100 links each, and looking for jobs without attempts walked every old job on each chunk:
     * chunks of 400–700 ms at a million attempts, now ~40 ms (`npm run bench:history`).
     */
    prune(before: number, chunk = 1000): { attempts: number; jobs: number; more: boolean } {
      return db.transaction(() => {
        mergeSearch(db);
        const rows = statement(db, 'select id from push_attempts where started_at < ? order by started_at limit ?').pluck().all(before, chunk) as number[];
        statement(db, 'delete from push_outcome_hours where hour < ?').run(Math.floor(before / HOUR_MS) * HOUR_MS);
        if (rows.length > 0) {
          const ids = JSON.stringify(rows);
          const exchanges = statement(db, 'select distinct exchange_id from push_attempt_exchanges where attempt_id in (select value from json_each(?))').pluck().all(ids) as number[];
          // Links go with their attempts (on delete cascade).
          statement(db, 'delete from push_attempts where id in (select value from json_each(?))').run(ids);
          if (exchanges.length > 0) {
            statement(db, 
              `delete from push_exchanges where id in (select value from json_each(?)) and not exists (select 1 from push_attempt_exchanges l where l.exchange_id = push_exchanges.id)`,
            ).run(JSON.stringify(exchanges));
          }
          return { attempts: rows.length, jobs: 0, more: true };
        }
        const jobs = statement(db, 'delete from push_jobs where id in (select id from push_jobs where finished_at < ? order by finished_at limit ?)').run(before, chunk).changes;
        return { attempts: 0, jobs, more: jobs === chunk };
      })();
    },

    /**
     * Refreshes the planner's statistics where they are stale (bounded work): without them SQLite
     * can't tell that `state = 'failed'` keeps 7% of the jobs and picks the wrong index for Retry all
     * failed's preview in a time range (110 ms instead of 1 ms at a million jobs).
     */
    optimize(): void {
      db.pragma('analysis_limit = 400');
      db.pragma('optimize = 0x10002');
    },

    /** Recomputes the hourly rollups from the attempts (after bulk-loading history, e.g. a benchmark). */
    rebuildOutcomeHours(): void {
      db.transaction(() => {
        statement(db, 'delete from push_outcome_hours').run();
        statement(db, 
          `insert into push_outcome_hours (hour, succeeded, succeeded_with_warnings, failed, retried, cancelled)
           select (started_at / ${HOUR_MS}) * ${HOUR_MS} as hour,
             sum(status = 'succeeded'), sum(status = 'succeeded_with_warnings'), sum(status = 'failed'), sum(status = 'retrying'), sum(status = 'cancelled')
           from push_attempts group by 1`,
        ).run();
      })();
    },
  };
}
