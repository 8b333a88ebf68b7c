import type { Db } from '../store/database.ts';
import { statement } from '../jobs/statements.ts';

export interface CompanyEntry {
  companyId: string | null;
  /** A create was sent for this key and its answer never recorded. */
  createSentAt: number | null;
  created: boolean;
}

/** A company's match keys: `domain:acme.com`, `name:acme inc` (lower-cased, spaces collapsed). */
export const domainKey = (domain: string) => `domain:${domain.trim().toLowerCase()}`;
export const nameKey = (name: string) => `name:${normalizeName(name)}`;
export const normalizeName = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

export type CompanyCache = ReturnType<typeof createCompanyCache>;

/**
 * The companies the engine matched or created, by match key (push_companies). HubSpot's search
 * lags behind writes, so a company created by the previous batch can't be found by searching yet:
 * without this, two batches naming the same new company would create it twice. A create is marked
 * before it is sent; after a crash, a marked key is searched for before creating again.
 */
export function createCompanyCache(db: Db) {
  const select = statement(db, 'select key, company_id, create_sent_at, created from push_companies where key in (select value from json_each(?))');
  const markSent = statement(db, 
    `insert into push_companies (key, company_id, create_sent_at, created, updated_at) values (?, null, ?, 0, ?)
     on conflict (key) do update set create_sent_at = excluded.create_sent_at, updated_at = excluded.updated_at`,
  );
  const record = statement(db, 
    `insert into push_companies (key, company_id, create_sent_at, created, updated_at) values (?, ?, null, ?, ?)
     on conflict (key) do update set company_id = excluded.company_id, create_sent_at = null, created = max(created, excluded.created), updated_at = excluded.updated_at`,
  );
  const forget = statement(db, 'delete from push_companies where company_id = ?');

  return {
    lookup(keys: readonly string[]): Map<string, CompanyEntry> {
      const found = new Map<string, CompanyEntry>();
      if (keys.length === 0) return found;
      for (const row of select.all(JSON.stringify(keys)) as Array<{ key: string; company_id: string | null; create_sent_at: number | null; created: number }>) {
        found.set(row.key, { companyId: row.company_id, createSentAt: row.create_sent_at, created: row.created === 1 });
      }
      return found;
    },
    /** Call inside the transaction that precedes the create. */
    markCreateSent(keys: readonly string[], now: number): void {
      for (const key of keys) markSent.run(key, now, now);
    },
    /** Call inside the transaction that stores the step results. */
    record(keys: readonly string[], companyId: string, created: boolean, now: number): void {
      for (const key of keys) record.run(key, companyId, created ? 1 : 0, now);
    },
    /** The company is gone from HubSpot (archived or merged): match it again next time. */
    forget(companyId: string): void {
      forget.run(companyId);
    },
  };
}
