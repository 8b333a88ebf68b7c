import type { EventBus } from '../app/event-bus.ts';
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { MirrorMode, MirrorRun, MirrorSettings, MirrorStatus, Provider, ResyncResult, RunTrigger, StreamState } from '../contract/mirror.ts';
import { AppError, toErrorData } from '../errors.ts';
import { getAccountDetails } from '../hubspot/crm-metadata.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Db } from '../store/database.ts';
import { MIRRORED_OBJECT_TYPES, hubspotStreams } from './hubspot-streams.ts';
import { runStreams } from './mirror-engine.ts';
import { createMirrorStore, type MirrorStore } from './mirror-store.ts';
import { createInlineWriter, createWorkerWriter, workerWriterAvailable } from './record-writer.ts';
import type { ProviderAccess } from './provider-access.ts';
import { readDrift } from './reconcile.ts';
import { resyncHubSpotRecord } from './resync.ts';
import { createRunLog, type RunLog } from './run-log.ts';
import { stalenessWarnings } from './staleness.ts';
import type { StreamDefinition } from './stream.ts';

/** What the Stripe side plugs into the mirror (see core/stripe/stripe-mirror.ts). */
export interface StripeMirrorPart {
  streams: StreamDefinition[];
  resync(input: { workspaceId: string; store: MirrorStore; objectType: string; id: string; now: number }): Promise<ResyncResult>;
  /** Recomputes derived data (MRR, links) after a run that touched Stripe or companies. */
  afterRun?(store: MirrorStore, now: number): void;
}

export interface MirrorServiceDeps {
  database(workspaceId: string): Db;
  providers: ProviderAccess;
  catalogue: Catalogue;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  stripe?: StripeMirrorPart;
  /** Retry waits inside a run (tests make them instant). */
  retryWait?: (ms: number, signal: AbortSignal) => Promise<void>;
  retryDelaysMs?: readonly number[];
  /** When the scheduler would run next, for the status page. */
  schedule?: (workspaceId: string) => { nextIncrementalAt: string | null; nextFullAt: string | null };
}

interface Running {
  controller: AbortController;
  runId: number | null;
  done: Promise<MirrorRun>;
}

export type MirrorService = ReturnType<typeof createMirrorService>;

