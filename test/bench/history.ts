// npm run bench:history — Sync History at a million rows: the queries the page makes (p50/p95 over
// many runs with varied parameters), Retry all failed's preview count, and the 30-day retention
// prune (chunked: total time and the longest single transaction, which is what blocks). Prints figures.
// ROWS=200000 npm run bench:history for a quicker run.
import { createServices } from '../../core/app/create-services.ts';
import type { HistoryFilter } from '../../core/contract/push.ts';
import { createManualClock } from '../../core/ports/clock.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { makeTempDir } from '../harness/temp-dir.ts';
import { generateHistory } from '../harness/history-data.ts';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 40);
const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-11-23T12:00:00.000Z');

const temp = makeTempDir('syncdesk-bench-history-');
const clock = createManualClock(NOW);
const services = createServices({ dataDir: temp.dir, host: 'test', secrets: createMemorySecretStore(), preferences: createMemoryPreferences(), logger: createMemoryLogger(), clock });
const fmt = (n: number) => n.toLocaleString('en-US');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(name: string, run: (i: number) => unknown): Promise<{ name: string; p50: number; p95: number; max: number }> {
  await run(0); // warm the statement cache
  const times: number[] = [];
  let result: unknown;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    result = await run(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const row = { name, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)! };
  const size = Array.isArray((result as { items?: unknown[] })?.items) ? `${(result as { items: unknown[] }).items.length} rows` : Array.isArray((result as { buckets?: unknown[] })?.buckets) ? `${(result as { buckets: unknown[] }).buckets.length} buckets` : JSON.stringify(result).slice(0, 60);
  console.log(`${name.padEnd(44)} p50 ${row.p50.toFixed(1).padStart(6)} ms   p95 ${row.p95.toFixed(1).padStart(6)} ms   max ${row.max.toFixed(1).padStart(6)} ms   (${size})${row.p95 >= 100 ? '   ← misses 100 ms' : ''}`);
  return row;
}

