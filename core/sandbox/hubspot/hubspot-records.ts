import type { Db } from '../../store/database.ts';
import { fail, type PropertyProblem } from './hubspot-errors.ts';
import { type ObjectType, systemProperties } from './hubspot-object-types.ts';
import type { PropertyCatalog } from './hubspot-properties.ts';

export interface RecordRow {
  id: number;
  portal_id: number;
  type: string;
  created_at: number;
  updated_at: number;
  archived: number;
  archived_at: number | null;
  visible_at: number;
  props: string;
}

/** A record as handlers use it: the row plus its parsed stored values (empty values are never stored). */
export interface CrmRecord {
  id: number;
  portalId: number;
  type: ObjectType;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt: number | null;
  visibleAt: number;
  values: Record<string, string>;
}

/** Which properties a response carries. */
export type PropertySelection =
  | { kind: 'defaults' }
  | { kind: 'requested'; names: string[] }
  /** Every stored value (create and single update responses). */
  | { kind: 'all' }
  /** The written properties plus derived and system ones (batch update responses, hubspot-api-facts §3.2). */
  | { kind: 'written'; names: string[] };

export interface SimplePublicObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  associations?: Record<string, { results: Array<{ id: string; type: string }> }>;
  objectWriteTraceId?: string;
  new?: boolean;
}

