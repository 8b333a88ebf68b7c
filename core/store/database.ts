import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** How long a writer waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens a SQLite file with the pragmas every Syncdesk database uses (WAL, busy_timeout,
 * foreign keys) and turns the ways it can fail into errors an operator can act on.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    // journal_mode reads the header, so a file that is not a database fails here rather than later.
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    // Touch the schema so corruption of the first pages surfaces now.
    db.prepare('select count(*) as n from sqlite_master').get();
    if (!options.readonly) beginTransactionsImmediately(db);
    return db;
  } catch (error) {
    db?.close();
    throw describeSqliteError(error, file);
  }
}

/**
 * Makes `db.transaction(fn)()` begin IMMEDIATE (take the write lock first) instead of DEFERRED.
 * Several connections write one workspace file (the host, the mirror's writer thread, a CLI
 * command). A deferred transaction that reads and then writes, after another connection committed
 * in between, fails at once with SQLITE_BUSY_SNAPSHOT: busy_timeout can't help, because its
 * snapshot is already stale. Taking the lock first makes it wait its turn like any writer.
 * `.deferred` stays available for the rare read-only transaction.
 */
function beginTransactionsImmediately(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const modes = transaction(fn);
    return Object.assign((...args: never[]) => modes.immediate(...args), {
      default: modes.immediate,
      deferred: modes.deferred,
      immediate: modes.immediate,
      exclusive: modes.exclusive,
    });
  }) as Db['transaction'];
}

/** Maps SQLite failures to AppErrors naming the file and what to do. Other errors pass through. */
export function describeSqliteError(error: unknown, file: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const name = file === ':memory:' ? 'the in-memory database' : file;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new AppError(
      'store_corrupt',
      `${name} is damaged or is not a Syncdesk database. Nothing was changed. Move the file aside (or restore a copy from the backups folder) and start again.`,
      { details: { file, sqliteCode: code }, cause: error },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AppError(
      'store_locked',
      `${name} is locked by another program (another Syncdesk window or command may be writing to it). Wait for it to finish, or close it, and try again.`,
      { details: { file, sqliteCode: code }, cause: error },
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM') {
    return new AppError('store_locked', `${name} can't be opened for writing. Check that the folder exists and is writable.`, {
      details: { file, sqliteCode: code },
      retryable: false,
      cause: error,
    });
  }
  if (code === 'SQLITE_FULL') {
    return new AppError('store_locked', `The disk holding ${name} is full. Free some space and try again.`, {
      details: { file, sqliteCode: code },
      retryable: false,
      cause: error,
    });
  }
  return error;
}

/** Escapes a string for use inside a single-quoted SQL literal (file paths in VACUUM INTO). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
