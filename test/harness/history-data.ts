import type { ErrorCode } from '../../core/contract/errors.ts';
import type { Db } from '../../core/store/database.ts';
import { seededRandom } from '../../core/sandbox/seeded-random.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const FIRST = ['Maria', 'Mark', 'Martin', 'Anna', 'James', 'Li', 'Sofia', 'Ahmed', 'Olga', 'Pierre', 'Yuki', 'Carlos', 'Fatima', 'John', 'Emma', 'Noah', 'Chloé', 'Jürgen', 'Priya', 'Tomás', 'Ingrid', 'Kofi', 'Mei', 'Lucas', 'Aisha', 'Ravi', 'Elena', 'Omar', 'Hannah', 'Diego'];
const LAST = ['Garcia', 'Smith', 'Müller', 'Rossi', 'Nguyen', 'Kowalski', 'Dubois', 'Tanaka', 'Silva', 'Johnson', 'Brown', 'Lee', 'Ivanova', 'Hansen', 'Okafor', 'Patel', 'Martin', 'Haddad', 'Novak', 'Costa', 'Schmidt', 'Larsen', 'Moreau', 'Kim', 'Wright'];
const DOMAINS = Array.from({ length: 400 }, (_, i) => `company${i}.example`).concat(['gmail.com', 'outlook.com', 'yahoo.com']);

/** Failed attempts by error code, weighted as a busy portal sees them. */
const FAILURES: Array<[ErrorCode, number, 'contact' | 'company' | 'list' | null, (i: number) => string]> = [
  ['invalid_value', 40, 'contact', (i) => `HubSpot rejected "${['Pro', 'Gold', 'Enterprise+', 'n/a'][i % 4]}" for "plan_interest": ${['Pro', 'Gold', 'Enterprise+', 'n/a'][i % 4]} was not one of the allowed options`],
  ['property_missing', 20, 'contact', (i) => `Property "${['plan_tier', 'Lead Score', 'utm_campain'][i % 3]}" doesn't exist in this HubSpot portal.`],
  ['duplicate_contact', 12, 'contact', (i) => `A contact with this email already exists in HubSpot (id ${100000 + (i % 9000)}).`],
  ['no_email', 10, null, () => 'The lead has no email address, and leads without email are skipped.'],
  ['nothing_to_sync', 4, null, () => 'Every enabled mapping is empty for this lead.'],
  ['missing_scopes', 3, 'list', () => 'The connection lacks a permission this call needs: one of crm.lists.write.'],
  ['auth_expired', 2, 'contact', () => 'HubSpot refused the stored credentials: Authentication credentials not found.'],
  ['rate_limited', 4, 'contact', () => "HubSpot's rate limit was reached (TEN_SECONDLY_ROLLING)."],
  ['hubspot_unavailable', 3, 'contact', () => 'HubSpot is unavailable right now (HTTP 502).'],
  ['internal', 2, 'contact', () => 'HubSpot refused the request (HTTP 400): Invalid input JSON on line 1.'],
];
const FAILURE_TOTAL = FAILURES.reduce((s, f) => s + f[1], 0);

export interface GeneratedHistory {
  attempts: number;
  jobs: number;
  exchanges: number;
  from: number;
  to: number;
}

type Attempt = { status: string; code: ErrorCode | null; step: string | null; message: string | null; cancel: string | null };

/**
 * Writes `attempts` Sync History rows straight into a workspace database (jobs, attempts, a shared
 * exchange per batch of 100 and the links), over `days` days ending at `now`, busier in working
 * hours: 80% succeed at once, 4% with a company warning, 6% fail (invalid value, missing property,
 * duplicate, no email… weighted), 6% succeed after a transient retry, 1.5% run out of retries,
 * 2% are cancelled, 0.5% are interrupted and finish later. The FTS triggers fire as in production.
 */
