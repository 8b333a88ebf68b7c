// npm run bench:push-history — the Sync History queries over a million attempts (SPEC §5: a UI
// interaction under 100 ms). Seeds a workspace database directly, then times each query the
// history page makes through the router (as the renderer calls it): p50 / p95 / max over repeats.
// Prints figures; not a test. ROWS=200000 for a quicker run.
import { createServices } from '../../core/app/create-services.ts';
import { createManualClock } from '../../core/ports/clock.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { seedHistory } from '../harness/history-seed.ts';
import { makeTempDir } from '../harness/temp-dir.ts';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const REPEATS = Number(process.env.REPEATS ?? 20);
const now = Date.UTC(2026, 5, 30, 12);
const temp = makeTempDir('syncdesk-bench-history-');
const clock = createManualClock(now);
const services = createServices({ dataDir: temp.dir, host: 'test', secrets: createMemorySecretStore(), preferences: createMemoryPreferences(), logger: createMemoryLogger(), clock });
try {
  const { id: workspaceId } = services.workspaces.create({ name: 'History', kind: 'hubspot' });
  const { db, history } = services.pushEngine.storesFor(workspaceId);
  const seeded = seedHistory(db, { attempts: ROWS, now });
  history.rebuildOutcomeHours();
  console.log(`seeded ${seeded.attempts.toLocaleString('en-US')} attempts of ${seeded.jobs.toLocaleString('en-US')} jobs in ${(seeded.ms / 1000).toFixed(1)} s`);

  const call = async (method: string, input: Record<string, unknown>) => {
    const result = await services.router.handle(method, { workspaceId, ...input }, { client: 'bench' });
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
    return result.value as any;
  };
  const deep = async (filter: Record<string, unknown>, pages: number) => {
    let after: string | undefined;
    for (let i = 0; i < pages; i++) after = (await call('push.history', { filter, limit: 100, ...(after ? { after } : {}) })).next;
    return after;
  };
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const cursor50 = await deep({}, 50);
  const cursorErr = await deep({ errorsOnly: true }, 20);
  const newest = (await call('push.history', { limit: 1 })).items[0];
  const lead = newest.leadId;
  const job = (await call('push.history', { filter: { statuses: ['failed'] }, limit: 1 })).items[0].jobId;
  const leadIds = (await call('push.history', { limit: 100 })).items.map((r: any) => r.leadId);

  const cases: Array<[string, () => Promise<unknown>]> = [
    ['history: first page (100 rows)', () => call('push.history', { limit: 100 })],
    ['history: page 51 by cursor', () => call('push.history', { limit: 100, after: cursor50 })],
    ['history: errors only', () => call('push.history', { filter: { errorsOnly: true }, limit: 100 })],
    ['history: errors only, page 21', () => call('push.history', { filter: { errorsOnly: true }, limit: 100, after: cursorErr })],
    ['history: status failed', () => call('push.history', { filter: { statuses: ['failed'] }, limit: 100 })],
    ['history: status failed or cancelled (merged scans)', () => call('push.history', { filter: { statuses: ['failed', 'cancelled'] }, limit: 100 })],
    ['history: error title (code)', () => call('push.history', { filter: { errorCodes: ['property_missing'] }, limit: 100 })],
    ['history: two error titles', () => call('push.history', { filter: { errorCodes: ['property_missing', 'not_found'] }, limit: 100 })],
    ['history: step = list', () => call('push.history', { filter: { steps: ['list'] }, limit: 100 })],
    ['history: last 24 h', () => call('push.history', { filter: { from: iso(now - day), to: iso(now) }, limit: 100 })],
    ['history: a day 3 weeks ago, errors only', () => call('push.history', { filter: { from: iso(now - 21 * day), to: iso(now - 20 * day), errorsOnly: true }, limit: 100 })],
    ['history: search "hopper" (common)', () => call('push.history', { filter: { search: 'hopper' }, limit: 100 })],
    ['history: search "platinum" (error text)', () => call('push.history', { filter: { search: 'platinum' }, limit: 100 })],
    ['history: search one lead by name (rare)', () => call('push.history', { filter: { search: newest.leadLabel }, limit: 100 })],
    ['history: search + failed + 7 days', () => call('push.history', { filter: { search: 'grace', statuses: ['failed'], from: iso(now - 7 * day) }, limit: 100 })],
    ['history: one lead', () => call('push.history', { filter: { leadId: lead }, limit: 100 })],
    ['count: errors only (cap 100,000)', () => call('push.historyCount', { filter: { errorsOnly: true } })],
    ['count: failed, last 7 days', () => call('push.historyCount', { filter: { statuses: ['failed'], from: iso(now - 7 * day) } })],
    ['retry all failed: preview count', () => call('push.retryFailed', { filter: { errorCodes: ['invalid_value'] }, preview: true })],
    ['chart: 30 days by day', () => call('push.buckets', { from: iso(now - 30 * day), to: iso(now), size: 'day', timeZone: 'Europe/Berlin' })],
    ['chart: 7 days by hour', () => call('push.buckets', { from: iso(now - 7 * day), to: iso(now), size: 'hour' })],
    ['error titles (30 days)', () => call('push.errorTitles', { from: iso(now - 30 * day) })],
    ['job detail', () => call('push.job', { jobId: job })],
    ['jobs: failed, newest first', () => call('push.jobs', { filter: { states: ['failed'] }, limit: 100 })],
    ['lead statuses (100 leads)', () => call('push.leadStatuses', { leadIds })],
  ];
  console.log(`\n${'query'.padEnd(52)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}  rows`);
  for (const [name, run] of cases) {
    const times: number[] = [];
    let result: any;
    for (let i = 0; i < REPEATS; i++) {
      const t = performance.now();
      result = await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
    const rows = result?.items?.length ?? result?.buckets?.length ?? result?.count ?? result?.errors?.length ?? result?.statuses?.length ?? result?.attemptDetails?.length ?? '';
    console.log(`${name.padEnd(52)} ${p(0.5).padStart(6)}ms ${p(0.95).padStart(6)}ms ${times.at(-1)!.toFixed(1).padStart(6)}ms  ${rows}`);
  }
} finally {
  services.close();
  temp.cleanup();
}
