import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';
import type { AttemptStatus, JobState } from '../contract/push.ts';
import type { ClaimedJob } from '../jobs/job-store.ts';

/** The push service without HubSpot: queueing, coalescing, Auto-Sync, cancel, retry, history queries and retention. */

let t: TestServices;
let workspaceId: string;
beforeEach(() => {
  t = createTestServices();
  workspaceId = t.services.workspaces.create({ name: 'Acme', kind: 'hubspot' }).id;
});
afterEach(() => t.cleanup());

const call = async <T = any>(method: string, input: Record<string, unknown>): Promise<T> => {
  const result = await t.services.router.handle(method, { workspaceId, ...input }, { client: 'test' });
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as T;
};
const failure = async (method: string, input: Record<string, unknown>) => {
  const result = await t.services.router.handle(method, { workspaceId, ...input }, { client: 'test' });
  if (result.ok) throw new Error(`${method} succeeded`);
  return result.error;
};
const lead = (values: Record<string, string>) => t.services.leads.create(workspaceId, values).id;
const stores = () => t.services.pushEngine.storesFor(workspaceId);
const events = () => {
  const seen: Array<{ event: string; payload: any }> = [];
  t.services.events.subscribe((event, payload) => seen.push({ event, payload }));
  return seen;
};

/** Claims the ready jobs and ends their attempts as given (what a batch would record). */
function runAs(outcome: { status: Exclude<AttemptStatus, 'running'>; state: JobState; code?: string; message?: string; step?: 'contact' | 'company' | 'list' }, claimed?: ClaimedJob[]) {
  const { jobs } = stores();
  const now = t.clock.now();
  const batch = claimed ?? jobs.claim({ owner: 'me', limit: 100, leaseMs: 60_000, batchId: `b${now}`, now });
  const error = outcome.code ? { code: outcome.code, message: outcome.message ?? outcome.code, details: {}, response: null } : null;
  jobs.finish(
    'me',
    now,
    batch.map((job) => ({
      job,
      startedAt: now,
      attempt: { status: outcome.status, error, failedStep: outcome.step ?? null, cancelReason: null, sent: null, nextAttemptAt: outcome.status === 'retrying' ? now + 30_000 : null },
      next: { state: outcome.state, failures: job.failures + (outcome.status === 'retrying' ? 1 : 0), nextAttemptAt: outcome.state === 'retrying' ? now + 30_000 : null, error, cancelReason: null, stateReason: null, progress: { ...job } },
    })),
  );
  return batch;
}

