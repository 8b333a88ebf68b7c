import type { ApiClient } from '../api/client.ts';
import { bindHistoryEvents } from '../features/history/history-events.ts';
import { bindLeadsEvents } from '../features/leads/leads-events.ts';
import { bindMappingEvents } from '../features/mapping/mapping-events.ts';
import type { AppStore } from './store.ts';
import { parseHash } from './route.ts';

/** Subscribes the store to core's pushed events, outside React. Returns a disposer. */
export function bindEvents(api: ApiClient, store: AppStore): () => void {
  const disposers = [
    api.on('workspaces.onDidChange', (list) => {
      store.setState({ workspaces: list.workspaces });
    }),
    api.on('app.onDidChangePreferences', (preferences) => store.setState({ preferences })),
    api.on('mirror.onDidProgress', (event) => store.getState().applyMirrorProgress(event)),
    api.on('mirror.onDidChange', (event) => store.getState().mirrorChanged(event.workspaceId, event.status !== undefined && event.status !== 'running')),
    api.on('connections.onDidChange', (connections) => store.getState().applyConnections(connections)),
    api.transport.onStatus((status) => {
      // Back from a lost host: changes may have been missed while away.
      if (status === 'open' && Object.keys(store.getState().connections).length > 0) void store.getState().loadAllConnections().catch(() => {});
    }),
    api.on('connections.onDidEndOAuth', (ended) => {
      store.setState((s) => ({ oauthEnded: { ...s.oauthEnded, [ended.workspaceId]: ended } }));
      store.getState().notify(ended.outcome === 'connected' ? 'success' : ended.outcome === 'cancelled' ? 'info' : 'error', ended.message);
    }),
    api.transport.onStatus((transportStatus) => {
      const wasClosed = store.getState().transportStatus === 'closed';
      store.setState({ transportStatus });
      // After a reconnect, reload what events may have been missed.
      if (wasClosed && transportStatus === 'open') void loadInitialData(store);
    }),
    bindLeadsEvents(api, store),
    bindMappingEvents(api, store),
    bindHistoryEvents(api, store),
  ];
  return () => disposers.forEach((dispose) => dispose());
}

/** Loads what the shell needs before it can say ready. */
export async function loadInitialData(store: AppStore): Promise<void> {
  const { api } = store.getState();
  try {
    const [info, preferences, list] = await Promise.all([
      api.call('app.info', {}),
      api.call('app.getPreferences', {}),
      api.call('workspaces.list', {}),
    ]);
    store.setState({ info, preferences, workspaces: list.workspaces, transportStatus: api.transport.status(), bootError: null });
    const state = store.getState();
    if (!state.ready) {
      // First load: honour the URL, else reopen the last workspace.
      const route = typeof window !== 'undefined' ? parseHash(window.location.hash) : state.route;
      const known = (id: string) => list.workspaces.some((w) => w.id === id);
      if (route.name === 'workspace' && known(route.workspaceId)) state.applyRoute(route);
      else if (route.name === 'health' || route.name === 'settings') {
        if (list.selectedId && known(list.selectedId)) store.setState({ selectedWorkspaceId: list.selectedId });
        state.applyRoute(route);
      }
      else if (list.selectedId && known(list.selectedId)) state.navigate({ name: 'workspace', workspaceId: list.selectedId, page: 'overview' });
      else if (list.workspaces[0]) state.navigate({ name: 'workspace', workspaceId: list.workspaces[0].id, page: 'overview' });
      else state.navigate({ name: 'home' });
    }
    store.setState({ ready: true });
  } catch (error) {
    store.setState({ bootError: error instanceof Error ? error.message : String(error) });
  }
}
