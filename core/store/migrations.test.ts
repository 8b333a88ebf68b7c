import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import { openDatabase } from './database.ts';
import { defineMigrations, migrate } from './migrations.ts';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

const v1 = defineMigrations('things', [{ id: 1, name: 'things', sql: 'create table things (id integer primary key, name text)' }]);
const v2 = defineMigrations('things', [
  v1.migrations[0]!,
  { id: 2, name: 'things color', sql: "alter table things add column color text not null default 'blue'" },
]);

describe('migrate', () => {
  it('applies pending migrations once and records them', () => {
    const db = openDatabase(':memory:');
    expect(migrate(db, [v1]).applied).toEqual(['things#1 things']);
    expect(migrate(db, [v1]).applied).toEqual([]);
    expect(migrate(db, [v2]).applied).toEqual(['things#2 things color']);
    db.prepare('insert into things (name) values (?)').run('a');
    expect(db.prepare('select color from things').get()).toEqual({ color: 'blue' });
  });

  it('refuses to run when an applied migration was edited', () => {
    const db = openDatabase(':memory:');
    migrate(db, [v1]);
    const edited = defineMigrations('things', [{ id: 1, name: 'things', sql: 'create table things (id integer primary key, title text)' }]);
    expect(() => migrate(db, [edited])).toThrowError(expect.objectContaining({ code: 'store_migration', message: expect.stringContaining('was changed') }));
  });

  it('refuses a database written by a newer version', () => {
    const db = openDatabase(':memory:');
    migrate(db, [v2]);
    expect(() => migrate(db, [v1])).toThrowError(expect.objectContaining({ code: 'store_migration', message: expect.stringContaining('newer version') }));
  });

  it('keeps domains independent and applies sets in order', () => {
    const db = openDatabase(':memory:');
    const other = defineMigrations('other', [{ id: 1, name: 'refs', sql: 'create table refs (thing_id integer references things(id))' }]);
    expect(migrate(db, [v1, other]).applied).toEqual(['things#1 things', 'other#1 refs']);
  });

  it('rolls back a failing migration and leaves earlier ones applied', () => {
    const db = openDatabase(':memory:');
    const broken = defineMigrations('things', [v1.migrations[0]!, { id: 2, name: 'broken', sql: 'alter table nope add column x text' }]);
    expect(() => migrate(db, [broken])).toThrow();
    const rows = db.prepare('select domain, id from schema_migrations').all();
    expect(rows).toEqual([{ domain: 'things', id: 1 }]);
  });

  it('backs up an existing database before migrating it, keeping the newest copies', () => {
    const file = path.join(temp.dir, 'w.db');
    const backupDir = path.join(temp.dir, 'backups');
    const db = openDatabase(file);
    migrate(db, [v1], { file, backupDir });
    expect(fs.existsSync(backupDir)).toBe(false); // a fresh database has nothing to lose
    db.prepare('insert into things (name) values (?)').run('precious');
    const report = migrate(db, [v2], { file, backupDir, now: () => Date.UTC(2026, 5, 1) });
    expect(report.backup).toBeDefined();
    const copy = openDatabase(report.backup!, { readonly: true });
    expect(copy.prepare('select name from things').all()).toEqual([{ name: 'precious' }]);
    expect(copy.prepare("select count(*) as n from pragma_table_info('things') where name = 'color'").get()).toEqual({ n: 0 });
    copy.close();
    for (let i = 3; i < 8; i++) {
      const more = defineMigrations('things', [...v2.migrations, ...Array.from({ length: i - 2 }, (_, k) => ({ id: 3 + k, name: `m${3 + k}`, sql: 'select 1' }))]);
      migrate(db, [more], { file, backupDir, now: () => Date.UTC(2026, 5, i), keepBackups: 3 });
    }
    expect(fs.readdirSync(backupDir)).toHaveLength(3);
    db.close();
  });

  it('rejects migration ids that are not 1, 2, 3…', () => {
    expect(() => defineMigrations('x', [{ id: 2, name: 'skip', sql: '' }])).toThrow(/out of order/);
  });
});
