import { defineMigrations } from '../../store/migrations.ts';

/**
 * The simulated Stripe account's tables in the sandbox's SQLite file. Objects are kept in API
 * shape (JSON, unexpanded) with the few columns lists filter and sort on; lists walk
 * (type, created, seq) newest first, so a page costs the same with 50 or 50,000 customers.
 */
export const stripeMigrations = defineMigrations('sandbox-stripe', [
  {
    id: 1,
    name: 'objects, keys and idempotency',
    sql: `
      create table stripe_objects (
        seq integer primary key,
        id text not null unique,
        type text not null,
        created integer not null,
        deleted integer not null default 0,
        customer text,
        parent text,
        status text,
        lookup text,
        period_end integer,
        body text not null
      );
      create index stripe_objects_by_type on stripe_objects (type, deleted, created, seq);
      create index stripe_objects_by_customer on stripe_objects (customer, type, deleted, created, seq) where customer is not null;
      create index stripe_objects_by_parent on stripe_objects (parent, type, deleted, created, seq) where parent is not null;
      create index stripe_objects_by_lookup on stripe_objects (type, lookup, deleted, created, seq) where lookup is not null;
      create index stripe_objects_by_period_end on stripe_objects (type, period_end) where period_end is not null;

      create table stripe_keys (
        key text primary key,
        kind text not null,
        permissions text,
        created integer not null
      );

      create table stripe_idempotency (
        key text primary key,
        api_key text not null,
        method text not null,
        path text not null,
        params_hash text not null,
        request_id text not null,
        status integer not null,
        headers text not null,
        body text not null,
        created integer not null
      );
      create index stripe_idempotency_by_created on stripe_idempotency (created);
    `,
  },
]);
