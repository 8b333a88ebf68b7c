import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHubSpot, startFakeHubSpot } from '../../test/harness/fake-hubspot-crm.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';
import { createStaticProviders } from '../mirror/static-providers.ts';

let fake: FakeHubSpot;
let t: TestServices;
let providers: ReturnType<typeof createStaticProviders>;

beforeEach(async () => {
  fake = await startFakeHubSpot();
  providers = createStaticProviders({ hubspot: { baseUrl: fake.url, token: 'pat-na1-00000000-0000-4000-8000-000000000003', tier: 'unlimited' } });
  t = createTestServices({ providers });
});
afterEach(async () => {
  providers.close();
  t.cleanup();
  await fake.close();
});

const call = (method: string, input: unknown) => t.services.router.handle(method, input, { client: 'test' });

describe('property catalogue (catalogue.properties / catalogue.refresh)', () => {
  it('is empty until refreshed, then lists definitions sorted by label, kept across a restart of core', async () => {
    const workspaceId = t.services.workspaces.create({ name: 'Acme', kind: 'hubspot' }).id;
    expect(await call('catalogue.properties', { workspaceId, objectType: 'contacts' })).toEqual({ ok: true, value: { objectType: 'contacts', fetchedAt: null, properties: [] } });
    const refreshed = await call('catalogue.refresh', { workspaceId });
    expect(refreshed).toMatchObject({ ok: true, value: { refreshed: [{ objectType: 'contacts' }, { objectType: 'companies' }, { objectType: 'deals' }], skipped: [] } });
    const listed = (await call('catalogue.properties', { workspaceId, objectType: 'contacts' })) as { ok: true; value: { fetchedAt: string; properties: Array<{ name: string; label: string; readOnly: boolean; hubspotDefined: boolean }> } };
    expect(listed.value.fetchedAt).not.toBeNull();
    expect(listed.value.properties.map((p) => p.label)).toEqual([...listed.value.properties.map((p) => p.label)].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(listed.value.properties.find((p) => p.name === 'hs_object_id')).toMatchObject({ readOnly: true, hubspotDefined: true });
    // Mapping reads the same definitions.
    expect(t.services.catalogue.propertyNames(workspaceId, 'companies')).toContain('stripe_customer_id');
  });

  it('refreshes the types it can read and reports the ones a missing scope stops', async () => {
    const workspaceId = t.services.workspaces.create({ name: 'Acme', kind: 'hubspot' }).id;
    fake.deniedTypes.add('deals');
    const result = await call('catalogue.refresh', { workspaceId, objectTypes: ['contacts', 'deals'] });
    expect(result).toMatchObject({ ok: true, value: { refreshed: [{ objectType: 'contacts' }], skipped: [{ objectType: 'deals', code: 'missing_scopes' }] } });
    expect(await call('catalogue.refresh', { workspaceId, objectTypes: ['deals'] })).toMatchObject({ ok: false, error: { code: 'missing_scopes' } });
    expect(await call('catalogue.properties', { workspaceId, objectType: 'Not A Type' })).toMatchObject({ ok: false, error: { code: 'validation' } });
  });
});
