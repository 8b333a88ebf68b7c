import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { sandboxGateway } from '../../test/harness/sandbox-gateway.ts';
import { createServicesWithHubSpot, type ServicesWithHubSpot } from '../../test/harness/services-with-hubspot.ts';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import type { PushProgress } from '../contract/push.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import type { ManualClock } from '../ports/clock.ts';

/** The runner with real timers: it works the queue while the host runs, alone per workspace across processes. */

let sandbox: TestSandbox;
let gateway: HubSpotGateway;
beforeAll(async () => {
  sandbox = await startTestSandbox({ seed: 0 });
  gateway = sandboxGateway(sandbox);
}, 60_000);
afterAll(async () => {
  gateway.close();
  await sandbox.stop();
});

const realClock = (): ManualClock => ({ now: () => Date.now(), set() {}, advance() {} });
const fast = { runner: { pollMs: 50, probeMs: 50, leaseMs: 5000 } };

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, show?: () => unknown) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting ${show ? JSON.stringify(show()) : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function leadsFor(core: ServicesWithHubSpot, workspaceId: string, n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => core.services.leads.create(workspaceId, { firstName: `R${i}`, email: `${prefix}${i}@runner.example`, company: `Runner Co ${i % 7}` }).id);
}

describe('the push runner', () => {
  it('works the queue in batches, emits progress with counts and rate, and ends the run when idle', async () => {
    const core = createServicesWithHubSpot(gateway, { clock: realClock(), push: fast });
    const workspaceId = core.services.workspaces.create({ name: 'Run', kind: 'hubspot' }).id;
    const ids = leadsFor(core, workspaceId, 230, `a${Date.now()}-`);
    const runner = core.services.startPush([workspaceId]);
    await core.call('push.leads', { workspaceId, target: { kind: 'ids', ids } });
    const progressEvents = () => core.events.filter((e) => e.event === 'push.onDidProgress').map((e) => e.payload as PushProgress);
    // The run ends with a last progress event that says so.
    await until(() => progressEvents().at(-1)?.active === false && progressEvents().at(-1)!.counts.succeeded > 0);
    const progress = progressEvents();
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ active: false, counts: { succeeded: 230, queued: 0, running: 0 } });
    // The rates cover the last ten seconds: the run's end still reports them.
    expect(last.leadsPerSecond).toBeGreaterThan(0);
    expect(last.callsPerSecond).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ active: true, counts: { queued: 230 } });
    const counts = core.services.push.countJobs(workspaceId, (await core.call('push.jobs', { workspaceId, limit: 500 })).items.map((j) => Number(j.jobId)));
    expect(counts.succeeded).toBe(230);
    await runner.stop();
    core.cleanup();
  });

  it('two hosts on one data folder: one pushes a workspace at a time, each job once; the other takes over when it stops', async () => {
    const dataDir = makeTempDir('syncdesk-two-');
    const a = createServicesWithHubSpot(gateway, { clock: realClock(), push: fast, dataDir: dataDir.dir });
    const workspaceId = a.services.workspaces.create({ name: 'Shared', kind: 'hubspot' }).id;
    const b = createServicesWithHubSpot(gateway, { clock: realClock(), push: fast, dataDir: dataDir.dir });
    const runA = a.services.startPush([workspaceId]);
    const runB = b.services.startPush([workspaceId]);
    const batches = (host: ServicesWithHubSpot) => host.events.filter((e) => e.event === 'push.onDidChangeHistory').length;
    const heldSeen = { a: false, b: false };
    const watch = setInterval(() => {
      heldSeen.a ||= a.services.push.runner!.state(workspaceId).heldElsewhere;
      heldSeen.b ||= b.services.push.runner!.state(workspaceId).heldElsewhere;
    }, 5);

    const prefix = `two${Date.now()}-`;
    const ids = leadsFor(b, workspaceId, 250, prefix);
    await b.call('push.leads', { workspaceId, target: { kind: 'ids', ids } });
    const done = () => a.services.push.countJobs(workspaceId, ids.map((_, i) => i + 1)).succeeded === 250;
    await until(done);
    clearInterval(watch);
    // Three batches, all by one host; the other found the queue held.
    const [holder, other] = batches(a) > 0 ? [a, b] : [b, a];
    expect(batches(holder)).toBe(3);
    expect(batches(other)).toBe(0);
    expect(holder === a ? heldSeen.b : heldSeen.a).toBe(true);
    const jobs = (await a.call('push.jobs', { workspaceId, limit: 500 })).items;
    expect(jobs.every((j) => j.attempts === 1)).toBe(true);
    const pushed = (await sandbox.call<{ results: Array<{ properties: Record<string, string> }> }>('GET', '/__sandbox/state/contacts', { token: null })).body.results.filter((c) => c.properties.email?.startsWith(prefix));
    expect(pushed).toHaveLength(250);

    // The holder stops (its lease goes with it): the other pushes what comes next.
    await (holder === a ? runA : runB).stop();
    const more = leadsFor(other, workspaceId, 5, `${prefix}late-`);
    await other.call('push.leads', { workspaceId, target: { kind: 'ids', ids: more } });
    await until(() => batches(other) > 0 && other.services.push.progress(workspaceId).counts.queued === 0 && other.services.push.progress(workspaceId).counts.running === 0);
    expect(other.services.push.countJobs(workspaceId, [251, 252, 253, 254, 255]).succeeded).toBe(5);
    await (holder === a ? runB : runA).stop();
    b.cleanup();
    a.cleanup();
    dataDir.cleanup();
  });

  it('jobs left paused by an earlier run resume in a new runner', async () => {
    const core = createServicesWithHubSpot(gateway, { clock: realClock(), push: { runner: { ...fast.runner, pausedRetryMs: 300 } } });
    const workspaceId = core.services.workspaces.create({ name: 'Paused', kind: 'hubspot' }).id;
    const ids = leadsFor(core, workspaceId, 2, `paused${Date.now()}-`);
    await core.call('push.leads', { workspaceId, target: { kind: 'ids', ids } });
    const { jobs } = core.services.pushEngine.storesFor(workspaceId);
    expect(jobs.holdReady('paused_reauthorize', 'reconnect', Date.now())).toBe(2);
    const runner = core.services.startPush([workspaceId]);
    expect(core.services.push.runner!.state(workspaceId).mode).toBe('paused');
    await until(() => core.services.push.progress(workspaceId).counts.succeeded === 2);
    await runner.stop();
    core.cleanup();
  });

  it('offline: jobs wait for the network, the probe finds it back, and they run', async () => {
    const offline = sandboxGateway(sandbox, sandbox.token, { baseUrl: 'http://syncdesk-offline.invalid', timeoutMs: 2000 });
    let networkBack = false;
    const core = createServicesWithHubSpot(offline, { clock: realClock(), push: { runner: { ...fast.runner, probe: async () => networkBack } } });
    const workspaceId = core.services.workspaces.create({ name: 'Off', kind: 'hubspot' }).id;
    const runner = core.services.startPush([workspaceId]);
    const ids = leadsFor(core, workspaceId, 3, `off${Date.now()}-`);
    await core.call('push.leads', { workspaceId, target: { kind: 'ids', ids } });
    await until(() => core.services.push.progress(workspaceId).counts.waiting_for_network === 3, 20_000, () => [core.services.push.progress(workspaceId), (core.services.logger as unknown as { lines: string[] }).lines.slice(-5)]);
    // Jobs queued while offline wait too.
    await core.call('push.leads', { workspaceId, target: { kind: 'ids', ids: leadsFor(core, workspaceId, 1, `off2${Date.now()}-`) } });
    await until(() => core.services.push.progress(workspaceId).counts.waiting_for_network === 4, 20_000, () => core.services.push.progress(workspaceId).counts);
    const waiting = (await core.call('push.jobs', { workspaceId })).items;
    expect(waiting.every((j) => j.failures === 0)).toBe(true);
    core.setGateway(gateway);
    networkBack = true;
    await until(() => core.services.push.progress(workspaceId).counts.succeeded === 4, 20_000, () => [core.services.push.progress(workspaceId).counts, core.services.push.runner?.state(workspaceId)]);
    await runner.stop();
    offline.close();
    core.cleanup();
  });
});
