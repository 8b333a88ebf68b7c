import { createHubSpotGateway, type HubSpotGateway } from '../../core/hubspot/hubspot-gateway.ts';
import { createRequestBudget } from '../../core/hubspot/request-budget.ts';
import { limitsFor } from '../../core/hubspot/tiers.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import type { TestSandbox } from './hubspot-sandbox.ts';

export interface SandboxGatewayOptions {
  /** The budget's waits (after a 429, at the burst limit) pass at once: tests of the push schedule don't sit through HubSpot's 10 s windows. */
  instantWaits?: boolean;
  timeoutMs?: number;
  baseUrl?: string;
}

/**
 * The real gateway on a test sandbox with a static private-app token: what a connected workspace
 * gets from the connections domain, for tests of code that takes a gateway.
 */
export function sandboxGateway(sandbox: Pick<TestSandbox, 'url' | 'token'>, token = sandbox.token, options: SandboxGatewayOptions = {}): HubSpotGateway {
  let skew = 0;
  const clock = options.instantWaits ? { now: () => Date.now() + skew } : { now: () => Date.now() };
  return createHubSpotGateway({
    baseUrl: options.baseUrl ?? sandbox.url,
    tokens: { current: async () => ({ accessToken: token, kind: 'private_app' }), rejected: async () => false },
    budget: createRequestBudget({
      limits: limitsFor('enterprise', 'private_app'),
      clock,
      ...(options.instantWaits
        ? {
            sleep: async (ms: number) => {
              skew += ms;
            },
          }
        : {}),
    }),
    logger: createMemoryLogger(),
    timeoutMs: options.timeoutMs ?? 10_000,
  });
}