describe('queueing', () => {
  it('queues ids, joins pending jobs instead of queueing twice, and refuses unknown ids without queueing any', async () => {
    const a = lead({ firstName: 'Ada', lastName: 'Lovelace', email: 'ADA@Acme.example' });
    const b = lead({ company: 'Bcorp' });
    const first = await call('push.leads', { target: { kind: 'ids', ids: [a, b] } });
    expect(first).toMatchObject({ queued: 2, coalesced: 0 });
    const again = await call('push.leads', { target: { kind: 'ids', ids: [a] } });
    expect(again).toMatchObject({ queued: 0, coalesced: 1, jobIds: [first.jobIds[0]] });
    const page = await call('push.jobs', {});
    expect(page.items.map((j: any) => [j.leadLabel, j.leadEmail, j.state, j.origin])).toEqual([
      ['Bcorp', '', 'queued', 'manual'],
      ['Ada Lovelace', 'ada@acme.example', 'queued', 'manual'],
    ]);
    const refused = await failure('push.leads', { target: { kind: 'ids', ids: [a, '999'] } });
    expect(refused).toMatchObject({ code: 'not_found', message: expect.stringContaining('999') });
    expect((await call('push.jobs', {})).items).toHaveLength(2);
  });

  it('queues all leads, or those matching a lead filter, in chunks', async () => {
    for (let i = 0; i < 1300; i++) t.services.leads.create(workspaceId, { firstName: `N${i}`, email: `n${i}@x.example`, source: i % 5 === 0 ? 'fair' : 'web' });
    const matching = await call('push.leads', { target: { kind: 'matching', filter: { search: 'N1' } } });
    expect(matching.queued).toBe(1 + 10 + 100 + 300);
    const all = await call('push.leads', { target: { kind: 'all' } });
    expect(all).toMatchObject({ queued: 1300 - 411, coalesced: 411 });
    expect(all.jobIds).toHaveLength(100);
  });

  it('cancels pending jobs, asks a running one to stop, and deleting a lead cancels its pending job', async () => {
    const [a, b, c] = [lead({ email: 'a@x.example' }), lead({ email: 'b@x.example' }), lead({ email: 'c@x.example' })];
    const { jobIds } = await call('push.leads', { target: { kind: 'ids', ids: [a, b] } });
    expect(await call('push.cancel', { jobIds: [jobIds[0]] })).toEqual({ cancelled: 1 });
    expect(stores().jobs.get(Number(jobIds[0]))).toMatchObject({ state: 'cancelled', cancel_reason: 'cancelled_by_user' });
    const running = stores().jobs.claim({ owner: 'me', limit: 1, leaseMs: 60_000, batchId: 'b', now: t.clock.now() });
    expect(running[0]!.id).toBe(Number(jobIds[1]));
    expect(await call('push.cancel', { jobIds: [jobIds[1]] })).toEqual({ cancelled: 1 });
    expect(stores().jobs.cancelRequested([Number(jobIds[1])])).toEqual(new Set([Number(jobIds[1])]));

    const { jobIds: [cJob] } = await call('push.leads', { target: { kind: 'ids', ids: [c] } });
    await call('leads.delete', { id: c });
    expect(stores().jobs.get(Number(cJob))).toMatchObject({ state: 'cancelled', cancel_reason: 'lead_deleted' });
  });

  it('Auto-Sync queues edited leads after a quiet moment, one job for a burst of edits', async () => {
    const id = lead({ firstName: 'Ed', email: 'ed@x.example' });
    expect((await call('push.jobs', {})).items).toHaveLength(0);
    const settings = (await call('mapping.get', {})).settings;
    await call('mapping.save', { settings: { ...settings, advanced: { ...settings.advanced, autoSync: true } } });
    const seen = events();
    const start = t.clock.now();
    await call('leads.update', { id, values: { firstName: 'Eddie' } });
    t.clock.advance(1500);
    await call('leads.update', { id, values: { firstName: 'Edward' } });
    const jobs = (await call('push.jobs', {})).items;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ origin: 'auto_sync', state: 'queued' });
    // The quiet moment restarted with the second edit.
    expect(Date.parse(jobs[0].nextAttemptAt)).toBe(start + 1500 + 2000);
    expect(stores().jobs.claim({ owner: 'me', limit: 10, leaseMs: 1000, batchId: 'x', now: start + 3000 })).toHaveLength(0);
    expect(seen.some((e) => e.event === 'push.onDidChangeJobs' && e.payload.leadIds.includes(id))).toBe(true);
    // A new lead is queued too.
    const created = lead({ firstName: 'New', email: 'new@x.example' });
    expect((await call('push.jobs', {})).items.map((j: any) => j.leadId)).toContain(created);
  });
});

