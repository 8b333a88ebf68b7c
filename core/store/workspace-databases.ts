import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { DataPaths } from './app-db.ts';
import { type Db, describeSqliteError, openDatabase } from './database.ts';
import { migrate, type MigrationSet } from './migrations.ts';

const WORKSPACE_ID = /^[a-z0-9][a-z0-9-]{2,63}$/;

/**
 * One SQLite file per workspace, opened lazily, migrated on first open and kept open while the
 * host runs. A lifecycle object, so a class.
 */
export class WorkspaceDatabases {
  private readonly open = new Map<string, Db>();
  private readonly paths: DataPaths;
  private readonly sets: MigrationSet[];
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(paths: DataPaths, sets: MigrationSet[], logger: Logger, now: () => number = Date.now) {
    this.paths = paths;
    this.sets = sets;
    this.logger = logger;
    this.now = now;
  }

  fileFor(workspaceId: string): string {
    if (!WORKSPACE_ID.test(workspaceId)) throw new AppError('validation', `"${workspaceId}" is not a workspace id.`);
    return path.join(this.paths.workspacesDir, `${workspaceId}.db`);
  }

  get(workspaceId: string): Db {
    const cached = this.open.get(workspaceId);
    if (cached) return cached;
    const file = this.fileFor(workspaceId);
    const db = openDatabase(file);
    try {
      const report = migrate(db, this.sets, { file, backupDir: this.paths.backupsDir, now: this.now });
      if (report.applied.length > 0) {
        this.logger.info('workspace database migrated', { workspaceId, applied: report.applied, backup: report.backup });
      }
    } catch (error) {
      db.close();
      throw describeSqliteError(error, file);
    }
    this.open.set(workspaceId, db);
    return db;
  }

  close(workspaceId: string): void {
    const db = this.open.get(workspaceId);
    if (!db) return;
    this.open.delete(workspaceId);
    db.close();
  }

  /** Closes and deletes the workspace's file (and its WAL and shared-memory companions). */
  remove(workspaceId: string): void {
    this.close(workspaceId);
    const file = this.fileFor(workspaceId);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }
}
