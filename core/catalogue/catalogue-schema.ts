import { defineMigrations } from '../store/migrations.ts';

/** The portal's property definitions per object type, as the last refresh read them. */
export const catalogueMigrations = defineMigrations('catalogue', [
  {
    id: 1,
    name: 'property catalogue',
    sql: `
      create table catalogue_properties (
        object_type text not null,
        name text not null,
        label text not null,
        type text not null,
        field_type text not null,
        group_name text,
        description text,
        options text not null default '[]',
        display_order integer,
        read_only_value integer not null default 0,
        read_only_definition integer not null default 0,
        calculated integer not null default 0,
        hubspot_defined integer not null default 0,
        has_unique_value integer not null default 0,
        hidden integer not null default 0,
        referenced_object_type text,
        fetched_at text not null,
        primary key (object_type, name)
      );
      create table catalogue_refreshes (
        object_type text primary key,
        fetched_at text not null,
        property_count integer not null
      );
    `,
  },
]);
