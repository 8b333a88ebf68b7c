import type { EventBus } from '../app/event-bus.ts';
import type { LeadFilter } from '../contract/leads.ts';
import {
  ATTEMPT_STATUS_LABELS,
  type AttemptDetail,
  type BucketSize,
  FINAL_JOB_STATES,
  type HistoryFilter,
  type HistoryPage,
  JOB_STATES,
  type JobDetail,
  type JobFilter,
  type JobOrigin,
  type JobPage,
  type JobState,
  type JobSummary,
  type LeadSyncStatus,
  PENDING_JOB_STATES,
  type PushProgress,
  type PushResult,
  type PushSettingsView,
  type PushTarget,
  type StateCounts,
  STEP_OUTCOME_LABELS,
  type StepResult,
} from '../contract/push.ts';
import type { CsvPiece } from '../contract/leads.ts';
import { AppError } from '../errors.ts';
import { type JobRow, progressOf } from '../jobs/job-store.ts';
import type { PushRunner } from '../jobs/push-runner.ts';
import type { LeadService } from '../leads/lead-service.ts';
import { yieldToEventLoop } from '../leads/lead-service.ts';
import { parseLeadId } from '../leads/lead-store.ts';
import type { MappingService } from '../mapping/mapping-service.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { linksFor, type Portal, titleOf, toAttemptDetail, toHistoryRow, toJobSummary, toLeadStatus } from './job-view.ts';
import type { PushEngine } from './push-engine.ts';
import { statement } from '../jobs/statements.ts';
import { toCsv, UTF8_BOM } from '../leads/csv/csv-writer.ts';

const HISTORY_CSV_PIECE = 2000;
export interface PushServiceDeps {
  engine: PushEngine;
  leads: LeadService;
  mapping: MappingService;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** The portal record links point at (null: none, e.g. the sandbox portal). */
  portal?: (workspaceId: string) => Portal | null;
  /** Auto-Sync waits this long after an edit, so a burst of edits is one push. */
  autoSyncQuietMs?: number;
}

const RETENTION_KEY = 'push.retentionDays';
const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
const ENQUEUE_CHUNK = 1000;
const WINDOW_MS = 10_000;

interface LeadLabelRow {
  id: number;
  first_name: string;
  last_name: string;
  company: string;
  email: string;
}

const labelOf = (row: LeadLabelRow) => [row.first_name, row.last_name].filter(Boolean).join(' ') || row.company || row.email || `Lead ${row.id}`;

/** Rolling counts for rates (finished jobs, HubSpot calls) over the last ten seconds. */
class RateWindow {
  private readonly points: Array<{ at: number; n: number }> = [];
  add(at: number, n: number) {
    this.points.push({ at, n });
  }
  perSecond(now: number): number {
    while (this.points.length > 0 && this.points[0]!.at < now - WINDOW_MS) this.points.shift();
    if (this.points.length === 0) return 0;
    const total = this.points.reduce((sum, p) => sum + p.n, 0);
    const span = Math.max(1000, Math.min(WINDOW_MS, now - this.points[0]!.at + 1000));
    return total / (span / 1000);
  }
}

interface RunStats {
  /** When the current (or last) run began: from idle to busy. */
  runStartedAt: number | null;
  active: boolean;
  /** Jobs of this run that reached a final state, counted as this process's runner ended them (null: not running here). */
  ended: Record<string, number> | null;
  finished: RateWindow;
  calls: RateWindow;
  lastEmit: number;
  timer: NodeJS.Timeout | null;
}

export type PushService = ReturnType<typeof createPushService>;

/**
 * The push domain's face: queue pushes (coalescing into pending jobs), cancel, retry, the queue and
 * Sync History queries, per-lead sync status, progress, retention, and Auto-Sync (edits queue a
 * push when the workspace has it on). The runner that works the queue is attached by the host.
 */
