import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import { defineMigrations } from '../store/migrations.ts';
import { createFaultInjector, routePattern } from './sandbox-faults.ts';
import type { SandboxProvider } from './sandbox-provider.ts';
import { SandboxServer } from './sandbox-server.ts';
import { seededRandom } from './seeded-random.ts';

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

/** Statuses of `count` requests to a fresh server whose faults draw from `random` (undefined: Math.random). */
async function statusesUnderRule(random: (() => number) | undefined, rule: unknown, count: number): Promise<number[]> {
  const dir = makeTempDir();
  const other = new SandboxServer({ dataDir: dir.dir, providers: () => [echo], random });
  try {
    const { url } = await other.listen();
    const set = await fetch(`${url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [rule] }) });
    expect(set.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await fetch(`${url}/echo/p`);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    return statuses;
  } finally {
    await other.close();
    dir.cleanup();
  }
}

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

  it('fails about the rule\'s share of requests with a fractional probability, reproducibly for a seeded random', async () => {
    const rule = { route: '/echo/*', probability: 0.5, status: [500, 503] };
    const first = await statusesUnderRule(seededRandom(42), rule, 200);
    const failures = first.filter((s) => s !== 200);
    expect(failures.length).toBeGreaterThanOrEqual(70);
    expect(failures.length).toBeLessThanOrEqual(130);
    // Failures pick among the listed statuses; everything else passes through.
    expect(new Set(failures)).toEqual(new Set([500, 503]));
    expect(first.every((s) => [200, 500, 503].includes(s))).toBe(true);
    // The same seed replays the same outcomes, request by request; another seed does not.
    expect(await statusesUnderRule(seededRandom(42), rule, 200)).toEqual(first);
    expect(await statusesUnderRule(seededRandom(7), rule, 200)).not.toEqual(first);
    // A low probability fails a small share.
    const rare = (await statusesUnderRule(seededRandom(42), { route: '/echo/*', probability: 0.1, status: [502] }, 200)).filter((s) => s === 502).length;
    expect(rare).toBeGreaterThanOrEqual(5);
    expect(rare).toBeLessThanOrEqual(40);
  });

  it('uses Math.random when no random is given (bounds loose enough never to flake)', async () => {
    const statuses = await statusesUnderRule(undefined, { route: '/echo/*', probability: 0.5, status: [503] }, 200);
    const failures = statuses.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThanOrEqual(40);
    expect(failures).toBeLessThanOrEqual(160);
  });

  it('draws one number to decide and one to pick the status; a draw equal to the probability passes', () => {
    const draws = [0.24, 0.99, 0.25, 0.1, 0.0];
    const injector = createFaultInjector(() => draws.shift()!);
    injector.set([{ route: '/x', probability: 0.25, status: [500, 503, 200] }]);
    // 0.24 < 0.25 fails; 0.99 picks the third choice, and 200 means pass through.
    expect(injector.pick('GET', '/x')).toBeUndefined();
    expect(injector.pick('GET', '/x')).toBeUndefined(); // 0.25 is not < 0.25
    expect(injector.pick('GET', '/x')).toBe(500); // 0.1 fails; 0.0 picks the first
    expect(injector.pick('GET', '/elsewhere')).toBeUndefined();
    expect(draws).toEqual([]);
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
