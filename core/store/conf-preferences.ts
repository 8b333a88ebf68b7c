import Conf from 'conf';
import { Preferences } from '../contract/app.ts';
import { DEFAULT_PREFERENCES, type PreferencesStore } from '../ports/preferences.ts';

/**
 * Preferences for headless hosts, in `<data>/preferences.json` through `conf` (the library
 * electron-store extends, so both hosts read and write the same shape).
 */
export function createConfPreferences(dataDir: string): PreferencesStore {
  const conf = new Conf<Preferences>({
    cwd: dataDir,
    configName: 'preferences',
    projectName: 'syncdesk',
    defaults: DEFAULT_PREFERENCES,
    clearInvalidConfig: true,
  });
  const read = (): Preferences => {
    const parsed = Preferences.safeParse(conf.store);
    return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
  };
  return {
    get: read,
    set(patch) {
      const next = Preferences.parse({ ...read(), ...patch });
      conf.set(next);
      return next;
    },
  };
}
