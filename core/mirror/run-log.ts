import type { ErrorCode } from '../contract/errors.ts';
import type { MirrorRun, Provider, RunError, RunStatus, RunTrigger, StreamRunSummary } from '../contract/mirror.ts';
import type { Db } from '../store/database.ts';

interface RunRow {
  id: number;
  mode: MirrorRun['mode'];
  trigger: RunTrigger;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  error_count: number;
  streams: string;
  message: string | null;
}

interface ErrorRow {
  id: number;
  run_id: number;
  at: string;
  stream: string;
  provider: Provider;
  object_type: string | null;
  record_id: string | null;
  code: ErrorCode;
  message: string;
  response: string | null;
  retried_at: string | null;
  retry_status: string | null;
}

const toRun = (row: RunRow): MirrorRun => ({
  id: row.id,
  mode: row.mode,
  trigger: row.trigger,
  status: row.status,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  durationMs: row.duration_ms,
  fetched: row.fetched,
  created: row.created,
  updated: row.updated,
  deleted: row.deleted,
  errorCount: row.error_count,
  streams: JSON.parse(row.streams) as StreamRunSummary[],
  message: row.message,
});

const toError = (row: ErrorRow): RunError => ({
  id: row.id,
  runId: row.run_id,
  at: row.at,
  stream: row.stream,
  provider: row.provider,
  objectType: row.object_type,
  recordId: row.record_id,
  code: row.code,
  message: row.message,
  response: row.response,
  retriedAt: row.retried_at,
  retryStatus: row.retry_status,
});

/** Days a run and its errors are kept. */
export const RUN_RETENTION_DAYS = 30;

export interface RecordError {
  stream: string;
  provider: Provider;
  objectType?: string | null;
  recordId?: string | null;
  code: ErrorCode;
  message: string;
  response?: string | null;
}

export type RunLog = ReturnType<typeof createRunLog>;

