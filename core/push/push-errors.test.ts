import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { createPushFixture, mappingRow, type PushFixture } from '../../test/harness/push-fixture.ts';
import { sandboxGateway } from '../../test/harness/sandbox-gateway.ts';
import type { JobDetail } from '../contract/push.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { RETRY_DELAYS_MS } from '../jobs/retry-schedule.ts';

/**
 * Every SPEC §4 error code a push can end with, and every step of the retry schedule, against the
 * sandbox portal with a manual clock: the schedule's waits are the product's, time is moved by hand.
 */

let sandbox: TestSandbox;
let gateway: HubSpotGateway;
const gateways: HubSpotGateway[] = [];
const made = (g: HubSpotGateway) => (gateways.push(g), g);

beforeAll(async () => {
  sandbox = await startTestSandbox({ seed: 5 });
  gateway = made(sandboxGateway(sandbox, sandbox.token, { instantWaits: true, timeoutMs: 400 }));
}, 60_000);
afterAll(async () => {
  for (const g of gateways) g.close();
  await sandbox.stop();
});

let f: PushFixture;
let n = 0;
const email = (name: string) => `${name}.${++n}.${Date.now()}@errors.example`;
beforeEach(async () => {
  f = createPushFixture(sandbox, gateway);
  await f.saveSettings({ company: { enabled: false } });
});
afterEach(async () => {
  await sandbox.admin('faults', { rules: [] });
  f.cleanup();
});

const push = async (ids: string[]) => (await f.call('push.leads', { workspaceId: f.workspaceId, target: { kind: 'ids', ids } })).jobIds;
const detail = (jobId: string) => f.call('push.job', { workspaceId: f.workspaceId, jobId }) as Promise<JobDetail>;
const faults = (rules: unknown[]) => sandbox.admin('faults', { rules });

describe('the retry schedule', () => {
  it('requeues a 429 immediately, then after 30 s, 2 min and 5 min, and fails with rate_limited when the 4th retry fails', async () => {
    await faults([{ route: '/crm/v3/objects/contacts/batch/upsert', sequence: [429, 429, 429, 429, 429] }]);
    const [jobId] = await push([f.lead({ firstName: 'Rita', email: email('rita') })]);
    const start = f.clock.now();

    await f.step();
    let job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'retrying', failures: 1, attempts: 1, nextAttemptAt: new Date(start).toISOString() });
    expect(job.error).toMatchObject({ code: 'rate_limited', title: 'HubSpot rate limit reached' });

    // Each retry runs exactly when its delay has passed, not a moment before.
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      if (delay > 0) {
        f.clock.advance(delay - 1);
        expect((await f.step()).claimed, `retry ${i + 1} ran early`).toBe(0);
        f.clock.advance(1);
      }
      expect((await f.step()).claimed).toBe(1);
      job = await detail(jobId!);
      if (i < RETRY_DELAYS_MS.length - 1) {
        expect(job).toMatchObject({ state: 'retrying', failures: i + 2, attempts: i + 2 });
        expect(Date.parse(job.nextAttemptAt!) - f.clock.now()).toBe(RETRY_DELAYS_MS[i + 1]);
      }
    }
    expect(job).toMatchObject({ state: 'failed', failures: 5, attempts: 5, nextAttemptAt: null });
    expect(job.error).toMatchObject({ code: 'rate_limited', title: 'HubSpot rate limit reached', fix: expect.stringContaining('retry in a minute') });
    expect(job.error!.response).toContain('HTTP 429');
    expect(job.attemptDetails.map((a) => a.status)).toEqual(['retrying', 'retrying', 'retrying', 'retrying', 'failed']);
    expect(job.attemptDetails.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(job.attemptDetails[0]!.exchanges[0]).toMatchObject({ call: 'contacts.batch.upsert', status: 429 });
    expect((await f.contacts()).some((c) => c.properties.firstname === 'Rita')).toBe(false);

    // Retry by hand: a fresh schedule, the attempts go on numbering, and it succeeds.
    const retried = await f.call('push.retry', { workspaceId: f.workspaceId, jobId: jobId! });
    expect(retried).toMatchObject({ state: 'queued', failures: 0 });
    await f.drain();
    job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'succeeded', attempts: 6 });
    expect(job.attemptDetails.at(-1)).toMatchObject({ attempt: 6, status: 'succeeded' });
  });

  it('an attempt that got a step through before failing starts the count again', async () => {
    const listId = String((await sandbox.call<{ list: { listId: string } }>('POST', '/crm/v3/lists', { body: { name: `Count ${Date.now()}`, objectTypeId: '0-1', processingType: 'MANUAL' } })).body.list.listId);
    await f.saveSettings({ company: { enabled: false }, list: { listId, listName: 'Count', processingType: 'MANUAL' } });
    await faults([
      { route: '/crm/v3/objects/contacts/batch/upsert', sequence: [503, 503] },
      { route: '/crm/v3/lists/*/memberships/add', sequence: [503] },
    ]);
    const [jobId] = await push([f.lead({ firstName: 'Cora', email: email('cora') })]);
    await f.step(); // contact 503
    await f.step(); // contact 503 again (immediate retry)
    expect(await detail(jobId!)).toMatchObject({ state: 'retrying', failures: 2 });
    f.clock.advance(30_000);
    await f.step(); // contact written, then the list answers 503: progress was made
    let job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'retrying', failures: 1, nextAttemptAt: new Date(f.clock.now()).toISOString(), steps: [{ outcome: 'created' }, { outcome: 'off' }, { outcome: 'pending' }] });
    await f.step();
    job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'succeeded', attempts: 4, steps: [{ outcome: 'created' }, { outcome: 'off' }, { outcome: 'added' }] });
    // The last attempt only ran the list step.
    expect(job.attemptDetails.at(-1)!.exchanges.map((e) => e.call)).toEqual(['lists.memberships.add']);
  });

  it('fails with hubspot_unavailable when 5xx answers outlast the retries', async () => {
    await faults([{ route: '/crm/v3/objects/contacts/batch/upsert', sequence: [500, 502, 503, 504, 500] }]);
    const [jobId] = await push([f.lead({ firstName: 'Una', email: email('una') })]);
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await f.step()).claimed).toBe(1);
      const job = await detail(jobId!);
      if (job.state === 'retrying') f.clock.advance(Date.parse(job.nextAttemptAt!) - f.clock.now());
    }
    const job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'failed', failures: 5 });
    expect(job.error).toMatchObject({ code: 'hubspot_unavailable', title: 'HubSpot is unavailable', fix: 'Retry later.' });
  });

  it('treats timeouts and connection resets as transient: the job succeeds on the retry after them', async () => {
    await faults([{ route: '/crm/v3/objects/contacts/batch/upsert', sequence: ['reset', 'timeout'] }]);
    const [jobId] = await push([f.lead({ firstName: 'Tim', email: email('tim') })]);
    await f.step();
    expect(await detail(jobId!)).toMatchObject({ state: 'retrying', failures: 1, error: { code: 'hubspot_unavailable' } });
    await f.step(); // the immediate retry meets the timeout
    const second = await detail(jobId!);
    expect(second).toMatchObject({ state: 'retrying', failures: 2, error: { code: 'hubspot_unavailable', message: expect.stringContaining('did not answer in time') } });
    f.clock.advance(30_000);
    await f.drain();
    const job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'succeeded', attempts: 3, failures: 0 });
    expect(job.contactId).toMatch(/^\d+$/);
    expect(job.attemptDetails[0]!.exchanges[0]).toMatchObject({ status: 0, error: expect.stringContaining('failed') });
  });
});

