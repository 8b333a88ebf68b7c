import type { ApiClient } from '../../api/client.ts';
import type { AppStore } from '../../state/store.ts';

/** A burst of batches refreshes the history at most this often. */
const REFRESH_MS = 700;
const BADGE_MS = 1500;

/**
 * Keeps Sync History live: recorded attempts refresh the newest rows, the count and the chart
 * (throttled), progress events feed the progress card, and job changes refresh the failed-jobs
 * badge and the open job detail. Returns a disposer.
 */
export function bindHistoryEvents(api: ApiClient, store: AppStore): () => void {
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRefresh = 0;
  const badgeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  let seq = 0;
  const current = (workspaceId: string) => store.getState().history.query.workspaceId === workspaceId;
  const patch = (update: Partial<ReturnType<AppStore['getState']>['history']>) => store.setState((s) => ({ history: { ...s.history, ...update } }));

  const disposers = [
    api.on('push.onDidChangeHistory', ({ workspaceId }) => {
      if (!current(workspaceId) || refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        lastRefresh = Date.now();
        void store.getState().historyRefresh();
      }, Math.max(0, lastRefresh + REFRESH_MS - Date.now()));
    }),
    api.on('push.onDidProgress', (progress) => {
      if (current(progress.workspaceId)) patch({ progress });
    }),
    api.on('push.onDidChangeJobs', ({ workspaceId, jobs, bulk }) => {
      patch({ jobChange: { workspaceId, jobIds: jobs.map((j) => j.jobId), bulk, seq: ++seq } });
      if (badgeTimers.has(workspaceId)) return;
      badgeTimers.set(
        workspaceId,
        setTimeout(() => {
          badgeTimers.delete(workspaceId);
          void store.getState().historyLoadFailedCount(workspaceId);
        }, BADGE_MS),
      );
    }),
  ];
  return () => {
    if (refreshTimer) clearTimeout(refreshTimer);
    for (const timer of badgeTimers.values()) clearTimeout(timer);
    disposers.forEach((dispose) => dispose());
  };
}
