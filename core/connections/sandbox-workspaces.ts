import type { WorkspaceConnections } from '../contract/connections.ts';
import type { Workspace } from '../contract/workspaces.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import type { ConnectionService } from './connection-service.ts';
import type { SandboxHost, SandboxPortal } from './sandbox-host.ts';

export interface SandboxWorkspacesDeps {
  workspaces: WorkspaceService;
  connections: ConnectionService;
  sandbox: SandboxHost | undefined;
  logger: Logger;
}

/**
 * "Try the sandbox": one click gives a new user a workspace connected to a simulated portal full
 * of data, and sandbox workspaces keep working across restarts of the host.
 */
export function createSandboxWorkspaces(deps: SandboxWorkspacesDeps) {
  const { workspaces, connections, logger } = deps;

  const requireSandbox = (): SandboxHost => {
    if (!deps.sandbox) throw new AppError('unsupported', 'This Syncdesk host has no built-in sandbox portal.');
    return deps.sandbox;
  };

  const freeName = (base: string) => {
    const taken = new Set(workspaces.list().workspaces.map((w) => w.name.toLowerCase()));
    if (!taken.has(base.toLowerCase())) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`.toLowerCase())) return `${base} ${n}`;
  };

  async function connect(workspaceId: string, portal: SandboxPortal): Promise<void> {
    await connections.connectHubSpotToken({ workspaceId, token: await portal.mintPrivateAppToken(), apiBase: portal.url });
    const key = await portal.mintStripeKey();
    if (key) await connections.connectStripe({ workspaceId, key, apiBase: portal.url });
  }

  return {
    async create(input: { name?: string | undefined }): Promise<{ workspace: Workspace; connections: WorkspaceConnections }> {
      const portal = await requireSandbox().ensureStarted();
      const workspace = workspaces.create({ name: input.name ?? freeName('Sandbox portal'), kind: 'sandbox' });
      try {
        connections.moveEndpoints(workspace.id, { hubspotApiBase: portal.url, hubspotAuthBase: portal.url, stripeApiBase: portal.url });
        await connect(workspace.id, portal);
      } catch (error) {
        // No half-made sandbox workspace: it either works or isn't there.
        await workspaces.delete({ id: workspace.id }).catch(() => {});
        throw error;
      }
      logger.info('sandbox workspace created', { workspaceId: workspace.id, portalId: portal.portalId });
      return { workspace: workspaces.get(workspace.id), connections: connections.view(workspace.id) };
    },

    /**
     * At host start: when sandbox workspaces exist, start the sandbox, point them at its address,
     * and reconnect those whose credentials didn't survive (memory-only secrets).
     */
    async restore(): Promise<void> {
      const sandboxWorkspaces = workspaces.list().workspaces.filter((w) => w.kind === 'sandbox');
      if (sandboxWorkspaces.length === 0 || !deps.sandbox) return;
      const portal = await deps.sandbox.ensureStarted();
      for (const workspace of sandboxWorkspaces) {
        try {
          const view = connections.view(workspace.id);
          if (view.hubspot.settings.apiBase !== portal.url) {
            connections.moveEndpoints(workspace.id, { hubspotApiBase: portal.url, hubspotAuthBase: portal.url, stripeApiBase: portal.url });
          }
          if (view.hubspot.state !== 'disconnected' && !(await connections.hasStoredCredentials(workspace.id, 'hubspot'))) await connect(workspace.id, portal);
        } catch (error) {
          logger.warn('could not restore a sandbox workspace', { workspaceId: workspace.id, error });
        }
      }
    },
  };
}

export type SandboxWorkspaces = ReturnType<typeof createSandboxWorkspaces>;