describe('waiting and pausing spend no attempt', () => {
  it('offline: waits for the network without counting an attempt, and resumes where it stood', async () => {
    const offline = made(sandboxGateway(sandbox, sandbox.token, { baseUrl: 'http://syncdesk-offline.invalid', timeoutMs: 2000 }));
    f.setGateway(offline);
    const [jobId] = await push([f.lead({ firstName: 'Olga', email: email('olga') })]);
    const [outcome] = await f.drain();
    expect(outcome!.report?.offline).toBe(true);
    let job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'waiting_for_network', failures: 0, stateReason: expect.stringContaining('offline') });
    expect(job.attemptDetails[0]).toMatchObject({ status: 'interrupted', errorCode: 'offline' });

    // The runner's probe says the network is back: waiting jobs go back to the queue.
    f.setGateway(gateway);
    f.services.pushEngine.storesFor(f.workspaceId).jobs.resume('waiting_for_network', f.clock.now());
    await f.drain();
    job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'succeeded', failures: 0 });
  });

  it('auth_expired mid-run: pauses (reauthorize) and continues after reconnecting, nothing lost', async () => {
    const token = sandbox.hubspot.createToken().token;
    const revocable = made(sandboxGateway(sandbox, token, { instantWaits: true }));
    f.setGateway(revocable);
    const [first] = await push([f.lead({ firstName: 'Paula', email: email('paula') })]);
    await f.drain();
    expect(f.stateOf(first!)).toBe('succeeded');

    await sandbox.admin('tokens/revoke', { token });
    const [second] = await push([f.lead({ firstName: 'Pete', email: email('pete') })]);
    await f.drain();
    let job = await detail(second!);
    expect(job).toMatchObject({ state: 'paused_reauthorize', failures: 0, error: { code: 'auth_expired', title: 'HubSpot authorization expired' } });
    expect(job.attemptDetails[0]).toMatchObject({ status: 'interrupted' });

    // Reconnected (a new token): the connection event resumes the paused jobs.
    f.setGateway(gateway);
    f.services.pushEngine.storesFor(f.workspaceId).jobs.resume('paused_reauthorize', f.clock.now());
    await f.drain();
    job = await detail(second!);
    expect(job).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  it('not_connected: fails with what to do, and Retry all failed picks it up once connected', async () => {
    f.setConnected(false);
    const [jobId] = await push([f.lead({ firstName: 'Nina', email: email('nina') })]);
    await f.drain();
    const job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'not_connected', title: "HubSpot isn't connected", fix: expect.stringContaining('Integrations') } });
    f.setConnected(true);
    const preview = await f.call('push.retryFailed', { workspaceId: f.workspaceId, filter: { errorCodes: ['not_connected'] }, preview: true });
    expect(preview).toEqual({ count: 1, retried: 0 });
    expect(await f.call('push.retryFailed', { workspaceId: f.workspaceId, filter: { errorCodes: ['not_connected'] } })).toEqual({ count: 1, retried: 1 });
    await f.drain();
    expect(f.stateOf(jobId!)).toBe('succeeded');
  });
});