describe('retry', () => {
  it('retries failed jobs (preview count first), keeps finished steps, refuses succeeded and running ones', async () => {
    const ids = [lead({ email: 'a@x.example' }), lead({ email: 'b@x.example' }), lead({ email: 'c@x.example' })];
    await call('push.leads', { target: { kind: 'ids', ids } });
    const claimed = stores().jobs.claim({ owner: 'me', limit: 100, leaseMs: 60_000, batchId: 'b1', now: t.clock.now() });
    // a: failed with its contact created; b: failed with another code; c: succeeded.
    const [a, b, c] = claimed;
    const progress = { ...a!, contactId: '501', contactOutcome: 'created' as const, steps: [{ step: 'contact', outcome: 'created', label: 'Created', hubspotId: '501', error: null, at: null }, { step: 'company', outcome: 'failed', label: 'Failed', hubspotId: null, error: null, at: null }, { step: 'list', outcome: 'not_run', label: 'Not run', hubspotId: null, error: null, at: null }] as never };
    stores().jobs.finish('me', t.clock.now(), [
      { job: a!, startedAt: t.clock.now(), attempt: { status: 'failed', error: { code: 'invalid_value', message: 'bad', details: {}, response: null }, failedStep: 'company', cancelReason: null, sent: null, nextAttemptAt: null }, next: { state: 'failed', failures: 0, nextAttemptAt: null, error: { code: 'invalid_value', message: 'bad', details: {}, response: null }, cancelReason: null, stateReason: null, progress: { ...progress, companyOutcome: 'failed' } } },
    ]);
    runAs({ status: 'failed', state: 'failed', code: 'missing_scopes' }, [b!]);
    runAs({ status: 'succeeded', state: 'succeeded' }, [c!]);

    expect(await call('push.retryFailed', { filter: { errorCodes: ['invalid_value'] }, preview: true })).toEqual({ count: 1, retried: 0 });
    expect(await call('push.retryFailed', { preview: true })).toEqual({ count: 2, retried: 0 });
    const retried = await call('push.retry', { jobId: String(a!.id) });
    expect(retried).toMatchObject({ state: 'queued', contactId: '501', error: null, steps: [{ outcome: 'created' }, { outcome: 'pending' }, { outcome: 'pending' }] });
    expect(stores().jobs.get(a!.id)).toMatchObject({ company_outcome: null, contact_outcome: 'created' });
    expect(await failure('push.retry', { jobId: String(c!.id) })).toMatchObject({ code: 'validation', message: expect.stringContaining('Push the lead again') });
    expect(await failure('push.retry', { jobId: String(a!.id) })).toMatchObject({ code: 'conflict' });
    expect(await call('push.retryFailed', {})).toEqual({ count: 1, retried: 1 });
    expect(stores().jobs.get(b!.id)!.state).toBe('queued');
  });
});