try {
  const { id: workspaceId } = services.workspaces.create({ name: 'Bench history', kind: 'hubspot' });
  const db = services.workspaces.database(workspaceId);
  let started = performance.now();
  const generated = generateHistory(db, {
    attempts: ROWS,
    days: 31,
    now: NOW,
    onProgress: (done) => {
      if (done % 200_000 < 5000) process.stderr.write(`  ${fmt(done)} rows…\n`);
    },
  });
  services.pushEngine.storesFor(workspaceId).history.rebuildOutcomeHours();
  const generatedSeconds = (performance.now() - started) / 1000;
  // What the runner does after its prune at start (and every 6 hours): fresh planner statistics.
  started = performance.now();
  services.pushEngine.storesFor(workspaceId).history.optimize();
  const optimizeMs = performance.now() - started;
  console.log(`generated ${fmt(generated.attempts)} attempts of ${fmt(generated.jobs)} jobs (${fmt(generated.exchanges)} exchanges) over 31 days in ${generatedSeconds.toFixed(0)} s; planner statistics in ${optimizeMs.toFixed(0)} ms`);

  const history = (filter: HistoryFilter, after?: string) => services.push.history(workspaceId, filter, 100, after);
  // Deep pages: follow cursors a few pages in, then measure pages from there.
  const cursorsFor = (filter: HistoryFilter, pages: number) => {
    const cursors: Array<string | undefined> = [undefined];
    let next: string | undefined;
    for (let i = 0; i < pages; i++) {
      next = history(filter, next).next;
      if (!next) break;
      cursors.push(next);
    }
    return cursors;
  };
  const titles = ['invalid_value', 'property_missing', 'duplicate_contact', 'no_email', 'missing_scopes', 'internal'] as const;
  // Names, surnames, emails, a domain, words of an error, two words; and separately a 3-letter prefix
  // shared by ~15% of the rows (what a search box sends while typing "maria").
  const searches = ['maria', 'garcia', 'müller', 'company17', 'plan_interest', 'sofia silva', 'kim42', 'jürgen.novak'];
  const prefix = 'mar';
  const day = (n: number) => new Date(NOW - n * DAY_MS).toISOString();

  const errorCursors = cursorsFor({ errorsOnly: true }, 20);
  const titleCursors = titles.map((code) => cursorsFor({ errorCodes: [code] }, 5));
  const results = [
    await measure('first page, no filter', () => history({})),
    await measure('errors only, pages 1–20', (i) => history({ errorsOnly: true }, errorCursors[i % errorCursors.length])),
    await measure('error title filter, pages 1–5 (6 titles)', (i) => history({ errorCodes: [titles[i % titles.length]!] }, titleCursors[i % titles.length]![Math.floor(i / titles.length) % titleCursors[i % titles.length]!.length])),
    await measure('two error titles', (i) => history({ errorCodes: [titles[i % 6]!, titles[(i + 1) % 6]!] })),
    await measure('step filter (company)', () => history({ steps: ['company'] })),
    await measure('free-text search page (8 terms)', (i) => history({ search: searches[i % searches.length]! })),
    await measure('free-text page, common prefix "mar"', () => history({ search: prefix })),
    await measure('search + errors only', (i) => history({ search: searches[i % searches.length]!, errorsOnly: true })),
    await measure('time range page (a day, 3–25 days ago)', (i) => history({ from: day(4 + (i % 22)), to: day(3 + (i % 22)) })),
    await measure('time range + errors only', (i) => history({ from: day(4 + (i % 22)), to: day(3 + (i % 22)), errorsOnly: true })),
    await measure('time range + title + search', (i) => history({ from: day(20), to: day(5), errorCodes: ['invalid_value'], search: searches[i % searches.length]! })),
    await measure('bucket query, 30 days by day', () => services.push.buckets(workspaceId, day(30), day(0), 'day', 'Europe/Berlin')),
    await measure('bucket query, 7 days by hour', () => services.push.buckets(workspaceId, day(7), day(0), 'hour', 'UTC')),
    await measure('error titles (filter choices, 30 days)', () => services.push.errorTitles(workspaceId, day(30))),
    await measure('history count, errors only (cap 100k)', () => services.push.historyCount(workspaceId, { errorsOnly: true }, 100_000)),
    await measure('preview count: Retry all failed', () => services.push.retryFailed(workspaceId, {}, true)),
    await measure('preview count: failed with a title', (i) => services.push.retryFailed(workspaceId, { errorCodes: [titles[i % titles.length]!] }, true)),
    await measure('preview count: failed in a week', (i) => services.push.retryFailed(workspaceId, { from: day(8 + (i % 20)), to: day(1 + (i % 20)) }, true)),
    await measure('preview count: failed matching a search', (i) => services.push.retryFailed(workspaceId, { search: searches[i % searches.length]! }, true)),
    await measure('preview count: failed, prefix "mar"', () => services.push.retryFailed(workspaceId, { search: prefix }, true)),
  ];
  void results;

  // Retention: 30 days (the default) prunes the oldest day; then 7 days prunes most of the history.
  for (const days of [30, 7]) {
    services.push.saveSettings(workspaceId, { retentionDays: days });
    const store = services.pushEngine.storesFor(workspaceId).history;
    const before = NOW - days * DAY_MS;
    let longest = 0;
    let longestKind = '';
    const slow: string[] = [];
    let chunks = 0;
    let total = 0;
    started = performance.now();
    // The service's prune, step by step, to time each chunk (each is one transaction: the longest is the longest block).
    for (;;) {
      const t = performance.now();
      const { attempts, jobs, more } = store.prune(before);
      const took = performance.now() - t;
      const kind = attempts > 0 ? `${attempts} attempts` : `${jobs} jobs`;
      if (took > longest) [longest, longestKind] = [took, kind];
      if (took > 200) slow.push(`#${chunks + 1} ${kind} ${took.toFixed(0)} ms`);
      chunks++;
      total += attempts;
      if (!more) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const left = (db.prepare('select count(*) as n from push_attempts').get() as { n: number }).n;
    console.log(
      `prune to ${days} days: ${fmt(total)} attempts in ${((performance.now() - started) / 1000).toFixed(1)} s, ${chunks} chunks, longest chunk ${longest.toFixed(0)} ms (${longestKind}) (${fmt(left)} left)${slow.length ? `\n  chunks over 200 ms: ${slow.slice(0, 10).join(', ')}` : ''}`,
    );
  }
} finally {
  services.close();
  temp.cleanup();
}
