import { createServices, type HostPorts, type Services } from '../../core/app/create-services.ts';
import type { MethodInput, MethodName, MethodOutput } from '../../core/contract/api.ts';
import type { AppErrorData } from '../../core/contract/errors.ts';
import { AppError } from '../../core/errors.ts';
import type { HubSpotGateway } from '../../core/hubspot/hubspot-gateway.ts';
import { createManualClock, type ManualClock } from '../../core/ports/clock.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { makeTempDir } from './temp-dir.ts';

export interface ServicesWithHubSpot {
  services: Services;
  clock: ManualClock;
  /** Every event core emitted, in order. */
  events: Array<{ event: string; payload: unknown }>;
  /** false: every workspace answers not_connected, as an unconnected one does. */
  setConnected(connected: boolean): void;
  /** Every workspace reaches HubSpot through this gateway from now on. */
  setGateway(gateway: HubSpotGateway): void;
  /** A call through the router, as the renderer makes it (input and output checked against the contract). */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** The error a call fails with (throws if it succeeds). */
  failure(method: MethodName, input: unknown): Promise<AppErrorData>;
  cleanup(): void;
}

/**
 * Core whose workspaces all reach HubSpot through `gateway` (a sandbox's): what a connected
 * workspace looks like until the connections domain provides the gateways.
 */
export function createServicesWithHubSpot(gateway: HubSpotGateway, ports: Pick<HostPorts, 'push' | 'clock'> & { dataDir?: string } = {}): ServicesWithHubSpot {
  const { dataDir, ...hostPorts } = ports;
  const temp = dataDir ? { dir: dataDir, cleanup: () => {} } : makeTempDir();
  const clock = (hostPorts.clock as ManualClock | undefined) ?? createManualClock();
  let connected = true;
  let current = gateway;
  const events: ServicesWithHubSpot['events'] = [];
  const services = createServices({
    dataDir: temp.dir,
    host: 'test',
    secrets: createMemorySecretStore(),
    preferences: createMemoryPreferences(),
    clock,
    logger: createMemoryLogger(),
    validateOutput: true,
    ...hostPorts,
    hubspot: async () => {
      if (!connected) throw new AppError('not_connected', "HubSpot isn't connected for this workspace.", { retryable: false });
      return current;
    },
  });
  services.events.subscribe((event, payload) => events.push({ event, payload }));
  return {
    services,
    clock,
    events,
    setConnected: (value) => {
      connected = value;
    },
    setGateway: (value) => {
      current = value;
    },
    async call(method, input) {
      const result = await services.router.handle(method, input, { client: 'test' });
      if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code, details: result.error.details });
      return result.value as never;
    },
    async failure(method, input) {
      const result = await services.router.handle(method, input, { client: 'test' });
      if (result.ok) throw new Error(`${method} unexpectedly succeeded`);
      return result.error;
    },
    cleanup() {
      services.close();
      temp.cleanup();
    },
  };
}
