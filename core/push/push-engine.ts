import crypto from 'node:crypto';
import type { EventBus } from '../app/event-bus.ts';
import type { Lead } from '../contract/leads.ts';
import type { AppError } from '../errors.ts';
import { classifyHubSpotError } from '../hubspot/classify-error.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { type ClaimedJob, createJobStore, type JobStore, LeaseLostError } from '../jobs/job-store.ts';
import type { LeadService } from '../leads/lead-service.ts';
import { rowToLead } from '../leads/lead-store.ts';
import type { MappingService } from '../mapping/mapping-service.ts';
import type { HubSpotAccess } from '../mapping/property-catalogue.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Db } from '../store/database.ts';
import { type CompanyCache, createCompanyCache } from './company-cache.ts';
import { createHistoryStore, type HistoryStore } from './history-store.ts';
import { toJobSummary } from './job-view.ts';
import { type BatchReport, runPushBatch, storeError } from './push-batch.ts';
import { statement } from '../jobs/statements.ts';

export interface PushStores {
  db: Db;
  jobs: JobStore;
  companies: CompanyCache;
  history: HistoryStore;
}

export interface PushEngineDeps {
  /** The workspace's database; throws not_found for an unknown workspace. */
  database(workspaceId: string): Db;
  leads: LeadService;
  mapping: MappingService;
  hubspot: HubSpotAccess;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Batch size (HubSpot's batch endpoints take 100). */
  batchSize?: number;
  /** How long a claimed job stays ours without a heartbeat. */
  leaseMs?: number;
  nameCulprits?: boolean;
}

export interface BatchOutcome {
  claimed: number;
  report: BatchReport | null;
  /** Why the gateway could not be had (nothing was sent). */
  accessError: AppError | null;
  /** HubSpot calls made. */
  calls: number;
}

export type PushEngine = ReturnType<typeof createPushEngine>;

/**
 * One batch at a time for a workspace: claim up to 100 ready jobs under a lease, load their leads,
 * map them with the saved settings, reach HubSpot through the workspace's gateway (its request
 * budget is shared with the mirror), run the steps, record everything and tell clients.
 */
export function createPushEngine(deps: PushEngineDeps) {
  const { clock, logger, events } = deps;
  const batchSize = deps.batchSize ?? 100;
  const leaseMs = deps.leaseMs ?? 60_000;
  const stores = new WeakMap<Db, PushStores>();
  /** Workspaces whose property definitions were refreshed (or tried) since this process started. */
  const definitionsTried = new Set<string>();
  /** The last gateway each workspace had (its budget says what rate is allowed). */
  const gateways = new Map<string, HubSpotGateway>();

  function storesFor(workspaceId: string): PushStores {
    const db = deps.database(workspaceId);
    let s = stores.get(db);
    if (!s) {
      s = { db, jobs: createJobStore(db), companies: createCompanyCache(db), history: createHistoryStore(db) };
      stores.set(db, s);
    }
    return s;
  }

  function loadLeads(workspaceId: string, ids: readonly number[]): Map<number, Lead> {
    const { db } = deps.leads.open(workspaceId);
    const rows = statement(db, 'select * from leads where id in (select value from json_each(?))').all(JSON.stringify(ids)) as Parameters<typeof rowToLead>[0][];
    return new Map(rows.map((row) => [row.id, rowToLead(row)]));
  }

  /**
   * Mapping checks values against the stored property definitions; a process that has none yet
   * reads them once, so bad values fail before any write instead of in HubSpot's batch refusals.
   */
  async function ensureDefinitions(workspaceId: string): Promise<void> {
    if (definitionsTried.has(workspaceId)) return;
    definitionsTried.add(workspaceId);
    const catalogue = deps.mapping.catalogueFor(workspaceId);
    if (catalogue.contacts !== null && catalogue.companies !== null) return;
    try {
      await deps.mapping.refreshProperties(workspaceId);
    } catch (error) {
      logger.info('property definitions not read; values are checked by HubSpot only', { workspaceId, error: (error as Error).message });
    }
  }

  function emitJobs(workspaceId: string, jobIds: readonly number[]) {
    const s = storesFor(workspaceId);
    const rows = jobIds.slice(0, 200).map((id) => s.jobs.get(id)).filter((r) => r !== undefined);
    events.emit('push.onDidChangeJobs', {
      workspaceId,
      jobs: rows.map(toJobSummary),
      leadIds: [...new Set(rows.map((r) => String(r.lead_id)))].slice(0, 500),
      bulk: jobIds.length > 200,
    });
  }

  /** Ends claimed jobs that never reached HubSpot (no connection, paused, offline at access). */
  function endWithoutCalls(workspaceId: string, owner: string, claimed: readonly ClaimedJob[], error: AppError): void {
    const s = storesFor(workspaceId);
    const now = clock.now();
    const stored = storeError(error);
    const hold = error.code === 'auth_expired' ? 'paused_reauthorize' : error.code === 'offline' ? 'waiting_for_network' : null;
    s.jobs.finish(
      owner,
      now,
      claimed.map((job) => ({
        job,
        startedAt: now,
        attempt: { status: hold ? 'interrupted' : 'failed', error: stored, failedStep: null, cancelReason: null, sent: null, nextAttemptAt: null },
        next: {
          state: hold ?? 'failed',
          failures: job.failures,
          nextAttemptAt: hold ? now : null,
          error: stored,
          cancelReason: null,
          stateReason: hold === 'paused_reauthorize' ? 'HubSpot needs reauthorizing. The job continues after you reconnect.' : hold ? 'HubSpot cannot be reached: this computer seems to be offline.' : null,
          progress: { ...job, steps: job.steps },
        },
      })),
    );
  }

  return {
    storesFor,

    /** Claims and runs one batch for the workspace. `claimed: 0`: nothing was ready. */
    async runBatch(workspaceId: string, owner: string): Promise<BatchOutcome> {
      const s = storesFor(workspaceId);
      const batchId = crypto.randomUUID();
      const claimed = s.jobs.claim({ owner, limit: batchSize, leaseMs, batchId, now: clock.now() });
      if (claimed.length === 0) return { claimed: 0, report: null, accessError: null, calls: 0 };
      const heartbeat = setInterval(() => {
        try {
          s.jobs.renew(owner, clock.now() + leaseMs);
        } catch (error) {
          logger.warn('lease renewal failed', { workspaceId, error: (error as Error).message });
        }
      }, Math.max(1000, Math.floor(leaseMs / 3)));
      heartbeat.unref?.();
      try {
        let gateway: HubSpotGateway;
        try {
          gateway = await deps.hubspot(workspaceId);
          gateways.set(workspaceId, gateway);
          await ensureDefinitions(workspaceId);
        } catch (raw) {
          const error = classifyHubSpotError(raw);
          endWithoutCalls(workspaceId, owner, claimed, error);
          emitJobs(workspaceId, claimed.map((j) => j.id));
          events.emit('push.onDidChangeHistory', { workspaceId, attempts: claimed.length });
          return { claimed: claimed.length, report: null, accessError: error, calls: 0 };
        }
        const { settings, map } = deps.mapping.mapper(workspaceId);
        const leads = loadLeads(
          workspaceId,
          claimed.map((j) => j.leadId),
        );
        const report = await runPushBatch(
          {
            workspaceId,
            batchId,
            owner,
            store: s.jobs,
            companies: s.companies,
            gateway,
            settings,
            map,
            clock,
            logger,
            ...(deps.nameCulprits !== undefined ? { nameCulprits: deps.nameCulprits } : {}),
          },
          claimed,
          leads,
        );
        logger.debug('batch done', { workspaceId, jobs: claimed.length, calls: report.calls, isolationCalls: report.isolationCalls });
        emitJobs(workspaceId, claimed.map((j) => j.id));
        events.emit('push.onDidChangeHistory', { workspaceId, attempts: claimed.length - report.released });
        return { claimed: claimed.length, report, accessError: null, calls: report.calls };
      } catch (error) {
        if (error instanceof LeaseLostError) {
          logger.warn('another process took over this batch', { workspaceId });
          return { claimed: claimed.length, report: null, accessError: null, calls: 0 };
        }
        try {
          s.jobs.abandon(owner, clock.now(), claimed, 'The attempt stopped on an unexpected error in Syncdesk; it runs again shortly.', 30_000);
        } catch (inner) {
          logger.error('could not give the batch back', { workspaceId, error: inner });
        }
        throw error;
      } finally {
        clearInterval(heartbeat);
      }
    },

    emitJobs,

    gatewayOf(workspaceId: string): HubSpotGateway | undefined {
      return gateways.get(workspaceId);
    },
  };
}
