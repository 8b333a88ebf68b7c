import crypto from 'node:crypto';
import type { Workspace, WorkspaceKind, WorkspaceList } from '../contract/workspaces.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../app/event-bus.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { PreferencesStore } from '../ports/preferences.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import type { Db } from '../store/database.ts';
import type { WorkspaceDatabases } from '../store/workspace-databases.ts';

interface WorkspaceRow {
  id: string;
  name: string;
  kind: WorkspaceKind;
  created_at: string;
  updated_at: string;
}

const toWorkspace = (row: WorkspaceRow): Workspace => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface WorkspaceServiceDeps {
  appDb: Db;
  databases: WorkspaceDatabases;
  preferences: PreferencesStore;
  secrets: SecretStore;
  events: EventBus;
  clock: Clock;
  logger: Logger;
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;

/** Prefix under which every secret of a workspace is stored; deleting a workspace deletes them all. */
export const workspaceSecretPrefix = (workspaceId: string) => `workspace:${workspaceId}:`;

export function createWorkspaceService(deps: WorkspaceServiceDeps) {
  const { appDb, databases, preferences, secrets, events, clock, logger } = deps;
  const selectAll = appDb.prepare('select * from workspaces order by lower(name), id');
  const selectOne = appDb.prepare('select * from workspaces where id = ?');
  const selectByName = appDb.prepare('select id from workspaces where lower(name) = lower(?)');
  const insert = appDb.prepare(
    'insert into workspaces (id, name, kind, created_at, updated_at) values (@id, @name, @kind, @created_at, @updated_at)',
  );
  const updateName = appDb.prepare('update workspaces set name = ?, updated_at = ? where id = ?');
  const deleteRow = appDb.prepare('delete from workspaces where id = ?');

  function list(): WorkspaceList {
    const workspaces = (selectAll.all() as WorkspaceRow[]).map(toWorkspace);
    let selectedId = preferences.get().lastWorkspaceId;
    if (selectedId && !workspaces.some((w) => w.id === selectedId)) selectedId = null;
    return { workspaces, selectedId };
  }

  function get(id: string): Workspace {
    const row = selectOne.get(id) as WorkspaceRow | undefined;
    if (!row) throw new AppError('not_found', `There is no workspace with id ${id}. It may have been deleted.`);
    return toWorkspace(row);
  }

  function assertNameFree(name: string, exceptId?: string) {
    const existing = selectByName.get(name) as { id: string } | undefined;
    if (existing && existing.id !== exceptId) {
      throw new AppError('conflict', `A workspace named "${name}" already exists. Choose another name.`, {
        details: { field: 'name' },
      });
    }
  }

  const changed = () => events.emit('workspaces.onDidChange', list());

  return {
    list,
    get,

    create(input: { name: string; kind: WorkspaceKind }): Workspace {
      const name = input.name.trim();
      assertNameFree(name);
      const id = `w${crypto.randomBytes(6).toString('hex')}`;
      const at = isoAt(clock.now());
      // Create the database first: if the disk refuses, no half-made workspace is listed.
      databases.get(id);
      try {
        insert.run({ id, name, kind: input.kind, created_at: at, updated_at: at });
      } catch (error) {
        databases.remove(id);
        throw error;
      }
      logger.info('workspace created', { workspaceId: id, kind: input.kind });
      if (!preferences.get().lastWorkspaceId) preferences.set({ lastWorkspaceId: id });
      changed();
      return get(id);
    },

    rename(input: { id: string; name: string }): Workspace {
      get(input.id);
      const name = input.name.trim();
      assertNameFree(name, input.id);
      updateName.run(name, isoAt(clock.now()), input.id);
      changed();
      return get(input.id);
    },

    async delete(input: { id: string }): Promise<{ id: string }> {
      get(input.id);
      deleteRow.run(input.id);
      databases.remove(input.id);
      for (const key of await secrets.keys(workspaceSecretPrefix(input.id))) await secrets.delete(key);
      if (preferences.get().lastWorkspaceId === input.id) {
        const next = list().workspaces[0]?.id ?? null;
        preferences.set({ lastWorkspaceId: next });
      }
      logger.info('workspace deleted', { workspaceId: input.id });
      changed();
      return { id: input.id };
    },

    select(input: { id: string | null }): WorkspaceList {
      if (input.id) get(input.id);
      preferences.set({ lastWorkspaceId: input.id });
      const result = list();
      events.emit('workspaces.onDidChange', result);
      return result;
    },

    /** The workspace's database, for feature services. */
    database(id: string): Db {
      get(id);
      return databases.get(id);
    },
  };
}
