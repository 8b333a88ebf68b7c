// npm run bench:connections — what a user waits for when connecting, measured against the sandbox portal.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createServices } from '../../app/create-services.ts';
import type { OAuthAttempt } from '../../contract/connections.ts';
import { createManualClock } from '../../ports/clock.ts';
import { nullLogger } from '../../ports/logger.ts';
import { createMemoryPreferences } from '../../ports/preferences.ts';
import { createMemorySecretStore } from '../../secrets/memory-secret-store.ts';
import { makeTempDir } from '../../../test/harness/temp-dir.ts';
import { startTestSandbox } from '../../../test/harness/hubspot-sandbox.ts';
import { createEmbeddedSandbox } from '../embedded-sandbox.ts';

const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;
const keychainLike = () => ({ ...createMemorySecretStore(), status: () => ({ kind: 'keychain' as const }) });
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

// 1. Try the sandbox: start the embedded sandbox (first start seeds 500 contacts), create and connect a workspace.
{
  const temp = makeTempDir();
  const sandbox = createEmbeddedSandbox({ dataDir: temp.dir, logger: nullLogger });
  const services = createServices({ dataDir: temp.dir, host: 'test', secrets: keychainLike(), preferences: createMemoryPreferences(), logger: nullLogger, sandbox });
  let start = performance.now();
  const first = await services.router.handle('connections.createSandboxWorkspace', {}, { client: 'bench' });
  if (!first.ok) throw new Error(first.error.message);
  console.log(`Try the sandbox, first time (start + seed 500 contacts + connect HubSpot and Stripe): ${ms(start)}`);
  start = performance.now();
  await services.router.handle('connections.createSandboxWorkspace', {}, { client: 'bench' });
  console.log(`Try the sandbox, sandbox already running:                                           ${ms(start)}`);
  services.close();
  await sandbox.close();
  temp.cleanup();
}

const sb = await startTestSandbox({ seed: 100 });
const port = await freePort();
const app = (await sb.admin('oauth/apps', { redirectUris: [`http://localhost:${port}/oauth/callback`] })).body as { clientId: string; clientSecret: string };
const clock = createManualClock(sb.server.clock.now());
const temp = makeTempDir();
const services = createServices({
  dataDir: temp.dir,
  host: 'test',
  secrets: keychainLike(),
  preferences: createMemoryPreferences(),
  logger: nullLogger,
  clock,
  openExternal: async () => {},
  connections: { oauth: { ports: [port] } },
});
const call = async <T>(method: string, input: unknown): Promise<T> => {
  const result = await services.router.handle(method, input, { client: 'bench' });
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
};

// 2. Private app token: verify (token info + account details) and store.
{
  const id = (await call<{ id: string }>('workspaces.create', { name: 'PAT' })).id;
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await call('connections.connectHubSpotToken', { workspaceId: id, token: sb.hubspot.createToken().token, apiBase: sb.url });
    runs.push(performance.now() - start);
  }
  console.log(`Private app token connect (verify + store), median of 5: ${runs.sort((a, b) => a - b)[2]!.toFixed(0)} ms`);
}

// 3. OAuth: from HubSpot's redirect reaching the loopback server to the page saying Connected (exchange, verify, store).
const oauthId = (await call<{ id: string }>('workspaces.create', { name: 'OAuth' })).id;
{
  const attempt = await call<OAuthAttempt>('connections.startHubSpotOAuth', { workspaceId: oauthId, clientId: app.clientId, clientSecret: app.clientSecret, apiBase: sb.url, authBase: sb.url });
  const html = await (await fetch(attempt.authorizeUrl)).text();
  const form = new URLSearchParams(Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')])));
  form.set('portal_id', String(sb.portal.portalId));
  form.set('action', 'approve');
  for (const m of html.matchAll(/name="grant_scope" value="([^"]+)"/g)) form.append('grant_scope', m[1]!);
  const redirect = await fetch(`${sb.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  const start = performance.now();
  const page = await fetch(redirect.headers.get('location')!);
  await page.text();
  console.log(`OAuth callback → Connected (code exchange + token info + account details + store): ${ms(start)}`);
}

// 4. 100 concurrent calls (one OAuth burst window holds 110) when the token is due for refresh: how many refreshes, how long.
{
  const gateway = await services.providers.hubspot(oauthId);
  await sb.admin('settings', { limits: false });
  clock.advance(26 * 60_000);
  await sb.admin('clock', { advanceMs: 26 * 60_000 });
  const before = services.connections.view(oauthId).hubspot.accessExpiresAt;
  let refreshes = 0;
  const stop = services.events.subscribe((event, payload) => {
    // Each refresh stores the new expiry and says so once.
    if (event === 'connections.onDidChange' && (payload as { hubspot: { accessExpiresAt: string | null } }).hubspot.accessExpiresAt !== before) refreshes++;
  });
  const start = performance.now();
  await Promise.all(Array.from({ length: 100 }, () => gateway.call('owners', (c) => c.crm.owners.ownersApi.getPage())));
  stop();
  console.log(`100 concurrent calls across a token refresh: ${ms(start)}, token refreshes: ${refreshes}`);
}

services.close();
await sb.stop();
temp.cleanup();
