import { defineMigrations } from '../../store/migrations.ts';

/**
 * Tables of the simulated HubSpot in the sandbox's SQLite file.
 *
 * Object ids are unique across the whole sandbox (HubSpot only promises uniqueness within an object
 * type and portal, so this is a stricter subset of real behaviour). That lets the id be the rowid:
 * list pages (`id > after order by id`) and batch reads are plain rowid lookups, and associations
 * can be keyed by the from-id alone.
 */
export const hubspotMigrations = defineMigrations('hubspot', [
  {
    id: 1,
    name: 'portals, objects, properties, associations, lists, owners, auth',
    sql: `
      create table hs_portals (
        portal_id integer primary key,
        name text not null,
        domain text not null,
        tier text not null,
        time_zone text not null,
        currency text not null,
        hublet text not null,
        is_default integer not null default 0,
        created_at integer not null
      );

      create table hs_objects (
        id integer primary key,
        portal_id integer not null,
        type text not null,
        created_at integer not null,
        updated_at integer not null,
        archived integer not null default 0,
        archived_at integer,
        -- search sees the row only from this time on (search-index lag)
        visible_at integer not null,
        props text not null
      );
      -- Covering indexes: list pages, and search's count(*) + page on id / last-modified / created
      -- ranges, never touch the (wide) rows until the page is read.
      create index hs_objects_by_id on hs_objects (portal_id, type, archived, id, visible_at);
      create index hs_objects_by_updated on hs_objects (portal_id, type, archived, updated_at, id, visible_at);
      create index hs_objects_by_created on hs_objects (portal_id, type, archived, created_at, id, visible_at);

      -- The version search still shows while a fresh update is inside the index lag.
      create table hs_search_shadow (
        id integer primary key,
        portal_id integer not null,
        type text not null,
        created_at integer not null,
        updated_at integer not null,
        props text not null,
        visible_until integer not null
      );
      create index hs_search_shadow_by_type on hs_search_shadow (portal_id, type, visible_until);

      -- Primary and additional contact emails, lower-cased: uniqueness and idProperty=email lookups.
      create table hs_emails (
        portal_id integer not null,
        email text not null,
        contact_id integer not null,
        is_primary integer not null,
        primary key (portal_id, email)
      ) without rowid;
      create index hs_emails_by_contact on hs_emails (contact_id);

      create table hs_properties (
        portal_id integer not null,
        type text not null,
        name text not null,
        definition text not null,
        archived integer not null default 0,
        primary key (portal_id, type, name)
      ) without rowid;

      create table hs_property_groups (
        portal_id integer not null,
        type text not null,
        name text not null,
        label text not null,
        display_order integer not null,
        archived integer not null default 0,
        primary key (portal_id, type, name)
      ) without rowid;

      -- Both directions are stored, so every read is a prefix scan on from_id.
      create table hs_associations (
        from_id integer not null,
        to_type text not null,
        to_id integer not null,
        type_id integer not null,
        category text not null,
        portal_id integer not null,
        from_type text not null,
        created_at integer not null,
        primary key (from_id, to_type, to_id, type_id)
      ) without rowid;

      create table hs_owners (
        id integer primary key,
        portal_id integer not null,
        email text not null,
        first_name text not null,
        last_name text not null,
        user_id integer,
        teams text not null,
        archived integer not null default 0,
        created_at integer not null,
        updated_at integer not null
      );
      create index hs_owners_by_portal on hs_owners (portal_id, id);

      create table hs_lists (
        list_id integer primary key,
        portal_id integer not null,
        name text not null,
        object_type_id text not null,
        processing_type text not null,
        filter_branch text,
        list_version integer not null,
        created_by text not null,
        created_at integer not null,
        updated_at integer not null,
        filters_updated_at integer not null,
        deleted_at integer
      );
      create index hs_lists_by_portal on hs_lists (portal_id, list_id);

      create table hs_list_members (
        list_id integer not null,
        record_id integer not null,
        added_at integer not null,
        primary key (list_id, record_id)
      ) without rowid;
      create index hs_list_members_by_record on hs_list_members (record_id);

      create table hs_oauth_apps (
        client_id text primary key,
        client_secret text not null,
        app_id integer not null,
        name text not null,
        redirect_uris text not null,
        created_at integer not null
      );

      -- Private-app tokens and OAuth access tokens.
      create table hs_tokens (
        token text primary key,
        kind text not null,
        portal_id integer not null,
        scopes text not null,
        app_id integer not null,
        client_id text,
        refresh_token text,
        user_id integer not null,
        expires_at integer,
        revoked_at integer,
        created_at integer not null
      );
      create index hs_tokens_by_refresh on hs_tokens (refresh_token);

      create table hs_refresh_tokens (
        token text primary key,
        client_id text not null,
        portal_id integer not null,
        scopes text not null,
        user_id integer not null,
        revoked_at integer,
        created_at integer not null
      );

      create table hs_auth_codes (
        code text primary key,
        client_id text not null,
        portal_id integer not null,
        scopes text not null,
        redirect_uri text not null,
        code_challenge text,
        user_id integer not null,
        expires_at integer not null,
        used_at integer
      );
    `,
  },
]);
