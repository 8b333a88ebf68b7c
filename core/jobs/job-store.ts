import type {
  AttemptStatus,
  CancelReason,
  JobOrigin,
  JobState,
  StepName,
  StepOutcome,
  StepResult,
} from '../contract/push.ts';
import type { Db } from '../store/database.ts';
import { isLeaseOwnerAlive } from './leases.ts';
import { mergeSearch, statement } from './statements.ts';

/** A push_jobs row as SQLite returns it. */
export interface JobRow {
  id: number;
  lead_id: number;
  lead_label: string;
  lead_email: string;
  origin: JobOrigin;
  state: JobState;
  attempt_count: number;
  failure_count: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  cancel_requested: number;
  cancel_reason: CancelReason | null;
  state_reason: string | null;
  contact_id: string | null;
  contact_outcome: StepOutcome | null;
  contact_create_sent_at: number | null;
  company_key: string | null;
  company_id: string | null;
  company_outcome: StepOutcome | null;
  list_id: string | null;
  list_outcome: StepOutcome | null;
  steps: string;
  error_code: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** Step progress of a job: what is done survives crashes and retries (never applied twice). */
export interface JobProgress {
  contactId: string | null;
  contactOutcome: StepOutcome | null;
  /** A create was sent for this job and its answer never recorded: look before creating again. */
  contactCreateSentAt: number | null;
  companyKey: string | null;
  companyId: string | null;
  companyOutcome: StepOutcome | null;
  listId: string | null;
  listOutcome: StepOutcome | null;
  steps: StepResult[];
}

export interface ClaimedJob extends JobProgress {
  id: number;
  leadId: number;
  leadLabel: string;
  leadEmail: string;
  origin: JobOrigin;
  attemptId: number;
  attemptNumber: number;
  /** Transient failures so far (the retry schedule's count). */
  failures: number;
  /** Its previous attempt never finished (the process stopped): creates must look before they leap. */
  recovered: boolean;
}

/** The stored form of an error: the contract's JobError without the reference words (added on read). */
export interface StoredError {
  code: string;
  message: string;
  details: Record<string, unknown>;
  response: string | null;
}

export interface AttemptEnd {
  status: Exclude<AttemptStatus, 'running'>;
  error: StoredError | null;
  failedStep: StepName | null;
  cancelReason: CancelReason | null;
  sent: unknown;
  nextAttemptAt: number | null;
}

export interface JobEnd {
  state: JobState;
  failures: number;
  nextAttemptAt: number | null;
  error: StoredError | null;
  cancelReason: CancelReason | null;
  stateReason: string | null;
  progress: JobProgress;
}

export interface EnqueueLead {
  leadId: number;
  label: string;
  email: string;
}

export const PENDING_SQL = `('queued', 'retrying', 'waiting_for_network', 'paused_reauthorize')`;
const FINAL_STATES = new Set<JobState>(['succeeded', 'succeeded_with_warnings', 'failed', 'cancelled']);
const HOUR_MS = 3_600_000;

const parseSteps = (text: string): StepResult[] => JSON.parse(text) as StepResult[];

/** A job's progress as saved mid-run and at its end: the columns, then their values in the same order. */
const PROGRESS_COLUMNS = `contact_id = ?, contact_outcome = ?, contact_create_sent_at = ?, company_key = ?, company_id = ?, company_outcome = ?,
       list_id = ?, list_outcome = ?, steps = ?`;
const progressValues = (p: JobProgress) =>
  [p.contactId, p.contactOutcome, p.contactCreateSentAt, p.companyKey, p.companyId, p.companyOutcome, p.listId, p.listOutcome, JSON.stringify(p.steps)] as const;

export function progressOf(row: JobRow): JobProgress {
  return {
    contactId: row.contact_id,
    contactOutcome: row.contact_outcome,
    contactCreateSentAt: row.contact_create_sent_at,
    companyKey: row.company_key,
    companyId: row.company_id,
    companyOutcome: row.company_outcome,
    listId: row.list_id,
    listOutcome: row.list_outcome,
    steps: parseSteps(row.steps),
  };
}

export type JobStore = ReturnType<typeof createJobStore>;

/**
 * The durable queue: rows in the workspace database, claimed in batches under a lease, with every
 * attempt recorded. All writes that belong together happen in one transaction, and writes of a
 * claimed job check that its lease is still ours (a process that lost it must not overwrite).
 */
export function createJobStore(db: Db) {
  const selectPendingForLead = statement(db, `select id, state, origin from push_jobs where lead_id = ? and state in ${PENDING_SQL}`);
  const insertJob = statement(db, 
    `insert into push_jobs (lead_id, lead_label, lead_email, origin, state, next_attempt_at, created_at, updated_at)
     values (?, ?, ?, ?, 'queued', ?, ?, ?)`,
  );
  const bumpReady = statement(db, `update push_jobs set next_attempt_at = ?, updated_at = ? where id = ? and state = 'queued'`);
  const selectRunning = statement(db, `select * from push_jobs where state = 'running'`);
  const selectReady = statement(db, 
    `select * from push_jobs where state in ('queued', 'retrying') and next_attempt_at <= ? order by next_attempt_at, id limit ?`,
  );
  const claimJob = statement(db, 
    `update push_jobs set state = 'running', lease_owner = ?, lease_expires_at = ?, attempt_count = attempt_count + 1, state_reason = null, updated_at = ?
     where id = ?`,
  );
  const interruptAttempts = statement(db, 
    `update push_attempts set status = 'interrupted', finished_at = ?, duration_ms = max(0, ? - started_at),
       error_message = coalesce(error_message, 'The attempt did not finish: Syncdesk stopped while it ran.')
     where job_id = ? and status = 'running'`,
  );
  const insertAttempt = statement(db, 
    `insert into push_attempts (job_id, lead_id, lead_label, lead_email, number, batch_id, batch_size, started_at, status, steps)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
  );
  const saveProgress = statement(db, 
    `update push_jobs set ${PROGRESS_COLUMNS}
     where id = ? and state = 'running' and lease_owner = ?`,
  );
  const renewJobs = statement(db, `update push_jobs set lease_expires_at = ? where state = 'running' and lease_owner = ?`);
  const finishJob = statement(db, 
    `update push_jobs set state = ?, failure_count = ?, next_attempt_at = ?, lease_owner = null, lease_expires_at = null, cancel_requested = 0,
       cancel_reason = ?, state_reason = ?, error_code = ?, error = ?,
       ${PROGRESS_COLUMNS}, updated_at = ?, finished_at = ?
     where id = ? and state = 'running' and lease_owner = ?`,
  );
  const finishAttempt = statement(db, 
    `update push_attempts set status = ?, finished_at = ?, duration_ms = ?, is_error = ?, error_code = ?, error_message = ?, error = ?,
       failed_step = ?, cancel_reason = ?, contact_id = ?, company_id = ?, list_outcome = ?, steps = ?, sent = ?, next_attempt_at = ?
     where id = ?`,
  );
  const deleteAttempt = statement(db, 'delete from push_attempts where id = ?');
  const releaseJob = statement(db, 
    `update push_jobs set state = 'queued', next_attempt_at = ?, lease_owner = null, lease_expires_at = null, attempt_count = attempt_count - 1, updated_at = ?
     where id = ? and state = 'running' and lease_owner = ?`,
  );
  const bumpHour = statement(db, 
    `insert into push_outcome_hours (hour, succeeded, succeeded_with_warnings, failed, retried, cancelled) values (?, ?, ?, ?, ?, ?)
     on conflict (hour) do update set succeeded = succeeded + excluded.succeeded,
       succeeded_with_warnings = succeeded_with_warnings + excluded.succeeded_with_warnings,
       failed = failed + excluded.failed, retried = retried + excluded.retried, cancelled = cancelled + excluded.cancelled`,
  );
  const insertExchange = statement(db, 
    `insert into push_exchanges (batch_id, seq, call, method, url, status, duration_ms, at, request_body, response_body, error, inputs)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const linkExchange = statement(db, 'insert or ignore into push_attempt_exchanges (attempt_id, exchange_id) values (?, ?)');
  const cancelRequestedOf = statement(db, `select id from push_jobs where id in (select value from json_each(?)) and cancel_requested = 1`).pluck();

  return {
    db,

    /**
     * Queues a push of each lead, or joins the lead's pending job. `readyAt` is when new jobs may run
     * (Auto-Sync waits a quiet moment); `debounce` also moves a queued Auto-Sync job to `readyAt`, so a
     * burst of edits becomes one push.
     */
    enqueue(leads: readonly EnqueueLead[], options: { origin: JobOrigin; now: number; readyAt?: number; debounce?: boolean }): { jobIds: number[]; queued: number; coalesced: number } {
      const readyAt = options.readyAt ?? options.now;
      return db.transaction(() => {
        const jobIds: number[] = [];
        let queued = 0;
        let coalesced = 0;
        for (const lead of leads) {
          const pending = selectPendingForLead.get(lead.leadId) as { id: number; state: JobState; origin: JobOrigin } | undefined;
          if (pending) {
            coalesced++;
            jobIds.push(pending.id);
            if (options.debounce && pending.state === 'queued' && pending.origin === 'auto_sync') bumpReady.run(readyAt, options.now, pending.id);
            continue;
          }
          const info = insertJob.run(lead.leadId, lead.label, lead.email, options.origin, readyAt, options.now, options.now);
          jobIds.push(Number(info.lastInsertRowid));
          queued++;
        }
        return { jobIds, queued, coalesced };
      }).immediate();
    },

    /**
     * Claims up to `limit` jobs for one batch: first running jobs whose holder is gone or whose lease
     * expired (their unfinished attempt is marked interrupted), then ready jobs, oldest due first. At
     * most one job per lead and per email, so a batch never sends one contact twice.
     */
    claim(options: { owner: string; limit: number; leaseMs: number; batchId: string; now: number; isAlive?: (owner: string) => boolean }): ClaimedJob[] {
      const isAlive = options.isAlive ?? isLeaseOwnerAlive;
      const { now } = options;
      return db.transaction(() => {
        const stale = (selectRunning.all() as JobRow[]).filter(
          (row) =>
            row.lease_expires_at === null || row.lease_expires_at <= now || !row.lease_owner || (row.lease_owner !== options.owner && !isAlive(row.lease_owner)),
        );
        const ready = selectReady.all(now, options.limit * 3) as JobRow[];
        const picked: Array<{ row: JobRow; recovered: boolean }> = [];
        const leads = new Set<number>();
        const emails = new Set<string>();
        for (const [row, recovered] of [...stale.map((r) => [r, true] as const), ...ready.map((r) => [r, false] as const)]) {
          if (picked.length >= options.limit) break;
          const email = row.lead_email.trim().toLowerCase();
          if (leads.has(row.lead_id) || (email && emails.has(email))) continue;
          leads.add(row.lead_id);
          if (email) emails.add(email);
          picked.push({ row, recovered });
        }
        mergeSearch(db);
        return picked.map(({ row, recovered }) => {
          if (recovered) interruptAttempts.run(now, now, row.id);
          claimJob.run(options.owner, now + options.leaseMs, now, row.id);
          const number = row.attempt_count + 1;
          const steps = progressOf(row).steps;
          const attempt = insertAttempt.run(row.id, row.lead_id, row.lead_label, row.lead_email, number, options.batchId, picked.length, now, JSON.stringify(steps));
          return {
            id: row.id,
            leadId: row.lead_id,
            leadLabel: row.lead_label,
            leadEmail: row.lead_email,
            origin: row.origin,
            attemptId: Number(attempt.lastInsertRowid),
            attemptNumber: number,
            failures: row.failure_count,
            recovered,
            ...progressOf(row),
          };
        });
      }).immediate();
    },

    /** Keeps the claimed jobs' leases alive while a batch runs. */
    renew(owner: string, until: number): void {
      renewJobs.run(until, owner);
    },

    /** Job ids (among `ids`) whose cancel was asked for while they ran. */
    cancelRequested(ids: readonly number[]): Set<number> {
      return new Set(cancelRequestedOf.all(JSON.stringify(ids)) as number[]);
    },

    /**
     * Stores step progress (HubSpot ids as soon as they are known), in one transaction with `also`
     * (the exchanges that produced them). Throws when a job's lease is no longer ours. `updated_at`
     * moves with the job's state only (finish), not with every step.
     */
    saveProgress(owner: string, _now: number, updates: ReadonlyArray<{ jobId: number; progress: JobProgress }>, also?: () => void): void {
      db.transaction(() => {
        also?.();
        for (const { jobId, progress: p } of updates) {
          const info = saveProgress.run(...progressValues(p), jobId, owner);
          if (info.changes === 0) throw new LeaseLostError(jobId);
        }
      })();
    },

    /** Records one HTTP exchange and links it to the attempts it served. */
    addExchange(
      batchId: string,
      seq: number,
      exchange: { call: string; method: string; url: string; status: number; durationMs: number; at: number; requestBody?: string | undefined; responseBody?: string | undefined; error?: string | undefined },
      attemptIds: readonly number[],
    ): void {
      const info = insertExchange.run(
        batchId,
        seq,
        exchange.call,
        exchange.method,
        exchange.url,
        exchange.status,
        Math.round(exchange.durationMs),
        exchange.at,
        exchange.requestBody ?? null,
        exchange.responseBody ?? null,
        exchange.error ?? null,
        attemptIds.length,
      );
      const id = Number(info.lastInsertRowid);
      for (const attemptId of attemptIds) linkExchange.run(attemptId, id);
    },

    /**
     * Ends the attempts of a batch and moves their jobs on, in one transaction with `also` (the last
     * exchanges). A job that would become pending while its lead already has another pending job is
     * superseded by that one instead (never two pending jobs for one lead).
     */
    finish(
      owner: string,
      now: number,
      ends: ReadonlyArray<{ job: ClaimedJob; startedAt: number; attempt: AttemptEnd; next: JobEnd }>,
      also?: () => void,
    ): Array<{ jobId: number; state: JobState }> {
      return db.transaction(() => {
        also?.();
        const results: Array<{ jobId: number; state: JobState }> = [];
        const hours = new Map<number, number[]>();
        for (const { job, startedAt, attempt, next } of ends) {
          let state = next.state;
          let cancelReason = next.cancelReason;
          let attemptStatus = attempt.status;
          let attemptCancel = attempt.cancelReason;
          if (['queued', 'retrying', 'waiting_for_network', 'paused_reauthorize'].includes(state)) {
            const other = selectPendingForLead.get(job.leadId) as { id: number } | undefined;
            if (other && other.id !== job.id) {
              state = 'cancelled';
              cancelReason = 'superseded';
              if (attemptStatus === 'retrying') {
                attemptStatus = 'cancelled';
                attemptCancel = 'superseded';
              }
            }
          }
          const p = next.progress;
          const error = next.error ? JSON.stringify(next.error) : null;
          const info = finishJob.run(
            state,
            next.failures,
            state === 'retrying' || state === 'queued' || state === 'waiting_for_network' || state === 'paused_reauthorize' ? next.nextAttemptAt : null,
            cancelReason,
            next.stateReason,
            next.error?.code ?? null,
            error,
            ...progressValues(p),
            now,
            FINAL_STATES.has(state) ? now : null,
            job.id,
            owner,
          );
          if (info.changes === 0) throw new LeaseLostError(job.id);
          const isError = attemptStatus === 'failed' || attemptStatus === 'retrying' ? 1 : 0;
          finishAttempt.run(
            attemptStatus,
            now,
            Math.max(0, now - startedAt),
            isError,
            attempt.error?.code ?? null,
            attempt.error?.message ?? null,
            attempt.error ? JSON.stringify(attempt.error) : null,
            attempt.failedStep,
            attemptCancel,
            p.contactId,
            p.companyId,
            p.listOutcome,
            JSON.stringify(p.steps),
            attempt.sent === null || attempt.sent === undefined ? null : JSON.stringify(attempt.sent),
            attemptStatus === 'retrying' ? attempt.nextAttemptAt : null,
            job.attemptId,
          );
          const column = { succeeded: 0, succeeded_with_warnings: 1, failed: 2, retrying: 3, cancelled: 4 }[attemptStatus as string];
          if (column !== undefined) {
            const hour = Math.floor(startedAt / HOUR_MS) * HOUR_MS;
            const counts = hours.get(hour) ?? [0, 0, 0, 0, 0];
            counts[column]!++;
            hours.set(hour, counts);
          }
          results.push({ jobId: job.id, state });
        }
        for (const [hour, c] of hours) bumpHour.run(hour, c[0], c[1], c[2], c[3], c[4]);
        return results;
      })();
    },

    /** Gives claimed jobs back without spending an attempt (a batch-mate holds the same contact). */
    release(owner: string, now: number, jobs: readonly ClaimedJob[]): void {
      db.transaction(() => {
        for (const job of jobs) {
          deleteAttempt.run(job.attemptId);
          releaseJob.run(now, now, job.id, owner);
        }
      })();
    },

    /**
     * Gives a batch's jobs back after an unexpected failure of the engine itself: their attempts are
     * interrupted (not counted) and they run again after `delayMs`, with their step progress kept.
     */
    abandon(owner: string, now: number, jobs: readonly ClaimedJob[], message: string, delayMs: number): void {
      db.transaction(() => {
        for (const job of jobs) {
          statement(db, 
            `update push_attempts set status = 'interrupted', finished_at = ?, duration_ms = max(0, ? - started_at), error_message = ? where id = ? and status = 'running'`,
          ).run(now, now, message, job.attemptId);
          statement(db, 
            `update push_jobs set state = case when failure_count > 0 then 'retrying' else 'queued' end, next_attempt_at = ?, lease_owner = null, lease_expires_at = null, updated_at = ?
             where id = ? and state = 'running' and lease_owner = ?`,
          ).run(now + delayMs, now, job.id, owner);
        }
      })();
    },

    /** Moves ready jobs into a waiting state (offline, reauthorize) with a reason; they keep their turn. */
    holdReady(state: 'waiting_for_network' | 'paused_reauthorize', reason: string, now: number): number {
      return statement(db, `update push_jobs set state = ?, state_reason = ?, updated_at = ? where state in ('queued', 'retrying')`).run(state, reason, now).changes;
    },

    /** Waiting jobs go back to the queue: queued, or retrying when they had failed before. */
    resume(state: 'waiting_for_network' | 'paused_reauthorize', now: number): number {
      return db
        .prepare(
          `update push_jobs set state = case when failure_count > 0 then 'retrying' else 'queued' end, state_reason = null,
             next_attempt_at = coalesce(next_attempt_at, ?), updated_at = ?
           where state = ?`,
        )
        .run(now, now, state).changes;
    },

    /**
     * Anything for a batch to do now: a due job, or a running one whose holder is gone or whose lease
     * expired. Read-only, so an idle queue polls without writing.
     */
    hasWork(now: number, owner: string, isAlive: (owner: string) => boolean = isLeaseOwnerAlive): boolean {
      if (statement(db, `select 1 from push_jobs where state in ('queued', 'retrying') and next_attempt_at <= ? limit 1`).get(now)) return true;
      return (statement(db, `select lease_owner, lease_expires_at from push_jobs where state = 'running'`).all() as Array<{ lease_owner: string | null; lease_expires_at: number | null }>).some(
        (r) => r.lease_expires_at === null || r.lease_expires_at <= now || !r.lease_owner || (r.lease_owner !== owner && !isAlive(r.lease_owner)),
      );
    },

    /** Jobs waiting for the network or a reconnect (a restarted runner picks up where it was). */
    held(): { waiting: number; paused: number } {
      const row = db
        .prepare(`select sum(state = 'waiting_for_network') as waiting, sum(state = 'paused_reauthorize') as paused from push_jobs where state in ('waiting_for_network', 'paused_reauthorize')`)
        .get() as { waiting: number | null; paused: number | null };
      return { waiting: row.waiting ?? 0, paused: row.paused ?? 0 };
    },

    /** When the next queued or retrying job is due (null: none). */
    nextDueAt(): number | null {
      const row = statement(db, `select min(next_attempt_at) as at from push_jobs where state in ('queued', 'retrying')`).get() as { at: number | null };
      return row.at;
    },

    /** Jobs in a state right now. */
    countIn(states: readonly JobState[]): Record<string, number> {
      const counts: Record<string, number> = {};
      const rows = statement(db, `select state, count(*) as n from push_jobs where state in (select value from json_each(?)) group by state`).all(JSON.stringify(states)) as Array<{
        state: string;
        n: number;
      }>;
      for (const row of rows) counts[row.state] = row.n;
      return counts;
    },

    /** Jobs that reached a final state at or after `since`, by state. */
    finishedSince(since: number): Record<string, number> {
      const counts: Record<string, number> = {};
      const rows = statement(db, 'select state, count(*) as n from push_jobs where finished_at >= ? group by state').all(since) as Array<{ state: string; n: number }>;
      for (const row of rows) counts[row.state] = row.n;
      return counts;
    },

    get(jobId: number): JobRow | undefined {
      return statement(db, 'select * from push_jobs where id = ?').get(jobId) as JobRow | undefined;
    },
  };
}

/** A write found the job's lease taken by someone else (this process was presumed dead). */
export class LeaseLostError extends Error {
  readonly jobId: number;
  constructor(jobId: number) {
    super(`The lease of job ${jobId} is no longer held by this process.`);
    this.name = 'LeaseLostError';
    this.jobId = jobId;
  }
}
