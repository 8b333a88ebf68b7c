import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explainKeychainFailure, openSecretStore } from './keytar-secret-store.ts';

// `npm test` runs vitest inside dbus-run-session with an unlocked gnome-keyring and sets
// SYNCDESK_REQUIRE_KEYCHAIN=1, so these tests talk to a real Secret Service there. Elsewhere (a
// developer's machine without a session bus) they check the fallback instead.
const requireKeychain = process.env.SYNCDESK_REQUIRE_KEYCHAIN === '1';

describe('openSecretStore', () => {
  it.runIf(requireKeychain)('stores, lists and deletes secrets in the real OS keychain', async () => {
    const service = `syncdesk-test-${crypto.randomUUID()}`;
    const store = await openSecretStore({ service });
    expect(store.status()).toEqual({ kind: 'keychain' });
    await store.set('workspace:w1:hubspot.accessToken', 'value-one-123456');
    await store.set('workspace:w1:stripe.key', 'value-two-123456');
    await store.set('workspace:w2:hubspot.accessToken', 'value-three-1234');
    expect(await store.get('workspace:w1:hubspot.accessToken')).toBe('value-one-123456');
    expect((await store.keys('workspace:w1:')).sort()).toEqual(['workspace:w1:hubspot.accessToken', 'workspace:w1:stripe.key']);
    for (const key of await store.keys('workspace:')) await store.delete(key);
    expect(await store.get('workspace:w1:hubspot.accessToken')).toBeNull();
    expect(await store.keys('workspace:')).toEqual([]);
  });

  it('falls back to memory with a plain-language warning when the keychain fails', async () => {
    const store = await openSecretStore({
      loadKeytar: async () =>
        ({
          getPassword: async () => {
            throw new Error('The name org.freedesktop.secrets was not provided by any .service files');
          },
        }) as never,
    });
    expect(store.status().kind).toBe('memory');
    expect(store.status().warning).toMatch(/No keychain service/);
    await store.set('a', 'secret-value-xyz');
    expect(await store.get('a')).toBe('secret-value-xyz');
  });

  it('falls back when the keychain never answers', async () => {
    const store = await openSecretStore({
      loadKeytar: async () => ({ getPassword: () => new Promise(() => {}) }) as never,
      probeTimeoutMs: 200,
    });
    expect(store.status().kind).toBe('memory');
  }, 10_000);

  it('explains each known failure', () => {
    expect(explainKeychainFailure(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'))).toMatch(/D-Bus/);
    expect(explainKeychainFailure(new Error('Cannot create an item in a locked collection'))).toMatch(/locked/);
    expect(explainKeychainFailure(new Error('weird'))).toMatch(/weird/);
  });
});