export function createPushService(deps: PushServiceDeps) {
  const { engine, events, clock, logger } = deps;
  const quietMs = deps.autoSyncQuietMs ?? 2000;
  let runner: PushRunner | null = null;
  const stats = new Map<string, RunStats>();

  const stores = (workspaceId: string) => engine.storesFor(workspaceId);
  const portal = (workspaceId: string) => {
    try {
      return deps.portal?.(workspaceId) ?? null;
    } catch {
      return null;
    }
  };

  function statsOf(workspaceId: string): RunStats {
    let s = stats.get(workspaceId);
    if (!s) stats.set(workspaceId, (s = { runStartedAt: null, active: false, ended: null, finished: new RateWindow(), calls: new RateWindow(), lastEmit: 0, timer: null }));
    return s;
  }

  function leadLabels(workspaceId: string, ids: readonly number[]): LeadLabelRow[] {
    const { db } = deps.leads.open(workspaceId);
    return db
      .prepare('select id, first_name, last_name, company, email from leads where id in (select value from json_each(?)) order by id')
      .all(JSON.stringify(ids)) as LeadLabelRow[];
  }

  function enqueueRows(workspaceId: string, rows: readonly LeadLabelRow[], origin: JobOrigin, options: { readyAt?: number; debounce?: boolean } = {}) {
    const now = clock.now();
    return stores(workspaceId).jobs.enqueue(
      rows.map((r) => ({ leadId: r.id, label: labelOf(r), email: r.email.trim().toLowerCase() })),
      { origin, now, ...options },
    );
  }

  function afterEnqueue(workspaceId: string, jobIds: number[], queued: number) {
    if (jobIds.length > 0) engine.emitJobs(workspaceId, jobIds);
    if (queued > 0) {
      const s = statsOf(workspaceId);
      if (!s.active) {
        s.runStartedAt = clock.now();
        s.ended = {};
      }
      s.active = true;
    }
    runner?.wake(workspaceId);
    emitProgress(workspaceId, true);
  }

  /** Queues a push of leads. Unknown ids are refused by name; `all`/`matching` go in chunks. */
  async function push(workspaceId: string, target: PushTarget, origin: JobOrigin = 'manual'): Promise<PushResult & { allJobIds: number[] }> {
    const { store } = deps.leads.open(workspaceId);
    const all: number[] = [];
    let queued = 0;
    let coalesced = 0;
    if (target.kind === 'ids') {
      const ids = [...new Set(target.ids.map(parseLeadId))];
      const rows = leadLabels(workspaceId, ids);
      if (rows.length !== ids.length) {
        const found = new Set(rows.map((r) => r.id));
        const missing = ids.filter((id) => !found.has(id));
        throw new AppError('not_found', `There is no lead with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}. Nothing was queued.`, {
          details: { missing: missing.slice(0, 100).map(String) },
        });
      }
      for (let i = 0; i < rows.length; i += ENQUEUE_CHUNK) {
        const r = enqueueRows(workspaceId, rows.slice(i, i + ENQUEUE_CHUNK), origin);
        all.push(...r.jobIds);
        queued += r.queued;
        coalesced += r.coalesced;
      }
    } else {
      const filter: Omit<LeadFilter, 'workspaceId'> = target.kind === 'all' ? {} : target.filter;
      for (let after = 0; ; ) {
        const ids = store.idsAfter(filter, after, ENQUEUE_CHUNK);
        if (ids.length === 0) break;
        const r = enqueueRows(workspaceId, leadLabels(workspaceId, ids), origin);
        all.push(...r.jobIds);
        queued += r.queued;
        coalesced += r.coalesced;
        after = ids.at(-1)!;
        await yieldToEventLoop();
      }
    }
    afterEnqueue(workspaceId, all, queued);
    if (queued + coalesced > 1) logger.info('push queued', { workspaceId, queued, coalesced, origin });
    return { queued, coalesced, jobIds: all.slice(0, 100).map(String), allJobIds: all };
  }

  function requireJob(workspaceId: string, jobId: string): JobRow {
    const id = Number(jobId);
    const row = Number.isInteger(id) ? stores(workspaceId).jobs.get(id) : undefined;
    if (!row) throw new AppError('not_found', `There is no job ${jobId} in this workspace. It may have been pruned from the history.`);
    return row;
  }

  function cancel(workspaceId: string, jobIds: readonly string[], reason: 'cancelled_by_user' | 'lead_deleted' = 'cancelled_by_user', byLead = false): number {
    const { db } = stores(workspaceId);
    const ids = JSON.stringify(jobIds.map(Number).filter(Number.isInteger));
    const now = clock.now();
    const column = byLead ? 'lead_id' : 'id';
    const message = reason === 'lead_deleted' ? 'The lead was deleted before it was pushed.' : 'Cancelled before it ran.';
    let runningIds = 0;
    const changed = db.transaction(() => {
      const ended = db
        .prepare(
          `update push_jobs set state = 'cancelled', cancel_reason = ?, state_reason = ?, next_attempt_at = null, finished_at = ?, updated_at = ?
           where ${column} in (select value from json_each(?)) and state in ('queued', 'retrying', 'waiting_for_network', 'paused_reauthorize') returning id`,
        )
        .pluck()
        .all(reason, message, now, now, ids) as number[];
      const running = db
        .prepare(`update push_jobs set cancel_requested = 1, updated_at = ? where ${column} in (select value from json_each(?)) and state = 'running' returning id`)
        .pluck()
        .all(now, ids) as number[];
      runningIds = running.length;
      return [...ended, ...running];
    })();
    if (changed.length > 0) {
      const s = statsOf(workspaceId);
      if (s.ended) s.ended.cancelled = (s.ended.cancelled ?? 0) + changed.length - runningIds;
      engine.emitJobs(workspaceId, changed);
      emitProgress(workspaceId, true);
    }
    return changed.length;
  }

  /** Puts a job back in the queue with its finished steps kept and its failed ones to do again. */
  function requeue(workspaceId: string, row: JobRow): JobRow {
    const { db, jobs } = stores(workspaceId);
    const p = progressOf(row);
    const reset = (s: StepResult): StepResult => (s.outcome === 'failed' || s.outcome === 'not_run' ? { ...s, outcome: 'pending', label: 'Pending', error: null, at: null } : s);
    const steps = p.steps.map(reset);
    const now = clock.now();
    const pending = statement(db, `select id from push_jobs where lead_id = ? and state in ('queued', 'retrying', 'waiting_for_network', 'paused_reauthorize')`).get(row.lead_id) as
      | { id: number }
      | undefined;
    if (pending) return jobs.get(pending.id)!;
    statement(db, 
      `update push_jobs set state = 'queued', failure_count = 0, next_attempt_at = ?, cancel_requested = 0, cancel_reason = null, state_reason = null,
         error_code = null, error = null, finished_at = null, updated_at = ?, steps = ?,
         company_outcome = case when company_outcome = 'failed' then null else company_outcome end,
         list_outcome = case when list_outcome = 'failed' then null else list_outcome end
       where id = ?`,
    ).run(now, now, JSON.stringify(steps), row.id);
    return jobs.get(row.id)!;
  }

  function retry(workspaceId: string, jobId: string): JobSummary {
    const row = requireJob(workspaceId, jobId);
    if (row.state === 'succeeded') {
      throw new AppError('validation', 'This job succeeded; there is nothing to retry. Push the lead again to send its current values.');
    }
    if (row.state === 'running' || (PENDING_JOB_STATES as readonly string[]).includes(row.state)) {
      throw new AppError('conflict', `This job is ${row.state.replaceAll('_', ' ')} already.`, { retryable: false });
    }
    const next = requeue(workspaceId, row);
    afterEnqueue(workspaceId, [next.id], 1);
    return toJobSummary(next);
  }

  async function retryFailed(workspaceId: string, filter: JobFilter, preview: boolean): Promise<{ count: number; retried: number }> {
    const { history, jobs } = stores(workspaceId);
    const failedOnly: JobFilter = { ...filter, states: ['failed'] };
    const count = history.countJobs(failedOnly);
    if (preview || count === 0) return { count, retried: 0 };
    let retried = 0;
    const touched: number[] = [];
    for (let after = 0; ; ) {
      const ids = history.jobIds(failedOnly, after, 1000);
      if (ids.length === 0) break;
      for (const id of ids) {
        const row = jobs.get(id);
        if (!row || row.state !== 'failed') continue;
        const next = requeue(workspaceId, row);
        if (next.id === row.id) retried++;
        touched.push(next.id);
      }
      after = ids.at(-1)!;
      await yieldToEventLoop();
    }
    afterEnqueue(workspaceId, touched, retried);
    logger.info('retry all failed', { workspaceId, count, retried });
    return { count, retried };
  }

  function countsNow(workspaceId: string): StateCounts {
    const { jobs } = stores(workspaceId);
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as StateCounts;
    Object.assign(counts, jobs.countIn(['queued', 'running', 'retrying', 'waiting_for_network', 'paused_reauthorize']));
    const s = stats.get(workspaceId);
    if (s?.runStartedAt != null) {
      // This process's runner counts what it ends (no query per progress event); when another process
      // pushes the workspace, the database says.
      const here = runner?.state(workspaceId);
      const finished = s.ended && here?.serving && !here.heldElsewhere ? s.ended : jobs.finishedSince(s.runStartedAt);
      for (const state of FINAL_JOB_STATES) counts[state] = finished[state] ?? 0;
    }
    return counts;
  }

  function progress(workspaceId: string): PushProgress {
    const now = clock.now();
    const { db } = stores(workspaceId);
    const s = statsOf(workspaceId);
    const counts = countsNow(workspaceId);
    const pending = counts.queued + counts.running + counts.retrying + counts.waiting_for_network + counts.paused_reauthorize;
    const leadsPerSecond = s.finished.perSecond(now);
    const ready = counts.queued + counts.running;
    const nextRetry = (statement(db, `select min(next_attempt_at) as at from push_jobs where state = 'retrying'`).get() as { at: number | null }).at;
    const runnerState = runner?.state(workspaceId);
    let allowed: number | null = null;
    const gateway = engine.gatewayOf(workspaceId);
    if (gateway) allowed = Math.round(gateway.budget.allowedPerSecond() * 100) / 100;
    return {
      workspaceId,
      at: isoAt(now),
      active: pending > 0,
      runStartedAt: s.runStartedAt === null ? null : isoAt(s.runStartedAt),
      counts,
      leadsPerSecond: Math.round(leadsPerSecond * 100) / 100,
      callsPerSecond: Math.round(s.calls.perSecond(now) * 100) / 100,
      allowedCallsPerSecond: allowed,
      etaSeconds: ready > 0 && leadsPerSecond > 0 ? Math.round(ready / leadsPerSecond) : null,
      nextAttemptAt: nextRetry === null ? null : isoAt(nextRetry),
      heldElsewhere: runnerState?.heldElsewhere ?? false,
    };
  }

  /** Progress events: at most twice a second while active, always when forced (a run starts or ends). */
  function emitProgress(workspaceId: string, force = false) {
    const s = statsOf(workspaceId);
    const now = Date.now();
    if (!force && now - s.lastEmit < 500) {
      if (!s.timer) {
        s.timer = setTimeout(() => {
          s.timer = null;
          emitProgress(workspaceId, true);
        }, 500 - (now - s.lastEmit));
        s.timer.unref?.();
      }
      return;
    }
    s.lastEmit = now;
    try {
      const snapshot = progress(workspaceId);
      // When a run ends its counts stay in the snapshot until the next run begins.
      s.active = snapshot.active;
      events.emit('push.onDidProgress', snapshot);
    } catch (error) {
      logger.debug('progress not emitted', { workspaceId, error: (error as Error).message });
    }
  }

  function retentionDays(workspaceId: string): number {
    const { db } = stores(workspaceId);
    const row = statement(db, 'select value from settings where key = ?').get(RETENTION_KEY) as { value: string } | undefined;
    const days = row ? Number(JSON.parse(row.value)) : DEFAULT_RETENTION_DAYS;
    return Number.isInteger(days) && days >= 1 ? days : DEFAULT_RETENTION_DAYS;
  }

  async function prune(workspaceId: string): Promise<number> {
    const { history } = stores(workspaceId);
    const before = clock.now() - retentionDays(workspaceId) * DAY_MS;
    let total = 0;
    for (;;) {
      const { attempts, more } = history.prune(before);
      total += attempts;
      if (!more) break;
      await yieldToEventLoop();
    }
    if (total > 0) logger.info('sync history pruned', { workspaceId, attempts: total, before: isoAt(before) });
    history.optimize();
    return total;
  }

  // Auto-Sync: edits queue a push (after a quiet moment); deleted leads' pending jobs are cancelled.
  const unsubscribe = events.subscribe((event, payload) => {
    if (event !== 'leads.onDidChange') return;
    const change = payload as { workspaceId: string; kind: 'created' | 'updated' | 'deleted'; ids: string[] };
    try {
      if (change.kind === 'deleted') {
        cancel(change.workspaceId, change.ids, 'lead_deleted', true);
        return;
      }
      if (!deps.mapping.settings(change.workspaceId).advanced.autoSync) return;
      const rows = leadLabels(change.workspaceId, change.ids.map(Number).filter(Number.isInteger));
      if (rows.length === 0) return;
      const r = enqueueRows(change.workspaceId, rows, 'auto_sync', { readyAt: clock.now() + quietMs, debounce: true });
      afterEnqueue(change.workspaceId, r.jobIds, r.queued);
    } catch (error) {
      logger.warn('auto-sync could not queue the change', { workspaceId: change.workspaceId, error: (error as Error).message });
    }
  });

  return {
    push,
    cancel: (workspaceId: string, jobIds: readonly string[]) => cancel(workspaceId, jobIds),
    retry,
    retryFailed,

    jobs(workspaceId: string, filter: JobFilter, limit: number, after?: string): JobPage {
      const page = stores(workspaceId).history.jobs(filter, limit, after);
      return { items: page.rows.map(toJobSummary), ...(page.next ? { next: page.next } : {}) };
    },

    job(workspaceId: string, jobId: string): JobDetail {
      const row = requireJob(workspaceId, jobId);
      const { history } = stores(workspaceId);
      const attempts = history.attemptsOf(row.id);
      const exchanges = history.exchangesOf(attempts.map((a) => a.id));
      const where = portal(workspaceId);
      const details = attempts.map((a) => toAttemptDetail(a, exchanges.get(a.id) ?? [], where, row.list_id));
      return { ...toJobSummary(row), attemptDetails: details, links: linksFor(where, { contactId: row.contact_id, companyId: row.company_id, listId: row.list_id }) };
    },

    attempt(workspaceId: string, attemptId: string): AttemptDetail {
      const { history, jobs } = stores(workspaceId);
      const id = Number(attemptId);
      const row = Number.isInteger(id) ? history.attempt(id) : undefined;
      if (!row) throw new AppError('not_found', `There is no attempt ${attemptId} in this workspace's history. It may have been pruned.`);
      return toAttemptDetail(row, history.exchangesOf([row.id]).get(row.id) ?? [], portal(workspaceId), jobs.get(row.job_id)?.list_id ?? null);
    },

    /** Sync History as CSV pieces of 2,000 rows (the first with a BOM and the header). */
    exportHistoryCsv(workspaceId: string, filter: HistoryFilter, after?: string): CsvPiece {
      const page = stores(workspaceId).history.history(filter, HISTORY_CSV_PIECE, after);
      const rows = page.rows.map(toHistoryRow).map((r) => [
        r.startedAt,
        r.finishedAt ?? '',
        r.durationMs === null ? '' : String(r.durationMs),
        r.leadLabel,
        r.leadEmail,
        String(r.attempt),
        ATTEMPT_STATUS_LABELS[r.status],
        r.failedStep ?? '',
        r.errorCode ?? '',
        r.errorTitle ?? '',
        r.errorMessage ?? '',
        r.contactId ?? '',
        r.companyId ?? '',
        r.listResult ? STEP_OUTCOME_LABELS[r.listResult] : '',
        r.nextAttemptAt ?? '',
        r.jobId,
        r.attemptId,
        r.leadId,
      ]);
      const header = ['Started', 'Finished', 'Duration (ms)', 'Lead', 'Email', 'Attempt', 'Status', 'Step', 'Error code', 'Error', 'Message', 'Contact id', 'Company id', 'List', 'Next attempt', 'Job id', 'Attempt id', 'Lead id'];
      const csv = (after ? '' : UTF8_BOM + toCsv([header])) + toCsv(rows);
      return { csv, rows: rows.length, ...(page.next ? { next: page.next } : {}) };
    },

    history(workspaceId: string, filter: HistoryFilter, limit: number, after?: string): HistoryPage {
      const page = stores(workspaceId).history.history(filter, limit, after);
      return { items: page.rows.map(toHistoryRow), ...(page.next ? { next: page.next } : {}), portal: portal(workspaceId) };
    },

    historyCount(workspaceId: string, filter: HistoryFilter, cap: number) {
      return stores(workspaceId).history.historyCount(filter, cap);
    },

    buckets(workspaceId: string, from: string, to: string, size: BucketSize, timeZone: string) {
      return { buckets: stores(workspaceId).history.buckets(from, to, size, timeZone) };
    },

    errorTitles(workspaceId: string, from?: string) {
      const since = from ? Date.parse(from) : null;
      const rows = stores(workspaceId).history.errorCodes(Number.isFinite(since) ? since : null);
      return { errors: rows.map((r) => ({ code: r.code as never, title: titleOf(r.code), count: r.count })) };
    },

    progress,

    leadStatuses(workspaceId: string, leadIds: readonly string[]): { statuses: LeadSyncStatus[] } {
      const ids = leadIds.map(Number).filter((n) => Number.isInteger(n) && n > 0);
      return { statuses: stores(workspaceId).history.lastJobs(ids).map(toLeadStatus) };
    },

    getSettings(workspaceId: string): PushSettingsView {
      return { retentionDays: retentionDays(workspaceId) };
    },

    saveSettings(workspaceId: string, settings: PushSettingsView): PushSettingsView {
      const { db } = stores(workspaceId);
      statement(db, 'insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at').run(
        RETENTION_KEY,
        JSON.stringify(settings.retentionDays),
        isoAt(clock.now()),
      );
      return { retentionDays: retentionDays(workspaceId) };
    },

    prune,

    /** Counts by state of these jobs (the CLI's summary). */
    countJobs(workspaceId: string, jobIds: readonly number[]): Record<JobState, number> {
      const { db } = stores(workspaceId);
      const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
      for (let i = 0; i < jobIds.length; i += 10_000) {
        const rows = db
          .prepare('select state, count(*) as n from push_jobs where id in (select value from json_each(?)) group by state')
          .all(JSON.stringify(jobIds.slice(i, i + 10_000))) as Array<{ state: JobState; n: number }>;
        for (const row of rows) counts[row.state] += row.n;
      }
      return counts;
    },

    /** The runner of this host (serve, desktop, `syncdesk push`) reports its batches here. */
    attachRunner(attached: PushRunner | null): void {
      runner = attached;
    },
    get runner() {
      return runner;
    },

    /** What the runner saw: feeds rates and progress events. */
    onRunnerActivity(workspaceId: string, activity: { kind: string; finished?: number; calls?: number; ended?: Record<string, number> }): void {
      const s = statsOf(workspaceId);
      const now = clock.now();
      if (activity.kind === 'batch') {
        if (!s.active) {
          s.runStartedAt = now;
          s.ended = {};
        }
        s.active = true;
        s.ended ??= {};
        for (const [state, n] of Object.entries(activity.ended ?? {})) s.ended[state] = (s.ended[state] ?? 0) + n;
        s.finished.add(now, activity.finished ?? 0);
        s.calls.add(now, activity.calls ?? 0);
        emitProgress(workspaceId);
      } else if (['offline', 'online', 'paused', 'resumed'].includes(activity.kind)) {
        // Ready jobs were held or let go all at once: clients reload what they show.
        events.emit('push.onDidChangeJobs', { workspaceId, jobs: [], leadIds: [], bulk: true });
        emitProgress(workspaceId, true);
      } else if (activity.kind !== 'idle' || s.active) {
        // An idle queue that was idle already says nothing (the runner polls every few seconds).
        emitProgress(workspaceId, true);
      }
    },

    close(): void {
      unsubscribe();
      for (const s of stats.values()) if (s.timer) clearTimeout(s.timer);
    },
  };
}
