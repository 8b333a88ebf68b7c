import Store from 'electron-store';
import { Preferences } from '../../../core/contract/app.ts';
import { DEFAULT_PREFERENCES, type PreferencesStore } from '../../../core/ports/preferences.ts';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

interface StoreShape extends Preferences {
  window: WindowState;
}

const DEFAULT_WINDOW: WindowState = { width: 1280, height: 820, maximized: false };

/** Preferences and window state in electron-store (`config.json` in userData). */
export function createElectronPreferences() {
  const store = new Store<StoreShape>({ name: 'preferences', defaults: { ...DEFAULT_PREFERENCES, window: DEFAULT_WINDOW }, clearInvalidConfig: true });
  const preferences: PreferencesStore = {
    get() {
      const parsed = Preferences.safeParse({ theme: store.get('theme'), lastWorkspaceId: store.get('lastWorkspaceId') });
      return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
    },
    set(patch) {
      const next = Preferences.parse({ ...preferences.get(), ...patch });
      store.set('theme', next.theme);
      store.set('lastWorkspaceId', next.lastWorkspaceId);
      return next;
    },
  };
  return {
    preferences,
    windowState: (): WindowState => ({ ...DEFAULT_WINDOW, ...store.get('window') }),
    saveWindowState: (state: WindowState) => store.set('window', state),
  };
}
