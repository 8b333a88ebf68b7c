import type { StateCreator } from 'zustand';
import type { OAuthAttempt, OAuthEnded, WorkspaceConnections } from '../../core/contract/connections.ts';
import type { Workspace } from '../../core/contract/workspaces.ts';
import type { AppState } from './store.ts';

/** The connect dialogs: HubSpot (token or OAuth) and Stripe, for one workspace. */
export type ConnectionDialog = { kind: 'hubspot'; workspaceId: string; mode?: 'oauth' | 'token' } | { kind: 'stripe'; workspaceId: string } | null;

export interface ConnectionsSlice {
  /** Connection state by workspace id, as core last reported it. Never a secret. */
  connections: Record<string, WorkspaceConnections>;
  /** How each workspace's last browser authorization ended, by workspace id. */
  oauthEnded: Record<string, OAuthEnded>;
  connectionDialog: ConnectionDialog;
  openConnectionDialog(dialog: ConnectionDialog): void;
  applyConnections(connections: WorkspaceConnections): void;
  loadConnections(workspaceId: string): Promise<void>;
  loadAllConnections(): Promise<void>;
  connectHubSpotToken(input: { workspaceId: string; token: string; apiBase?: string }): Promise<WorkspaceConnections>;
  startHubSpotOAuth(input: { workspaceId: string; clientId?: string; clientSecret?: string; apiBase?: string; authBase?: string }): Promise<OAuthAttempt>;
  cancelHubSpotOAuth(workspaceId: string): Promise<void>;
  connectStripe(input: { workspaceId: string; key: string; apiBase?: string }): Promise<WorkspaceConnections>;
  disconnectProvider(workspaceId: string, provider: 'hubspot' | 'stripe'): Promise<void>;
  checkConnections(workspaceId: string): Promise<WorkspaceConnections>;
  /** "Try the sandbox": a workspace connected to the built-in sandbox portal, opened. */
  createSandboxWorkspace(): Promise<Workspace>;
}

export const createConnectionsSlice: StateCreator<AppState, [], [], ConnectionsSlice> = (set, get) => {
  const apply = (connections: WorkspaceConnections) => {
    set((s) => ({ connections: { ...s.connections, [connections.workspaceId]: connections } }));
    return connections;
  };
  return {
    connections: {},
    oauthEnded: {},
    connectionDialog: null,
    openConnectionDialog(connectionDialog) {
      set({ connectionDialog });
    },
    applyConnections: (connections) => void apply(connections),
    async loadConnections(workspaceId) {
      apply(await get().api.call('connections.get', { workspaceId }));
    },
    async loadAllConnections() {
      const { items } = await get().api.call('connections.list', {});
      set({ connections: Object.fromEntries(items.map((c) => [c.workspaceId, c])) });
    },
    async connectHubSpotToken(input) {
      return apply(await get().api.call('connections.connectHubSpotToken', input));
    },
    async startHubSpotOAuth(input) {
      set((s) => {
        const { [input.workspaceId]: _dropped, ...rest } = s.oauthEnded;
        return { oauthEnded: rest };
      });
      const attempt = await get().api.call('connections.startHubSpotOAuth', input);
      // The change event follows; showing the pending attempt at once keeps the dialog immediate.
      const current = get().connections[input.workspaceId];
      if (current) apply({ ...current, hubspot: { ...current.hubspot, pendingOAuth: attempt } });
      return attempt;
    },
    async cancelHubSpotOAuth(workspaceId) {
      apply(await get().api.call('connections.cancelHubSpotOAuth', { workspaceId }));
    },
    async connectStripe(input) {
      return apply(await get().api.call('connections.connectStripe', input));
    },
    async disconnectProvider(workspaceId, provider) {
      apply(await get().api.call('connections.disconnect', { workspaceId, provider }));
    },
    async checkConnections(workspaceId) {
      return apply(await get().api.call('connections.check', { workspaceId }));
    },
    async createSandboxWorkspace() {
      const { workspace, connections } = await get().api.call('connections.createSandboxWorkspace', {});
      apply(connections);
      set((s) => ({ workspaces: s.workspaces.some((w) => w.id === workspace.id) ? s.workspaces : [...s.workspaces, workspace] }));
      get().openWorkspace(workspace.id);
      return workspace;
    },
  };
};
