import type { StateCreator } from 'zustand';
import { formatHash, type Route } from './route.ts';
import type { AppState } from './store.ts';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  message: string;
}

/** The one modal dialog open at a time, if any. In the store so menus and shortcuts can open them. */
export type DialogState =
  | { kind: 'createWorkspace' }
  | { kind: 'renameWorkspace'; workspaceId: string }
  | { kind: 'deleteWorkspace'; workspaceId: string }
  | null;

export interface UiSlice {
  route: Route;
  toasts: Toast[];
  dialog: DialogState;
  openDialog(dialog: DialogState): void;
  navigate(route: Route): void;
  /** Applies a route read from the URL (Back/Forward, reload) without pushing history. */
  applyRoute(route: Route): void;
  notify(kind: Toast['kind'], message: string): void;
  dismissToast(id: number): void;
}

let nextToastId = 1;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  route: { name: 'home' },
  toasts: [],
  dialog: null,
  openDialog(dialog) {
    set({ dialog });
  },
  navigate(route) {
    const hash = formatHash(route);
    if (typeof window !== 'undefined' && window.location.hash !== hash) window.history.pushState(null, '', hash);
    get().applyRoute(route);
  },
  applyRoute(route) {
    set(route.name === 'workspace' ? { route, selectedWorkspaceId: route.workspaceId } : { route });
  },
  notify(kind, message) {
    const id = nextToastId++;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { id, kind, message }] }));
    if (kind !== 'error') setTimeout(() => get().dismissToast(id), 5000);
  },
  dismissToast(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
});
