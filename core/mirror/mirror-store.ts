import type { MirrorSettings } from '../contract/mirror.ts';
import type { AssociationTarget } from '../hubspot/crm-associations.ts';
import type { CrmObject } from '../hubspot/crm-objects.ts';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database.ts';

export const DEFAULT_SETTINGS: MirrorSettings = {
  scheduleEnabled: true,
  incrementalMinutes: 15,
  fullSyncHour: 2,
  lookbackMinutes: 10,
  startDate: null,
  archivedSweepHours: 6,
  companyListId: null,
  membershipListIds: [],
  stripeLinkProperty: 'stripe_customer_id',
  includeLimitedCoupons: false,
};

export interface StreamStateRow {
  name: string;
  cursor: number | null;
  last_full_at: string | null;
  last_incremental_at: string | null;
  last_archived_at: string | null;
  checkpoint: string | null;
  last_status: string | null;
  last_warning: string | null;
  last_error: string | null;
}

export interface StoredRecord {
  object_type: string;
  id: string;
  properties: string;
  label: string;
  subtitle: string;
  owner_id: string | null;
  created_at: string | null;
  modified_at: number | null;
  archived: number;
  archived_at: string | null;
  deleted_reason: string | null;
  synced_at: number;
}

/** The last-modified property of a CRM type (hubspot-api-facts §3.2: contacts differ). */
export const lastModifiedProperty = (objectType: string) => (objectType === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate');

/** What a list row shows and what browse search matches, computed once when a record is stored. */
export function describeRecord(objectType: string, id: string, p: Record<string, string | null>): { label: string; subtitle: string; search: string } {
  const v = (name: string) => (p[name] ?? '').trim();
  let label: string;
  let subtitle: string;
  let extra = '';
  switch (objectType) {
    case 'contacts':
      label = `${v('firstname')} ${v('lastname')}`.trim() || v('email') || `Contact ${id}`;
      subtitle = v('email');
      extra = `${v('company')} ${v('phone')}`;
      break;
    case 'companies':
      label = v('name') || v('domain') || `Company ${id}`;
      subtitle = v('domain');
      extra = v('website');
      break;
    case 'deals':
      label = v('dealname') || `Deal ${id}`;
      subtitle = [v('dealstage'), v('amount')].filter(Boolean).join(' · ');
      break;
    default:
      label = v('name') || `${objectType} ${id}`;
      subtitle = '';
  }
  return { label, subtitle, search: `${label} ${subtitle} ${extra} ${id}`.toLowerCase() };
}

/**
 * Properties with sorted keys and without empty values (HubSpot sends null for every requested
 * property a record lacks: a third to a half of a wide record), so the same values always give
 * the same text, whatever chunk order read them, and rows stay small.
 */
function stableJson(input: Record<string, string | null>): string {
  let properties = input;
  for (const key in input) {
    if (input[key] === null) {
      properties = {};
      for (const k in input) if (input[k] !== null) properties[k] = input[k]!;
      break;
    }
  }
  const keys = Object.keys(properties);
  // HubSpot (and the sandbox) usually send names sorted already: only sort when they aren't.
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) ordered = keys[i - 1]! < keys[i]!;
  if (ordered) return JSON.stringify(properties);
  const sorted: Record<string, string | null> = {};
  for (const key of keys.sort()) sorted[key] = properties[key]!;
  return JSON.stringify(sorted);
}

export type MirrorStore = ReturnType<typeof createMirrorStore>;

