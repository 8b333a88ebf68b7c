import type { StateCreator } from 'zustand';
import type { Workspace, WorkspaceKind } from '../../core/contract/workspaces.ts';
import type { AppState } from './store.ts';

export interface WorkspacesSlice {
  workspaces: Workspace[];
  selectedWorkspaceId: string | null;
  createWorkspace(name: string, kind?: WorkspaceKind): Promise<Workspace>;
  renameWorkspace(id: string, name: string): Promise<Workspace>;
  deleteWorkspace(id: string): Promise<void>;
  /** Opens a workspace (remembered as the last one used). */
  openWorkspace(id: string, page?: string): void;
}

export const createWorkspacesSlice: StateCreator<AppState, [], [], WorkspacesSlice> = (set, get) => ({
  workspaces: [],
  selectedWorkspaceId: null,

  async createWorkspace(name, kind = 'hubspot') {
    const workspace = await get().api.call('workspaces.create', { name, kind });
    // The change event also arrives; applying the result now keeps the UI immediate.
    set((s) => ({ workspaces: upsertSorted(s.workspaces, workspace) }));
    get().openWorkspace(workspace.id);
    return workspace;
  },

  async renameWorkspace(id, name) {
    const workspace = await get().api.call('workspaces.rename', { id, name });
    set((s) => ({ workspaces: upsertSorted(s.workspaces, workspace) }));
    return workspace;
  },

  async deleteWorkspace(id) {
    await get().api.call('workspaces.delete', { id });
    const remaining = get().workspaces.filter((w) => w.id !== id);
    set((s) => ({ workspaces: remaining, selectedWorkspaceId: s.selectedWorkspaceId === id ? (remaining[0]?.id ?? null) : s.selectedWorkspaceId }));
    const route = get().route;
    if (route.name === 'workspace' && route.workspaceId === id) {
      const next = remaining[0];
      if (next) get().openWorkspace(next.id);
      else get().navigate({ name: 'home' });
    }
  },

  openWorkspace(id, page = 'overview') {
    set({ selectedWorkspaceId: id });
    get().navigate({ name: 'workspace', workspaceId: id, page });
    void get().api.invoke('workspaces.select', { id });
  },
});

function upsertSorted(list: Workspace[], workspace: Workspace): Workspace[] {
  return [...list.filter((w) => w.id !== workspace.id), workspace].sort(
    (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id),
  );
}
