import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { workspaceBaseMigrations } from '../workspaces/workspace-schema.ts';
import { SORT_INDEXES } from './lead-fields.ts';
import { leadMigrations } from './lead-schema.ts';

describe('leads schema', () => {
  it('creates exactly the sort indexes that large imports drop and rebuild', () => {
    const db = openDatabase(':memory:');
    migrate(db, [workspaceBaseMigrations, leadMigrations]);
    const created = db.prepare("select name, sql from sqlite_master where type = 'index' and name like 'leads_sort_%' order by name").all() as Array<{
      name: string;
      sql: string;
    }>;
    const squash = (sql: string) => sql.replace(/\s+/g, ' ').replace(' if not exists', '').trim().toLowerCase();
    expect(created.map((i) => [i.name, squash(i.sql)])).toEqual(
      [...SORT_INDEXES].sort((a, b) => a.name.localeCompare(b.name)).map((i) => [i.name, squash(i.sql)]),
    );
  });

  it('keeps the search index in step with inserts, updates and deletes', () => {
    const db = openDatabase(':memory:');
    migrate(db, [workspaceBaseMigrations, leadMigrations]);
    const find = (q: string) => (db.prepare('select rowid from leads_search where leads_search match ?').all(q) as Array<{ rowid: number }>).map((r) => r.rowid);
    db.prepare("insert into leads (first_name, company, created_at, updated_at) values ('Jürgen', 'Acme', 't', 't')").run();
    expect(find('"jurgen"*')).toEqual([1]);
    db.prepare("update leads set company = 'Globex' where id = 1").run();
    expect(find('"acme"*')).toEqual([]);
    expect(find('"glob"*')).toEqual([1]);
    db.prepare('delete from leads where id = 1').run();
    expect(find('"jurgen"*')).toEqual([]);
  });
});
