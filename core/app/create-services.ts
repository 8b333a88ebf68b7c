import os from 'node:os';
import path from 'node:path';
import type { AppInfo } from '../contract/app.ts';
import { createCatalogue } from '../catalogue/catalogue.ts';
import { createCatalogueHandlers } from '../catalogue/catalogue-handlers.ts';
import { createBillingHandlers, createMirrorHandlers, createRecordHandlers } from '../mirror/mirror-handlers.ts';
import { createMirrorScheduler } from '../mirror/mirror-scheduler.ts';
import { createMirrorService } from '../mirror/mirror-service.ts';
import type { ProviderAccess } from '../mirror/provider-access.ts';
import { createRecordsService } from '../mirror/records-service.ts';
import { createBillingService } from '../stripe/billing-service.ts';
import { createStripeMirrorPart } from '../stripe/stripe-mirror-part.ts';
import { createConnectionHandlers } from '../connections/connection-handlers.ts';
import { type ConnectionServiceDeps, createConnectionService } from '../connections/connection-service.ts';
import { createEmbeddedSandbox } from '../connections/embedded-sandbox.ts';
import type { SandboxHost } from '../connections/sandbox-host.ts';
import { createSandboxWorkspaces } from '../connections/sandbox-workspaces.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import { createFileLogger, type Logger } from '../ports/logger.ts';
import type { OpenExternal } from '../ports/open-external.ts';
import type { PreferencesStore } from '../ports/preferences.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import { dataPaths, openAppDatabase } from '../store/app-db.ts';
import { WorkspaceDatabases } from '../store/workspace-databases.ts';
import { createLeadImportService } from '../leads/import/lead-import-service.ts';
import { createLeadHandlers } from '../leads/lead-handlers.ts';
import { createLeadService } from '../leads/lead-service.ts';
import { createMappingHandlers } from '../mapping/mapping-handlers.ts';
import { createMappingService } from '../mapping/mapping-service.ts';
import type { HubSpotAccess } from '../mapping/property-catalogue.ts';
import { createPushEngine, type PushEngineDeps } from '../push/push-engine.ts';
import { createPushHandlers } from '../push/push-handlers.ts';
import { type PushRunnerTuning, startPushRunner } from '../push/push-host.ts';
import { createPushService } from '../push/push-service.ts';
import { createEmbeddedReplaySandbox, createReplayRegistry, type ReplaySandbox } from '../support/replay-registry.ts';
import { createSupportHandlers } from '../support/support-handlers.ts';
import { createSupportService } from '../support/support-service.ts';
import { createWorkspaceHandlers } from '../workspaces/workspace-handlers.ts';
import { createWorkspaceService } from '../workspaces/workspace-service.ts';
import { createAppHandlers } from './app-handlers.ts';
import { createEventBus } from './event-bus.ts';
import { createRouter, type Handlers } from './router.ts';
import { APP_NAME, APP_VERSION } from './version.ts';
import { workspaceMigrationSets } from './workspace-schema.ts';

/** What a host (Electron main, `syncdesk serve`, the CLI, a test) provides to core. */
export interface HostPorts {
  dataDir: string;
  host: AppInfo['host'];
  secrets: SecretStore;
  preferences: PreferencesStore;
  clock?: Clock;
  logger?: Logger;
  openExternal?: OpenExternal;
  electronVersion?: string;
  /** Check handler outputs against the contract (tests). */
  validateOutput?: boolean;
  /** Fixed HubSpot/Stripe access instead of the connections domain's (tests, benchmarks, SYNCDESK_DEV_PROVIDERS). */
  providers?: ProviderAccess;
  /** Waits between retries of a provider call inside a mirror run (tests shorten them). */
  mirrorRetryDelaysMs?: readonly number[];
  /** Run the mirror's schedule (incremental every N minutes, full nightly) while this host runs. */
  scheduleMirror?: boolean;
  /** The embedded sandbox portal behind "Try the sandbox". */
  sandbox?: SandboxHost;
  /** OAuth ports and window, token refresh timing, provider timeouts (tests). */
  connections?: Pick<ConnectionServiceDeps, 'oauth' | 'tokens' | 'timeoutMs'>;
  /** Overrides how mapping reaches a workspace's HubSpot (tests); default: the connections' ProviderAccess. */
  hubspot?: HubSpotAccess;
  /** Push engine tuning: batch size, lease, the runner's waits and network probe (tests and benchmarks). */
  push?: Pick<PushEngineDeps, 'batchSize' | 'leaseMs' | 'nameCulprits'> & { runner?: PushRunnerTuning; autoSyncQuietMs?: number };
  /** Where bundle replays find sandbox portals (default: a sandbox started in this process on first use). */
  replaySandbox?: ReplaySandbox;
}

