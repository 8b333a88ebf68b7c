import fs from 'node:fs';
import { z } from 'zod';
import { HubSpotTier } from '../hubspot/tiers.ts';
import type { Logger } from '../ports/logger.ts';
import type { ProviderAccess } from './provider-access.ts';
import { createStaticProviders } from './static-providers.ts';

const DevProviders = z.object({
  hubspot: z.object({ baseUrl: z.url(), token: z.string().min(1), tier: z.union([HubSpotTier, z.literal('unlimited')]).optional() }).optional(),
  stripe: z.object({ baseUrl: z.url(), key: z.string().min(1) }).optional(),
});

/**
 * Development and test seam until the connections domain is wired: `SYNCDESK_DEV_PROVIDERS` names
 * a JSON file `{ hubspot: { baseUrl, token, tier? }, stripe?: { baseUrl, key } }` whose
 * credentials every workspace of this process uses — the sandbox portal's, in end-to-end tests.
 */
export function devProvidersFromEnv(logger: Logger, env: NodeJS.ProcessEnv = process.env): ProviderAccess | undefined {
  const file = env.SYNCDESK_DEV_PROVIDERS;
  if (!file) return undefined;
  const parsed = DevProviders.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`SYNCDESK_DEV_PROVIDERS (${file}): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  logger.warn('using development provider credentials for every workspace', { file });
  const { hubspot, stripe } = parsed.data;
  return createStaticProviders({
    ...(hubspot ? { hubspot: { baseUrl: hubspot.baseUrl, token: hubspot.token, ...(hubspot.tier ? { tier: hubspot.tier } : {}) } } : {}),
    ...(stripe ? { stripe } : {}),
  });
}
