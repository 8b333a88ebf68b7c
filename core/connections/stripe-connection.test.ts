import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceConnections } from '../contract/connections.ts';
import type { Result } from '../contract/errors.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import { createMemorySecretStore } from '../secrets/memory-secret-store.ts';
import { ALL_STRIPE_READS, startFakeStripe } from '../../test/harness/fake-stripe.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';

let t: TestServices;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
let secrets: SecretStore;

beforeEach(async () => {
  stripe = await startFakeStripe();
  const memory = createMemorySecretStore();
  secrets = { ...memory, status: () => ({ kind: 'keychain' }) };
  t = createTestServices({ secrets, connections: { timeoutMs: 5000 } });
});
afterEach(async () => {
  t.cleanup();
  await stripe.close();
});

const call = async (method: string, input: unknown) => (await t.services.router.handle(method, input, { client: 'test' })) as Result<WorkspaceConnections>;
const workspace = async () => ((await t.services.router.handle('workspaces.create', { name: 'Acme' }, { client: 'test' })) as { value: { id: string } }).value.id;

describe('stripe connection', () => {
  it('probes every permission the mirror needs, stores the key in the secret store only, and hands out a client', async () => {
    const id = await workspace();
    const key = stripe.createKey();
    const result = await call('connections.connectStripe', { workspaceId: id, key, apiBase: stripe.url });
    expect(result).toMatchObject({ ok: true, value: { stripe: { state: 'connected', keyKind: 'restricted', livemode: false, settings: { apiBase: stripe.url } } } });
    const permissions = result.ok ? result.value.stripe.permissions : [];
    expect(permissions?.map((p) => [p.label, p.granted])).toEqual([
      ['Customers', true],
      ['Subscriptions', true],
      ['Products', true],
      ['Prices', true],
      ['Invoices', true],
      ['Events', true],
    ]);
    expect(JSON.stringify(result)).not.toContain(key);
    expect(await secrets.get(`workspace:${id}:stripe.key`)).toBe(key);
    const client = await t.services.providers.stripe(id);
    expect(client).not.toBeNull();
    expect(await t.services.providers.stripe(id)).toBe(client);
    expect((await client!.customers.list({ limit: 1 })).object).toBe('list');
  });

  it('names every missing permission and stores nothing', async () => {
    const id = await workspace();
    const key = stripe.createKey(ALL_STRIPE_READS.filter((p) => p !== 'rak_subscription_read' && p !== 'rak_event_read'));
    const result = await call('connections.connectStripe', { workspaceId: id, key, apiBase: stripe.url });
    expect(result).toMatchObject({ ok: false, error: { code: 'missing_scopes', details: { scopes: ['rak_subscription_read', 'rak_event_read'] } } });
    expect(!result.ok && result.error.message).toContain('Subscriptions (rak_subscription_read), Events (rak_event_read)');
    expect(await secrets.keys('')).toEqual([]);
    expect(await t.services.providers.stripe(id)).toBeNull();
  });

  it('refuses an unknown key and a publishable key with the fix', async () => {
    const id = await workspace();
    expect(await call('connections.connectStripe', { workspaceId: id, key: 'rk_test_51Unknown000000000000', apiBase: stripe.url })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized', message: expect.stringContaining('API keys') },
    });
    expect(await call('connections.connectStripe', { workspaceId: id, key: 'pk_test_51abc', apiBase: stripe.url })).toMatchObject({
      ok: false,
      error: { code: 'validation', message: expect.stringContaining('publishable key') },
    });
  });

  it('flips to Reauthorize when Stripe later refuses the key, and disconnect deletes it', async () => {
    const id = await workspace();
    const key = stripe.createKey();
    await call('connections.connectStripe', { workspaceId: id, key, apiBase: stripe.url });
    const client = (await t.services.providers.stripe(id))!;
    stripe.revoke(key);
    await expect(client.customers.list({ limit: 1 })).rejects.toMatchObject({ statusCode: 401 });
    const after = await call('connections.get', { workspaceId: id });
    expect(after).toMatchObject({ ok: true, value: { stripe: { state: 'reauthorize', action: 'replace_key' } } });
    expect(await t.services.providers.stripe(id)).toBeNull();

    expect(await call('connections.disconnect', { workspaceId: id, provider: 'stripe' })).toMatchObject({ ok: true, value: { stripe: { state: 'disconnected', action: 'connect' } } });
    expect(await secrets.keys('')).toEqual([]);
  });

  it('Check now re-probes the key', async () => {
    const id = await workspace();
    const key = stripe.createKey();
    await call('connections.connectStripe', { workspaceId: id, key, apiBase: stripe.url });
    stripe.revoke(key);
    expect(await call('connections.check', { workspaceId: id })).toMatchObject({ ok: true, value: { stripe: { state: 'reauthorize' } } });
  });
});
