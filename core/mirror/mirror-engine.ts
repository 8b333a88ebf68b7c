import type Stripe from 'stripe';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { MirrorMode, MirrorRun, ProgressEvent, RunStatus, RunTrigger, StreamRunSummary } from '../contract/mirror.ts';
import { AppError, isAppError, toErrorData } from '../errors.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { MirrorStore } from './mirror-store.ts';
import type { RecordWriter } from './record-writer.ts';
import { withRetry } from './retry.ts';
import type { RunLog } from './run-log.ts';
import type { StreamContext, StreamCounter, StreamDefinition } from './stream.ts';

export interface RunOptions {
  workspaceId: string;
  mode: MirrorMode;
  trigger: RunTrigger;
  streams: readonly StreamDefinition[];
  store: MirrorStore;
  writer: RecordWriter;
  runLog: RunLog;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  hubspot(): Promise<HubSpotGateway>;
  stripe(): Promise<Stripe | null>;
  onStart?(runId: number): void;
  onProgress?(event: ProgressEvent): void;
  /** Waits between retries (tests pass one that doesn't sleep). */
  retryWait?: (ms: number, signal: AbortSignal) => Promise<void>;
  retryDelaysMs?: readonly number[];
  /** Minimum time between two progress events of a stream (default 250 ms). */
  progressIntervalMs?: number;
}

/** Why a stream was skipped for a missing scope, naming the scope. */
function missingScopeWarning(stream: StreamDefinition, error: AppError): string {
  const named = Array.isArray(error.details?.scopes) ? (error.details.scopes as string[]) : [];
  const scopes = named.length > 0 ? named : stream.scopes;
  return `Skipped: the connection lacks the ${scopes.length > 1 ? 'scopes' : 'scope'} ${scopes.join(' or ')} (needed for ${stream.label.toLowerCase()}). Reconnect and approve it; the other streams synced.`;
}

/**
 * One mirror run: each stream in order, each with its own counts, checkpoint and outcome. A
 * stream that lacks a scope is skipped with a warning naming it; one that fails is logged and the
 * next one still runs; a cancel stops at the next page, leaving checkpoints to resume from.
 */
export async function runStreams(options: RunOptions): Promise<MirrorRun> {
  const { store, runLog, clock } = options;
  const runId = runLog.start({ mode: options.mode, trigger: options.trigger, now: clock.now() });
  options.onStart?.(runId);
  const summaries: StreamRunSummary[] = [];
  const shared = new Map<string, unknown>();
  let cancelled = false;

  for (const stream of options.streams) {
    if (options.signal.aborted) {
      cancelled = true;
      break;
    }
    const started = clock.now();
    const startedPerf = performance.now();
    let lastEmit = 0;
    const interval = options.progressIntervalMs ?? 250;
    const emit = (done: boolean) => {
      const elapsedMs = Math.round(performance.now() - startedPerf);
      options.onProgress?.({
        workspaceId: options.workspaceId,
        runId,
        stream: stream.name,
        fetched: counter.fetched,
        created: counter.created,
        updated: counter.updated,
        deleted: counter.deleted,
        perSecond: elapsedMs > 0 ? Math.round((counter.fetched / elapsedMs) * 1000) : 0,
        elapsedMs,
        done,
      });
    };
    const counter: StreamCounter = {
      fetched: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      add(delta) {
        counter.fetched += delta.fetched ?? 0;
        counter.created += delta.created ?? 0;
        counter.updated += delta.updated ?? 0;
        counter.deleted += delta.deleted ?? 0;
        const now = performance.now();
        if (now - lastEmit >= interval) {
          lastEmit = now;
          emit(false);
        }
      },
    };
    const ctx: StreamContext = {
      workspaceId: options.workspaceId,
      runId,
      requested: options.mode,
      store,
      writer: options.writer,
      catalogue: options.catalogue,
      settings: store.settings(),
      clock,
      logger: options.logger,
      signal: options.signal,
      hubspot: options.hubspot,
      stripe: options.stripe,
      counter,
      checkpoint: {
        get<T>() {
          const raw = store.stream(stream.name).checkpoint;
          return raw ? (JSON.parse(raw) as T) : undefined;
        },
        save(value) {
          store.updateStream(stream.name, { checkpoint: JSON.stringify(value) });
        },
        clear() {
          store.updateStream(stream.name, { checkpoint: null });
        },
      },
      recordError(error) {
        runLog.recordError(runId, { ...error, stream: stream.name, provider: stream.provider }, clock.now());
      },
      retry: (call) =>
        withRetry(call, {
          signal: options.signal,
          ...(options.retryDelaysMs ? { delaysMs: options.retryDelaysMs } : {}),
          ...(options.retryWait ? { wait: options.retryWait } : {}),
        }),
      shared,
    };

    const summary: StreamRunSummary = { stream: stream.name, provider: stream.provider, mode: options.mode, status: 'succeeded', fetched: 0, created: 0, updated: 0, deleted: 0, durationMs: 0, cursor: null };
    const down = shared.get(`down:${stream.provider}`) as AppError | undefined;
    if (down) {
      // Without a connection no other stream of that provider can do better: one error in the log is enough.
      summaries.push({ ...summary, status: 'failed', error: toErrorData(down) });
      continue;
    }
    try {
      const result = await stream.run(ctx);
      summary.mode = result.mode;
      summary.cursor = result.cursor === null ? null : isoAt(result.cursor);
      if (result.resumed) summary.resumed = true;
      if (result.warning) summary.warning = result.warning;
      store.updateStream(stream.name, { last_status: 'succeeded', last_warning: result.warning ?? null, last_error: null });
    } catch (raw) {
      const error = isAppError(raw) ? raw : new AppError('internal', 'The stream failed unexpectedly.', { cause: raw });
      if (error.code === 'cancelled' || options.signal.aborted) {
        summary.status = 'cancelled';
        cancelled = true;
      } else if (error.code === 'missing_scopes') {
        summary.status = 'skipped';
        summary.warning = missingScopeWarning(stream, error);
        store.updateStream(stream.name, { last_status: 'skipped', last_warning: summary.warning, last_error: null });
      } else {
        if (!isAppError(raw)) options.logger.error('mirror stream failed', { stream: stream.name, error: raw });
        summary.status = 'failed';
        summary.error = toErrorData(error);
        const response = typeof error.details?.response === 'string' ? error.details.response : null;
        runLog.recordError(runId, { stream: stream.name, provider: stream.provider, code: error.code, message: error.message, response }, clock.now());
        store.updateStream(stream.name, { last_status: 'failed', last_error: error.message });
        if (error.code === 'not_connected' || error.code === 'auth_expired') shared.set(`down:${stream.provider}`, error);
      }
    }
    Object.assign(summary, { fetched: counter.fetched, created: counter.created, updated: counter.updated, deleted: counter.deleted, durationMs: clock.now() - started });
    emit(true);
    summaries.push(summary);
    runLog.progress(runId, summaries);
    if (cancelled) break;
  }

  const failed = summaries.filter((s) => s.status === 'failed').length;
  const status: RunStatus = cancelled ? 'cancelled' : failed === 0 ? 'succeeded' : failed === summaries.length ? 'failed' : 'partial';
  const message = cancelled ? 'Stopped on request; the next run continues from the last stored page.' : null;
  return runLog.finish(runId, { status, streams: summaries, now: clock.now(), message });
}
