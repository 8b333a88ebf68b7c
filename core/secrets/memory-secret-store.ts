import type { SecretStore } from '../ports/secret-store.ts';
import { registerSecret } from './redact.ts';

/** Secrets for the life of this process only. Used when no keychain exists, and in tests. */
export function createMemorySecretStore(warning?: string): SecretStore {
  const values = new Map<string, string>();
  return {
    async get(key) {
      return values.get(key) ?? null;
    },
    async set(key, value) {
      registerSecret(value);
      values.set(key, value);
    },
    async delete(key) {
      values.delete(key);
    },
    async keys(prefix) {
      return [...values.keys()].filter((k) => k.startsWith(prefix));
    },
    status: () => (warning ? { kind: 'memory', warning } : { kind: 'memory' }),
  };
}
