import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import { repoRoot } from '../../test/harness/openapi.ts';
import { DEFAULT_OAUTH_APP } from './hubspot/hubspot-auth.ts';
import { DEFAULT_PORTAL, SECOND_PORTAL } from './hubspot/hubspot-portals.ts';
import { type RunningSandbox, startSandbox } from './start-sandbox.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs `syncdesk sandbox <args>` on a temp data folder (stopped after the test); resolves with its first output line. */
async function runSandboxCli(args: string[], stdin: 'pipe' | 'ignore' = 'pipe') {
  const temp = makeTempDir('syncdesk-cli-');
  cleanups.push(temp.cleanup);
  const child = spawn(process.execPath, [path.join(repoRoot, 'core', 'cli', 'syncdesk.ts'), 'sandbox', '--data', temp.dir, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
  cleanups.push(() => {
    child.kill();
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  return { child, line };
}

async function start(options: Partial<Parameters<typeof startSandbox>[0]> = {}, dir?: string): Promise<RunningSandbox & { dir: string }> {
  let dataDir = dir;
  if (!dataDir) {
    const temp = makeTempDir('syncdesk-sandbox-');
    cleanups.push(temp.cleanup);
    dataDir = temp.dir;
  }
  const sandbox = await startSandbox({ dataDir, ...options });
  cleanups.push(() => sandbox.close());
  return { ...sandbox, dir: dataDir };
}

const get = async (url: string, token?: string) => {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as any };
};

describe('startSandbox', () => {
  it('starts in one call with the default portal, the default OAuth app and a registered token', async () => {
    const token = 'pat-na1-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const sb = await start({ token: { token, scopes: ['crm.objects.contacts.read'] }, seed: 40 });
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.portal.portalId).toBe(DEFAULT_PORTAL.portalId);
    expect(sb.oauthApp).toEqual({ clientId: DEFAULT_OAUTH_APP.clientId, clientSecret: DEFAULT_OAUTH_APP.clientSecret, redirectUris: DEFAULT_OAUTH_APP.redirectUris });
    expect(sb.seeded).toMatchObject({ contacts: 40, companies: 10, deals: 8, owners: 8 });
    const list = await get(`${sb.url}/crm/v3/objects/contacts?limit=100`, token);
    expect(list.body.results).toHaveLength(40);
    expect((await get(`${sb.url}/crm/v3/objects/companies`, token)).status).toBe(403);
    const portals = await get(`${sb.url}/__sandbox/portals`);
    expect(portals.body.results.map((p: { portalId: number }) => p.portalId)).toEqual([DEFAULT_PORTAL.portalId, SECOND_PORTAL.portalId]);
  });

  it('seeds deterministically, only into an empty portal, and persists across restarts', async () => {
    const a = await start({ seed: 60 });
    const b = await start({ seed: 60 });
    const strip = (r: { results: Array<{ properties: Record<string, string> }> }) =>
      r.results.map((c) => [c.properties.email, c.properties.lifecyclestage, c.properties.plan_interest, c.properties.hs_object_id]);
    const stateA = await get(`${a.url}/__sandbox/state/contacts`);
    expect(strip(stateA.body)).toEqual(strip((await get(`${b.url}/__sandbox/state/contacts`)).body));
    const again = await fetch(`${a.url}/__sandbox/seed`, { method: 'POST', body: JSON.stringify({ contacts: 5 }) });
    expect(again.status).toBe(409);
    await a.close();
    const reopened = await start({ seed: 60 }, a.dir);
    expect(reopened.seeded).toBeUndefined();
    expect(reopened.seedSkipped).toMatch(/already has records/);
    expect((await get(`${reopened.url}/__sandbox/state/contacts`)).body.results).toHaveLength(60);
    // State of the second portal is separate; reset empties everything and keeps the startup token.
    expect((await get(`${reopened.url}/__sandbox/state/contacts?portalId=${SECOND_PORTAL.portalId}`)).body.results).toEqual([]);
    expect((await fetch(`${reopened.url}/__sandbox/reset`, { method: 'POST' })).status).toBe(200);
    expect((await get(`${reopened.url}/__sandbox/state/contacts`)).body.results).toEqual([]);
    expect((await get(`${reopened.url}/__sandbox/portals`)).body.results).toHaveLength(2);
  });

  it('reports the lists and owners in state, archived records included', async () => {
    const sb = await start({ seed: 20 });
    expect((await get(`${sb.url}/__sandbox/state/lists`)).body.results.map((l: { name: string; processingType: string }) => [l.name, l.processingType])).toEqual([
      ['Newsletter subscribers', 'MANUAL'],
      ['Customers', 'DYNAMIC'],
    ]);
    expect((await get(`${sb.url}/__sandbox/state/owners`)).body.results).toHaveLength(8);
    expect((await get(`${sb.url}/__sandbox/state/widgets`)).status).toBe(404);
  });
});

describe('syncdesk sandbox (CLI)', () => {
  it('prints its URL and details as JSON, serves HubSpot, and stops when stdin closes', async () => {
    const token = 'pat-na1-12345678-1234-4234-8234-123456789abc';
    const { child, line } = await runSandboxCli(['--seed', '25', '--token', `${token}:crm.objects.contacts.read`, '--tier', 'free', '--no-limits', '--json', '--exit-on-stdin-close']);
    const info = JSON.parse(line);
    expect(info).toMatchObject({ port: expect.any(Number), portalId: DEFAULT_PORTAL.portalId, token, oauth: { clientId: DEFAULT_OAUTH_APP.clientId, clientSecret: DEFAULT_OAUTH_APP.clientSecret } });
    expect(info.url).toBe(`http://127.0.0.1:${info.port}`);
    const res = await fetch(`${info.url}/crm/v3/objects/contacts?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(25);
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin!.end();
    expect(await exited).toBe(0);
  });

  it('prints "sandbox listening on <url>" and stops on SIGTERM', async () => {
    const { child, line } = await runSandboxCli([], 'ignore');
    expect(line).toMatch(/^sandbox listening on http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${line.slice('sandbox listening on '.length)}/__sandbox/health`);
    expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('hides a just-created record from search until --search-lag-ms has passed', async () => {
    const token = 'pat-na1-87654321-4321-4321-8321-cba987654321';
    const lagMs = 500;
    const { child, line } = await runSandboxCli(['--token', token, '--search-lag-ms', String(lagMs), '--no-limits', '--json', '--exit-on-stdin-close']);
    const { url } = JSON.parse(line) as { url: string };
    expect((await get(`${url}/__sandbox/settings`)).body).toMatchObject({ searchLagMs: lagMs });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const search = async () => {
      const res = await fetch(`${url}/crm/v3/objects/contacts/search`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'lagging@example.com' }] }] }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { total: number }).total;
    };
    const before = Date.now();
    const created = await fetch(`${url}/crm/v3/objects/contacts`, { method: 'POST', headers, body: JSON.stringify({ properties: { email: 'lagging@example.com' } }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(await search()).toBe(0);
    // Reads by id see it at once; only search lags.
    expect((await get(`${url}/crm/v3/objects/contacts/${id}`, token)).status).toBe(200);
    // Found only once the lag has passed (the record was created no earlier than `before`).
    let total = 0;
    while (total === 0) {
      expect(Date.now() - before).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      total = await search();
      if (total === 0) expect(Date.now() - before).toBeLessThan(lagMs + 5_000);
    }
    expect(total).toBe(1);
    expect(Date.now() - before).toBeGreaterThanOrEqual(lagMs);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin!.end();
    expect(await exited).toBe(0);
  });

  it('refuses bad flags with exit code 2', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'core', 'cli', 'syncdesk.ts'), 'sandbox', '--tier', 'gold'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(err).toContain('--tier must be one of free, starter, pro, enterprise, addon');
  });

  it('refuses a --search-lag-ms that is not a number ≥ 0 with exit code 2', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'core', 'cli', 'syncdesk.ts'), 'sandbox', '--search-lag-ms', 'soon'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(err).toContain('--search-lag-ms must be a number of milliseconds ≥ 0.');
  });
});
