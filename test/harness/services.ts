import { createServices, type HostPorts, type Services } from '../../core/app/create-services.ts';
import type { ProviderAccess } from '../../core/mirror/provider-access.ts';
import { createManualClock, type ManualClock } from '../../core/ports/clock.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { makeTempDir } from './temp-dir.ts';

export interface TestServices {
  services: Services;
  dataDir: string;
  clock: ManualClock;
  logger: ReturnType<typeof createMemoryLogger>;
  cleanup(): void;
}

/** Core wired for tests: a temp data folder, memory secrets and preferences, a manual clock, outputs checked. */
export function createTestServices(options: { clock?: ManualClock; providers?: ProviderAccess } & Partial<Pick<HostPorts, 'connections' | 'secrets' | 'sandbox' | 'openExternal' | 'dataDir'>> = {}): TestServices {
  const temp = options.dataDir ? { dir: options.dataDir, cleanup: () => {} } : makeTempDir();
  const clock = options.clock ?? createManualClock();
  const logger = createMemoryLogger();
  const services = createServices({
    dataDir: temp.dir,
    host: 'test',
    secrets: options.secrets ?? createMemorySecretStore(),
    preferences: createMemoryPreferences(),
    clock,
    logger,
    validateOutput: true,
    ...(options.providers ? { providers: options.providers } : {}),
    mirrorRetryDelaysMs: [1, 1, 1],
    ...(options.connections ? { connections: options.connections } : {}),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
  });
  return {
    services,
    dataDir: temp.dir,
    clock,
    logger,
    cleanup() {
      services.close();
      temp.cleanup();
    },
  };
}