export type Services = ReturnType<typeof createServices>;

/** The composition root of core: every service, wired once per host. */
export function createServices(ports: HostPorts) {
  const clock = ports.clock ?? systemClock;
  const paths = dataPaths(ports.dataDir);
  const logger = ports.logger ?? createFileLogger(paths.logsDir);
  const openExternal: OpenExternal =
    ports.openExternal ??
    (async (url) => {
      logger.info('open this URL in a browser', { url });
    });
  const events = createEventBus((error) => logger.error('event listener failed', { error }));

  const { db: appDb, report } = openAppDatabase(paths, clock.now);
  if (report.applied.length > 0) logger.info('app database migrated', { applied: report.applied, backup: report.backup });
  const databases = new WorkspaceDatabases(paths, workspaceMigrationSets, logger.child('store'), clock.now);

  const workspaces = createWorkspaceService({
    appDb,
    databases,
    preferences: ports.preferences,
    secrets: ports.secrets,
    events,
    clock,
    logger: logger.child('workspaces'),
  });

  // The desktop app and `syncdesk serve` carry the sandbox portal behind "Try the sandbox".
  const sandbox = ports.sandbox ?? (ports.host === 'electron' || ports.host === 'serve' ? createEmbeddedSandbox({ dataDir: paths.root, logger: logger.child('sandbox') }) : undefined);
  const connections = createConnectionService({
    workspaces,
    secrets: ports.secrets,
    events,
    clock,
    logger: logger.child('connections'),
    openExternal,
    ...(sandbox ? { sandbox } : {}),
    ...ports.connections,
  });
  const sandboxWorkspaces = createSandboxWorkspaces({ workspaces, connections, sandbox, logger: logger.child('sandbox') });
  if (ports.host === 'electron' || ports.host === 'serve') {
    // Sandbox workspaces work after a restart: the sandbox comes back with the host.
    void sandboxWorkspaces.restore().catch((error: unknown) => logger.warn('sandbox workspaces not restored', { error }));
  }
  // The connections domain is how everything reaches HubSpot and Stripe; tests and the development
  // seam (SYNCDESK_DEV_PROVIDERS) may hand in fixed access instead.
  const hostProviders: ProviderAccess = ports.providers ?? {
    hubspot: ports.hubspot ?? ((workspaceId) => connections.access.hubspot(workspaceId)),
    stripe: (workspaceId) => connections.access.stripe(workspaceId),
    onDidChange: (listener) => connections.onDidChange((c) => listener(c.workspaceId)),
  };
  const replaySandbox = ports.replaySandbox ?? createEmbeddedReplaySandbox({ dataDir: path.join(paths.root, 'support', 'replay-sandbox'), logger: logger.child('replay.sandbox') });
  const replays = createReplayRegistry({ dir: path.join(paths.root, 'support'), secrets: ports.secrets, sandbox: replaySandbox, clock, logger: logger.child('replays') });
  // Support replays run in workspaces of their own that reach their replay's portal (a sandbox portal, or another workspace's).
  const providers: ProviderAccess = {
    hubspot: replays.access((workspaceId) => hostProviders.hubspot(workspaceId)),
    stripe: (workspaceId) => hostProviders.stripe(workspaceId),
    ...(hostProviders.onDidChange ? { onDidChange: (listener: (workspaceId: string) => void) => hostProviders.onDidChange!(listener) } : {}),
  };
  const database = (workspaceId: string) => workspaces.database(workspaceId);
  const catalogue = createCatalogue({ database, providers, clock, logger: logger.child('catalogue') });
  // The service asks the scheduler for next run times; the scheduler drives the service.
  const schedulerRef: { current?: ReturnType<typeof createMirrorScheduler> } = {};
  const mirror = createMirrorService({
    database,
    providers,
    catalogue,
    events,
    clock,
    logger: logger.child('mirror'),
    stripe: createStripeMirrorPart(providers),
    ...(ports.mirrorRetryDelaysMs ? { retryDelaysMs: ports.mirrorRetryDelaysMs } : {}),
    schedule: (workspaceId) => schedulerRef.current?.next(workspaceId) ?? { nextIncrementalAt: null, nextFullAt: null },
  });
  const scheduler = createMirrorScheduler({ mirror, workspaces: () => workspaces.list().workspaces.map((w) => w.id), providers, clock, logger: logger.child('schedule') });
  schedulerRef.current = scheduler;
  if (ports.scheduleMirror) scheduler.start();
  const records = createRecordsService({ database });
  const billing = createBillingService({ database, stripeConnected: async (id) => (await providers.stripe(id).catch(() => null)) !== null });
  const leads = createLeadService({ database: (id) => workspaces.database(id), events, clock, logger: logger.child('leads') });
  const leadImports = createLeadImportService({
    leads,
    events,
    clock,
    logger: logger.child('leads.import'),
    stagingDir: path.join(paths.root, 'tmp', 'imports'),
  });

  const hubspot: HubSpotAccess = ports.hubspot ? replays.access(ports.hubspot) : (workspaceId) => providers.hubspot(workspaceId);
  const mapping = createMappingService({
    database: (id) => workspaces.database(id),
    leads,
    catalogue,
    hubspot,
    events,
    clock,
    logger: logger.child('mapping'),
  });

  const pushEngine = createPushEngine({
    database: (id) => workspaces.database(id),
    leads,
    mapping,
    hubspot,
    events,
    clock,
    logger: logger.child('push'),
    ...(ports.push?.batchSize !== undefined ? { batchSize: ports.push.batchSize } : {}),
    ...(ports.push?.leaseMs !== undefined ? { leaseMs: ports.push.leaseMs } : {}),
    ...(ports.push?.nameCulprits !== undefined ? { nameCulprits: ports.push.nameCulprits } : {}),
  });
  const push = createPushService({
    engine: pushEngine,
    leads,
    mapping,
    events,
    clock,
    logger: logger.child('push'),
    // Record links point at HubSpot's UI; the sandbox portal has none.
    portal: (workspaceId) => {
      const { portal, settings } = connections.view(workspaceId).hubspot;
      return portal?.uiDomain && /^https:\/\/api(-\w+)?\.hubapi\.com/.test(settings.apiBase) ? { portalId: portal.portalId, uiDomain: portal.uiDomain } : null;
    },
    ...(ports.push?.autoSyncQuietMs !== undefined ? { autoSyncQuietMs: ports.push.autoSyncQuietMs } : {}),
  });
  /** Works the push queue while this host runs: every workspace, or the ones given (`syncdesk push`). */
  const startPush = (only: 'all' | readonly string[] = 'all') =>
    startPushRunner(
      {
        engine: pushEngine,
        push,
        hubspot,
        events,
        clock,
        logger: logger.child('push.runner'),
        workspaceIds: () => workspaces.list().workspaces.map((w) => w.id),
        // Reauthorize pauses a workspace's jobs; Connected again resumes them (SPEC §1).
        connectionChanges: (listener) => connections.onDidChange((c) => listener(c.workspaceId, c.hubspot.state)),
        // With a test override of HubSpot access there is no connection state to ask.
        ...(ports.hubspot ? {} : { connectionState: (workspaceId: string) => connections.view(workspaceId).hubspot.state }),
        ...(ports.push?.runner ? { tuning: ports.push.runner } : {}),
      },
      only,
    );
  // The desktop app and the browser console push while they run.
  if (ports.host === 'electron' || ports.host === 'serve') startPush('all');

  const replayWorkspaces = new Set<string>();
  const support = createSupportService({
    dir: path.join(paths.root, 'support'),
    workspaces,
    leads,
    mapping,
    push,
    replays,
    hubspot,
    info: () => info(),
    // A bundle names the portal and the granted scopes, never the credentials.
    connection: (workspaceId) => {
      const { hubspot: h } = connections.view(workspaceId);
      return { state: h.state, authKind: h.authKind, portalId: h.portal?.portalId ?? h.boundPortalId, uiDomain: h.portal?.uiDomain ?? null, scopes: h.scopes?.granted ?? [] };
    },
    ensureRunner: (ids) => {
      // The desktop app and the console push every workspace, new ones included; other hosts (the CLI, tests) work the replays'.
      if (ports.host === 'electron' || ports.host === 'serve') return;
      for (const id of ids) replayWorkspaces.add(id);
      startPush([...replayWorkspaces]);
    },
    events,
    clock,
    logger: logger.child('support'),
  });

  const sqliteVersion = (appDb.prepare('select sqlite_version() as v').get() as { v: string }).v;
  const info = (): AppInfo => ({
    name: APP_NAME,
    version: APP_VERSION,
    host: ports.host,
    platform: `${os.type()} ${os.release()} (${process.arch})`,
    versions: {
      node: process.versions.node,
      sqlite: sqliteVersion,
      ...(ports.electronVersion ? { electron: ports.electronVersion } : {}),
    },
    dataDir: paths.root,
    secretStorage: ports.secrets.status(),
  });

  const handlers: Handlers = {
    ...createAppHandlers({ info, preferences: ports.preferences, events }),
    ...createWorkspaceHandlers(workspaces),
    ...createCatalogueHandlers(catalogue),
    ...createMirrorHandlers(mirror),
    ...createRecordHandlers(records),
    ...createBillingHandlers(billing),
    ...createConnectionHandlers(connections, sandboxWorkspaces),
    ...createLeadHandlers(leads, leadImports),
    ...createMappingHandlers(mapping),
    ...createPushHandlers(push),
    ...createSupportHandlers(support),
  };
  const router = createRouter(handlers, { logger: logger.child('router'), validateOutput: ports.validateOutput ?? false });

  let closed = false;
  return {
    router,
    events,
    paths,
    logger,
    clock,
    secrets: ports.secrets,
    openExternal,
    workspaces,
    catalogue,
    mirror,
    records,
    billing,
    scheduler,
    connections,
    /** HubSpot and Stripe access for the mirror and the push engine (see core/connections). */
    providers,
    leads,
    leadImports,
    mapping,
    push,
    pushEngine,
    startPush,
    support,
    info,
    /** Stops scheduled and running syncs (they keep their checkpoints), then closes. */
    async shutdown() {
      scheduler.stop();
      // A push batch in flight finishes and the queue leases are given back.
      await Promise.all([mirror.stopAll(), push.runner?.stop()]);
      this.close();
    },
    close() {
      if (closed) return;
      closed = true;
      scheduler.stop();
      void push.runner?.stop();
      push.close();
      void connections.close();
      void sandbox?.close();
      void replaySandbox.close();
      databases.closeAll();
      appDb.close();
    },
  };
}
