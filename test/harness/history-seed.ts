import type { Db } from '../../core/store/database.ts';

export interface HistorySeedOptions {
  /** Attempts to write (one job per ~1.3 attempts). */
  attempts: number;
  /** The newest attempt's time; the others spread over `days` before it. */
  now: number;
  days?: number;
  /** Deterministic randomness. */
  seed?: number;
}

const CODES: Array<[string, string, string]> = [
  ['invalid_value', 'contact', 'HubSpot rejected "Platinum" for "plan_interest": Platinum was not one of the allowed options'],
  ['property_missing', 'contact', 'Property "job_titel" doesn\'t exist in this HubSpot portal.'],
  ['duplicate_contact', 'contact', 'A contact with this email already exists in HubSpot (id 4401).'],
  ['rate_limited', 'contact', "HubSpot's rate limit was reached (TEN_SECONDLY_ROLLING)."],
  ['hubspot_unavailable', 'company', 'HubSpot is unavailable right now (HTTP 503).'],
  ['no_email', 'contact', 'The lead has no email, and leads without one are skipped.'],
  ['not_found', 'list', 'HubSpot could not find contact 12 to add it to list 7.'],
];
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim', 'Anita', 'Vint', 'Hedy'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Berners-Lee', 'Borg', 'Cerf', 'Lamarr'];

/**
 * Writes a realistic Sync History straight into a workspace database (jobs, attempts with their
 * search text, hourly rollups): ~85% succeeded, some with warnings, failed and retried attempts with
 * SPEC §4 errors on the three steps. For benchmarks of the history queries (a million rows).
 */
export function seedHistory(db: Db, options: HistorySeedOptions): { jobs: number; attempts: number; ms: number } {
  const started = performance.now();
  let state = options.seed ?? 42;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const span = (options.days ?? 30) * 86_400_000;
  const insertJob = db.prepare(
    `insert into push_jobs (lead_id, lead_label, lead_email, origin, state, attempt_count, failure_count, contact_id, contact_outcome, company_id, company_outcome, list_outcome, steps, error_code, error, created_at, updated_at, finished_at)
     values (?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?)`,
  );
  const insertAttempt = db.prepare(
    `insert into push_attempts (job_id, lead_id, lead_label, lead_email, number, batch_id, batch_size, started_at, finished_at, duration_ms, status, is_error, error_code, error_message, error, failed_step, contact_id, company_id, list_outcome, steps, next_attempt_at)
     values (?, ?, ?, ?, ?, ?, 100, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?)`,
  );
  let attempts = 0;
  let jobs = 0;
  // A throwaway database: durability can wait until the end. The search index is filled in one
  // statement after the rows (row-by-row FTS5 inserts are most of the cost), then its triggers return.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -200000');
  const triggers = db.prepare(`select name, sql from sqlite_master where type = 'trigger' and name in ('push_attempts_search_insert', 'push_jobs_search_insert')`).all() as Array<{ name: string; sql: string }>;
  for (const t of triggers) db.exec(`drop trigger ${t.name}`);
  const firstAttempt = (db.prepare('select coalesce(max(id), 0) from push_attempts').pluck().get() as number) + 1;
  const firstJob = (db.prepare('select coalesce(max(id), 0) from push_jobs').pluck().get() as number) + 1;
  const chunk = 20_000;
  while (attempts < options.attempts) {
    db.transaction(() => {
      const until = Math.min(options.attempts, attempts + chunk);
      while (attempts < until) {
        const leadId = 1 + Math.floor(random() * options.attempts * 0.6);
        const label = `${FIRST[leadId % FIRST.length]} ${LAST[Math.floor(leadId / FIRST.length) % LAST.length]} ${leadId}`;
        const email = `${label.split(' ')[0]!.toLowerCase()}.${leadId}@company${leadId % 5000}.example`;
        // Time grows with the row, as real history does (newest last).
        const t0 = options.now - span + Math.floor((attempts / options.attempts) * span);
        const roll = random();
        const tries = roll < 0.9 ? 1 : roll < 0.97 ? 2 : 5;
        const final = random();
        const finalStatus = final < 0.88 ? 'succeeded' : final < 0.92 ? 'succeeded_with_warnings' : final < 0.99 ? 'failed' : 'cancelled';
        const code = CODES[Math.floor(random() * CODES.length)]!;
        const jobId = Number(
          insertJob.run(
            leadId,
            label,
            email,
            finalStatus,
            tries,
            finalStatus === 'failed' ? tries : 0,
            finalStatus.startsWith('succeeded') ? String(100_000 + leadId) : null,
            finalStatus.startsWith('succeeded') ? 'updated' : null,
            finalStatus.startsWith('succeeded') ? String(500_000 + (leadId % 5000)) : null,
            finalStatus.startsWith('succeeded') ? 'matched_by_domain' : null,
            finalStatus === 'succeeded' ? 'added' : null,
            finalStatus === 'failed' || finalStatus === 'succeeded_with_warnings' ? code[0] : null,
            finalStatus === 'failed' || finalStatus === 'succeeded_with_warnings' ? JSON.stringify({ code: code[0], message: code[2], details: {}, response: null }) : null,
            t0,
            t0 + tries * 1000,
            t0 + tries * 1000,
          ).lastInsertRowid,
        );
        jobs++;
        for (let n = 1; n <= tries && attempts < until; n++) {
          const last = n === tries;
          const status = last ? finalStatus : 'retrying';
          const at = t0 + (n - 1) * 1000;
          const errorish = status === 'failed' || status === 'retrying' || status === 'succeeded_with_warnings';
          const c = status === 'retrying' ? (random() < 0.5 ? CODES[3]! : CODES[4]!) : code;
          insertAttempt.run(
            jobId,
            leadId,
            label,
            email,
            n,
            `batch-${Math.floor(attempts / 100)}`,
            at,
            at + 180,
            180,
            status,
            status === 'failed' || status === 'retrying' ? 1 : 0,
            errorish ? c[0] : null,
            errorish ? c[2] : null,
            errorish ? JSON.stringify({ code: c[0], message: c[2], details: {}, response: 'HTTP 400 {}' }) : null,
            errorish ? c[1] : null,
            status.startsWith('succeeded') ? String(100_000 + leadId) : null,
            status.startsWith('succeeded') ? String(500_000 + (leadId % 5000)) : null,
            status === 'succeeded' ? 'added' : null,
            status === 'retrying' ? at + 30_000 : null,
          );
          attempts++;
        }
      }
    })();
  }
  db.prepare(`insert into push_attempts_search (rowid, text) select id, lead_label || ' ' || lead_email || ' ' || coalesce(error_message, '') from push_attempts where id >= ?`).run(firstAttempt);
  db.prepare(`insert into push_jobs_search (rowid, text) select id, lead_label || ' ' || lead_email from push_jobs where id >= ?`).run(firstJob);
  for (const t of triggers) db.exec(t.sql);
  db.pragma('synchronous = NORMAL');
  db.exec('analyze');
  return { jobs, attempts, ms: Math.round(performance.now() - started) };
}
