import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.ts';
import { createHistorySlice, type HistorySlice } from '../features/history/history-slice.ts';
import { createLeadsSlice, type LeadsSlice } from '../features/leads/leads-slice.ts';
import { createMappingSlice, type MappingSlice } from '../features/mapping/mapping-slice.ts';
import { createAppSlice, type AppSlice } from './app-slice.ts';
import { createConnectionsSlice, type ConnectionsSlice } from './connections-slice.ts';
import { createMirrorSlice, type MirrorSlice } from './mirror-slice.ts';
import { createUiSlice, type UiSlice } from './ui-slice.ts';
import { createWorkspacesSlice, type WorkspacesSlice } from './workspaces-slice.ts';

export interface ApiSlice {
  api: ApiClient;
}

/** One store of typed slices. Features add a slice file and spread it here. */
export type AppState = ApiSlice & AppSlice & WorkspacesSlice & UiSlice & MirrorSlice & LeadsSlice & MappingSlice & ConnectionsSlice & HistorySlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(api: ApiClient): AppStore {
  return createStore<AppState>()((...a) => ({
    api,
    ...createAppSlice(...a),
    ...createWorkspacesSlice(...a),
    ...createUiSlice(...a),
    ...createMirrorSlice(...a),
    ...createLeadsSlice(...a),
    ...createMappingSlice(...a),
    ...createConnectionsSlice(...a),
    ...createHistorySlice(...a),
  }));
}

export const StoreContext = createContext<AppStore | null>(null);

/** Select the smallest value you need; wrap derived arrays/objects in useShallow. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside <StoreContext.Provider>');
  return useStore(store, selector);
}

export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStoreApi outside <StoreContext.Provider>');
  return store;
}

/** The workspace the route points at, if it exists. */
export function selectCurrentWorkspace(state: AppState) {
  const route = state.route;
  return route.name === 'workspace' ? state.workspaces.find((w) => w.id === route.workspaceId) : undefined;
}

/** The workspace the sidebar shows: the one open, else the last one opened (on the Health board, Settings). */
export function selectActiveWorkspaceId(state: AppState): string | null {
  return state.route.name === 'workspace' ? state.route.workspaceId : state.selectedWorkspaceId;
}
