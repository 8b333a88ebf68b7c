import type { StateCreator } from 'zustand';
import type { AppInfo, Preferences } from '../../core/contract/app.ts';
import type { TransportStatus } from '../../core/contract/transport.ts';
import type { AppState } from './store.ts';

export interface AppSlice {
  info: AppInfo | null;
  preferences: Preferences;
  transportStatus: TransportStatus;
  /** Initial data loaded: the shell renders and sets data-app-state="ready". */
  ready: boolean;
  /** A fatal boot error (the host refused us, the database is corrupt…). */
  bootError: string | null;
  setTheme(theme: Preferences['theme']): Promise<void>;
}

export const createAppSlice: StateCreator<AppState, [], [], AppSlice> = (set, get) => ({
  info: null,
  preferences: { theme: 'system', lastWorkspaceId: null },
  transportStatus: 'connecting',
  ready: false,
  bootError: null,
  async setTheme(theme) {
    // Optimistic: the radio and the page follow the click at once; a refused save reverts.
    const previous = get().preferences;
    set({ preferences: { ...previous, theme } });
    try {
      set({ preferences: await get().api.call('app.setPreferences', { theme }) });
    } catch (error) {
      set({ preferences: previous });
      throw error;
    }
  },
});