describe('Sync History', () => {
  it('pages by key, newest first, under every filter, with counts, error titles and per-lead status', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => lead({ firstName: `Person${i}`, lastName: i % 2 ? 'Odd' : 'Even', email: `p${i}@x.example` }));
    await call('push.leads', { target: { kind: 'ids', ids } });
    // 30 jobs in three batches of ten: succeeded, failed (invalid_value on company), retrying (rate_limited).
    const { jobs } = stores();
    const batch = () => jobs.claim({ owner: 'me', limit: 10, leaseMs: 60_000, batchId: `b${t.clock.now()}`, now: t.clock.now() });
    runAs({ status: 'succeeded', state: 'succeeded' }, batch());
    t.clock.advance(3_600_000);
    runAs({ status: 'failed', state: 'failed', code: 'invalid_value', message: 'HubSpot rejected "Platinum" for "plan_interest"', step: 'company' }, batch());
    t.clock.advance(3_600_000);
    runAs({ status: 'retrying', state: 'retrying', code: 'rate_limited', step: 'contact' }, batch());

    const first = await call('push.history', { limit: 12 });
    expect(first.items).toHaveLength(12);
    expect(first.items[0]).toMatchObject({ status: 'retrying', errorTitle: 'HubSpot rate limit reached', attempt: 1, failedStep: 'contact' });
    expect(first.items[0].nextAttemptAt).not.toBeNull();
    const second = await call('push.history', { limit: 12, after: first.next });
    const third = await call('push.history', { limit: 12, after: second.next });
    expect(third.next).toBeUndefined();
    const all = [...first.items, ...second.items, ...third.items];
    expect(new Set(all.map((r: any) => r.attemptId)).size).toBe(30);
    const times = all.map((r: any) => Date.parse(r.startedAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    const count = async (filter: Record<string, unknown>) => (await call('push.historyCount', { filter })).count;
    expect(await count({ errorsOnly: true })).toBe(20);
    expect(await count({ statuses: ['failed'] })).toBe(10);
    expect(await count({ statuses: ['failed', 'succeeded'] })).toBe(20);
    expect(await count({ errorCodes: ['invalid_value', 'rate_limited'] })).toBe(20);
    expect(await count({ steps: ['company'] })).toBe(10);
    expect(await count({ search: 'platinum' })).toBe(10);
    expect(await count({ search: 'person1' })).toBe(11);
    expect(await count({ search: 'odd', statuses: ['failed'] })).toBe(5);
    const base = Date.UTC(2026, 0, 1);
    expect(await count({ from: new Date(base + 3_600_000).toISOString(), to: new Date(base + 2 * 3_600_000).toISOString() })).toBe(10);
    expect(await call('push.historyCount', { filter: {}, cap: 25 })).toEqual({ count: 25, capped: true });
    const merged = await call('push.history', { filter: { statuses: ['failed', 'retrying'] }, limit: 15 });
    expect(merged.items.map((r: any) => r.status)).toEqual([...Array(10).fill('retrying'), ...Array(5).fill('failed')]);
    const merged2 = await call('push.history', { filter: { statuses: ['failed', 'retrying'] }, limit: 15, after: merged.next });
    expect(merged2.items.map((r: any) => r.status)).toEqual(Array(5).fill('failed'));

    expect(await call('push.errorTitles', {})).toEqual({
      errors: [
        { code: 'invalid_value', title: 'HubSpot rejected a value', count: 10 },
        { code: 'rate_limited', title: 'HubSpot rate limit reached', count: 10 },
      ].sort((x, y) => y.count - x.count || 0),
    });
    const statuses = await call('push.leadStatuses', { leadIds: [ids[0], ids[15], ids[25], '999'] });
    expect(statuses.statuses.map((s: any) => [s.state, s.errorTitle])).toEqual([
      ['succeeded', null],
      ['failed', 'HubSpot rejected a value'],
      ['retrying', 'HubSpot rate limit reached'],
    ]);
    expect(await failure('push.history', { after: 'garbage' })).toMatchObject({ code: 'validation' });
  });

  it('exports the history under a filter as CSV pieces: header once, formula cells neutralised, every row once', async () => {
    const ids = Array.from({ length: 2050 }, (_, i) => lead({ firstName: i === 7 ? '=HYPERLINK("http://x")' : `Person${i}`, email: `p${i}@x.example` }));
    await call('push.leads', { target: { kind: 'ids', ids } });
    const { jobs } = stores();
    for (let i = 0; i < 21; i++) {
      const batch = jobs.claim({ owner: 'me', limit: 100, leaseMs: 60_000, batchId: `b${i}`, now: t.clock.now() });
      runAs(i % 2 ? { status: 'succeeded', state: 'succeeded' } : { status: 'failed', state: 'failed', code: 'invalid_value', message: 'HubSpot rejected "Gold" for "plan"', step: 'contact' }, batch);
      t.clock.advance(1000);
    }
    const exportAll = async (filter: Record<string, unknown>) => {
      let csv = '';
      let rows = 0;
      let pieces = 0;
      let after: string | undefined;
      do {
        const piece = await call('push.exportHistoryCsv', { filter, ...(after ? { after } : {}) });
        csv += piece.csv;
        rows += piece.rows;
        pieces++;
        after = piece.next;
      } while (after);
      return { csv, rows, pieces };
    };
    const all = await exportAll({});
    expect(all).toMatchObject({ rows: 2050, pieces: 2 });
    const lines = all.csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('\uFEFFStarted,Finished,Duration (ms),Lead,Email,Attempt,Status,Step,Error code,Error,Message,Contact id,Company id,List,Next attempt,Job id,Attempt id,Lead id');
    expect(lines).toHaveLength(2051);
    expect(new Set(lines.slice(1).map((l) => l.split(',').at(-2))).size).toBe(2050);
    // The lead named like a formula stays text in a spreadsheet.
    expect(all.csv).toContain(`"'=HYPERLINK(""http://x"")`);
    const failed = await exportAll({ errorsOnly: true });
    expect(failed.rows).toBe(1050); // the even batches: ten of 100 and the last 50
    expect(failed.csv).toContain('Failed,contact,invalid_value,HubSpot rejected a value,"HubSpot rejected ""Gold"" for ""plan"""');
  });

  it('buckets outcomes per hour and per day (days begin at midnight in the given time zone)', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => lead({ email: `q${i}@x.example` }));
    await call('push.leads', { target: { kind: 'ids', ids } });
    const { jobs } = stores();
    const one = () => jobs.claim({ owner: 'me', limit: 1, leaseMs: 60_000, batchId: `b${Math.random()}`, now: t.clock.now() });
    t.clock.set(Date.UTC(2026, 0, 1, 22, 30));
    runAs({ status: 'succeeded', state: 'succeeded' }, one());
    runAs({ status: 'failed', state: 'failed', code: 'invalid_value' }, one());
    t.clock.set(Date.UTC(2026, 0, 2, 1, 15));
    runAs({ status: 'retrying', state: 'retrying', code: 'rate_limited' }, one());
    runAs({ status: 'succeeded_with_warnings', state: 'succeeded_with_warnings' }, one());
    const hours = (await call('push.buckets', { from: '2026-01-01T22:00:00Z', to: '2026-01-02T02:00:00Z', size: 'hour' })).buckets;
    expect(hours.map((b: any) => [b.start.slice(11, 13), b.succeeded, b.failed, b.retried, b.succeededWithWarnings])).toEqual([
      ['22', 1, 1, 0, 0],
      ['23', 0, 0, 0, 0],
      ['00', 0, 0, 0, 0],
      ['01', 0, 0, 1, 1],
    ]);
    const utcDays = (await call('push.buckets', { from: '2026-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z', size: 'day' })).buckets;
    expect(utcDays.map((b: any) => [b.start, b.succeeded + b.failed + b.retried + b.succeededWithWarnings])).toEqual([
      ['2026-01-01T00:00:00.000Z', 2],
      ['2026-01-02T00:00:00.000Z', 2],
    ]);
    // In New York (UTC−5) all four happened on January 1st.
    const nyDays = (await call('push.buckets', { from: '2026-01-01T05:00:00Z', to: '2026-01-03T05:00:00Z', size: 'day', timeZone: 'America/New_York' })).buckets;
    expect(nyDays.map((b: any) => b.succeeded + b.failed + b.retried + b.succeededWithWarnings)).toEqual([4, 0]);
    expect(await failure('push.buckets', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', size: 'day', timeZone: 'Mars/Olympus' })).toMatchObject({ code: 'validation' });
  });

  it('prunes attempts, exchanges and rollups older than the retention, and the jobs left without history', async () => {
    expect(await call('push.getSettings', {})).toEqual({ retentionDays: 30 });
    expect(await call('push.saveSettings', { settings: { retentionDays: 7 } })).toEqual({ retentionDays: 7 });
    const ids = Array.from({ length: 4 }, (_, i) => lead({ email: `r${i}@x.example` }));
    await call('push.leads', { target: { kind: 'ids', ids: ids.slice(0, 2) } });
    const old = runAs({ status: 'succeeded', state: 'succeeded' });
    stores().jobs.addExchange('b-old', 0, { call: 'x', method: 'POST', url: '/x', status: 200, durationMs: 1, at: t.clock.now() }, old.map((j) => j.attemptId));
    t.clock.advance(8 * 86_400_000);
    await call('push.leads', { target: { kind: 'ids', ids: ids.slice(2) } });
    runAs({ status: 'failed', state: 'failed', code: 'invalid_value' });
    expect(await t.services.push.prune(workspaceId)).toBe(2);
    expect((await call('push.historyCount', {})).count).toBe(2);
    expect((await call('push.jobs', {})).items).toHaveLength(2);
    const { db } = stores();
    expect(db.prepare('select count(*) from push_exchanges').pluck().get()).toBe(0);
    expect(db.prepare('select count(*) from push_outcome_hours').pluck().get()).toBe(1);
    expect(await failure('push.saveSettings', { settings: { retentionDays: 0 } })).toMatchObject({ code: 'validation' });
  });
});

describe('progress', () => {
  it('counts pending jobs now and finished ones since the run began', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => lead({ email: `s${i}@x.example` }));
    const seen = events();
    await call('push.leads', { target: { kind: 'ids', ids } });
    const claimed = stores().jobs.claim({ owner: 'me', limit: 2, leaseMs: 60_000, batchId: 'b', now: t.clock.now() });
    runAs({ status: 'failed', state: 'failed', code: 'no_email' }, claimed);
    const progress = await call('push.progress', {});
    expect(progress).toMatchObject({ active: true, counts: { queued: 3, failed: 2, succeeded: 0, running: 0 } });
    expect(seen.some((e) => e.event === 'push.onDidProgress' && e.payload.counts.queued === 5)).toBe(true);
  });
});
