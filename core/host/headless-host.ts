import type { AppInfo } from '../contract/app.ts';
import { createServices, type Services } from '../app/create-services.ts';
import { createFileLogger, type Logger } from '../ports/logger.ts';
import type { OpenExternal } from '../ports/open-external.ts';
import { openSecretStore } from '../secrets/keytar-secret-store.ts';
import { dataPaths } from '../store/app-db.ts';
import { createConfPreferences } from '../store/conf-preferences.ts';
import { devProvidersFromEnv } from '../mirror/dev-providers.ts';

/** Core wired for a process without Electron: `syncdesk serve` and the other CLI commands. */
export async function createHeadlessServices(options: {
  dataDir: string;
  host: Extract<AppInfo['host'], 'serve' | 'cli'>;
  logger?: Logger;
  openExternal?: OpenExternal;
  /** `serve` keeps mirrors fresh unless told not to (`--no-schedule`); one-shot CLI commands never schedule. */
  scheduleMirror?: boolean;
}): Promise<Services> {
  const logger = options.logger ?? createFileLogger(dataPaths(options.dataDir).logsDir);
  const secrets = await openSecretStore({ logger: logger.child('secrets') });
  const providers = devProvidersFromEnv(logger);
  return createServices({
    dataDir: options.dataDir,
    host: options.host,
    secrets,
    preferences: createConfPreferences(options.dataDir),
    logger,
    ...(providers ? { providers } : {}),
    // The console keeps mirrors fresh while it runs; one-shot CLI commands don't schedule.
    scheduleMirror: options.host === 'serve' && options.scheduleMirror !== false,
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
  });
}
