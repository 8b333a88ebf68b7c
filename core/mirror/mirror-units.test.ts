import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { catalogueMigrations } from '../catalogue/catalogue-schema.ts';
import { createManualClock } from '../ports/clock.ts';
import { recomputeLinks } from '../stripe/stripe-links.ts';
import { createMirrorScheduler } from './mirror-scheduler.ts';
import { mirrorMigrations } from './mirror-schema.ts';
import { createMirrorStore, DEFAULT_SETTINGS } from './mirror-store.ts';
import { chunkProperties } from './property-chunks.ts';
import { createRecordsService } from './records-service.ts';
import { isBusinessHours, stalenessWarnings } from './staleness.ts';
import { withRetry } from './retry.ts';
import { AppError } from '../errors.ts';

const memoryDb = () => {
  const db = openDatabase(':memory:');
  migrate(db, [catalogueMigrations, mirrorMigrations]);
  return db;
};

describe('property chunks', () => {
  it('keeps every chunk under the limit, puts the first properties first, and loses none', () => {
    const names = Array.from({ length: 900 }, (_, i) => `custom_property_${i}_with_a_long_name`);
    const chunks = chunkProperties([...names, 'email'], 15_000, ['email']);
    expect(chunks[0]![0]).toBe('email');
    expect(chunks.every((c) => c.map(encodeURIComponent).join(',').length <= 15_000)).toBe(true);
    expect(chunks.flat().sort()).toEqual([...names, 'email'].sort());
    expect(chunks.length).toBeGreaterThan(1);
  });
});

describe('staleness', () => {
  // Monday 2 March 2026, 10:00 in Paris = 09:00 UTC.
  const monday10 = Date.UTC(2026, 2, 2, 9, 0);
  it('knows business hours in the portal time zone', () => {
    expect(isBusinessHours(monday10, 'Europe/Paris')).toBe(true);
    expect(isBusinessHours(monday10, 'America/Los_Angeles')).toBe(false);
    expect(isBusinessHours(Date.UTC(2026, 2, 1, 11, 0), 'Europe/Paris')).toBe(false);
  });
  it('warns after 30 minutes during business hours and after 24 hours for the full sync', () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(stalenessWarnings({ now: monday10, lastIncrementalAt: iso(monday10 - 20 * 60_000), lastFullAt: iso(monday10 - 3_600_000), timeZone: 'Europe/Paris' })).toEqual([]);
    expect(stalenessWarnings({ now: monday10, lastIncrementalAt: iso(monday10 - 45 * 60_000), lastFullAt: iso(monday10 - 3_600_000), timeZone: 'Europe/Paris' }).map((w) => w.kind)).toEqual(['incremental']);
    // Outside business hours the same age is fine.
    expect(stalenessWarnings({ now: monday10, lastIncrementalAt: iso(monday10 - 45 * 60_000), lastFullAt: iso(monday10 - 3_600_000), timeZone: 'America/Los_Angeles' })).toEqual([]);
    expect(stalenessWarnings({ now: monday10, lastIncrementalAt: iso(monday10 - 60_000), lastFullAt: iso(monday10 - 25 * 3_600_000), timeZone: 'Europe/Paris' }).map((w) => w.kind)).toEqual(['full']);
    expect(stalenessWarnings({ now: monday10, lastIncrementalAt: null, lastFullAt: null, timeZone: null })[0]!.message).toMatch(/No full sync yet/);
  });
});

describe('scheduler', () => {
  it('asks for a full sync first, incremental every N minutes, and the nightly full at its hour', () => {
    const clock = createManualClock(new Date(2026, 2, 2, 10, 0).getTime());
    let freshness: { lastIncrementalAt: string | null; lastFullAt: string | null } = { lastIncrementalAt: null, lastFullAt: null };
    const scheduler = createMirrorScheduler({
      mirror: { settings: () => ({ ...DEFAULT_SETTINGS, incrementalMinutes: 15, fullSyncHour: 2 }), freshness: () => freshness, isRunning: () => false, runAndWait: async () => ({}) as never },
      workspaces: () => ['w1'],
      providers: { hubspot: async () => ({}) as never, stripe: async () => null },
      clock,
      logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
    });
    expect(scheduler.due('w1', clock.now())).toBe('full');
    freshness = { lastIncrementalAt: null, lastFullAt: new Date(clock.now()).toISOString() };
    clock.advance(10 * 60_000);
    expect(scheduler.due('w1', clock.now())).toBeNull();
    clock.advance(6 * 60_000);
    expect(scheduler.due('w1', clock.now())).toBe('incremental');
    freshness = { lastIncrementalAt: new Date(clock.now()).toISOString(), lastFullAt: freshness.lastFullAt };
    // The next night, past 02:00: the full sync is due.
    clock.set(new Date(2026, 2, 3, 2, 5).getTime());
    expect(scheduler.due('w1', clock.now())).toBe('full');
  });
});

