import { createHubSpotGateway, type HubSpotGateway } from '../../core/hubspot/hubspot-gateway.ts';
import { createRequestBudget } from '../../core/hubspot/request-budget.ts';
import { limitsFor } from '../../core/hubspot/tiers.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import type { TestSandbox } from './hubspot-sandbox.ts';

/**
 * The real gateway on a test sandbox with a static private-app token: what a connected workspace
 * gets from the connections domain, for tests of code that takes a gateway.
 */
export function sandboxGateway(sandbox: Pick<TestSandbox, 'url' | 'token'>, token = sandbox.token): HubSpotGateway {
  return createHubSpotGateway({
    baseUrl: sandbox.url,
    tokens: { current: async () => ({ accessToken: token, kind: 'private_app' }), rejected: async () => false },
    budget: createRequestBudget({ limits: limitsFor('enterprise', 'private_app'), clock: { now: () => Date.now() } }),
    logger: createMemoryLogger(),
    timeoutMs: 10_000,
  });
}
