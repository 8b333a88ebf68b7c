import { z } from 'zod';
import { Empty } from './common.ts';
import { defineEvents, defineMethods } from './define.ts';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

export const SecretStorageStatus = z.object({
  /** `keychain`: the OS keychain holds secrets. `memory`: none was available; secrets last only as long as this process. */
  kind: z.enum(['keychain', 'memory']),
  /** Why the keychain couldn't be used, in plain language. */
  warning: z.string().optional(),
});
export type SecretStorageStatus = z.infer<typeof SecretStorageStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** Which host runs core: the desktop app, the headless `syncdesk serve` console, or a test. */
  host: z.enum(['electron', 'serve', 'cli', 'test']),
  platform: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().optional(), sqlite: z.string() }),
  dataDir: z.string(),
  secretStorage: SecretStorageStatus,
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Preferences = z.object({
  theme: Theme,
  lastWorkspaceId: z.string().nullable(),
});
export type Preferences = z.infer<typeof Preferences>;

export const appMethods = defineMethods({
  'app.info': { input: Empty, output: AppInfo },
  'app.getPreferences': { input: Empty, output: Preferences },
  'app.setPreferences': { input: Preferences.partial(), output: Preferences },
});

/** Commands a host's own UI (the desktop menu) asks the renderer to carry out. */
export const MenuAction = z.enum(['newWorkspace', 'openSettings', 'openHealthBoard', 'switchWorkspace']);
export type MenuAction = z.infer<typeof MenuAction>;

export const appEvents = defineEvents({
  'app.onDidChangePreferences': Preferences,
  'app.onDidRequestAction': z.object({ action: MenuAction }),
});