/** The mirror of each workspace: runs (one at a time per workspace), status, settings, the run log, resync. */
export function createMirrorService(deps: MirrorServiceDeps) {
  const { clock, logger } = deps;
  const stores = new WeakMap<Db, { store: MirrorStore; runLog: RunLog }>();
  const running = new Map<string, Running>();
  const interrupted = new WeakSet<Db>();

  function open(workspaceId: string) {
    const db = deps.database(workspaceId);
    let entry = stores.get(db);
    if (!entry) {
      entry = { store: createMirrorStore(db), runLog: createRunLog(db) };
      stores.set(db, entry);
    }
    if (!interrupted.has(db)) {
      interrupted.add(db);
      // A run this process doesn't own was left by a crash or kill: it is over; its checkpoints remain.
      if (!running.has(workspaceId)) entry.runLog.interruptStale(clock.now());
    }
    return entry;
  }

  const allStreams = (): StreamDefinition[] => [...hubspotStreams, ...(deps.stripe?.streams ?? [])];

  function selectStreams(workspaceId: string, names: readonly string[] | undefined, stripeConnected: boolean): StreamDefinition[] {
    const all = allStreams();
    if (!names || names.length === 0) return all.filter((s) => s.provider === 'hubspot' || stripeConnected);
    const unknown = names.filter((n) => !all.some((s) => s.name === n));
    if (unknown.length > 0) {
      throw new AppError('validation', `Unknown stream${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. Streams: ${all.map((s) => s.name).join(', ')}.`, {
        details: { streams: all.map((s) => s.name) },
      });
    }
    const wanted = new Set(names);
    // Object streams need the property catalogue; read it first if this workspace never did.
    const needsCatalogue = all.some((s) => wanted.has(s.name) && s.objectType && s.provider === 'hubspot' && deps.catalogue.propertyNames(workspaceId, s.objectType).length === 0);
    if (needsCatalogue) wanted.add('properties');
    return all.filter((s) => wanted.has(s.name));
  }

  async function rememberPortal(workspaceId: string, store: MirrorStore, signal: AbortSignal): Promise<void> {
    try {
      const gateway = await deps.providers.hubspot(workspaceId);
      const details = await getAccountDetails(gateway, { signal });
      store.setMeta('portal', { portalId: details.portalId, timeZone: details.timeZone, uiDomain: details.uiDomain ?? null });
    } catch (error) {
      logger.debug('portal details not read', { workspaceId, error: toErrorData(error).code });
    }
  }

  function start(workspaceId: string, input: { mode: MirrorMode; streams?: readonly string[] | undefined; trigger: RunTrigger }): Promise<{ runId: number; done: Promise<MirrorRun> }> {
    if (running.has(workspaceId)) {
      throw new AppError('conflict', 'A sync of this workspace is already running. Wait for it to finish or stop it first.', { retryable: true });
    }
    const { store, runLog } = open(workspaceId);
    const controller = new AbortController();
    let resolveRunId!: (id: number) => void;
    let rejectRunId!: (error: unknown) => void;
    const runIdReady = new Promise<number>((resolve, reject) => {
      resolveRunId = resolve;
      rejectRunId = reject;
    });
    const entry: Running = { controller, runId: null, done: undefined as unknown as Promise<MirrorRun> };
    running.set(workspaceId, entry);
    entry.done = (async () => {
      try {
        runLog.prune(clock.now());
        const stripe = await deps.providers.stripe(workspaceId).catch(() => null);
        const streams = selectStreams(workspaceId, input.streams, stripe !== null);
        // The portal's time zone (for staleness) is read alongside; the run doesn't wait for it.
        if (streams.some((s) => s.provider === 'hubspot')) void rememberPortal(workspaceId, store, controller.signal);
        // Record pages are written off this thread when the database is a file (see record-writer.ts).
        const writer = store.db.memory || !workerWriterAvailable() ? createInlineWriter(store) : createWorkerWriter(store.db);
        const run = await runStreams({
          writer,
          workspaceId,
          mode: input.mode,
          trigger: input.trigger,
          streams,
          store,
          runLog,
          catalogue: deps.catalogue,
          clock,
          logger: logger.child('engine'),
          signal: controller.signal,
          hubspot: () => deps.providers.hubspot(workspaceId),
          stripe: async () => stripe,
          onStart(runId) {
            entry.runId = runId;
            resolveRunId(runId);
            deps.events.emit('mirror.onDidChange', { workspaceId, runId, status: 'running' });
          },
          onProgress: (event) => deps.events.emit('mirror.onDidProgress', event),
          ...(deps.retryWait ? { retryWait: deps.retryWait } : {}),
          ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
        });
        await writer.close();
        try {
          deps.stripe?.afterRun?.(store, clock.now());
        } catch (error) {
          logger.error('mirror post-run step failed', { workspaceId, error });
        }
        logger.info('mirror run finished', { workspaceId, runId: run.id, status: run.status, fetched: run.fetched, ms: run.durationMs });
        deps.events.emit('mirror.onDidChange', { workspaceId, runId: run.id, status: run.status });
        return run;
      } catch (error) {
        rejectRunId(error);
        throw error;
      } finally {
        running.delete(workspaceId);
      }
    })();
    entry.done.catch(() => {});
    return runIdReady.then((runId) => ({ runId, done: entry.done }));
  }

  function streamStates(store: MirrorStore): StreamState[] {
    return allStreams().map((s) => {
      const row = store.stream(s.name);
      return {
        name: s.name,
        provider: s.provider,
        label: s.label,
        objectType: s.objectType,
        lastFullAt: row.last_full_at,
        lastIncrementalAt: row.last_incremental_at,
        cursor: row.cursor === null ? null : s.provider === 'stripe' ? isoAt(row.cursor * 1000) : isoAt(row.cursor),
        lastStatus: row.last_status,
        lastWarning: row.last_warning,
        lastError: row.last_error,
        resumable: row.checkpoint !== null,
        count: s.provider === 'stripe' ? stripeCount(store, s.name) : s.objectType ? store.liveCount(s.objectType) : 0,
      };
    });
  }

  return {
    streamNames: () => allStreams().map((s) => s.name),

    /** Starts a run in the background; resolves with its id once it has one. */
    async run(workspaceId: string, input: { mode: MirrorMode; streams?: readonly string[] | undefined; trigger: RunTrigger }): Promise<{ runId: number }> {
      const { runId } = await start(workspaceId, input);
      return { runId };
    },

    /** Runs and waits for the result (the CLI, tests, the scheduler). */
    async runAndWait(workspaceId: string, input: { mode: MirrorMode; streams?: readonly string[] | undefined; trigger: RunTrigger }): Promise<MirrorRun> {
      const { done } = await start(workspaceId, input);
      return done;
    },

    isRunning: (workspaceId: string) => running.has(workspaceId),

    cancel(workspaceId: string): { cancelled: boolean } {
      const entry = running.get(workspaceId);
      if (!entry) return { cancelled: false };
      entry.controller.abort();
      return { cancelled: true };
    },

    /** Stops every run (host shutdown) and waits for them to store their checkpoints. */
    async stopAll(): Promise<void> {
      const all = [...running.values()];
      for (const entry of all) entry.controller.abort();
      await Promise.allSettled(all.map((e) => e.done));
    },

    status(workspaceId: string): MirrorStatus {
      const { store, runLog } = open(workspaceId);
      const streams = streamStates(store);
      const { lastIncrementalAt, lastFullAt } = freshnessOf(streams);
      const portal = store.meta<{ timeZone: string }>('portal');
      const runningEntry = running.get(workspaceId);
      const runningRun = runningEntry?.runId ? (runLog.get(runningEntry.runId) ?? null) : null;
      const schedule = deps.schedule?.(workspaceId) ?? { nextIncrementalAt: null, nextFullAt: null };
      return {
        workspaceId,
        running: runningRun,
        lastIncrementalAt,
        lastFullAt,
        warnings: stalenessWarnings({ now: clock.now(), lastIncrementalAt, lastFullAt, timeZone: portal?.timeZone ?? null }),
        streams,
        drift: readDrift(store.db),
        ...schedule,
        portalTimeZone: portal?.timeZone ?? null,
      };
    },

    /** When each kind of run last completed (the scheduler's input; never asks the scheduler back). */
    freshness(workspaceId: string): { lastIncrementalAt: string | null; lastFullAt: string | null } {
      return freshnessOf(streamStates(open(workspaceId).store));
    },

    settings: (workspaceId: string): MirrorSettings => open(workspaceId).store.settings(),

    setSettings(workspaceId: string, patch: Partial<MirrorSettings>): MirrorSettings {
      if (patch.startDate && Number.isNaN(Date.parse(patch.startDate))) throw new AppError('validation', `"${patch.startDate}" is not a date. Use an ISO date such as 2025-01-31.`);
      const { store } = open(workspaceId);
      const next = store.setSettings(patch);
      // Links and MRR depend on these two: recompute from what is mirrored, no network.
      if (patch.stripeLinkProperty !== undefined || patch.includeLimitedCoupons !== undefined) deps.stripe?.afterRun?.(store, clock.now());
      deps.events.emit('mirror.onDidChange', { workspaceId });
      return next;
    },

    runs: (workspaceId: string, input: { limit: number; after?: string | undefined; errorsOnly: boolean }) => open(workspaceId).runLog.list(input),
    errors: (workspaceId: string, input: { limit: number; after?: string | undefined; runId?: number | undefined }) => open(workspaceId).runLog.errors(input),

    lists(workspaceId: string) {
      const rows = open(workspaceId).store.db.prepare('select id, name, object_type_id, processing_type, size from mirror_lists order by lower(name)').all() as Array<{
        id: string;
        name: string;
        object_type_id: string;
        processing_type: string;
        size: number | null;
      }>;
      return { lists: rows.map((r) => ({ id: r.id, name: r.name, objectTypeId: r.object_type_id, processingType: r.processing_type, size: r.size })) };
    },

    /** Resync from HubSpot / Stripe: one record, fresh, recorded as a run of its own. */
    async resync(workspaceId: string, input: { provider: Provider; objectType: string; id: string; trigger?: RunTrigger }): Promise<ResyncResult> {
      const { store, runLog } = open(workspaceId);
      const runId = runLog.start({ mode: 'resync', trigger: input.trigger ?? 'manual', now: clock.now() });
      const started = clock.now();
      const stream = input.provider === 'hubspot' ? input.objectType : `stripe_${input.objectType}s`;
      try {
        let result: ResyncResult;
        if (input.provider === 'hubspot') {
          if (!(MIRRORED_OBJECT_TYPES as readonly string[]).includes(input.objectType)) throw new AppError('validation', `Resync works on ${MIRRORED_OBJECT_TYPES.join(', ')}; got "${input.objectType}".`);
          const gateway = await deps.providers.hubspot(workspaceId);
          result = await resyncHubSpotRecord({ gateway, store, catalogue: deps.catalogue, workspaceId, objectType: input.objectType, id: input.id, runId, now: clock.now() });
        } else {
          if (!deps.stripe) throw new AppError('unsupported', 'This build has no Stripe mirror.');
          result = await deps.stripe.resync({ workspaceId, store, objectType: input.objectType, id: input.id, now: clock.now() });
        }
        const counts = { fetched: 1, created: result.outcome === 'created' ? 1 : 0, updated: result.outcome === 'updated' ? 1 : 0, deleted: result.outcome === 'deleted' ? 1 : 0 };
        runLog.finish(runId, {
          status: 'succeeded',
          now: clock.now(),
          streams: [{ stream, provider: input.provider, mode: 'resync', status: 'succeeded', ...counts, durationMs: clock.now() - started, cursor: null }],
          message: `Resync of ${input.objectType} ${input.id}: ${result.outcome}.`,
        });
        deps.stripe?.afterRun?.(store, clock.now());
        deps.events.emit('mirror.onDidChange', { workspaceId, runId, status: 'succeeded' });
        return result;
      } catch (raw) {
        const error = toErrorData(raw);
        runLog.recordError(runId, { stream, provider: input.provider, objectType: input.objectType, recordId: input.id, code: error.code, message: error.message, response: typeof error.details?.response === 'string' ? error.details.response : null }, clock.now());
        runLog.finish(runId, {
          status: 'failed',
          now: clock.now(),
          streams: [{ stream, provider: input.provider, mode: 'resync', status: 'failed', fetched: 0, created: 0, updated: 0, deleted: 0, durationMs: clock.now() - started, cursor: null, error }],
          message: `Resync of ${input.objectType} ${input.id} failed: ${error.message}`,
        });
        deps.events.emit('mirror.onDidChange', { workspaceId, runId, status: 'failed' });
        throw raw;
      }
    },

    /** Retry this record: resyncs the record a run-log error names. */
    async retryError(workspaceId: string, errorId: number): Promise<ResyncResult> {
      const { runLog } = open(workspaceId);
      const error = runLog.getError(errorId);
      if (!error) throw new AppError('not_found', `There is no run-log error ${errorId} (runs older than 30 days are pruned).`);
      if (!error.recordId || !error.objectType) throw new AppError('validation', 'This error concerns a whole stream, not one record: run the sync again instead.');
      try {
        const result = await this.resync(workspaceId, { provider: error.provider, objectType: error.objectType, id: error.recordId, trigger: 'retry' });
        runLog.markRetried(errorId, `resynced: ${result.outcome}`, clock.now());
        return result;
      } catch (raw) {
        runLog.markRetried(errorId, `failed again: ${toErrorData(raw).message}`, clock.now());
        throw raw;
      }
    },

    store: (workspaceId: string) => open(workspaceId).store,
  };
}

