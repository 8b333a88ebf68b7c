import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../app/create-services.ts';
import type { OAuthAttempt } from '../contract/connections.ts';
import { createManualClock } from '../ports/clock.ts';
import { createFileLogger } from '../ports/logger.ts';
import { createMemoryPreferences } from '../ports/preferences.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import { createMemorySecretStore } from '../secrets/memory-secret-store.ts';
import { startFakeHubSpot } from '../../test/harness/fake-hubspot.ts';
import { startFakeStripe } from '../../test/harness/fake-stripe.ts';
import { createManualSchedule } from '../../test/harness/manual-schedule.ts';
import { makeTempDir } from '../../test/harness/temp-dir.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('secrets at rest', () => {
  it('after connect, refresh, check and disconnect, no token, secret or key is in any database, WAL, log or contract output', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    const clock = createManualClock(Date.UTC(2026, 5, 1, 9));
    const timers = createManualSchedule(clock);
    const hubspot = await startFakeHubSpot({ now: () => clock.now() });
    cleanups.push(() => hubspot.close());
    const stripe = await startFakeStripe();
    cleanups.push(() => stripe.close());

    // Every value that ever enters the secret store is a secret to look for.
    const seen = new Set<string>();
    const memory = createMemorySecretStore();
    const secrets: SecretStore = {
      ...memory,
      set: async (key, value) => {
        seen.add(value);
        await memory.set(key, value);
      },
      status: () => ({ kind: 'keychain' }),
    };
    const services: Services = createServices({
      dataDir: temp.dir,
      host: 'test',
      secrets,
      preferences: createMemoryPreferences(),
      clock,
      logger: createFileLogger(path.join(temp.dir, 'logs'), 'debug'),
      validateOutput: true,
      openExternal: async () => {},
      connections: { oauth: { ports: [0], schedule: timers.schedule }, tokens: { sleep: async () => {} }, timeoutMs: 5000 },
    });
    cleanups.push(() => services.close());
    const outputs: unknown[] = [];
    services.events.subscribe((event, payload) => outputs.push({ event, payload }));
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const result = await services.router.handle(method, input, { client: 'test' });
      outputs.push(result);
      if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
      return result.value as T;
    };

    const oauthWs = (await call<{ id: string }>('workspaces.create', { name: 'OAuth client' })).id;
    const patWs = (await call<{ id: string }>('workspaces.create', { name: 'Token client' })).id;

    // OAuth connect through the loopback callback.
    const attempt = await call<OAuthAttempt>('connections.startHubSpotOAuth', {
      workspaceId: oauthWs,
      clientId: hubspot.clientId,
      clientSecret: hubspot.clientSecret,
      apiBase: hubspot.url,
      authBase: 'https://app.hubspot.test',
    });
    const url = new URL(attempt.authorizeUrl);
    const code = hubspot.authorize({
      redirectUri: attempt.redirectUri,
      codeChallenge: url.searchParams.get('code_challenge')!,
      scopes: [...url.searchParams.get('scope')!.split(' '), ...url.searchParams.get('optional_scope')!.split(' ')],
    });
    expect((await fetch(`${attempt.redirectUri}?code=${code}&state=${url.searchParams.get('state')}`)).status).toBe(200);

    // Use it, let it expire and refresh, use it again.
    const gateway = await services.providers.hubspot(oauthWs);
    await gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' });
    clock.advance(27 * 60_000);
    await gateway.request('owners', { method: 'GET', path: '/crm/v3/owners' });
    expect(hubspot.refreshCalls).toBe(1);

    // A private-app token and a Stripe key on the other workspace, and a check of both.
    await call('connections.connectHubSpotToken', { workspaceId: patWs, token: hubspot.privateToken(), apiBase: hubspot.url });
    await call('connections.connectStripe', { workspaceId: patWs, key: stripe.createKey(), apiBase: stripe.url });
    await call('connections.check', { workspaceId: patWs });
    await call('connections.check', { workspaceId: oauthWs });
    // A refused call logs its failure (redacted).
    await call('connections.connectHubSpotToken', { workspaceId: patWs, token: 'pat-na1-11111111-2222-4333-8444-555555555555', apiBase: hubspot.url }).catch(() => {});

    await call('connections.disconnect', { workspaceId: oauthWs, provider: 'hubspot' });
    await call('connections.disconnect', { workspaceId: patWs, provider: 'hubspot' });
    await call('connections.disconnect', { workspaceId: patWs, provider: 'stripe' });
    await call('connections.list', {});
    expect(await memory.keys('')).toEqual([]);

    // 2 OAuth access tokens, 1 refresh token, 1 client secret, 1 private-app token, 1 Stripe key at least.
    expect(seen.size).toBeGreaterThanOrEqual(6);
    const files = filesUnder(temp.dir);
    expect(files.some((f) => f.endsWith('.db'))).toBe(true);
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    expect(files.some((f) => f.endsWith('.log'))).toBe(true);
    const outputText = JSON.stringify(outputs);
    for (const secret of seen) {
      for (const file of files) expect(fs.readFileSync(file).includes(Buffer.from(secret)), `${path.relative(temp.dir, file)} holds a secret`).toBe(false);
      expect(outputText.includes(secret), 'a contract output holds a secret').toBe(false);
    }
    // The refused token never reached a file either.
    for (const file of files) expect(fs.readFileSync(file).includes(Buffer.from('11111111-2222-4333-8444-555555555555'))).toBe(false);
  });
});