/** Every statement the mirror runs against a workspace database, prepared once per database. */
export function createMirrorStore(db: Db) {
  const selectRecord = db.prepare('select properties, modified_at, archived from mirror_records where object_type = ? and id = ?');
  const insertRecord = db.prepare(`insert into mirror_records
    (object_type, id, properties, label, subtitle, search, owner_id, created_at, modified_at, archived, archived_at, deleted_reason, synced_at, synced_run, seen_run)
    values (@objectType, @id, @properties, @label, @subtitle, @search, @ownerId, @createdAt, @modifiedAt, @archived, @archivedAt, @deletedReason, @syncedAt, @runId, @seenRun)`);
  const updateRecord = db.prepare(`update mirror_records set properties = @properties, label = @label, subtitle = @subtitle, search = @search, owner_id = @ownerId,
    created_at = @createdAt, modified_at = @modifiedAt, archived = @archived, archived_at = @archivedAt, deleted_reason = @deletedReason,
    synced_at = @syncedAt, synced_run = @runId, seen_run = coalesce(@seenRun, seen_run) where object_type = @objectType and id = @id`);
  const touchRecord = db.prepare('update mirror_records set synced_at = ?, synced_run = ?, seen_run = coalesce(?, seen_run) where object_type = ? and id = ?');
  const markArchived = db.prepare(
    "update mirror_records set archived = 1, archived_at = ?, deleted_reason = ?, synced_at = ?, synced_run = ? where object_type = ? and id = ? and (archived = 0 or deleted_reason is not ?)",
  );
  const streamRow = db.prepare('select * from mirror_streams where name = ?');
  const upsertStream = db.prepare(`insert into mirror_streams (name, updated_at) values (?, ?) on conflict(name) do nothing`);
  const selectRecordFull = db.prepare('select * from mirror_records where object_type = ? and id = ?');
  const metaGet = db.prepare('select value from mirror_meta where key = ?').pluck();
  const metaSet = db.prepare('insert into mirror_meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value');
  const deleteAssociations = db.prepare('delete from mirror_associations where from_type = ? and from_id = ? and to_type = ?');
  const insertAssociation = db.prepare('insert or replace into mirror_associations (from_type, from_id, to_type, to_id, type_ids, labels) values (?, ?, ?, ?, ?, ?)');

  function stream(name: string): StreamStateRow {
    upsertStream.run(name, new Date().toISOString());
    return streamRow.get(name) as StreamStateRow;
  }

  // Statements are prepared once per shape: a sync saves a checkpoint with every page, and a
  // statement prepared per call holds native memory until the garbage collector gets to it.
  const updateStatements = new Map<string, Statement>();
  function updateStream(name: string, patch: Partial<Omit<StreamStateRow, 'name'>>): void {
    stream(name);
    const keys = (Object.keys(patch) as Array<keyof typeof patch>).sort();
    if (keys.length === 0) return;
    const shape = keys.join(',');
    let statement = updateStatements.get(shape);
    if (!statement) {
      statement = db.prepare(`update mirror_streams set ${keys.map((k) => `${k} = @${k}`).join(', ')}, updated_at = @updated_at where name = @name`);
      updateStatements.set(shape, statement);
    }
    statement.run({ ...patch, name, updated_at: new Date().toISOString() });
  }
  const existingStatements = new Map<number, Statement>();
  const existingStatement = (count: number): Statement => {
    let statement = existingStatements.get(count);
    if (!statement) {
      statement = db.prepare(`select id, properties, modified_at, archived from mirror_records where object_type = ? and id in (${Array(count).fill('?').join(',')})`);
      existingStatements.set(count, statement);
    }
    return statement;
  };

  return {
    db,

    /**
     * Stores records as HubSpot returned them (properties merged across chunks). Returns how many
     * were new and how many changed; unchanged ones only get their seen/synced marks.
     */
    storeRecords(objectType: string, objects: readonly CrmObject[], options: { runId: number; seenRun?: number | null; now: number }): { created: number; updated: number } {
      let created = 0;
      let updated = 0;
      const lastModified = lastModifiedProperty(objectType);
      // One query for the page's existing rows instead of one per record.
      const existingRows = new Map<string, { properties: string; modified_at: number | null; archived: number }>();
      for (let i = 0; i < objects.length; i += 500) {
        const ids = objects.slice(i, i + 500).map((o) => o.id);
        const rows = existingStatement(ids.length).all(objectType, ...ids) as Array<{ id: string; properties: string; modified_at: number | null; archived: number }>;
        for (const row of rows) existingRows.set(row.id, row);
      }
      for (const object of objects) {
        const properties = stableJson(object.properties);
        const modifiedRaw = object.properties[lastModified] ?? object.updatedAt;
        const modifiedAt = modifiedRaw ? Date.parse(modifiedRaw) : null;
        const archived = object.archived ? 1 : 0;
        const existing = existingRows.get(object.id);
        if (existing && existing.properties === properties && existing.archived === archived && existing.modified_at === modifiedAt) {
          touchRecord.run(options.now, options.runId, options.seenRun ?? null, objectType, object.id);
          continue;
        }
        const described = describeRecord(objectType, object.id, object.properties);
        const row = {
          objectType,
          id: object.id,
          properties,
          ...described,
          ownerId: object.properties.hubspot_owner_id ?? null,
          createdAt: object.createdAt ?? object.properties.createdate ?? null,
          modifiedAt: Number.isFinite(modifiedAt) ? modifiedAt : null,
          archived,
          archivedAt: object.archived ? (object.archivedAt ?? null) : null,
          deletedReason: object.archived ? 'archived' : null,
          syncedAt: options.now,
          runId: options.runId,
          seenRun: options.seenRun ?? null,
        };
        if (existing) {
          updateRecord.run(row);
          updated++;
        } else {
          insertRecord.run(row);
          created++;
        }
      }
      return { created, updated };
    },

    /** Marks records deleted locally (HubSpot archived them, or they vanished). Returns how many changed state. */
    markDeleted(objectType: string, ids: ReadonlyArray<{ id: string; archivedAt?: string | null }>, reason: 'archived' | 'missing', options: { runId: number; now: number }): number {
      let changed = 0;
      for (const { id, archivedAt } of ids) {
        changed += markArchived.run(archivedAt ?? new Date(options.now).toISOString(), reason, options.now, options.runId, objectType, id, reason).changes;
      }
      return changed;
    },

    hasRecord(objectType: string, id: string): boolean {
      return selectRecord.get(objectType, id) !== undefined;
    },

    getRecord(objectType: string, id: string): StoredRecord | undefined {
      return selectRecordFull.get(objectType, id) as StoredRecord | undefined;
    },

    /** Live local ids of a type after `afterId` (keyset, text order), for association passes. */
    liveIdsAfter(objectType: string, afterId: string, limit: number, onlyRun?: number): string[] {
      if (onlyRun !== undefined) {
        return db
          .prepare('select id from mirror_records where object_type = ? and archived = 0 and synced_run = ? and id > ? order by id limit ?')
          .pluck()
          .all(objectType, onlyRun, afterId, limit) as string[];
      }
      return db.prepare('select id from mirror_records where object_type = ? and archived = 0 and id > ? order by id limit ?').pluck().all(objectType, afterId, limit) as string[];
    },

    /**
     * Live records a finished full listing did not see: gone from HubSpot (purged, GDPR-deleted)
     * or out of scope. Walks the ids in slices and yields between them, so a 200k-record table
     * never holds the event loop for long.
     */
    async unseenLive(objectType: string, runId: number): Promise<string[]> {
      const slice = db.prepare('select id, seen_run from mirror_records where object_type = ? and archived = 0 and id > ? order by id limit 5000');
      const unseen: string[] = [];
      let after = '';
      for (;;) {
        const rows = slice.all(objectType, after) as Array<{ id: string; seen_run: number | null }>;
        for (const row of rows) if (row.seen_run !== runId) unseen.push(row.id);
        if (rows.length < 5000) return unseen;
        after = rows[rows.length - 1]!.id;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },

    removeRecords(objectType: string, ids: readonly string[]): number {
      const remove = db.prepare('delete from mirror_records where object_type = ? and id = ?');
      const removeLinks = db.prepare('delete from mirror_associations where (from_type = ? and from_id = ?) or (to_type = ? and to_id = ?)');
      let n = 0;
      for (const id of ids) {
        n += remove.run(objectType, id).changes;
        removeLinks.run(objectType, id, objectType, id);
      }
      return n;
    },

    liveCount(objectType: string): number {
      return db.prepare('select count(*) from mirror_records where object_type = ? and archived = 0').pluck().get(objectType) as number;
    },

    /** Live record ids of a type; with `sinceMs`, only those last modified then or later (a start-date scope). */
    liveIds(objectType: string, sinceMs: number | null = null): Set<string> {
      if (sinceMs !== null) {
        return new Set(db.prepare('select id from mirror_records where object_type = ? and archived = 0 and modified_at >= ?').pluck().all(objectType, sinceMs) as string[]);
      }
      return new Set(db.prepare('select id from mirror_records where object_type = ? and archived = 0').pluck().all(objectType) as string[]);
    },

    /** Replaces the associations of each `from` record to `toType` with what HubSpot returned. */
    replaceAssociations(fromType: string, toType: string, found: Map<string, AssociationTarget[]>): number {
      let written = 0;
      for (const [fromId, targets] of found) {
        deleteAssociations.run(fromType, fromId, toType);
        for (const t of targets) {
          insertAssociation.run(fromType, fromId, toType, t.toId, JSON.stringify(t.typeIds), JSON.stringify(t.labels));
          written++;
        }
      }
      return written;
    },

    stream,
    updateStream,

    meta<T>(key: string): T | undefined {
      const raw = metaGet.get(key) as string | undefined;
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    setMeta(key: string, value: unknown): void {
      metaSet.run(key, JSON.stringify(value));
    },

    settings(): MirrorSettings {
      return { ...DEFAULT_SETTINGS, ...(this.meta<Partial<MirrorSettings>>('settings') ?? {}) };
    },
    setSettings(patch: Partial<MirrorSettings>): MirrorSettings {
      const next = { ...this.settings(), ...patch };
      this.setMeta('settings', next);
      return next;
    },
  };
}
