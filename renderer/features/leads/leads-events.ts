import type { ApiClient } from '../../api/client.ts';
import type { AppStore } from '../../state/store.ts';

/** Reloads at most this often while core reports changes (an import sends one event per slice). */
const REFRESH_MS = 500;

/** Keeps the leads list live: core's change events reload what is on screen. Returns a disposer. */
export function bindLeadsEvents(api: ApiClient, store: AppStore): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastRefresh = 0;
  const refresh = () => {
    timer = undefined;
    lastRefresh = Date.now();
    store.getState().leadsInvalidate();
  };
  const disposers = [
    api.on('leads.onDidChange', (change) => {
      if (change.workspaceId !== store.getState().leads.query.workspaceId || timer) return;
      timer = setTimeout(refresh, Math.max(0, lastRefresh + REFRESH_MS - Date.now()));
    }),
    api.on('leads.onDidChangeFields', ({ workspaceId, fields }) => {
      const { leads } = store.getState();
      if (leads.query.workspaceId === workspaceId) store.setState({ leads: { ...leads, fields } });
    }),
    api.on('push.onDidChangeJobs', ({ workspaceId, jobs, leadIds, bulk }) => {
      const { leads } = store.getState();
      if (leads.query.workspaceId !== workspaceId) return;
      if (jobs.length > 0) store.getState().leadsApplyJobs(jobs);
      if (bulk) {
        // More changed than the event lists: read the loaded rows' status again.
        const loaded = Object.values(leads.pages).flatMap((p) => p.items.map((l) => l.id));
        const listed = new Set(leadIds);
        void store.getState().leadsLoadSyncStatus(loaded.filter((id) => !listed.has(id)));
      }
    }),
    api.on('leads.onDidImportProgress', (status) => {
      const { leads } = store.getState();
      store.setState({ leads: { ...leads, imports: { ...leads.imports, [status.importId]: status } } });
    }),
  ];
  return () => {
    if (timer) clearTimeout(timer);
    disposers.forEach((dispose) => dispose());
  };
}
