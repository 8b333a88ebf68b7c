import { defineMigrations } from '../store/migrations.ts';

/**
 * One row per provider of the workspace. Never a secret: tokens, client secrets and keys live in
 * the SecretStore; only their expiry, the portal identity and the granted scopes are here.
 */
export const connectionMigrations = defineMigrations('connections', [
  {
    id: 1,
    name: 'hubspot and stripe connections',
    sql: `
      create table connection_hubspot (
        id integer primary key check (id = 1),
        state text not null check (state in ('connected', 'reauthorize', 'disconnected')),
        reason text,
        auth_kind text check (auth_kind in ('oauth', 'private_app')),
        portal text,
        bound_portal_id integer,
        granted_scopes text,
        api_base text not null,
        auth_base text not null,
        client_id text,
        client_secret_saved integer not null default 0,
        access_expires_at integer,
        connected_at text,
        last_verified_at text,
        last_check text,
        credential_version integer not null default 0,
        updated_at text not null
      );
      create table connection_stripe (
        id integer primary key check (id = 1),
        state text not null check (state in ('connected', 'reauthorize', 'disconnected')),
        reason text,
        key_kind text check (key_kind in ('restricted', 'secret')),
        livemode integer,
        permissions text,
        api_base text not null,
        connected_at text,
        last_verified_at text,
        last_check text,
        credential_version integer not null default 0,
        updated_at text not null
      );
    `,
  },
  {
    id: 2,
    name: 'share of the daily API budget kept for other apps',
    sql: `
      create table connection_budget (
        id integer primary key check (id = 1),
        reserved_share real not null check (reserved_share >= 0 and reserved_share <= 0.9)
      );
    `,
  },
]);
