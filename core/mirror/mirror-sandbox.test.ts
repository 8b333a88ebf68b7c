import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';
import { ALL_SCOPES } from '../sandbox/hubspot/hubspot-auth.ts';
import type { ManualClock } from '../ports/clock.ts';
import { lastModifiedProperty } from './mirror-store.ts';
import { createStaticProviders } from './static-providers.ts';

let sandbox: TestSandbox | undefined;
let t: TestServices | undefined;
let providers: ReturnType<typeof createStaticProviders> | undefined;

afterEach(async () => {
  providers?.close();
  t?.cleanup();
  await sandbox?.stop();
  sandbox = t = providers = undefined;
});

/** The mirror on the sandbox's own clock (records are stamped with it; the sandbox clock can be moved). */
async function setup(options: { contacts?: number; searchLagMs?: number; scopes?: string[] } = {}) {
  sandbox = await startTestSandbox({ ...(options.searchLagMs ? { searchLagMs: options.searchLagMs } : {}) });
  if (options.contacts) sandbox.hubspot.seed({ contacts: options.contacts });
  const token = options.scopes ? sandbox.hubspot.createToken({ scopes: options.scopes }).token : sandbox.token;
  const s = sandbox;
  const clock = { now: () => s.server.clock.now(), set() {}, advance() {} } as ManualClock;
  providers = createStaticProviders({ hubspot: { baseUrl: sandbox.url, token, tier: 'unlimited' } }, { clock });
  t = createTestServices({ clock, providers });
  const workspaceId = t.services.workspaces.create({ name: 'Sandbox', kind: 'sandbox' }).id;
  const run = (mode: 'full' | 'incremental', streams?: string[]) => t!.services.mirror.runAndWait(workspaceId, { mode, trigger: 'cli', ...(streams ? { streams } : {}) });
  return { s, workspaceId, run, db: () => t!.services.workspaces.database(workspaceId) };
}

type ApiObject = { id: string; properties: Record<string, string | null>; archived: boolean };

/** The mirror holds exactly what the sandbox holds (or the part of it `keep` selects): same ids, archived flags, and every non-empty value. */
async function expectEqualToSandbox(s: TestSandbox, db: () => import('../store/database.ts').Db, type: string, keep: (o: ApiObject) => boolean = () => true): Promise<number> {
  const state = (await s.call<{ results: ApiObject[] }>('GET', `/__sandbox/state/${type}`, { token: null })).body.results.filter(keep);
  const rows = db().prepare('select id, properties, archived from mirror_records where object_type = ?').all(type) as Array<{ id: string; properties: string; archived: number }>;
  const local = new Map(rows.map((r) => [r.id, { properties: JSON.parse(r.properties) as Record<string, string | null>, archived: r.archived === 1 }]));
  expect([...local.keys()].sort()).toEqual(state.map((o) => o.id).sort());
  for (const remote of state) {
    const mine = local.get(remote.id)!;
    expect(mine.archived, `archived flag of ${type} ${remote.id}`).toBe(remote.archived);
    if (remote.archived) continue;
    const remoteValues = Object.fromEntries(Object.entries(remote.properties).filter(([, v]) => v !== null && v !== ''));
    const localValues = Object.fromEntries(Object.entries(mine.properties).filter(([, v]) => v !== null && v !== ''));
    expect(localValues, `${type} ${remote.id}`).toEqual(remoteValues);
  }
  return state.length;
}

