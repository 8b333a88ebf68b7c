import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import { AppError } from '../errors.ts';
import { openDatabase } from './database.ts';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

describe('openDatabase', () => {
  it('opens with WAL, foreign keys and a busy timeout', () => {
    const db = openDatabase(path.join(temp.dir, 'a.db'), { busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    db.close();
  });

  it('begins transactions immediately, so a read-then-write never fails on a snapshot another connection made stale', () => {
    const file = path.join(temp.dir, 'two.db');
    const host = openDatabase(file);
    host.exec('create table t (x integer)');
    const other = openDatabase(file, { busyTimeoutMs: 50 });
    const outcome: string[] = [];
    host.transaction(() => {
      host.prepare('select count(*) from t').get();
      // Another writer (the mirror's thread, a CLI command) arrives mid-transaction: it waits its turn
      // (and, with a 50 ms timeout, gives up) instead of invalidating what the host read.
      try {
        other.prepare('insert into t values (1)').run();
        outcome.push('other wrote');
      } catch (error) {
        outcome.push(`other waited: ${(error as { code?: string }).code}`);
      }
      host.prepare('insert into t values (2)').run();
    })();
    expect(outcome).toEqual(['other waited: SQLITE_BUSY']);
    expect(other.prepare('select x from t').pluck().all()).toEqual([2]);
    // Nested calls still use savepoints; .deferred stays available for read-only work.
    const inner = host.transaction(() => host.prepare('insert into t values (3)').run());
    host.transaction(() => {
      inner();
      inner();
    })();
    expect(host.transaction(() => host.prepare('select count(*) from t').pluck().get()).deferred()).toBe(3);
    other.close();
    host.close();
  });

  it('creates missing parent folders', () => {
    const file = path.join(temp.dir, 'deep', 'er', 'x.db');
    openDatabase(file).close();
    expect(fs.existsSync(file)).toBe(true);
  });

  it('reports a file that is not a database as store_corrupt, naming the file, without changing it', () => {
    const file = path.join(temp.dir, 'garbage.db');
    const garbage = Buffer.from('this is a CSV, not a database\n'.repeat(200));
    fs.writeFileSync(file, garbage);
    let caught: unknown;
    try {
      openDatabase(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('store_corrupt');
    expect((caught as AppError).message).toContain(file);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  it('reports a database with damaged pages as store_corrupt', () => {
    const file = path.join(temp.dir, 'damaged.db');
    const db = new Database(file);
    db.exec('create table t (x text); insert into t values (\'hello\');');
    db.close();
    const bytes = fs.readFileSync(file);
    // Keep the 100-byte header; destroy the schema page that follows it.
    bytes.fill(0xff, 100, 4096);
    fs.writeFileSync(file, bytes);
    expect(() => openDatabase(file)).toThrowError(expect.objectContaining({ code: 'store_corrupt' }));
  });

  it('reports a file another connection holds exclusively as store_locked', () => {
    const file = path.join(temp.dir, 'locked.db');
    openDatabase(file).close();
    const holder = new Database(file);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('begin exclusive');
    try {
      expect(() => openDatabase(file, { busyTimeoutMs: 50 })).toThrowError(expect.objectContaining({ code: 'store_locked' }));
    } finally {
      holder.exec('rollback');
      holder.close();
    }
  });
});
