import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specs } from '../../../test/harness/openapi.ts';
import { startTestSandbox, type TestSandbox } from '../../../test/harness/hubspot-sandbox.ts';
import { tokenMatch } from './hubspot-search.ts';

const objects = specs.objects();
let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox({ seed: 10_100 });
});
afterAll(async () => {
  await sb.stop();
});

type Filter = { propertyName: string; operator: string; value?: string; values?: string[]; highValue?: string };
const search = (type: string, body: Record<string, unknown>) => sb.call('POST', `/crm/v3/objects/${type}/search`, { body });
const one = (filter: Filter, extra: Record<string, unknown> = {}) => ({ filterGroups: [{ filters: [filter] }], limit: 200, ...extra });

describe('search', () => {
  it('returns total, results with the search defaults, and paging.next.after as an integer offset', async () => {
    const res = await search('contacts', { filterGroups: [], limit: 3 });
    expect(res.status).toBe(200);
    objects.response('POST', '/crm/v3/objects/{objectType}/search', 200, res.body);
    expect(res.body.total).toBe(10_100);
    expect(res.body.paging).toEqual({ next: { after: '3' } });
    expect(Object.keys(res.body.results[0].properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
    const next = await search('contacts', { limit: 3, after: '3' });
    expect(Number(next.body.results[0].id)).toBeGreaterThan(Number(res.body.results[2].id));
    const explicit = await search('companies', { properties: ['industry'], limit: 1 });
    expect(Object.keys(explicit.body.results[0].properties).sort()).toEqual(['createdate', 'hs_lastmodifieddate', 'hs_object_id', 'industry']);
    // No rate-limit headers on search responses; the correlation id is there.
    expect([...res.headers.keys()].filter((h) => h.startsWith('x-hubspot-ratelimit'))).toEqual([]);
    expect(res.headers.get('x-hubspot-correlation-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('supports every operator', async () => {
    const all = (await sb.call('GET', '/__sandbox/state/contacts', { token: null })).body.results as Array<{ id: string; properties: Record<string, string> }>;
    const count = (pred: (p: Record<string, string>) => boolean) => all.filter((r) => pred(r.properties)).length;
    const total = async (filter: Filter) => (await search('contacts', one(filter, { limit: 1 }))).body.total;
    expect(await total({ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' })).toBe(count((p) => p.lifecyclestage === 'customer'));
    // Enumerations are case-sensitive.
    expect(await total({ propertyName: 'lifecyclestage', operator: 'EQ', value: 'Customer' })).toBe(0);
    expect(await total({ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'customer' })).toBe(count((p) => p.lifecyclestage !== 'customer'));
    expect(await total({ propertyName: 'lifecyclestage', operator: 'IN', values: ['customer', 'evangelist'] })).toBe(count((p) => ['customer', 'evangelist'].includes(p.lifecyclestage!)));
    expect(await total({ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['customer', 'lead'] })).toBe(count((p) => !['customer', 'lead'].includes(p.lifecyclestage!)));
    expect(await total({ propertyName: 'firstname', operator: 'EQ', value: 'ADA' })).toBe(count((p) => p.firstname === 'Ada'));
    expect(await total({ propertyName: 'message', operator: 'HAS_PROPERTY' })).toBe(count((p) => p.message !== undefined));
    expect(await total({ propertyName: 'message', operator: 'NOT_HAS_PROPERTY' })).toBe(count((p) => p.message === undefined));
    const domain = all[0]!.properties.email!.split('@')[1]!;
    const sameDomain = count((p) => p.email!.endsWith(`@${domain}`));
    expect(sameDomain).toBeGreaterThan(0);
    expect(await total({ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: `*@${domain}` })).toBe(sameDomain);
    expect(await total({ propertyName: 'message', operator: 'CONTAINS_TOKEN', value: 'enterprise' })).toBe(count((p) => /\benterprise\b/.test(p.message ?? '')));
    expect(await total({ propertyName: 'message', operator: 'NOT_CONTAINS_TOKEN', value: 'enterprise' })).toBe(count((p) => !/\benterprise\b/.test(p.message ?? '')));
    const ids = all.map((r) => Number(r.id)).sort((a, b) => a - b);
    const mid = ids[5000]!;
    expect(await total({ propertyName: 'hs_object_id', operator: 'GTE', value: String(mid) })).toBe(ids.filter((i) => i >= mid).length);
    expect(await total({ propertyName: 'hs_object_id', operator: 'LT', value: String(mid) })).toBe(ids.filter((i) => i < mid).length);
    expect(await total({ propertyName: 'hs_object_id', operator: 'BETWEEN', value: String(ids[10]), highValue: String(ids[19]) })).toBe(10);
    const cut = Date.now() - 100 * 86_400_000;
    expect(await total({ propertyName: 'lastmodifieddate', operator: 'GT', value: String(cut) })).toBe(count((p) => Date.parse(p.lastmodifieddate!) > cut));
    expect(await total({ propertyName: 'createdate', operator: 'LTE', value: new Date(cut).toISOString() })).toBe(count((p) => Date.parse(p.createdate!) <= cut));
    expect(await total({ propertyName: 'trial_start_date', operator: 'GTE', value: String(cut) })).toBe(count((p) => p.trial_start_date !== undefined && Number(p.trial_start_date) >= cut));
    // AND within a group, OR across groups.
    const both = await search('contacts', {
      filterGroups: [
        { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }, { propertyName: 'plan_interest', operator: 'EQ', value: 'enterprise' }] },
        { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'evangelist' }] },
      ],
      limit: 1,
    });
    expect(both.body.total).toBe(count((p) => (p.lifecyclestage === 'customer' && p.plan_interest === 'enterprise') || p.lifecyclestage === 'evangelist'));
    expect((await search('contacts', { query: 'ada', limit: 1 })).body.total).toBeGreaterThan(0);
  });

  it('sorts by one rule, in the docs object form and the SDK string form', async () => {
    const asc = await search('contacts', { sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }], limit: 50 });
    const times = asc.body.results.map((r: { properties: { lastmodifieddate: string } }) => Date.parse(r.properties.lastmodifieddate));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const desc = await sb.client().crm.contacts.searchApi.doSearch({ filterGroups: [], sorts: ['-createdate'], properties: ['email'], limit: 50, after: '0' });
    const created = desc.results.map((r) => r.createdAt.getTime());
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const byName = await search('contacts', { sorts: ['firstname'], properties: ['firstname'], limit: 200 });
    const names = byName.body.results.map((r: { properties: { firstname: string } }) => r.properties.firstname.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it('enforces limits: 5 groups, 6 filters a group, 18 filters, limit ≤ 200, and the 10,000-result cap', async () => {
    const f = { propertyName: 'firstname', operator: 'EQ', value: 'Ada' };
    const groups = (n: number, per: number) => Array.from({ length: n }, () => ({ filters: Array.from({ length: per }, () => f) }));
    for (const body of [{ filterGroups: groups(6, 1) }, { filterGroups: groups(1, 7) }, { filterGroups: [...groups(3, 6), ...groups(1, 1)] }, { limit: 201 }]) {
      const res = await search('contacts', body);
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
      objects.response('POST', '/crm/v3/objects/{objectType}/search', 400, res.body);
    }
    expect((await search('contacts', { filterGroups: groups(3, 6) })).status).toBe(200);
    // Paging reaches 10,000 and then stops with a 400, while total still counts every match.
    const last = await search('contacts', { limit: 200, after: '9800' });
    expect(last.status).toBe(200);
    expect(last.body.results).toHaveLength(200);
    expect(last.body.total).toBe(10_100);
    expect(last.body.paging.next.after).toBe('10000');
    const past = await search('contacts', { limit: 10, after: '10000' });
    expect(past.status).toBe(400);
    expect(past.body.category).toBe('VALIDATION_ERROR');
  });

  it('pages the 10k-plus records sharing one timestamp by hs_object_id inside the window', async () => {
    const state = (await sb.call('GET', '/__sandbox/state/contacts', { token: null })).body.results as Array<{ properties: Record<string, string> }>;
    const counts = new Map<string, number>();
    for (const r of state) counts.set(r.properties.lastmodifieddate!, (counts.get(r.properties.lastmodifieddate!) ?? 0) + 1);
    const [stamp, shared] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    expect(shared).toBeGreaterThan(1500);
    const ms = String(Date.parse(stamp));
    let after = '0';
    let seen = 0;
    for (;;) {
      const page = await search('contacts', {
        filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: ms }, { propertyName: 'hs_object_id', operator: 'GT', value: after }] }],
        sorts: ['hs_object_id'],
        limit: 200,
      });
      seen += page.body.results.length;
      if (!page.body.paging) break;
      after = page.body.results.at(-1).id;
    }
    expect(seen).toBe(shared);
  });

  it('hides records written within the index lag; an update shows its previous version until then', async () => {
    await sb.admin('settings', { searchLagMs: 5_000 });
    try {
      const hs = sb.client();
      const created = await hs.crm.contacts.basicApi.create({ properties: { email: 'lag@example.com', firstname: 'Lagging' }, associations: [] });
      const byEmail = () => search('contacts', one({ propertyName: 'email', operator: 'EQ', value: 'lag@example.com' }, { properties: ['firstname'] }));
      expect((await byEmail()).body.total).toBe(0);
      await sb.call('POST', '/__sandbox/clock', { body: { advanceMs: 6_000 }, token: null });
      expect((await byEmail()).body.results[0].properties.firstname).toBe('Lagging');
      await hs.crm.contacts.basicApi.update(created.id, { properties: { firstname: 'Renamed' } });
      expect((await byEmail()).body.results[0].properties.firstname).toBe('Lagging');
      await sb.call('POST', '/__sandbox/clock', { body: { advanceMs: 6_000 }, token: null });
      const after = await byEmail();
      expect(after.body.total).toBe(1);
      expect(after.body.results[0].properties.firstname).toBe('Renamed');
      // Reads by id are never lagged.
      expect((await hs.crm.contacts.basicApi.getById(created.id)).properties.firstname).toBe('Renamed');
    } finally {
      await sb.admin('settings', { searchLagMs: 0 });
    }
  });

  it('limits search to 5 requests a second per portal with the "secondly" 429 the SDK recognises', async () => {
    await sb.admin('settings', { limits: true });
    try {
      await sb.call('POST', '/__sandbox/clock', { body: { advanceMs: 2_000 }, token: null });
      const statuses: number[] = [];
      let refused;
      for (let i = 0; i < 7; i++) {
        const res = await search('deals', { limit: 1 });
        statuses.push(res.status);
        if (res.status === 429) refused = res;
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses[5]).toBe(429);
      expect(refused!.body).toEqual({ status: 'error', message: 'You have reached your secondly limit.', correlationId: refused!.headers.get('x-hubspot-correlation-id'), category: 'RATE_LIMITS' });
      expect(refused!.headers.get('retry-after')).toBeNull();
      expect([...refused!.headers.keys()].filter((h) => h.startsWith('x-hubspot-ratelimit'))).toEqual([]);
      await sb.call('POST', '/__sandbox/clock', { body: { advanceMs: 1_100 }, token: null });
      expect((await search('deals', { limit: 1 })).status).toBe(200);
    } finally {
      await sb.admin('settings', { limits: false });
    }
  });

  it('matches tokens with wildcards', () => {
    expect(tokenMatch('ada@hubspot.com', '*@hubspot.com')).toBe(true);
    expect(tokenMatch('Asked about the enterprise plan.', 'enterprise')).toBe(true);
    expect(tokenMatch('enterprises', 'enterprise')).toBe(false);
    expect(tokenMatch(null, 'x')).toBe(false);
  });
});
