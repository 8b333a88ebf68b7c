import type { ApiClient } from '../../api/client.ts';
import type { AppStore } from '../../state/store.ts';

/** Leads changing changes what the inline problems count; re-check at most this often. */
const RECHECK_MS = 1000;

/** Keeps the Mapping page in step with core: saves elsewhere, refreshed properties, new fields, test runs, leads. */
export function bindMappingEvents(api: ApiClient, store: AppStore): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const current = (workspaceId: string) => store.getState().mapping.workspaceId === workspaceId;
  const recheck = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void store.getState().mappingCheck();
    }, RECHECK_MS);
  };
  const disposers = [
    api.on('mapping.onDidChange', ({ workspaceId }) => void store.getState().mappingSavedElsewhere(workspaceId)),
    api.on('mapping.onDidChangeProperties', ({ workspaceId }) => {
      if (!current(workspaceId)) return;
      void api.invoke('mapping.properties', { workspaceId }).then((result) => {
        if (result.ok && current(workspaceId)) store.setState((s) => ({ mapping: { ...s.mapping, properties: result.value } }));
      });
    }),
    // A new or deleted custom field changes the lead fields rows can read.
    api.on('leads.onDidChangeFields', ({ workspaceId }) => {
      if (current(workspaceId)) void store.getState().mappingSavedElsewhere(workspaceId);
    }),
    api.on('leads.onDidChange', ({ workspaceId }) => {
      if (current(workspaceId)) recheck();
    }),
    api.on('mapping.onDidRunTest', ({ workspaceId, run }) => {
      if (current(workspaceId)) store.getState().mappingSetLastRun(run);
    }),
  ];
  return () => {
    if (timer) clearTimeout(timer);
    disposers.forEach((dispose) => dispose());
  };
}
