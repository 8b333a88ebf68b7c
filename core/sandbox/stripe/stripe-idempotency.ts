import crypto from 'node:crypto';
import type { Db } from '../../store/database.ts';
import type { FormObject } from './stripe-form.ts';

/**
 * Stripe's idempotent requests: a POST with an `Idempotency-Key` seen in the last 24 hours gets
 * the first response again (with `Idempotent-Replayed: true`), provided it has the same endpoint
 * and parameters; otherwise Stripe's idempotency_error. stripe-node keys every POST by itself.
 */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface SavedResponse {
  apiKey: string;
  method: string;
  path: string;
  paramsHash: string;
  requestId: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface Row {
  api_key: string;
  method: string;
  path: string;
  params_hash: string;
  request_id: string;
  status: number;
  headers: string;
  body: string;
  created: number;
}

/** A hash of parameters that ignores their order in the body. */
export function paramsHash(params: FormObject): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return crypto.createHash('sha256').update(JSON.stringify(canonical(params))).digest('hex');
}

export function createIdempotencyStore(db: Db, nowMs: () => number) {
  const select = db.prepare<[string], Row>('select * from stripe_idempotency where key = ?');
  const insert = db.prepare(
    `insert or replace into stripe_idempotency (key, api_key, method, path, params_hash, request_id, status, headers, body, created)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const expire = db.prepare('delete from stripe_idempotency where created < ?');
  return {
    find(key: string): SavedResponse | undefined {
      expire.run(nowMs() - IDEMPOTENCY_WINDOW_MS);
      const row = select.get(key);
      if (!row) return undefined;
      return {
        apiKey: row.api_key,
        method: row.method,
        path: row.path,
        paramsHash: row.params_hash,
        requestId: row.request_id,
        status: row.status,
        headers: JSON.parse(row.headers) as Record<string, string>,
        body: JSON.parse(row.body),
      };
    },
    save(key: string, saved: SavedResponse): void {
      insert.run(key, saved.apiKey, saved.method, saved.path, saved.paramsHash, saved.requestId, saved.status, JSON.stringify(saved.headers), JSON.stringify(saved.body), nowMs());
    },
  };
}
export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
