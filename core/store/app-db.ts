import path from 'node:path';
import { type Db, openDatabase } from './database.ts';
import { defineMigrations, migrate, type MigrateReport } from './migrations.ts';

/** The app-level database: the workspace list. Small; everything else lives per workspace. */
export const appMigrations = [
  defineMigrations('app', [
    {
      id: 1,
      name: 'workspaces',
      sql: `
        create table workspaces (
          id text primary key,
          name text not null,
          kind text not null check (kind in ('hubspot', 'sandbox')),
          created_at text not null,
          updated_at text not null
        );
        create unique index workspaces_name on workspaces (lower(name));
      `,
    },
  ]),
];

export interface DataPaths {
  root: string;
  appDb: string;
  workspacesDir: string;
  backupsDir: string;
  logsDir: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    appDb: path.join(root, 'syncdesk.db'),
    workspacesDir: path.join(root, 'workspaces'),
    backupsDir: path.join(root, 'backups'),
    logsDir: path.join(root, 'logs'),
  };
}

export function openAppDatabase(paths: DataPaths, now: () => number = Date.now): { db: Db; report: MigrateReport } {
  const db = openDatabase(paths.appDb);
  try {
    const report = migrate(db, appMigrations, { file: paths.appDb, backupDir: paths.backupsDir, now });
    return { db, report };
  } catch (error) {
    db.close();
    throw error;
  }
}