export interface RecordSettings {
  searchLagMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Storage of CRM records: rows, the email index, search visibility, and the API rendering. */
export function createRecords(db: Db, catalog: PropertyCatalog, settings: RecordSettings) {
  const getStmt = db.prepare('select * from hs_objects where id = ? and portal_id = ? and type = ?');
  const insertStmt = db.prepare('insert into hs_objects (id, portal_id, type, created_at, updated_at, archived, archived_at, visible_at, props) values (?, ?, ?, ?, ?, 0, null, ?, ?)');
  const updateStmt = db.prepare('update hs_objects set props = ?, updated_at = ?, visible_at = ? where id = ?');
  const archiveStmt = db.prepare('update hs_objects set archived = 1, archived_at = ?, updated_at = ? where id = ?');
  const emailOwnerStmt = db.prepare('select contact_id from hs_emails where portal_id = ? and email = ?').pluck();
  const deleteEmailsStmt = db.prepare('delete from hs_emails where contact_id = ?');
  const insertEmailStmt = db.prepare('insert or replace into hs_emails (portal_id, email, contact_id, is_primary) values (?, ?, ?, ?)');
  const shadowStmt = db.prepare('select visible_until from hs_search_shadow where id = ?').pluck();
  const putShadowStmt = db.prepare('insert or replace into hs_search_shadow (id, portal_id, type, created_at, updated_at, props, visible_until) values (?, ?, ?, ?, ?, ?, ?)');
  const extendShadowStmt = db.prepare('update hs_search_shadow set visible_until = ? where id = ?');
  const deleteShadowStmt = db.prepare('delete from hs_search_shadow where id = ?');
  const maxIdStmt = db.prepare('select max(id) from hs_objects').pluck();
  let lastId = 0;
  let hasShadows = (db.prepare('select count(*) from hs_search_shadow').pluck().get() as number) > 0;
  /** Latest time any row becomes visible to search; once it has passed, search can skip the lag check. */
  let maxVisibleAt = Number(db.prepare('select max(visible_at) from hs_objects').pluck().get() ?? 0);
  /** Bumped on every write, so search can cache totals of repeated queries. */
  let version = 0;

  const toRecord = (row: RecordRow, type: ObjectType): CrmRecord => ({
    id: row.id,
    portalId: row.portal_id,
    type,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archived: row.archived === 1,
    archivedAt: row.archived_at,
    visibleAt: row.visible_at,
    values: JSON.parse(row.props) as Record<string, string>,
  });

  const emailsOf = (values: Record<string, string>): string[] => {
    const list = values.email ? [values.email] : [];
    if (values.hs_additional_emails) list.push(...values.hs_additional_emails.split(';').filter(Boolean));
    return list;
  };
  const indexEmails = (portalId: number, id: number, values: Record<string, string>) => {
    deleteEmailsStmt.run(id);
    emailsOf(values).forEach((email, i) => insertEmailStmt.run(portalId, email.toLowerCase(), id, i === 0 && values.email ? 1 : 0));
  };

  /** Applies derived values HubSpot computes on write. */
  const derive = (type: ObjectType, values: Record<string, string>, written: Map<string, string>): string[] => {
    const derived: string[] = [];
    if (type.name === 'contacts' && written.has('email')) {
      const domain = values.email?.split('@')[1];
      if (domain) values.hs_email_domain = domain;
      else delete values.hs_email_domain;
      derived.push('hs_email_domain');
    }
    return derived;
  };

  const nextId = (): number => {
    if (lastId === 0) lastId = Math.max(Number(maxIdStmt.get() ?? 0), 1000);
    return ++lastId;
  };

  function getRecord(portalId: number, type: ObjectType, id: number, includeArchived = false): CrmRecord | undefined {
    const row = getStmt.get(id, portalId, type.id) as RecordRow | undefined;
    if (!row || (row.archived === 1 && !includeArchived)) return undefined;
    return toRecord(row, type);
  }

  /** The contact holding an email as primary or additional address. */
  function emailOwner(portalId: number, email: string): number | undefined {
    return emailOwnerStmt.get(portalId, email.trim().toLowerCase()) as number | undefined;
  }

  type Source = 'created' | 'updated' | 'id' | 'value';
  const plans = new Map<string, Array<[string, Source]>>();
  /**
   * Which properties a response carries, sorted like HubSpot's, and where each value comes from.
   * Requested-but-unset properties are null; unknown ones are left out. Plans for list and search
   * selections are cached (per definitions version), since every record of a page shares one.
   */
  const planOfSelection = new WeakMap<PropertySelection, { version: number; portalId: number; type: string; plan: Array<[string, Source]> }>();
  function plan(portalId: number, type: ObjectType, selection: PropertySelection, values: Record<string, string>): Array<[string, Source]> {
    const cacheable = selection.kind === 'defaults' || selection.kind === 'requested';
    // A page renders every record with one selection object: remember its plan on it.
    const same = planOfSelection.get(selection);
    if (same && same.version === catalog.version() && same.portalId === portalId && same.type === type.id) return same.plan;
    const key = cacheable ? `${catalog.version()}|${portalId}|${type.id}|${selection.kind === 'requested' ? selection.names.join(',') : ''}` : '';
    const cached = cacheable ? plans.get(key) : undefined;
    if (cached) {
      planOfSelection.set(selection, { version: catalog.version(), portalId, type: type.id, plan: cached });
      return cached;
    }
    let names: string[];
    switch (selection.kind) {
      case 'defaults':
        names = [...type.defaultProperties, ...systemProperties(type)];
        break;
      case 'requested':
        names = [...selection.names, ...systemProperties(type)];
        break;
      case 'all':
        names = [...Object.keys(values), ...systemProperties(type)];
        break;
      case 'written':
        names = [...selection.names, 'hs_object_id', type.lastModified];
        break;
    }
    const result: Array<[string, Source]> = [];
    for (const name of [...new Set(names)].sort()) {
      if (name === 'createdate') result.push([name, 'created']);
      else if (name === type.lastModified) result.push([name, 'updated']);
      else if (name === 'hs_object_id') result.push([name, 'id']);
      else if ((!cacheable && name in values) || catalog.get(portalId, type, name)) result.push([name, 'value']);
    }
    if (cacheable) {
      if (plans.size > 500) plans.clear();
      plans.set(key, result);
      planOfSelection.set(selection, { version: catalog.version(), portalId, type: type.id, plan: result });
    }
    return result;
  }

  const records = {
    nextId,
    resetIds(): void {
      lastId = 0;
      hasShadows = false;
      maxVisibleAt = 0;
      version++;
    },
    /** Call after writing rows directly (seeding). */
    touched(): void {
      version++;
      maxVisibleAt = Number(db.prepare('select max(visible_at) from hs_objects').pluck().get() ?? 0);
    },
    version: () => version,
    /** True when every row is visible to search at `now` and no older versions are being shown. */
    allVisible: (now: number) => !hasShadows && maxVisibleAt <= now,

    get: getRecord,
    fromRow: toRecord,

    emailOwner,

    /** Finds a live record by `idProperty` (email, hs_object_id, or a unique-value property). */
    findBy(portalId: number, type: ObjectType, idProperty: string, value: string): CrmRecord | undefined {
      if (idProperty === 'hs_object_id') return /^\d+$/.test(value) ? getRecord(portalId, type, Number(value)) : undefined;
      if (type.name === 'contacts' && idProperty === 'email') {
        const id = emailOwner(portalId, value);
        return id === undefined ? undefined : getRecord(portalId, type, id);
      }
      const def = catalog.get(portalId, type, idProperty);
      if (!def || !def.hasUniqueValue) {
        fail(400, `Property ${idProperty} is not a unique identifier property for ${type.name}; use an idProperty whose values are unique.`, 'VALIDATION_ERROR');
      }
      const row = db
        .prepare('select * from hs_objects where portal_id = ? and type = ? and archived = 0 and json_extract(props, ?) = ? limit 1')
        .get(portalId, type.id, `$."${idProperty}"`, value) as RecordRow | undefined;
      return row && toRecord(row, type);
    },

    /** Email collisions of a write: the first address another contact already holds. */
    emailConflict(portalId: number, values: Record<string, string>, selfId?: number): { email: string; ownerId: number } | undefined {
      for (const email of emailsOf(values)) {
        const ownerId = emailOwner(portalId, email);
        if (ownerId !== undefined && ownerId !== selfId) return { email, ownerId };
      }
      return undefined;
    },

    /** Inserts a validated record. `now` is shared by a whole batch, like HubSpot's bulk writes. */
    insert(portalId: number, type: ObjectType, written: Map<string, string>, now: number, id = nextId()): CrmRecord {
      const values: Record<string, string> = {};
      for (const [name, value] of written) if (value !== '') values[name] = value;
      derive(type, values, written);
      insertStmt.run(id, portalId, type.id, now, now, now + settings.searchLagMs, JSON.stringify(values));
      version++;
      maxVisibleAt = Math.max(maxVisibleAt, now + settings.searchLagMs);
      if (type.name === 'contacts') indexEmails(portalId, id, values);
      return { id, portalId, type, createdAt: now, updatedAt: now, archived: false, archivedAt: null, visibleAt: now + settings.searchLagMs, values };
    },

    /**
     * Applies validated values. Search keeps showing the previously indexed version until the lag
     * has passed since the last write (a record written again inside the lag stays at its older
     * indexed version); a record created inside the lag stays invisible.
     */
    update(record: CrmRecord, written: Map<string, string>, now: number): { record: CrmRecord; derived: string[] } {
      const values = { ...record.values };
      for (const [name, value] of written) {
        if (value === '') delete values[name];
        else values[name] = value;
      }
      const derived = derive(record.type, values, written);
      const lag = settings.searchLagMs;
      if (lag > 0) {
        if (record.visibleAt <= now) {
          putShadowStmt.run(record.id, record.portalId, record.type.id, record.createdAt, record.updatedAt, JSON.stringify(record.values), now + lag);
          hasShadows = true;
        } else if (shadowStmt.get(record.id) !== undefined) extendShadowStmt.run(now + lag, record.id);
      } else if (hasShadows) deleteShadowStmt.run(record.id);
      updateStmt.run(JSON.stringify(values), now, now + lag, record.id);
      version++;
      maxVisibleAt = Math.max(maxVisibleAt, now + lag);
      if (record.type.name === 'contacts' && (written.has('email') || written.has('hs_additional_emails'))) indexEmails(record.portalId, record.id, values);
      return { record: { ...record, values, updatedAt: now, visibleAt: now + lag }, derived };
    },

    archive(record: CrmRecord, now: number): void {
      archiveStmt.run(now, now, record.id);
      version++;
      if (record.type.name === 'contacts') deleteEmailsStmt.run(record.id);
      if (hasShadows) deleteShadowStmt.run(record.id);
      db.prepare('delete from hs_associations where from_id = ?').run(record.id);
      db.prepare('delete from hs_associations where to_id = ?').run(record.id);
      db.prepare('delete from hs_list_members where record_id = ?').run(record.id);
    },

    /** True while some updated record's older version is still what search shows. */
    hasShadows: (): boolean => hasShadows,
    /** Forgets older versions whose lag has passed, so search goes back to the plain (cached) path. */
    pruneShadows(now: number): void {
      if (!hasShadows) return;
      db.prepare('delete from hs_search_shadow where visible_until <= ?').run(now);
      hasShadows = (db.prepare('select count(*) from hs_search_shadow').pluck().get() as number) > 0;
    },

    /** A record in the API's shape. */
    render(record: CrmRecord, selection: PropertySelection): SimplePublicObject {
      const type = record.type;
      const createdAt = iso(record.createdAt);
      const updatedAt = iso(record.updatedAt);
      const properties: Record<string, string | null> = {};
      for (const [name, source] of plan(record.portalId, type, selection, record.values)) {
        if (source === 'created') properties[name] = createdAt;
        else if (source === 'updated') properties[name] = updatedAt;
        else if (source === 'id') properties[name] = String(record.id);
        else properties[name] = record.values[name] ?? null;
      }
      const object: SimplePublicObject = { id: String(record.id), properties, createdAt, updatedAt, archived: record.archived };
      if (record.archived && record.archivedAt !== null) object.archivedAt = iso(record.archivedAt);
      return object;
    },

    /** Validates a write's properties and returns what to store, or the problems HubSpot lists. */
    validate(portalId: number, type: ObjectType, properties: unknown, existing?: CrmRecord): { written: Map<string, string>; problems: PropertyProblem[] } {
      const { values, problems } = catalog.validate(portalId, type, properties, existing?.values);
      return { written: values, problems };
    },

  };
  return records;
}
export type Records = ReturnType<typeof createRecords>;
