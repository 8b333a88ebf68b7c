import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHubSpot, startFakeHubSpot } from '../../test/harness/fake-hubspot-crm.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';
import { createManualClock, type ManualClock } from '../ports/clock.ts';
import { createStaticProviders } from './static-providers.ts';

let fake: FakeHubSpot;
let t: TestServices;
let clock: ManualClock;
let providers: ReturnType<typeof createStaticProviders>;
let workspaceId: string;

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);

beforeEach(async () => {
  clock = createManualClock(T0);
  fake = await startFakeHubSpot({ now: () => clock.now() });
  providers = createStaticProviders({ hubspot: { baseUrl: fake.url, token: 'pat-na1-00000000-0000-4000-8000-000000000001', tier: 'unlimited' } }, { clock });
  t = createTestServices({ clock, providers });
  workspaceId = t.services.workspaces.create({ name: 'Acme', kind: 'hubspot' }).id;
});
afterEach(async () => {
  providers.close();
  t.cleanup();
  await fake.close();
});

const run = (mode: 'full' | 'incremental', streams?: string[]) => t.services.mirror.runAndWait(workspaceId, { mode, trigger: 'cli', ...(streams ? { streams } : {}) });
const db = () => t.services.workspaces.database(workspaceId);
const local = (type: string) =>
  new Map(
    (db().prepare('select id, properties, archived, deleted_reason from mirror_records where object_type = ?').all(type) as Array<{ id: string; properties: string; archived: number; deleted_reason: string | null }>).map((r) => [
      r.id,
      { properties: JSON.parse(r.properties) as Record<string, string | null>, archived: r.archived === 1, reason: r.deleted_reason },
    ]),
  );

function seed(type: string, n: number, start = 1, updatedAt = T0 - 86_400_000) {
  for (let i = 0; i < n; i++) {
    const id = start + i;
    fake.put({ id, type, updatedAt: updatedAt + i, properties: type === 'contacts' ? { email: `c${id}@example.com`, firstname: `First${id}`, lastname: 'Last' } : type === 'companies' ? { name: `Company ${id}`, domain: `c${id}.example.com` } : { dealname: `Deal ${id}`, amount: String(id * 10) } });
  }
}