describe('mirror against the sandbox portal', () => {
  it('full then incremental sync equal the sandbox state, including creates, edits and deletes', async () => {
    const { s, run, db } = await setup({ contacts: 400 });
    const full = await run('full');
    expect(full.streams.filter((x) => x.status !== 'succeeded')).toEqual([]);
    for (const type of ['contacts', 'companies', 'deals']) expect(await expectEqualToSandbox(s, db, type)).toBeGreaterThan(0);
    expect(db().prepare('select count(*) from mirror_associations').pluck().get()).toBeGreaterThan(400);
    expect(db().prepare('select count(*) from mirror_lists').pluck().get()).toBe(2);

    const ids = (db().prepare("select id from mirror_records where object_type = 'contacts' order by cast(id as integer) limit 10").pluck().all() as string[]);
    await s.call('POST', '/crm/v3/objects/contacts/batch/update', { body: { inputs: ids.slice(0, 5).map((id) => ({ id, properties: { jobtitle: 'Changed by test' } })) } });
    await s.call('POST', '/crm/v3/objects/contacts', { body: { properties: { email: 'brand-new@example.com', firstname: 'Brand' } } });
    await s.call('DELETE', `/crm/v3/objects/contacts/${ids[9]}`);
    t!.services.mirror.setSettings(t!.services.workspaces.list().workspaces[0]!.id, { archivedSweepHours: 1 });
    await s.admin('clock', { advanceMs: 2 * 3_600_000 });
    const incremental = await run('incremental', ['contacts']);
    expect(incremental.streams[0]).toMatchObject({ mode: 'incremental', created: 1, updated: 5, deleted: 1 });
    await expectEqualToSandbox(s, db, 'contacts');
  });

  it('survives more than 10,000 records sharing one last-modified time (the sandbox enforces the 10k cap)', async () => {
    const { s, run, db, workspaceId } = await setup({ contacts: 55_000 });
    await run('full', ['properties']);
    // Put the cursor before the seed's bulk stamp (three days back), as if the last sync ran then.
    const store = t!.services.mirror.store(workspaceId);
    const cursor = s.server.clock.now() - 4 * 86_400_000;
    store.updateStream('contacts', { cursor, last_full_at: new Date().toISOString(), last_archived_at: new Date().toISOString() });
    const result = await run('incremental', ['contacts']);
    expect(result.streams[0]!.status).toBe('succeeded');
    // The mirror equals the sandbox's live contacts modified inside the window (cursor minus the lookback, up to the run's start):
    // none skipped at the cap, none stored twice, every value as the sandbox has it.
    const from = cursor - t!.services.mirror.settings(workspaceId).lookbackMinutes * 60_000;
    const inWindow = (o: ApiObject) => !o.archived && Date.parse(o.properties.lastmodifieddate!) >= from;
    const expected = await expectEqualToSandbox(s, db, 'contacts', inWindow);
    expect(expected).toBeGreaterThan(11_000);
    expect(result.streams[0]).toMatchObject({ fetched: expected, created: expected });
    const shared = db().prepare("select modified_at, count(*) as n from mirror_records where object_type = 'contacts' group by modified_at order by n desc limit 1").get() as { n: number };
    expect(shared.n).toBeGreaterThan(10_000);
  }, 120_000);

  it('with a start date, a full sync stores only records modified on or after it, and reconciliation sees no drift', async () => {
    const { s, run, db, workspaceId } = await setup({ contacts: 400 });
    const types = ['contacts', 'companies', 'deals'];
    const modifiedMs = (type: string, o: ApiObject) => Date.parse(o.properties[lastModifiedProperty(type)]!);
    // The start date is exactly one contact's last-modified time, about half-way through the seed's spread.
    const contacts = (await s.call<{ results: ApiObject[] }>('GET', '/__sandbox/state/contacts', { token: null })).body.results.filter((o) => !o.archived);
    const times = contacts.map((o) => modifiedMs('contacts', o)).sort((a, b) => a - b);
    const startMs = times[Math.floor(times.length / 2)]!;
    const onStart = contacts.find((o) => modifiedMs('contacts', o) === startMs)!;
    t!.services.mirror.setSettings(workspaceId, { startDate: new Date(startMs).toISOString() });
    const inScope = (type: string) => (o: ApiObject) => !o.archived && modifiedMs(type, o) >= startMs;

    const full = await run('full', ['properties', ...types]);
    expect(full.streams.filter((x) => x.status !== 'succeeded')).toEqual([]);
    const kept: Record<string, number> = {};
    for (const type of types) kept[type] = await expectEqualToSandbox(s, db, type, inScope(type));
    expect(kept.contacts).toBeGreaterThan(100);
    expect(kept.contacts).toBeLessThan(contacts.length);
    expect(db().prepare("select count(*) from mirror_records where object_type = 'contacts' and id = ?").pluck().get(onStart.id)).toBe(1);
    // Nothing older than the start date, not even the archived ones (HubSpot's recycle bin is outside the scope too).
    expect(db().prepare("select count(*) from mirror_records where object_type = 'contacts' and (modified_at < ? or archived = 1)").pluck().get(startMs)).toBe(0);

    // Reconciliation counts HubSpot's records in the same scope: no drift, and ids were compared.
    expect(t!.services.mirror.status(workspaceId).drift).toEqual([]);
    const reconciled = db().prepare('select object_type, local_count, remote_count, missing_ids, extra_ids from mirror_reconciliations order by object_type').all();
    expect(reconciled).toEqual([...types].sort().map((type) => ({ object_type: type, local_count: kept[type], remote_count: kept[type], missing_ids: '[]', extra_ids: '[]' })));

    // A record edited later enters the scope; the incremental update picks it up and nothing older.
    const old = contacts.find((o) => modifiedMs('contacts', o) < startMs)!;
    await s.admin('clock', { advanceMs: 60_000 });
    await s.call('PATCH', `/crm/v3/objects/contacts/${old.id}`, { body: { properties: { jobtitle: 'Back in scope' } } });
    await s.admin('clock', { advanceMs: 60_000 });
    const incremental = await run('incremental', ['contacts']);
    expect(incremental.streams[0]).toMatchObject({ mode: 'incremental', status: 'succeeded', created: 1, updated: 0 });
    expect(await expectEqualToSandbox(s, db, 'contacts', inScope('contacts'))).toBe(kept.contacts + 1);
  });

  // Records mirrored before the start date stay (true copies, out of scope); reconciliation counts the
  // same scope on both sides.
  it('a start date set on an existing mirror: the next full sync shows no drift because of the scope', async () => {
    const { s, run, workspaceId } = await setup({ contacts: 200 });
    await run('full', ['properties', 'contacts']);
    expect(t!.services.mirror.status(workspaceId).drift).toEqual([]);
    const contacts = (await s.call<{ results: ApiObject[] }>('GET', '/__sandbox/state/contacts', { token: null })).body.results.filter((o) => !o.archived);
    const times = contacts.map((o) => Date.parse(o.properties.lastmodifieddate!)).sort((a, b) => a - b);
    t!.services.mirror.setSettings(workspaceId, { startDate: new Date(times[Math.floor(times.length / 2)]!).toISOString() });
    const full = await run('full', ['contacts']);
    expect(full.streams[0]!.status).toBe('succeeded');
    expect(t!.services.mirror.status(workspaceId).drift).toEqual([]);
  });

  it('does not lose records the search index shows late', async () => {
    const { s, run, db } = await setup({ contacts: 20, searchLagMs: 5_000 });
    await run('full', ['properties', 'contacts']);
    const id = db().prepare("select id from mirror_records where object_type = 'contacts' limit 1").pluck().get() as string;
    await s.admin('clock', { advanceMs: 60_000 });
    await s.call('PATCH', `/crm/v3/objects/contacts/${id}`, { body: { properties: { jobtitle: 'Late to the index' } } });
    await run('incremental', ['contacts']);
    const jobtitle = () => (JSON.parse(db().prepare("select properties from mirror_records where object_type = 'contacts' and id = ?").pluck().get(id) as string) as Record<string, string>).jobtitle;
    expect(jobtitle()).not.toBe('Late to the index');
    await s.admin('clock', { advanceMs: 10_000 });
    await run('incremental', ['contacts']);
    expect(jobtitle()).toBe('Late to the index');
  });

  it('skips the deals stream when the token lacks its scope, naming it, and syncs the rest', async () => {
    const { run, db } = await setup({ contacts: 30, scopes: ALL_SCOPES.filter((scope) => !scope.includes('deals')) });
    const result = await run('full');
    const deals = result.streams.find((x) => x.stream === 'deals')!;
    expect(deals.status).toBe('skipped');
    expect(deals.warning).toMatch(/crm\.objects\.deals\.read/);
    expect(result.streams.find((x) => x.stream === 'contacts')!.status).toBe('succeeded');
    expect(db().prepare("select count(*) from mirror_records where object_type = 'contacts'").pluck().get()).toBe(30);
  });

  it('an interrupted full sync resumes from its last stored page and ends equal to the sandbox', async () => {
    const { s, run, db } = await setup({ contacts: 3_000 });
    await run('full', ['properties']);
    // Eight pages, then HubSpot keeps failing: the run gives up after its retries.
    await s.admin('faults', { rules: [{ route: '/crm/v3/objects/contacts', method: 'GET', sequence: [...Array(8).fill(200), ...Array(10).fill(503)] }] });
    const broken = await run('full', ['contacts']);
    expect(broken.status).toBe('failed');
    await s.admin('faults', { rules: [] });
    const stored = db().prepare("select count(*) from mirror_records where object_type = 'contacts'").pluck().get() as number;
    expect(stored).toBe(800);
    const resumed = await run('incremental', ['contacts']);
    expect(resumed.streams[0]).toMatchObject({ mode: 'full', resumed: true, status: 'succeeded', created: 3_000 - stored });
    await expectEqualToSandbox(s, db, 'contacts');
  });

  it('a large full sync lists id ranges side by side, survives an interruption mid-way and ends equal', async () => {
    const { s, run, db } = await setup({ contacts: 25_000 });
    await run('full', ['properties']);
    await s.admin('faults', { rules: [{ route: '/crm/v3/objects/contacts', method: 'GET', sequence: [...Array(40).fill(200), ...Array(40).fill(503)] }] });
    const broken = await run('full', ['contacts']);
    expect(broken.status).toBe('failed');
    await s.admin('faults', { rules: [] });
    const stored = db().prepare("select count(*) from mirror_records where object_type = 'contacts'").pluck().get() as number;
    expect(stored).toBeGreaterThan(1_000);
    const checkpoint = JSON.parse(t!.services.mirror.store(t!.services.workspaces.list().workspaces[0]!.id).stream('contacts').checkpoint!) as { partitions: unknown[] };
    expect(checkpoint.partitions).toHaveLength(4);
    const resumed = await run('incremental', ['contacts']);
    expect(resumed.streams[0]).toMatchObject({ mode: 'full', resumed: true, status: 'succeeded', created: 25_000 - stored });
    expect(await expectEqualToSandbox(s, db, 'contacts')).toBe(25_000);
  }, 60_000);

  it('mirrors wide objects: hundreds of custom properties, all values kept', async () => {
    const { s, run, db } = await setup({ contacts: 120 });
    const names = Array.from({ length: 450 }, (_, i) => `wide_custom_property_number_${String(i).padStart(3, '0')}_with_a_long_name`);
    for (const name of names) await s.call('POST', '/crm/v3/properties/contacts', { body: { name, label: name, type: 'string', fieldType: 'text', groupName: 'contactinformation' } });
    const ids = (await s.call<{ results: Array<{ id: string }> }>('GET', '/crm/v3/objects/contacts?limit=20')).body.results.map((r) => r.id);
    const properties = Object.fromEntries(names.filter((_, i) => i % 9 === 0).map((n) => [n, `value of ${n}`]));
    await s.call('POST', '/crm/v3/objects/contacts/batch/update', { body: { inputs: ids.map((id) => ({ id, properties })) } });
    const result = await run('full', ['properties', 'contacts']);
    expect(result.status).toBe('succeeded');
    await expectEqualToSandbox(s, db, 'contacts');
    const sample = JSON.parse(db().prepare("select properties from mirror_records where object_type = 'contacts' and id = ?").pluck().get(ids[0]) as string) as Record<string, string>;
    expect(sample[names[9]!]).toBe(`value of ${names[9]}`);
  });
});
