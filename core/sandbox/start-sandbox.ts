import path from 'node:path';
import type { Logger } from '../ports/logger.ts';
import type { HubSpotProvider } from './hubspot/hubspot-provider.ts';
import type { Tier } from './hubspot/hubspot-portals.ts';
import type { SeedReport } from './hubspot/hubspot-seed.ts';
import { buildProviders, type StripeProviderLike } from './providers.ts';
import { SandboxServer } from './sandbox-server.ts';

export interface StartSandboxOptions {
  /** Folder of `sandbox.db`. */
  dataDir: string;
  /** 0 or absent: a free port. Always 127.0.0.1. */
  port?: number;
  tier?: Tier;
  /** Contacts to seed into the default portal (only if it is empty). */
  seed?: number;
  /** Registers this exact private-app token on the default portal (all scopes when none are given). */
  token?: { token: string; scopes?: string[] };
  searchLagMs?: number;
  /** false switches rate limits off (benchmarks). */
  limits?: boolean;
  logger?: Logger;
  /** Randomness for probabilistic faults. */
  random?: () => number;
}

export interface RunningSandbox {
  server: SandboxServer;
  url: string;
  port: number;
  hubspot: HubSpotProvider;
  stripe: StripeProviderLike;
  portal: { portalId: number; domain: string; name: string };
  oauthApp: { clientId: string; clientSecret: string; redirectUris: string[] };
  token?: string;
  seeded?: SeedReport;
  /** Why `seed` was not applied (the portal already had records). */
  seedSkipped?: string;
  close(): Promise<void>;
}

/** The default data folder of the sandbox: `<app data dir>/sandbox`. */
export const sandboxDataDir = (appDataDir: string) => path.join(appDataDir, 'sandbox');

/**
 * Starts a sandbox portal in one call: tests (`await startSandbox({dataDir})`), the CLI's
 * `syncdesk sandbox`, and the desktop app's "Try the sandbox" all use this.
 */
export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const server = new SandboxServer({
    dataDir: options.dataDir,
    port: options.port,
    logger: options.logger,
    random: options.random,
    providers: (ctx) =>
      buildProviders(ctx, {
        hubspot: { tier: options.tier, limits: options.limits, searchLagMs: options.searchLagMs, startupToken: options.token },
      }),
  });
  try {
    const hubspot = server.provider<HubSpotProvider>('hubspot');
    const stripe = server.provider<StripeProviderLike>('stripe');
    const portal = hubspot.defaultPortal();
    if (options.tier) for (const p of hubspot.portals()) hubspot.setTier(p.portalId, options.tier);
    let seeded: SeedReport | undefined;
    let seedSkipped: string | undefined;
    if (options.seed && options.seed > 0) {
      // Restarting with the same --seed on a kept data folder keeps what is there.
      if (hubspot.recordCount(portal.portalId) > 0) seedSkipped = `portal ${portal.portalId} already has records; not seeding again`;
      else seeded = hubspot.seed({ contacts: options.seed });
    }
    const { url, port } = await server.listen();
    const app = hubspot.defaultOAuthApp();
    return {
      server,
      url,
      port,
      hubspot,
      stripe,
      portal: { portalId: portal.portalId, domain: portal.domain, name: portal.name },
      oauthApp: { clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: app.redirectUris },
      token: options.token?.token,
      seeded,
      seedSkipped,
      close: () => server.close(),
    };
  } catch (error) {
    await server.close().catch(() => {});
    throw error;
  }
}