/**
 * The mirror is as fresh as its stalest CRM object stream: "last full sync" is the oldest of their
 * last full syncs, "last incremental update" the oldest of their latest updates of either kind.
 */
function freshnessOf(streams: StreamState[]): { lastIncrementalAt: string | null; lastFullAt: string | null } {
  const objectStreams = streams.filter((s) => s.provider === 'hubspot' && s.objectType && (MIRRORED_OBJECT_TYPES as readonly string[]).includes(s.objectType));
  const oldest = (values: Array<string | null>) => (values.length === 0 || values.some((v) => v === null) ? null : [...(values as string[])].sort()[0]!);
  const synced = objectStreams.filter((s) => s.lastFullAt);
  const lastFullAt = synced.length > 0 && synced.length === objectStreams.length ? oldest(objectStreams.map((s) => s.lastFullAt)) : null;
  const lastIncrementalAt = synced.length === 0 ? null : oldest(synced.map((s) => [s.lastIncrementalAt, s.lastFullAt].filter((v): v is string => v !== null).sort().pop() ?? null));
  return { lastIncrementalAt, lastFullAt };
}

function stripeCount(store: MirrorStore, streamName: string): number {
  const type = streamName.replace(/^stripe_/, '').replace(/s$/, '');
  return store.db.prepare('select count(*) from stripe_objects where type = ? and deleted = 0').pluck().get(type) as number;
}
