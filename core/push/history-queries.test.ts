import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryFilter } from '../contract/push.ts';
import { generateHistory } from '../../test/harness/history-data.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';
import type { Db } from '../store/database.ts';
import { createHistoryStore } from './history-store.ts';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const DAY_MS = 86_400_000;

/** Every attempt matching, newest first, computed the slow obvious way. */
function expected(db: Db, filter: HistoryFilter, words: string[]): number[] {
  const rows = db.prepare('select id, started_at, lead_label, lead_email, error_message, is_error, error_code, status from push_attempts order by started_at desc, id desc').all() as Array<{
    id: number;
    started_at: number;
    lead_label: string;
    lead_email: string;
    error_message: string | null;
    is_error: number;
    error_code: string | null;
  }>;
  const tokens = (text: string) => text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return rows
    .filter((r) => {
      const text = tokens(`${r.lead_label} ${r.lead_email} ${r.error_message ?? ''}`);
      if (!words.every((w) => text.some((t) => t.startsWith(w)))) return false;
      if (filter.errorsOnly && r.is_error !== 1) return false;
      if (filter.errorCodes && !filter.errorCodes.includes(r.error_code as never)) return false;
      if (filter.from && r.started_at < Date.parse(filter.from)) return false;
      if (filter.to && r.started_at >= Date.parse(filter.to)) return false;
      return true;
    })
    .map((r) => r.id);
}

describe('Sync History queries (search and retention at scale)', () => {
  let t: TestServices;
  let db: Db;
  let store: ReturnType<typeof createHistoryStore>;

  beforeAll(() => {
    t = createTestServices();
    const { id } = t.services.workspaces.create({ name: 'History', kind: 'hubspot' });
    db = t.services.workspaces.database(id);
    generateHistory(db, { attempts: 6000, days: 31, now: NOW, seed: 11 });
    store = createHistoryStore(db);
    store.rebuildOutcomeHours();
  });
  afterAll(() => t.cleanup());

  const all = (filter: HistoryFilter, pageSize = 37) => {
    const ids: number[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 500; pages++) {
      const page = store.history(filter, pageSize, after);
      ids.push(...page.rows.map((r) => r.id));
      if (!page.next) return ids;
      after = page.next;
    }
    throw new Error('paging did not end');
  };

  it('pages free-text matches newest first with the other filters, the time range and the cursor', () => {
    const cases: Array<[HistoryFilter, string[]]> = [
      [{ search: 'maria' }, ['maria']],
      [{ search: 'mar' }, ['mar']],
      [{ search: 'Müller' }, ['muller']],
      [{ search: 'garcia', errorsOnly: true }, ['garcia']],
      [{ search: 'sofia silva' }, ['sofia', 'silva']],
      [{ search: 'plan_interest', errorCodes: ['invalid_value'] }, ['plan', 'interest']],
      [{ search: 'an', from: new Date(NOW - 20 * DAY_MS).toISOString(), to: new Date(NOW - 10 * DAY_MS).toISOString() }, ['an']],
      [{ search: 'kim', from: new Date(NOW + DAY_MS).toISOString() }, ['kim']],
    ];
    for (const [filter, words] of cases) {
      const want = expected(db, filter, words);
      expect(all(filter), JSON.stringify(filter)).toEqual(want);
      expect(store.historyCount(filter, 100_000), JSON.stringify(filter)).toEqual({ count: want.length, capped: false });
    }
    expect(expected(db, { search: 'mar' }, ['mar']).length).toBeGreaterThan(200);
    expect(store.historyCount({ search: 'mar' }, 50)).toEqual({ count: 50, capped: true });
  });

  it('prunes in short chunks: old attempts with their links and exchanges, then the finished jobs left without attempts', () => {
    const before = NOW - 20 * DAY_MS;
    const count = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
    const keep = count('select count(*) as n from push_attempts where started_at >= ?', before);
    const keptExchanges = count('select count(distinct exchange_id) as n from push_attempt_exchanges l join push_attempts a on a.id = l.attempt_id where a.started_at >= ?', before);
    const pendingJobs = count('select count(*) as n from push_jobs where finished_at is null');
    let calls = 0;
    for (;;) {
      const { more } = store.prune(before, 500);
      calls++;
      if (!more) break;
    }
    expect(calls).toBeGreaterThan(4);
    expect(count('select count(*) as n from push_attempts')).toBe(keep);
    expect(count('select count(*) as n from push_attempts where started_at < ?', before)).toBe(0);
    expect(count('select count(*) as n from push_exchanges')).toBe(keptExchanges);
    expect(count('select count(*) as n from push_attempt_exchanges l where not exists (select 1 from push_attempts a where a.id = l.attempt_id)')).toBe(0);
    expect(count('select count(*) as n from push_jobs where finished_at < ?', before)).toBe(0);
    expect(count('select count(*) as n from push_jobs where finished_at is null')).toBe(pendingJobs);
    expect(count('select count(*) as n from push_outcome_hours where hour < ?', before - 3_600_000)).toBe(0);
    // Search no longer finds what was pruned.
    expect(all({ search: 'mar' })).toEqual(expected(db, { search: 'mar' }, ['mar']));
  });
});