describe('errors that need the operator', () => {
  it('missing_scopes names the scopes the token lacks', async () => {
    const { token } = sandbox.hubspot.createToken({ scopes: ['crm.objects.contacts.read', 'crm.lists.read', 'crm.lists.write'] });
    f.setGateway(made(sandboxGateway(sandbox, token, { instantWaits: true })));
    const [jobId] = await push([f.lead({ firstName: 'Sam', email: email('sam') })]);
    await f.drain();
    const job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'missing_scopes', title: 'Missing HubSpot permissions' } });
    expect(job.error!.details.scopes).toContain('crm.objects.contacts.write');
    expect(job.error!.message).toContain('crm.objects.contacts.write');
  });

  it('no_email, nothing_to_sync and excluded by filter are decided before any call', async () => {
    await f.saveSettings({ company: { enabled: false }, filter: { enabled: true, match: 'all', rules: [{ field: 'source', op: 'equals', value: 'fair' }] } });
    const [noEmail, excluded] = await push([f.lead({ firstName: 'Ned', source: 'fair' }), f.lead({ firstName: 'Xena', email: email('xena'), source: 'web' })]);
    const [outcome] = await f.drain();
    expect(outcome!.calls).toBe(0);
    expect(await detail(noEmail!)).toMatchObject({ state: 'failed', error: { code: 'no_email', title: 'Lead has no email', fix: expect.stringContaining('without an email') } });
    const cancelled = await detail(excluded!);
    expect(cancelled).toMatchObject({ state: 'cancelled', cancelReason: 'excluded_by_filter', error: null, stateReason: expect.stringContaining('Source') });
    expect(cancelled.attemptDetails[0]).toMatchObject({ status: 'cancelled', cancelReason: 'excluded_by_filter' });
    const statuses = await f.call('push.leadStatuses', { workspaceId: f.workspaceId, leadIds: [cancelled.leadId] });
    expect(statuses.statuses[0]).toMatchObject({ state: 'cancelled', cancelReason: 'excluded_by_filter' });

    await f.saveSettings({ company: { enabled: false }, advanced: { syncWithoutEmail: true } });
    const [nothing] = await push([f.lead({ source: 'fair', owner: 'someone' })]);
    await f.drain();
    expect(await detail(nothing!)).toMatchObject({ state: 'failed', error: { code: 'nothing_to_sync', title: 'Nothing to sync' } });
  });

  it('property_missing and invalid_value known from the definitions fail before any call, naming property and value', async () => {
    f.services.leads.createField({ workspaceId: f.workspaceId, label: 'Plan', key: 'plan', type: 'text', options: [] });
    await f.saveSettings({ company: { enabled: false }, extraRows: [mappingRow('plan', 'custom.plan', 'plan_interest')] });
    await f.call('mapping.refreshProperties', { workspaceId: f.workspaceId });
    const [bad] = await push([f.lead({ firstName: 'Vic', email: email('vic'), custom: { plan: 'Platinum' } })]);
    const [outcome] = await f.drain();
    expect(outcome!.calls).toBe(0);
    const job = await detail(bad!);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'invalid_value', title: 'HubSpot rejected a value', details: { property: 'plan_interest', value: 'Platinum', preflight: true } } });
    expect(job.error!.message).toContain('Platinum');

    await f.saveSettings({ company: { enabled: false }, extraRows: [mappingRow('typo', 'jobTitle', 'job_titel')] });
    const [missing] = await push([f.lead({ firstName: 'Mo', email: email('mo'), jobTitle: 'CTO' })]);
    await f.drain();
    expect(await detail(missing!)).toMatchObject({ state: 'failed', error: { code: 'property_missing', title: "Mapped property doesn't exist", details: { property: 'job_titel' } } });
  });

  it('duplicate_contact with deduplication off names the existing contact', async () => {
    const address = email('dupe');
    const existing = await sandbox.client().crm.contacts.basicApi.create({ properties: { email: address, firstname: 'Old' }, associations: [] });
    await f.saveSettings({ company: { enabled: false }, advanced: { dedupeContacts: false } });
    const [jobId] = await push([f.lead({ firstName: 'New', email: address })]);
    await f.drain();
    const job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'duplicate_contact', title: 'Contact already exists', details: { existingId: existing.id } } });
    expect(job.error!.fix).toContain('Deduplicate contacts');
    expect((await f.contacts()).filter((c) => c.properties.email === address)).toHaveLength(1);
  });
});
