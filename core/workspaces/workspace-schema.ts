import { defineMigrations } from '../store/migrations.ts';

/** Tables every workspace database has, whatever features are in use. */
export const workspaceBaseMigrations = defineMigrations('workspace', [
  {
    id: 1,
    name: 'settings',
    sql: `
      create table settings (
        key text primary key,
        value text not null,
        updated_at text not null
      );
    `,
  },
]);
