import { defineMigrations } from '../store/migrations.ts';

/**
 * The mirror's tables in a workspace database: HubSpot records and what hangs off them, Stripe
 * objects, stream cursors and checkpoints, and the run log.
 */
export const mirrorMigrations = defineMigrations('mirror', [
  {
    id: 1,
    name: 'mirror records, streams and run log',
    sql: `
      -- One row per CRM record of any object type (contacts, companies, deals; more types later).
      create table mirror_records (
        object_type text not null,
        id text not null,
        properties text not null,
        label text not null default '',
        subtitle text not null default '',
        search text not null default '',
        owner_id text,
        created_at text,
        modified_at integer,
        archived integer not null default 0,
        archived_at text,
        deleted_reason text,
        synced_at integer not null,
        synced_run integer,
        seen_run integer
      );
      create unique index mirror_records_key on mirror_records(object_type, id);
      create index mirror_records_browse on mirror_records(object_type, archived, label collate nocase, id);
      create index mirror_records_run on mirror_records(object_type, synced_run);

      create table mirror_associations (
        from_type text not null,
        from_id text not null,
        to_type text not null,
        to_id text not null,
        type_ids text not null,
        labels text not null default '[]',
        primary key (from_type, from_id, to_type, to_id)
      ) without rowid;
      create index mirror_associations_to on mirror_associations(to_type, to_id, from_type);

      create table mirror_owners (
        id text primary key,
        email text,
        first_name text,
        last_name text,
        user_id integer,
        archived integer not null default 0,
        data text not null
      );

      create table mirror_pipelines (
        object_type text not null,
        id text not null,
        label text not null,
        display_order integer,
        archived integer not null default 0,
        stages text not null,
        primary key (object_type, id)
      );

      create table mirror_lists (
        id text primary key,
        name text not null,
        object_type_id text not null,
        processing_type text not null,
        size integer,
        data text not null
      );

      create table mirror_list_members (
        list_id text not null,
        record_id text not null,
        primary key (list_id, record_id)
      ) without rowid;

      -- Stripe objects, one table: type = customer | product | price | coupon | subscription | invoice.
      create table stripe_objects (
        type text not null,
        id text not null,
        data text not null,
        customer_id text,
        status text,
        label text not null default '',
        search text not null default '',
        created integer,
        deleted integer not null default 0,
        synced_at integer not null,
        primary key (type, id)
      );
      create index stripe_objects_customer on stripe_objects(type, customer_id);

      create table stripe_mrr (
        subscription_id text primary key,
        customer_id text not null,
        currency text not null,
        mrr_minor integer not null,
        counted integer not null,
        reason text
      );
      create index stripe_mrr_customer on stripe_mrr(customer_id);

      -- Stripe customer ↔ HubSpot company.
      create table mirror_links (
        customer_id text primary key,
        company_id text not null,
        method text not null
      );
      create index mirror_links_company on mirror_links(company_id);

      -- Per stream: how far it is (cursor, epoch ms for HubSpot, seconds for Stripe events) and an unfinished run's position.
      create table mirror_streams (
        name text primary key,
        cursor integer,
        last_full_at text,
        last_incremental_at text,
        last_archived_at text,
        checkpoint text,
        last_status text,
        last_warning text,
        last_error text,
        updated_at text not null
      );

      create table mirror_runs (
        id integer primary key autoincrement,
        mode text not null,
        trigger text not null,
        status text not null,
        started_at text not null,
        finished_at text,
        duration_ms integer,
        fetched integer not null default 0,
        created integer not null default 0,
        updated integer not null default 0,
        deleted integer not null default 0,
        error_count integer not null default 0,
        streams text not null default '[]',
        message text
      );
      create index mirror_runs_started on mirror_runs(started_at);

      create table mirror_run_errors (
        id integer primary key autoincrement,
        run_id integer not null references mirror_runs(id) on delete cascade,
        at text not null,
        stream text not null,
        provider text not null,
        object_type text,
        record_id text,
        code text not null,
        message text not null,
        response text,
        retried_at text,
        retry_status text
      );
      create index mirror_run_errors_run on mirror_run_errors(run_id);

      create table mirror_reconciliations (
        object_type text primary key,
        run_id integer,
        at text not null,
        local_count integer not null,
        remote_count integer not null,
        missing_ids text not null default '[]',
        extra_ids text not null default '[]'
      );

      create table mirror_meta (
        key text primary key,
        value text not null
      );
    `,
  },
  {
    id: 2,
    name: 'covering index of live record ids',
    sql: `
      -- Reconciliation, deletion detection and association passes walk the live ids of a type;
      -- without this they read every (large) row.
      create index mirror_records_live on mirror_records(object_type, archived, id);
    `,
  },
]);
