import type { AppInfo } from '../contract/app.ts';
import type { EventBus } from './event-bus.ts';
import type { HandlersFor } from './handlers.ts';
import type { PreferencesStore } from '../ports/preferences.ts';

export function createAppHandlers(deps: {
  info: () => AppInfo;
  preferences: PreferencesStore;
  events: EventBus;
}): HandlersFor<'app'> {
  return {
    'app.info': () => deps.info(),
    'app.getPreferences': () => deps.preferences.get(),
    'app.setPreferences': (patch) => {
      const next = deps.preferences.set(patch);
      deps.events.emit('app.onDidChangePreferences', next);
      return next;
    },
  };
}
