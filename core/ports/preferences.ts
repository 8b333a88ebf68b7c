import type { Preferences } from '../contract/app.ts';

export const DEFAULT_PREFERENCES: Preferences = { theme: 'system', lastWorkspaceId: null };

/**
 * Small user preferences. electron-store in the desktop app, its `conf` base in headless hosts,
 * memory in tests. Window state lives beside them, in the Electron adapter only.
 */
export interface PreferencesStore {
  get(): Preferences;
  set(patch: Partial<Preferences>): Preferences;
}

export function createMemoryPreferences(initial: Partial<Preferences> = {}): PreferencesStore {
  let current: Preferences = { ...DEFAULT_PREFERENCES, ...initial };
  return {
    get: () => current,
    set: (patch) => {
      current = { ...current, ...patch };
      return current;
    },
  };
}