describe('records browsing', () => {
  it('pages by key in label order, searches and filters, and counts', () => {
    const db = memoryDb();
    const store = createMirrorStore(db);
    const objects = Array.from({ length: 250 }, (_, i) => ({
      id: String(1000 + i),
      properties: { firstname: `Name${String(i).padStart(3, '0')}`, lastname: 'Smith', email: `p${i}@example.com`, hubspot_owner_id: i % 2 ? '7' : '8' },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      archived: false,
    }));
    store.storeRecords('contacts', objects, { runId: 1, now: Date.now() });
    const records = createRecordsService({ database: () => db });
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = records.list('w', { objectType: 'contacts', deleted: false, limit: 100, ...(after ? { after } : {}) });
      expect(page.total).toBe(250);
      seen.push(...page.items.map((r) => r.label));
      after = page.next;
    } while (after);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(250);
    expect(records.list('w', { objectType: 'contacts', deleted: false, limit: 10, search: 'p17@' }).items.map((r) => r.id)).toEqual(['1017']);
    expect(records.list('w', { objectType: 'contacts', deleted: false, limit: 500, ownerId: '7' }).total).toBe(125);
    expect(records.list('w', { objectType: 'contacts', deleted: false, limit: 5, property: { name: 'firstname', value: 'Name042' } }).items.map((r) => r.id)).toEqual(['1042']);
    expect(() => records.list('w', { objectType: 'contacts', deleted: false, limit: 5, after: 'not-a-cursor' })).toThrowError(/page cursor/);
  });
});

describe('linking Stripe customers to companies', () => {
  it('links by the customer-id property first, then by email domain, never by free mail', () => {
    const db = memoryDb();
    const store = createMirrorStore(db);
    const company = (id: string, properties: Record<string, string>) => ({ id, properties, createdAt: '', updatedAt: '', archived: false });
    store.storeRecords('companies', [company('1', { name: 'Acme', domain: 'acme.example', stripe_customer_id: 'cus_A' }), company('2', { name: 'Beta', domain: 'https://www.beta.example/' }), company('3', { name: 'Gmail Inc', domain: 'gmail.com' })], { runId: 1, now: 0 });
    const customer = (id: string, email: string) => db.prepare("insert into stripe_objects (type, id, data, synced_at) values ('customer', ?, ?, 0)").run(id, JSON.stringify({ id, email }));
    customer('cus_A', 'someone@elsewhere.example');
    customer('cus_B', 'ap@beta.example');
    customer('cus_C', 'founder@gmail.com');
    expect(recomputeLinks(db, 'stripe_customer_id')).toEqual({ property: 1, domain: 1 });
    expect(db.prepare('select customer_id, company_id, method from mirror_links order by customer_id').all()).toEqual([
      { customer_id: 'cus_A', company_id: '1', method: 'property' },
      { customer_id: 'cus_B', company_id: '2', method: 'domain' },
    ]);
  });
});

describe('retries inside a run', () => {
  it('retries transient failures, not the daily reserve, and stops on cancel', async () => {
    let calls = 0;
    const controller = new AbortController();
    const flaky = async () => {
      calls++;
      if (calls < 3) throw new AppError('hubspot_unavailable', 'down', { retryable: true });
      return 'ok';
    };
    expect(await withRetry(flaky, { signal: controller.signal, delaysMs: [1, 1, 1] })).toBe('ok');
    const daily = async () => {
      throw new AppError('rate_limited', 'reserve', { retryable: true, details: { policy: 'DAILY_RESERVE' } });
    };
    await expect(withRetry(daily, { signal: controller.signal, delaysMs: [1, 1] })).rejects.toMatchObject({ details: { policy: 'DAILY_RESERVE' } });
    controller.abort();
    await expect(withRetry(flaky, { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
