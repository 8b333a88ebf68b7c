import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { type Db, sqlString } from './database.ts';

export interface Migration {
  /** 1, 2, 3… within its domain. Never reuse or renumber. */
  id: number;
  name: string;
  sql: string;
}

/**
 * Migrations are grouped by domain (`core`, `leads`, `jobs`, `mirror`, …) so features can add
 * tables without fighting over one global number. Sets apply in the order they are listed.
 */
export interface MigrationSet {
  domain: string;
  migrations: Migration[];
}

export function defineMigrations(domain: string, migrations: Migration[]): MigrationSet {
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) throw new Error(`migration ${domain}#${m.id} is out of order; ids must be 1, 2, 3…`);
  });
  return { domain, migrations };
}

export function migrationHash(m: Migration): string {
  return crypto.createHash('sha256').update(`${m.name}\n${m.sql}`).digest('hex');
}

interface AppliedRow {
  domain: string;
  id: number;
  name: string;
  hash: string;
}

export interface MigrateOptions {
  /** The database file, for backups and messages. Omit for in-memory databases. */
  file?: string;
  /** Folder for the copy taken before migrating an existing database. */
  backupDir?: string;
  /** Backups kept per database file. */
  keepBackups?: number;
  now?: () => number;
}

export interface MigrateReport {
  applied: string[];
  backup?: string;
}

/**
 * Applies pending migrations, each in its own transaction, after checking that every applied
 * migration is unchanged. An edited migration or one this version doesn't know stops everything:
 * running on a schema we can't vouch for is how data gets lost.
 */
export function migrate(db: Db, sets: MigrationSet[], options: MigrateOptions = {}): MigrateReport {
  db.exec(`create table if not exists schema_migrations (
    domain text not null,
    id integer not null,
    name text not null,
    hash text not null,
    applied_at text not null,
    primary key (domain, id)
  )`);
  const applied = db.prepare('select domain, id, name, hash from schema_migrations').all() as AppliedRow[];
  const label = options.file ? path.basename(options.file) : 'database';
  const known = new Map(sets.map((s) => [s.domain, s]));

  for (const row of applied) {
    const migration = known.get(row.domain)?.migrations.find((m) => m.id === row.id);
    if (!migration) {
      throw new AppError(
        'store_migration',
        `${label} was written by a newer version of Syncdesk (it has migration ${row.domain}#${row.id} "${row.name}", which this version doesn't know). Update Syncdesk to open it.`,
        { retryable: false, details: { domain: row.domain, id: row.id } },
      );
    }
    if (migrationHash(migration) !== row.hash) {
      throw new AppError(
        'store_migration',
        `Migration ${row.domain}#${row.id} "${row.name}" was changed after it was applied to ${label}. Refusing to run on a schema that may not match; restore the original migration.`,
        { retryable: false, details: { domain: row.domain, id: row.id } },
      );
    }
  }

  const done = new Set(applied.map((r) => `${r.domain}#${r.id}`));
  const pending = sets.flatMap((s) => s.migrations.filter((m) => !done.has(`${s.domain}#${m.id}`)).map((m) => ({ set: s, m })));
  if (pending.length === 0) return { applied: [] };

  const now = options.now ?? Date.now;
  let backup: string | undefined;
  if (applied.length > 0 && options.file && options.backupDir) {
    backup = backupBeforeMigrating(db, options.file, options.backupDir, now(), options.keepBackups ?? 3);
  }

  const record = db.prepare('insert into schema_migrations (domain, id, name, hash, applied_at) values (?, ?, ?, ?, ?)');
  const names: string[] = [];
  for (const { set, m } of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(set.domain, m.id, m.name, migrationHash(m), new Date(now()).toISOString());
    })();
    names.push(`${set.domain}#${m.id} ${m.name}`);
  }
  return backup ? { applied: names, backup } : { applied: names };
}

function backupBeforeMigrating(db: Db, file: string, backupDir: string, nowMs: number, keep: number): string {
  fs.mkdirSync(backupDir, { recursive: true });
  const base = path.basename(file, path.extname(file));
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  const target = path.join(backupDir, `${base}.before-migration.${stamp}.db`);
  // VACUUM INTO writes a consistent, compacted copy even while WAL frames are pending.
  db.exec(`vacuum into ${sqlString(target)}`);
  const old = fs
    .readdirSync(backupDir)
    .filter((f) => f.startsWith(`${base}.before-migration.`))
    .sort()
    .reverse()
    .slice(keep);
  for (const f of old) fs.rmSync(path.join(backupDir, f), { force: true });
  return target;
}
