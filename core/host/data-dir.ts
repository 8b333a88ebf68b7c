import os from 'node:os';
import path from 'node:path';

/**
 * The OS's app-data folder for Syncdesk: the same folder Electron uses as `userData`, so the
 * desktop app, `syncdesk serve` and the CLI share workspaces.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SYNCDESK_DATA_DIR) return path.resolve(env.SYNCDESK_DATA_DIR);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Syncdesk');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Syncdesk');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Syncdesk');
}