describe('mirror engine against a scripted HubSpot', () => {
  it('full sync stores every record with every catalogued property, owners, pipelines, associations, and reconciles', async () => {
    seed('contacts', 250);
    seed('companies', 30, 1000);
    seed('deals', 12, 2000);
    for (let i = 1; i <= 250; i++) fake.associations.push({ from: 'contacts', fromId: i, to: 'companies', toId: 1000 + (i % 30), typeId: 279 });
    const result = await run('full');
    expect(result.streams.filter((s) => s.status !== 'succeeded')).toEqual([]);
    expect(result.status).toBe('succeeded');
    const contacts = local('contacts');
    expect(contacts.size).toBe(250);
    expect(contacts.get('17')!.properties).toMatchObject({ email: 'c17@example.com', firstname: 'First17', lastname: 'Last', hs_object_id: '17' });
    // Empty values aren't stored: HubSpot's nulls and absent properties mean the same.
    expect(contacts.get('17')!.properties).not.toHaveProperty('company');
    const summary = result.streams.find((s) => s.stream === 'contacts')!;
    expect(summary).toMatchObject({ mode: 'full', fetched: 250, created: 250, updated: 0, deleted: 0, status: 'succeeded' });
    expect(t.services.catalogue.properties(workspaceId, 'contacts').properties.map((p) => p.name)).toContain('email');
    expect(db().prepare('select count(*) from mirror_associations').pluck().get()).toBe(250);
    expect(db().prepare('select count(*) from mirror_owners').pluck().get()).toBe(1);
    expect(db().prepare('select count(*) from mirror_pipelines').pluck().get()).toBe(1);
    const status = t.services.mirror.status(workspaceId);
    expect(status.drift).toEqual([]);
    expect(status.lastFullAt).not.toBeNull();
    expect(status.portalTimeZone).toBe('Europe/Paris');

    // A second full run changes nothing.
    const again = await run('full', ['contacts']);
    expect(again.streams[0]).toMatchObject({ fetched: 250, created: 0, updated: 0, deleted: 0 });
  });

  it('reconciliation compares ids even when the counts agree: a deletion and a creation during the sync cancel out', async () => {
    seed('contacts', 40);
    // While the sync runs (after its listing, before reconciliation's first search), HubSpot loses
    // contact 5 and gains contact 41: 40 records on each side, not the same 40.
    let changed = false;
    fake.intercept = (req) => {
      if (!changed && req.method === 'POST' && req.path.endsWith('/contacts/search')) {
        changed = true;
        fake.records.delete('contacts:5');
        fake.put({ id: 41, type: 'contacts', properties: { email: 'c41@example.com' } });
      }
      return undefined;
    };
    await run('full', ['properties', 'contacts']);
    expect(changed).toBe(true);
    expect(t.services.mirror.status(workspaceId).drift).toMatchObject([{ objectType: 'contacts', localCount: 40, remoteCount: 40, missingIds: ['41'], extraIds: ['5'] }]);
    // The next full sync catches up, and the drift clears.
    await run('full', ['contacts']);
    expect(t.services.mirror.status(workspaceId).drift).toEqual([]);
  });

  it('keeps the memberships of the lists chosen in the settings, and Records filters by them', async () => {
    seed('contacts', 20);
    fake.lists.push({ listId: '7', name: 'VIP', objectTypeId: '0-1', processingType: 'MANUAL', members: [2, 3, 5] });
    fake.lists.push({ listId: '8', name: 'Other', objectTypeId: '0-1', processingType: 'MANUAL', members: [4] });
    t.services.mirror.setSettings(workspaceId, { membershipListIds: ['7'] });
    await run('full', ['properties', 'contacts', 'lists']);
    const list = (listId?: string) =>
      t.services.records.list(workspaceId, { objectType: 'contacts', deleted: false, limit: 50, ...(listId ? { listId } : {}) });
    expect(list('7').items.map((r) => r.id).sort()).toEqual(['2', '3', '5']);
    expect(list('7').total).toBe(3);
    // Only chosen lists are kept: another list filters to nothing.
    expect(list('8').total).toBe(0);
    expect(list().total).toBe(20);
    // A member leaves the list in HubSpot: the next sync follows.
    fake.lists[0]!.members = [2, 3];
    await run('full', ['lists']);
    expect(list('7').items.map((r) => r.id).sort()).toEqual(['2', '3']);
  });

  it('with a start date, a record gone from HubSpot without a trace is marked deleted; older records are out of scope, not missing', async () => {
    seed('contacts', 30);
    // Contact i was last modified at T0 - 1 day + (i - 1) ms: the scope starts at contact 15.
    t.services.mirror.setSettings(workspaceId, { startDate: new Date(T0 - 86_400_000 + 14).toISOString() });
    await run('full', ['properties', 'contacts']);
    expect([...local('contacts').keys()].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 16 }, (_, i) => String(15 + i)));
    fake.records.delete('contacts:20');
    await run('full', ['contacts']);
    const after = local('contacts');
    expect(after.get('20')).toMatchObject({ archived: true, reason: 'missing' });
    expect([...after.values()].filter((r) => r.archived)).toHaveLength(1);
    expect(t.services.mirror.status(workspaceId).drift).toEqual([]);
  });

  it('incremental picks up changes since the cursor minus the lookback, and new records', async () => {
    seed('contacts', 50);
    await run('full', ['properties', 'contacts']);
    clock.advance(15 * 60_000);
    fake.put({ id: 7, type: 'contacts', properties: { email: 'new7@example.com', firstname: 'Seven' } });
    fake.put({ id: 500, type: 'contacts', properties: { email: 'c500@example.com' } });
    clock.advance(1000);
    const result = await run('incremental', ['contacts']);
    expect(result.streams[0]).toMatchObject({ mode: 'incremental', fetched: 2, created: 1, updated: 1 });
    expect(local('contacts').get('7')!.properties.email).toBe('new7@example.com');
    const search = fake.requests.filter((r) => r.path.endsWith('/search')).at(-1)!.body as { filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }> };
    const gte = search.filterGroups[0]!.filters.find((f) => f.operator === 'GTE')!;
    // Lookback of 10 minutes before the cursor (the full run's start).
    expect(Number(gte.value)).toBe(T0 - 10 * 60_000);
  });

  it('survives more than 10,000 changes sharing one timestamp without ever paging past the cap', async () => {
    seed('contacts', 10);
    await run('full', ['properties', 'contacts']);
    clock.advance(60_000);
    const stamp = clock.now();
    for (let id = 100; id < 100 + 12_345; id++) fake.put({ id, type: 'contacts', updatedAt: stamp, properties: { email: `bulk${id}@example.com` } });
    clock.advance(1000);
    const result = await run('incremental', ['contacts']);
    expect(result.status).toBe('succeeded');
    expect(result.streams[0]).toMatchObject({ created: 12_345 });
    expect(local('contacts').size).toBe(12_355);
    const searches = fake.requests.filter((r) => r.path.endsWith('/search')).map((r) => r.body as { after?: string });
    expect(searches.every((b) => b.after === undefined)).toBe(true);
  });

  it('does not lose records the search index shows late: the lookback window catches them next time', async () => {
    seed('contacts', 5);
    await run('full', ['properties', 'contacts']);
    fake.searchLagMs = 30_000;
    clock.advance(5 * 60_000);
    fake.put({ id: 3, type: 'contacts', properties: { email: 'late@example.com' } });
    clock.advance(1_000);
    await run('incremental', ['contacts']);
    expect(local('contacts').get('3')!.properties.email).toBe('c3@example.com');
    clock.advance(60_000);
    await run('incremental', ['contacts']);
    expect(local('contacts').get('3')!.properties.email).toBe('late@example.com');
  });

  it('marks archived records deleted on full syncs and in the periodic sweep, and vanished ones as missing', async () => {
    seed('contacts', 20);
    await run('full', ['properties', 'contacts']);
    fake.put({ ...fake.records.get('contacts:4')!, archived: true });
    fake.records.delete('contacts:5');
    clock.advance(7 * 3_600_000);
    const incremental = await run('incremental', ['contacts']);
    expect(incremental.streams[0]!.deleted).toBe(1);
    expect(local('contacts').get('4')).toMatchObject({ archived: true, reason: 'archived' });
    const full = await run('full', ['contacts']);
    expect(full.streams[0]!.deleted).toBe(1);
    expect(local('contacts').get('5')).toMatchObject({ archived: true, reason: 'missing' });
    const listed = t.services.records.list(workspaceId, { objectType: 'contacts', deleted: true, limit: 10 });
    expect(listed.items.map((r) => r.id).sort()).toEqual(['4', '5']);
  });

  it('chunks hundreds of long property names so no URL overflows, and merges the chunks by id', async () => {
    fake.properties.deals = [...fake.properties.deals!, ...Array.from({ length: 600 }, (_, i) => `custom_property_with_a_rather_long_internal_name_${i}`)];
    for (let id = 1; id <= 150; id++) {
      const properties: Record<string, string> = { dealname: `Deal ${id}` };
      for (let p = 0; p < 600; p += 37) properties[`custom_property_with_a_rather_long_internal_name_${p}`] = `v${id}-${p}`;
      fake.put({ id, type: 'deals', updatedAt: T0 - 1000, properties });
    }
    const result = await run('full', ['properties', 'deals']);
    expect(result.status).toBe('succeeded');
    const deal = local('deals').get('42')!;
    expect(deal.properties.custom_property_with_a_rather_long_internal_name_592).toBe('v42-592');
    expect(deal.properties.dealname).toBe('Deal 42');
    for (let p = 0; p < 600; p += 37) expect(deal.properties[`custom_property_with_a_rather_long_internal_name_${p}`]).toBe(`v42-${p}`);
    expect(fake.requests.every((r) => r.url.length < 15_300)).toBe(true);
    expect(fake.requests.some((r) => r.path === '/crm/v3/objects/deals/batch/read')).toBe(true);
  });

  it('skips a stream whose scope is missing, naming the scope, and syncs the others', async () => {
    seed('contacts', 3);
    seed('deals', 3, 100);
    fake.deniedTypes.add('deals');
    const result = await run('full', ['properties', 'contacts', 'deals']);
    expect(result.status).toBe('succeeded');
    const deals = result.streams.find((s) => s.stream === 'deals')!;
    expect(deals.status).toBe('skipped');
    expect(deals.warning).toContain('crm.objects.deals.read');
    expect(local('contacts').size).toBe(3);
  });

  it('resumes an interrupted full sync from its last stored page', async () => {
    seed('contacts', 1000);
    let failFrom = 0;
    fake.intercept = ({ path, count }) => (failFrom && count >= failFrom && path === '/crm/v3/objects/contacts' ? { status: 503, body: { status: 'error', message: 'Service Unavailable' } } : undefined);
    await run('full', ['properties']);
    failFrom = fake.requests.length + 5;
    const broken = await run('full', ['contacts']);
    expect(broken.status).toBe('failed');
    const stored = local('contacts').size;
    expect(stored).toBeGreaterThanOrEqual(100);
    expect(stored).toBeLessThan(1000);
    expect(t.services.mirror.status(workspaceId).streams.find((s) => s.name === 'contacts')!.resumable).toBe(true);
    expect(t.services.mirror.errors(workspaceId, { limit: 10 }).items[0]).toMatchObject({ code: 'hubspot_unavailable', stream: 'contacts' });

    failFrom = 0;
    const before = fake.requests.length;
    const resumed = await run('incremental', ['contacts']);
    expect(resumed.streams[0]).toMatchObject({ mode: 'full', resumed: true, status: 'succeeded' });
    const firstList = fake.requests.slice(before).find((r) => r.path === '/crm/v3/objects/contacts')!;
    expect(firstList.url).toContain(`after=${stored + 1}`);
    expect(local('contacts').size).toBe(1000);
    expect(resumed.streams[0]!.created).toBe(1000 - stored);
  });

  it('stops on request at the next page, keeping the checkpoint for the next run', async () => {
    seed('contacts', 900);
    await run('full', ['properties']);
    // Stop is pressed while the third page is on its way.
    fake.intercept = ({ path }) => {
      if (path === '/crm/v3/objects/contacts' && fake.requests.filter((r) => r.path === path).length === 3) t.services.mirror.cancel(workspaceId);
      return undefined;
    };
    const stopped = await run('full', ['contacts']);
    expect(stopped.status).toBe('cancelled');
    expect(stopped.streams[0]!.status).toBe('cancelled');
    fake.intercept = undefined;
    const stored = local('contacts').size;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(900);
    const resumed = await run('full', ['contacts']);
    expect(resumed.streams[0]).toMatchObject({ resumed: true, created: 900 - stored });
  });

  it('retries rate limits inside the run', async () => {
    seed('contacts', 10);
    let limited = 2;
    fake.intercept = ({ path }) =>
      path === '/crm/v3/objects/contacts' && limited-- > 0
        ? { status: 429, body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } }
        : undefined;
    const result = await run('full', ['properties', 'contacts']);
    expect(result.status).toBe('succeeded');
    expect(local('contacts').size).toBe(10);
  });

  it('mirrors only the companies of a chosen list when scoped', async () => {
    seed('companies', 10, 1);
    fake.lists.push({ listId: '77', name: 'Key accounts', objectTypeId: '0-2', processingType: 'MANUAL', members: [2, 4, 6] });
    t.services.mirror.setSettings(workspaceId, { companyListId: '77' });
    await run('full', ['properties', 'lists', 'companies']);
    expect([...local('companies').keys()].sort()).toEqual(['2', '4', '6']);
    fake.lists[0]!.members = [2, 8];
    clock.advance(60_000);
    await run('incremental', ['companies']);
    expect([...local('companies').keys()].sort()).toEqual(['2', '8']);
  });

  it('resyncs one record fresh and logs a failed one with Retry this record', async () => {
    seed('contacts', 3);
    await run('full', ['properties', 'contacts']);
    fake.put({ id: 2, type: 'contacts', properties: { email: 'fresh@example.com' } });
    expect(await t.services.mirror.resync(workspaceId, { provider: 'hubspot', objectType: 'contacts', id: '2' })).toMatchObject({ outcome: 'updated' });
    expect(local('contacts').get('2')!.properties.email).toBe('fresh@example.com');

    fake.intercept = ({ path }) => (path.endsWith('/batch/read') ? { status: 500, body: { status: 'error', message: 'internal error' } } : undefined);
    await expect(t.services.mirror.resync(workspaceId, { provider: 'hubspot', objectType: 'contacts', id: '3' })).rejects.toMatchObject({ code: 'hubspot_unavailable' });
    const [error] = t.services.mirror.errors(workspaceId, { limit: 1 }).items;
    expect(error).toMatchObject({ recordId: '3', objectType: 'contacts', code: 'hubspot_unavailable' });
    expect(error!.response).toContain('internal error');
    fake.intercept = undefined;
    expect(await t.services.mirror.retryError(workspaceId, error!.id)).toMatchObject({ outcome: 'unchanged' });
    expect(t.services.mirror.errors(workspaceId, { limit: 5 }).items.find((e) => e.id === error!.id)!.retryStatus).toBe('resynced: unchanged');
    expect(t.services.mirror.runs(workspaceId, { limit: 10, errorsOnly: true }).items.every((r) => r.status !== 'succeeded' || r.errorCount > 0)).toBe(true);
  });
});
