import { defineMigrations } from '../store/migrations.ts';

/**
 * Mapping's tables in a workspace database. The push settings themselves are one JSON document in
 * the workspace's `settings` table (key `mapping.push`): small, read whole, validated on read.
 */
export const mappingMigrations = defineMigrations('mapping', [
  {
    id: 1,
    name: 'test runs and the lists cache',
    sql: `
      -- Every Send test lead: when, with which lead, what happened (the full report as JSON).
      create table mapping_test_runs (
        id text primary key,
        at text not null,
        lead_id text,
        result text not null check (result in ('passed', 'problems', 'failed')),
        contact_id text,
        deleted_at text,
        report text not null
      );
      create index mapping_test_runs_by_time on mapping_test_runs (at desc);

      -- The portal's contact lists as last read (the Lists tab works offline).
      create table mapping_lists (
        list_id text primary key,
        name text not null,
        processing_type text not null,
        size integer,
        fetched_at text not null
      );
    `,
  },
]);
