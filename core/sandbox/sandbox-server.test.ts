import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import { defineMigrations } from '../store/migrations.ts';
import { routePattern } from './sandbox-faults.ts';
import type { SandboxProvider } from './sandbox-provider.ts';
import { SandboxServer } from './sandbox-server.ts';

/** A provider that echoes, to test the server's own behaviour. */
const echo: SandboxProvider = {
  name: 'echo',
  migrations: defineMigrations('echo', [{ id: 1, name: 'hits', sql: 'create table hits (path text)' }]),
  handle: (req) => (req.path.startsWith('/echo') ? { status: 200, body: { path: req.path, q: req.query.get('q') } } : undefined),
  state: (type) => (type === 'hits' ? [{ path: '/echo' }] : undefined),
  faultResponse: (req, status) => (req.path.startsWith('/echo') ? { status, body: { from: 'echo', status } } : undefined),
  reset: () => {},
};

let temp: ReturnType<typeof makeTempDir>;
let server: SandboxServer;
let base: string;
beforeEach(async () => {
  temp = makeTempDir();
  server = new SandboxServer({ dataDir: temp.dir, providers: () => [echo], random: () => 0 });
  base = (await server.listen()).url;
});
afterEach(async () => {
  await server.close();
  temp.cleanup();
});

const admin = (route: string, body: unknown) =>
  fetch(`${base}/__sandbox/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('SandboxServer', () => {
  it('binds to loopback and routes to providers, with JSON and a charset', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${base}/echo/x?q=1`);
    expect(res.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(await res.json()).toEqual({ path: '/echo/x', q: '1' });
    const missing = await fetch(`${base}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
  });

  it('plays a fault sequence, then passes through', async () => {
    await admin('faults', { rules: [{ route: '/echo/*', sequence: [429, 500, 200] }] });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}/echo/a`)).status);
    expect(statuses).toEqual([429, 500, 200, 200]);
  });

  it('asks the provider for the fault body, and resets sockets on "reset"', async () => {
    await admin('faults', { rules: [{ route: '/echo/**', probability: 1, status: [503] }] });
    const res = await fetch(`${base}/echo/deep/path`);
    expect(await res.json()).toEqual({ from: 'echo', status: 503 });
    await admin('faults', { rules: [{ route: '/echo/*', sequence: ['reset'] }] });
    await expect(fetch(`${base}/echo/a`)).rejects.toThrow();
    await admin('faults', { rules: [] });
    expect((await fetch(`${base}/echo/a`)).status).toBe(200);
  });

  it('holds a request forever on "timeout"', async () => {
    await admin('faults', { rules: [{ route: '/echo/a', sequence: ['timeout'] }] });
    await expect(fetch(`${base}/echo/a`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
  });

  it('refuses malformed fault rules with a reason', async () => {
    const res = await admin('faults', { rules: [{ route: '/x' }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/sequence/);
  });

  it('moves the simulated clock and reports state', async () => {
    const before = server.clock.now();
    const res = await admin('clock', { advanceMs: 3_600_000 });
    expect(((await res.json()) as { now: number }).now).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(await (await fetch(`${base}/__sandbox/state/hits`)).json()).toEqual({ results: [{ path: '/echo' }] });
    expect((await fetch(`${base}/__sandbox/state/nope`)).status).toBe(404);
  });

  it('matches route patterns by segment', () => {
    expect(routePattern('/crm/v3/objects/contacts/batch/*').test('/crm/v3/objects/contacts/batch/upsert')).toBe(true);
    expect(routePattern('/crm/v3/objects/*').test('/crm/v3/objects/contacts/batch')).toBe(false);
    expect(routePattern('/crm/**').test('/crm/v3/objects/contacts/batch')).toBe(true);
  });
});
