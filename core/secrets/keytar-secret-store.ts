import type { SecretStore } from '../ports/secret-store.ts';
import type { Logger } from '../ports/logger.ts';
import { createMemorySecretStore } from './memory-secret-store.ts';
import { registerSecret } from './redact.ts';

type Keytar = typeof import('keytar');

export const DEFAULT_KEYCHAIN_SERVICE = 'Syncdesk';
const PROBE_ACCOUNT = '__syncdesk_probe__';
const PROBE_TIMEOUT_MS = 5000;

/** A SecretStore over the OS keychain (macOS Keychain, Windows Credential Vault, Secret Service on Linux). */
export function createKeytarSecretStore(keytar: Keytar, service = DEFAULT_KEYCHAIN_SERVICE): SecretStore {
  return {
    async get(key) {
      const value = await keytar.getPassword(service, key);
      registerSecret(value);
      return value;
    },
    async set(key, value) {
      registerSecret(value);
      await keytar.setPassword(service, key, value);
    },
    async delete(key) {
      await keytar.deletePassword(service, key);
    },
    async keys(prefix) {
      const all = await keytar.findCredentials(service);
      return all.map((c) => c.account).filter((account) => account.startsWith(prefix));
    },
    status: () => ({ kind: 'keychain' }),
  };
}

/**
 * Opens the OS keychain, or falls back to memory with a warning that says why.
 * Never falls back to a file: a plaintext secrets file is not an option.
 */
export async function openSecretStore(
  options: { service?: string; logger?: Logger; loadKeytar?: () => Promise<Keytar>; probeTimeoutMs?: number } = {},
): Promise<SecretStore> {
  const service = options.service ?? DEFAULT_KEYCHAIN_SERVICE;
  const loadKeytar = options.loadKeytar ?? (async () => (await import('keytar')).default as Keytar);
  try {
    const keytar = await loadKeytar();
    // The probe is the first real round trip to the Secret Service; it fails fast when none exists.
    await withTimeout(keytar.getPassword(service, PROBE_ACCOUNT), options.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
    return createKeytarSecretStore(keytar, service);
  } catch (error) {
    const warning = explainKeychainFailure(error);
    options.logger?.warn('OS keychain unavailable; secrets stay in memory', { reason: String(error) });
    return createMemorySecretStore(warning);
  }
}

export function explainKeychainFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const suffix = 'Secrets are kept in memory for this session only: reconnect after restarting Syncdesk.';
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket/i.test(text)) {
    return `No desktop session bus (D-Bus) was found, so the OS keychain can't be reached. ${suffix}`;
  }
  if (/org\.freedesktop\.secrets|not provided by any \.service/i.test(text)) {
    return `No keychain service (such as GNOME Keyring or KWallet) is running. ${suffix}`;
  }
  if (/locked collection|collection\/login|does not exist at path/i.test(text)) {
    return `The OS keychain is locked or has no default collection; unlock it and restart Syncdesk. ${suffix}`;
  }
  if (/timed out/i.test(text)) {
    return `The OS keychain did not answer in time. ${suffix}`;
  }
  if (/Cannot find module|keytar/i.test(text)) {
    return `The keychain module could not be loaded on this system. ${suffix}`;
  }
  return `The OS keychain could not be used (${text}). ${suffix}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keychain probe timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