export function generateHistory(db: Db, options: { attempts: number; days: number; now: number; seed?: number; onProgress?: (done: number) => void }): GeneratedHistory {
  const random = seededRandom(options.seed ?? 7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const from = options.now - options.days * DAY_MS;
  const insertJob = db.prepare(
    `insert into push_jobs (lead_id, lead_label, lead_email, origin, state, attempt_count, failure_count, error_code, error, contact_id, contact_outcome, company_outcome, list_outcome, steps, created_at, updated_at, finished_at, cancel_reason)
     values (?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?)`,
  );
  const insertAttempt = db.prepare(
    `insert into push_attempts (job_id, lead_id, lead_label, lead_email, number, batch_id, batch_size, started_at, finished_at, duration_ms, status, is_error, error_code, error_message, error, failed_step, cancel_reason, contact_id, company_id, list_outcome, steps, sent, next_attempt_at)
     values (?, ?, ?, ?, ?, ?, 100, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertExchange = db.prepare(
    `insert into push_exchanges (batch_id, seq, call, method, url, status, duration_ms, at, request_body, response_body, error, inputs) values (?, 0, 'contacts.batch.upsert', 'POST', '/crm/v3/objects/contacts/batch/upsert', ?, ?, ?, ?, ?, null, 100)`,
  );
  const link = db.prepare('insert into push_attempt_exchanges (attempt_id, exchange_id) values (?, ?)');

  const failure = (transient: boolean): Attempt => {
    if (transient) {
      const code = random() < 0.6 ? 'rate_limited' : 'hubspot_unavailable';
      return { status: 'retrying', code, step: 'contact', message: code === 'rate_limited' ? "HubSpot's rate limit was reached (TEN_SECONDLY_ROLLING)." : 'HubSpot is unavailable right now (HTTP 503).', cancel: null };
    }
    let r = random() * FAILURE_TOTAL;
    for (const [code, weight, step, message] of FAILURES) {
      r -= weight;
      if (r <= 0) return { status: 'failed', code, step, message: message(Math.floor(random() * 1000)), cancel: null };
    }
    return { status: 'failed', code: 'internal', step: 'contact', message: 'Unexpected.', cancel: null };
  };
  const ok = (warn = false): Attempt =>
    warn
      ? { status: 'succeeded_with_warnings', code: random() < 0.7 ? 'invalid_value' : 'property_missing', step: 'company', message: 'HubSpot rejected "Tech" for "industry": Tech was not one of the allowed options', cancel: null }
      : { status: 'succeeded', code: null, step: null, message: null, cancel: null };

  const story = (): Attempt[] => {
    const r = random();
    if (r < 0.8) return [ok()];
    if (r < 0.84) return [ok(true)];
    if (r < 0.9) return [failure(false)];
    if (r < 0.96) return [failure(true), ok()];
    if (r < 0.975) {
      const last = failure(true);
      return [failure(true), failure(true), failure(true), { ...last, status: 'failed' }];
    }
    if (r < 0.995) return [{ status: 'cancelled', code: null, step: null, message: null, cancel: pick(['excluded_by_filter', 'cancelled_by_user', 'superseded']) }];
    return [{ status: 'interrupted', code: null, step: null, message: 'The attempt did not finish: Syncdesk stopped while it ran.', cancel: null }, ok()];
  };

  /** Start times: uniform days, working hours (8–18 UTC) three times as busy as the night. */
  const startTime = (): number => {
    for (;;) {
      const t = from + random() * (options.now - from);
      const hour = new Date(t).getUTCHours();
      if (hour >= 8 && hour < 18 ? true : random() < 1 / 3) return Math.floor(t);
    }
  };

  let attempts = 0;
  let jobs = 0;
  let exchanges = 0;
  let leadId = 0;
  const CHUNK = 5000;
  const stepsJson = (a: Attempt) =>
    JSON.stringify([
      { step: 'contact', outcome: a.status === 'succeeded' || a.status === 'succeeded_with_warnings' ? 'created' : a.step === 'contact' ? 'failed' : 'not_run', label: '', hubspotId: null, error: null, at: null },
      { step: 'company', outcome: a.step === 'company' ? 'failed' : 'none', label: '', hubspotId: null, error: null, at: null },
      { step: 'list', outcome: 'none', label: '', hubspotId: null, error: null, at: null },
    ]);

  // Jobs are generated in time order so ids grow with time, as the engine writes them.
  const pending: Array<{ at: number; story: Attempt[] }> = [];
  while (attempts < options.attempts) {
    const s = story();
    pending.push({ at: startTime(), story: s });
    attempts += s.length;
  }
  pending.sort((a, b) => a.at - b.at);
  attempts = 0;

  const delays = [0, 30_000, 120_000, 300_000];
  // Jobs first (ids in the order their first attempt starts), then every attempt in start order:
  // attempt ids grow with start time, as when the engine inserts each attempt when it claims the job.
  const people: Array<{ jobId: number; leadId: number; label: string; email: string; first: string; last: string }> = [];
  for (let i = 0; i < pending.length; i += CHUNK) {
    db.transaction(() => {
      for (const job of pending.slice(i, i + CHUNK)) {
        leadId++;
        const first = pick(FIRST);
        const last = pick(LAST);
        const plain = (text: string) => text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
        const email = `${plain(first)}.${plain(last)}${leadId % 97}@${pick(DOMAINS)}`;
        const label = `${first} ${last}`;
        const end = job.story.at(-1)!;
        const state = end.status === 'interrupted' ? 'queued' : end.status;
        const finishedAt = job.at + delays.slice(0, job.story.length).reduce((sum, d) => sum + d, 0) + 800;
        const jobId = Number(
          insertJob.run(
            leadId,
            label,
            email,
            state,
            job.story.length,
            job.story.filter((a) => a.status === 'retrying').length,
            end.status === 'failed' ? end.code : null,
            end.status === 'failed' ? JSON.stringify({ code: end.code, message: end.message, details: {}, response: null }) : null,
            end.status.startsWith('succeeded') ? String(100000 + leadId) : null,
            end.status.startsWith('succeeded') ? 'created' : null,
            end.step === 'company' ? 'failed' : null,
            null,
            job.at,
            finishedAt,
            state === 'queued' ? null : finishedAt,
            end.cancel,
          ).lastInsertRowid,
        );
        people.push({ jobId, leadId, label, email, first, last });
        jobs++;
      }
    })();
  }

  const runs: Array<{ job: number; n: number; at: number }> = [];
  pending.forEach((job, index) => {
    let at = job.at;
    job.story.forEach((_, n) => {
      at += delays[n] ?? 0;
      runs.push({ job: index, n, at });
    });
  });
  runs.sort((a, b) => a.at - b.at);

  let batch = '';
  let batchExchange = 0;
  for (let i = 0; i < runs.length; i += CHUNK) {
    db.transaction(() => {
      for (const run of runs.slice(i, i + CHUNK)) {
        const person = people[run.job]!;
        const a = pending[run.job]!.story[run.n]!;
        const at = run.at;
        if (attempts % 100 === 0) {
          batch = `bench-${attempts / 100}`;
          batchExchange = Number(insertExchange.run(batch, a.code ? 400 : 200, 180, at, '{"inputs":[…100 inputs…]}', a.code ? '{"status":"error"}' : '{"status":"COMPLETE"}').lastInsertRowid);
          exchanges++;
        }
        const duration = 150 + Math.floor(random() * 900);
        const attemptId = Number(
          insertAttempt.run(
            person.jobId,
            person.leadId,
            person.label,
            person.email,
            run.n + 1,
            batch,
            at,
            at + duration,
            duration,
            a.status,
            a.status === 'failed' || a.status === 'retrying' ? 1 : 0,
            a.code,
            a.message,
            a.code ? JSON.stringify({ code: a.code, message: a.message, details: {}, response: 'HTTP 400 {"status":"error"}' }) : null,
            a.step,
            a.cancel,
            a.status.startsWith('succeeded') ? String(100000 + person.leadId) : null,
            null,
            null,
            stepsJson(a),
            a.status.startsWith('succeeded') ? JSON.stringify({ contact: { email: person.email, firstname: person.first, lastname: person.last }, company: null, listId: null }) : null,
            a.status === 'retrying' ? at + (delays[run.n + 1] ?? 0) : null,
          ).lastInsertRowid,
        );
        link.run(attemptId, batchExchange);
        attempts++;
      }
    })();
    options.onProgress?.(attempts);
  }
  return { attempts, jobs, exchanges, from, to: options.now };
}