/** The run log of one workspace: every mirror run with its per-stream summaries and record-level errors. */
export function createRunLog(db: Db) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    start(input: { mode: MirrorRun['mode']; trigger: RunTrigger; now: number }): number {
      return Number(
        db.prepare("insert into mirror_runs (mode, trigger, status, started_at) values (?, ?, 'running', ?)").run(input.mode, input.trigger, iso(input.now)).lastInsertRowid,
      );
    },

    /** Keeps the run row current while it runs, so a crash leaves the counts so far. */
    progress(runId: number, streams: StreamRunSummary[]): void {
      const totals = sum(streams);
      db.prepare('update mirror_runs set streams = ?, fetched = ?, created = ?, updated = ?, deleted = ? where id = ?').run(
        JSON.stringify(streams),
        totals.fetched,
        totals.created,
        totals.updated,
        totals.deleted,
        runId,
      );
    },

    finish(runId: number, input: { status: RunStatus; streams: StreamRunSummary[]; now: number; message?: string | null }): MirrorRun {
      const started = db.prepare('select started_at from mirror_runs where id = ?').pluck().get(runId) as string;
      const totals = sum(input.streams);
      const errorCount = db.prepare('select count(*) from mirror_run_errors where run_id = ?').pluck().get(runId) as number;
      db.prepare(
        'update mirror_runs set status = ?, finished_at = ?, duration_ms = ?, fetched = ?, created = ?, updated = ?, deleted = ?, error_count = ?, streams = ?, message = ? where id = ?',
      ).run(
        input.status,
        iso(input.now),
        Math.max(0, input.now - Date.parse(started)),
        totals.fetched,
        totals.created,
        totals.updated,
        totals.deleted,
        errorCount + input.streams.filter((s) => s.status === 'failed').length,
        JSON.stringify(input.streams),
        input.message ?? null,
        runId,
      );
      return this.get(runId)!;
    },

    recordError(runId: number, error: RecordError, now: number): number {
      return Number(
        db
          .prepare('insert into mirror_run_errors (run_id, at, stream, provider, object_type, record_id, code, message, response) values (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(runId, iso(now), error.stream, error.provider, error.objectType ?? null, error.recordId ?? null, error.code, error.message, error.response ?? null).lastInsertRowid,
      );
    },

    markRetried(errorId: number, status: string, now: number): void {
      db.prepare('update mirror_run_errors set retried_at = ?, retry_status = ? where id = ?').run(iso(now), status, errorId);
    },

    get(runId: number): MirrorRun | undefined {
      const row = db.prepare('select * from mirror_runs where id = ?').get(runId) as RunRow | undefined;
      return row && toRun(row);
    },

    getError(errorId: number): RunError | undefined {
      const row = db.prepare('select * from mirror_run_errors where id = ?').get(errorId) as ErrorRow | undefined;
      return row && toError(row);
    },

    /** Newest first, paged by id. `errorsOnly`: runs that failed, were partial, or logged record errors. */
    list(input: { limit: number; after?: string | undefined; errorsOnly: boolean }): { items: MirrorRun[]; next?: string } {
      const before = input.after ? Number(input.after) : Number.MAX_SAFE_INTEGER;
      const filter = input.errorsOnly ? "and (status in ('failed', 'partial') or error_count > 0)" : '';
      const rows = db.prepare(`select * from mirror_runs where id < ? ${filter} order by id desc limit ?`).all(before, input.limit + 1) as RunRow[];
      const items = rows.slice(0, input.limit).map(toRun);
      return rows.length > input.limit ? { items, next: String(items[items.length - 1]!.id) } : { items };
    },

    errors(input: { limit: number; after?: string | undefined; runId?: number | undefined }): { items: RunError[]; next?: string } {
      const before = input.after ? Number(input.after) : Number.MAX_SAFE_INTEGER;
      const rows = (
        input.runId === undefined
          ? db.prepare('select * from mirror_run_errors where id < ? order by id desc limit ?').all(before, input.limit + 1)
          : db.prepare('select * from mirror_run_errors where run_id = ? and id < ? order by id desc limit ?').all(input.runId, before, input.limit + 1)
      ) as ErrorRow[];
      const items = rows.slice(0, input.limit).map(toError);
      return rows.length > input.limit ? { items, next: String(items[items.length - 1]!.id) } : { items };
    },

    latest(where: { mode?: string; status?: RunStatus }): MirrorRun | undefined {
      const row = db
        .prepare(`select * from mirror_runs where (? is null or mode = ?) and (? is null or status = ?) order by id desc limit 1`)
        .get(where.mode ?? null, where.mode ?? null, where.status ?? null, where.status ?? null) as RunRow | undefined;
      return row && toRun(row);
    },

    running(): MirrorRun | undefined {
      const row = db.prepare("select * from mirror_runs where status = 'running' order by id desc limit 1").get() as RunRow | undefined;
      return row && toRun(row);
    },

    /** Runs a previous process left `running` (crash, kill): they are interrupted; their checkpoints stay. */
    interruptStale(now: number): number {
      return db.prepare("update mirror_runs set status = 'interrupted', finished_at = ?, message = 'The app stopped during this run; the next run continues from its last stored page.' where status = 'running'").run(iso(now)).changes;
    },

    /** Deletes runs (and their errors) older than the retention. */
    prune(now: number, days = RUN_RETENTION_DAYS): number {
      return db.prepare('delete from mirror_runs where started_at < ?').run(iso(now - days * 86_400_000)).changes;
    },
  };
}

function sum(streams: readonly StreamRunSummary[]) {
  return streams.reduce(
    (t, s) => ({ fetched: t.fetched + s.fetched, created: t.created + s.created, updated: t.updated + s.updated, deleted: t.deleted + s.deleted }),
    { fetched: 0, created: 0, updated: 0, deleted: 0 },
  );
}
