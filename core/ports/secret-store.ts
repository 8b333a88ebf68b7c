import type { SecretStorageStatus } from '../contract/app.ts';

/**
 * Where tokens, client secrets and Stripe keys live. Implementations: the OS keychain (keytar)
 * and a memory-only fallback. Never a file, never SQLite.
 */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys (not values) under a prefix, e.g. everything of one workspace. */
  keys(prefix: string): Promise<string[]>;
  status(): SecretStorageStatus;
}
