import { defineMigrations } from '../store/migrations.ts';

/**
 * Indexes Sync History needs beyond the push engine's own (`core/jobs/job-schema.ts`), measured
 * with `npm run bench:history` at a million attempts. A set of its own so it never collides with
 * the engine's migration numbers; it applies after `jobs`.
 *
 * - `push_jobs_failed_updated`: Retry all failed's preview count in a time range ("failed in the
 *   last week") read every failed job's row to test `updated_at` (130–440 ms at 67,000 failed jobs);
 *   with the partial index it is one range scan.
 */
export const historyMigrations = defineMigrations('history', [
  {
    id: 1,
    name: 'failed jobs by last update',
    sql: `create index push_jobs_failed_updated on push_jobs (updated_at, id) where state = 'failed';`,
  },
]);
