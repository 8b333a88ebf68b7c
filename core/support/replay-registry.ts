import fs from 'node:fs';
import path from 'node:path';
import type { ReplayTarget } from '../contract/support.ts';
import { AppError } from '../errors.ts';
import { createHubSpotGateway, type HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { createRequestBudget } from '../hubspot/request-budget.ts';
import { limitsFor } from '../hubspot/tiers.ts';
import type { HubSpotAccess } from '../mapping/property-catalogue.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { SecretStore } from '../ports/secret-store.ts';

/** A replay: the replay workspace that holds it, where it points, and what was seeded. */
export interface ReplayRecord {
  replayId: string;
  bundleId: string;
  workspaceId: string;
  target: ReplayTarget;
  targetLabel: string;
  jobId: string;
  startedAt: string;
  /** The sandbox portal of a sandbox replay. */
  portalId: number | null;
  seeded: { properties: string[]; list: string | null; withheld: string[] };
}

/** The sandbox portals replays run against: fresh, empty portals in a sandbox of their own. */
export interface ReplaySandbox {
  /** The sandbox's address (started on first use). */
  url(): Promise<string>;
  /** A new empty portal and a private-app token with every scope for it. */
  createPortal(name: string): Promise<{ portalId: number; token: string }>;
  close(): Promise<void>;
}

/**
 * The replay sandbox inside this process: `startSandbox` on a loopback port with its own state
 * folder (separate from "Try the sandbox"), loaded on first use. Portals and tokens are made
 * through its admin routes, as any client of the sandbox would.
 */
export function createEmbeddedReplaySandbox(options: { dataDir: string; logger: Logger }): ReplaySandbox {
  let running: Promise<{ url: string; close(): Promise<void> }> | null = null;
  const start = () => {
    running ??= (async () => {
      const { startSandbox } = await import('../sandbox/start-sandbox.ts');
      fs.mkdirSync(options.dataDir, { recursive: true });
      const sandbox = await startSandbox({ dataDir: options.dataDir, port: 0, logger: options.logger });
      options.logger.info('replay sandbox started', { url: sandbox.url });
      return sandbox;
    })().catch((error: unknown) => {
      running = null;
      throw error;
    });
    return running;
  };
  const admin = async <T>(route: string, body: unknown): Promise<T> => {
    const { url } = await start();
    const response = await fetch(`${url}/__sandbox/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new AppError('internal', `The replay sandbox refused ${route}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    url: async () => (await start()).url,
    async createPortal(name) {
      const portal = await admin<{ portalId: number }>('portals', { name, tier: 'pro' });
      const { token } = await admin<{ token: string }>('tokens', { portalId: portal.portalId });
      return { portalId: portal.portalId, token };
    },
    async close() {
      const current = running;
      running = null;
      if (current) await (await current.catch(() => null))?.close();
    },
  };
}

const tokenKey = (workspaceId: string) => `workspace:${workspaceId}:support.replayToken`;

export type ReplayRegistry = ReturnType<typeof createReplayRegistry>;

/**
 * Which workspaces are replays and how they reach HubSpot. A replay workspace is an ordinary
 * workspace (the push engine runs in it exactly as in any other); only its gateway differs: a
 * sandbox replay talks to its own sandbox portal with a token kept in the SecretStore, a
 * workspace replay borrows the target workspace's connection. `access` wraps the host's
 * HubSpotAccess, so everything that reaches HubSpot for a workspace (push, property refresh)
 * follows it. Records live in `<dataDir>/support/replays.json`.
 */
export function createReplayRegistry(deps: { dir: string; secrets: SecretStore; sandbox: ReplaySandbox; clock: Clock; logger: Logger }) {
  const file = path.join(deps.dir, 'replays.json');
  let records: ReplayRecord[] | null = null;
  /** Gateways of sandbox replays, by workspace, with the sandbox address they were made for. */
  const gateways = new Map<string, { url: string; gateway: HubSpotGateway }>();

  const load = (): ReplayRecord[] => {
    if (records) return records;
    try {
      records = JSON.parse(fs.readFileSync(file, 'utf8')) as ReplayRecord[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') deps.logger.warn('replay records unreadable; starting afresh', { error: (error as Error).message });
      records = [];
    }
    return records;
  };
  const persist = () => {
    fs.mkdirSync(deps.dir, { recursive: true });
    const temp = `${file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(load(), null, 2));
    fs.renameSync(temp, file);
  };

  async function sandboxGateway(record: ReplayRecord): Promise<HubSpotGateway> {
    const known = gateways.get(record.workspaceId);
    const url = await deps.sandbox.url();
    if (known && known.url === url) return known.gateway;
    const token = await deps.secrets.get(tokenKey(record.workspaceId));
    if (!token) throw new AppError('not_connected', 'The token of this replay\'s sandbox portal is gone (secrets kept in memory only last while Syncdesk runs). Replay the bundle again.', { retryable: false });
    const gateway = createHubSpotGateway({
      baseUrl: url,
      tokens: { current: async () => ({ accessToken: token, kind: 'private_app' }), rejected: async () => false },
      budget: createRequestBudget({ limits: limitsFor('pro', 'private_app'), clock: deps.clock }),
      logger: deps.logger.child('replay.hubspot'),
    });
    gateways.set(record.workspaceId, { url, gateway });
    return gateway;
  }

  return {
    list: (): readonly ReplayRecord[] => load(),
    get(replayId: string): ReplayRecord {
      const record = load().find((r) => r.replayId === replayId);
      if (!record) throw new AppError('not_found', `There is no replay ${replayId}.`);
      return record;
    },
    byWorkspace: (workspaceId: string): ReplayRecord | undefined => load().find((r) => r.workspaceId === workspaceId),
    save(record: ReplayRecord): void {
      const list = load();
      const at = list.findIndex((r) => r.replayId === record.replayId);
      if (at >= 0) list[at] = record;
      else list.push(record);
      persist();
    },
    remove(replayIds: readonly string[]): void {
      records = load().filter((r) => !replayIds.includes(r.replayId));
      persist();
    },
    async rememberToken(workspaceId: string, token: string): Promise<void> {
      await deps.secrets.set(tokenKey(workspaceId), token);
    },
    /** The host's access with replay workspaces routed to their portal. */
    access(base: HubSpotAccess): HubSpotAccess {
      return async (workspaceId) => {
        const record = load().find((r) => r.workspaceId === workspaceId);
        if (!record) return base(workspaceId);
        if (record.target.kind === 'workspace') return base(record.target.workspaceId);
        return sandboxGateway(record);
      };
    },
    sandbox: deps.sandbox,
  };
}
