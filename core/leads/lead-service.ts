import type { EventBus } from '../app/event-bus.ts';
import {
  type CustomField,
  type CustomFieldType,
  type Lead,
  type LeadFilter,
  type LeadPage,
  type LeadProblem,
  type LeadSettings,
  type LeadSort,
  type LeadValues,
  STANDARD_LEAD_FIELDS,
} from '../contract/leads.ts';
import { AppError } from '../errors.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Db } from '../store/database.ts';
import { SORT_INDEXES, STANDARD_FIELD_SPECS } from './lead-fields.ts';
import { createLeadStore, type LeadStore, parseLeadId } from './lead-store.ts';
import { type LeadRecord, matchOption, validateLead } from './lead-validation.ts';

export interface LeadServiceDeps {
  /** The workspace's database; throws not_found for an unknown workspace. */
  database(workspaceId: string): Db;
  events: EventBus;
  clock: Clock;
  logger: Logger;
}

/** Ids per change event, and per transaction of a bulk delete. */
export const BULK_BATCH = 2000;

interface FieldRow {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string;
  position: number;
  created_at: string;
}

const toField = (row: FieldRow): CustomField => ({
  key: row.key,
  label: row.label,
  type: row.type,
  options: JSON.parse(row.options) as string[],
  createdAt: row.created_at,
});

const RESERVED_KEYS = new Set([...STANDARD_LEAD_FIELDS.map((k) => k.toLowerCase()), 'fullname', 'id', 'name']);
const SETTING_DEFAULT_COUNTRY = 'leads.defaultCountry';

/** Lets other calls (and the renderer's scroll) in between chunks of bulk work. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function emptyRecord(): LeadRecord {
  return { ...(Object.fromEntries(STANDARD_LEAD_FIELDS.map((k) => [k, ''])) as Record<(typeof STANDARD_LEAD_FIELDS)[number], string>), custom: {} };
}

export type LeadService = ReturnType<typeof createLeadService>;

export function createLeadService(deps: LeadServiceDeps) {
  const { events, clock, logger } = deps;
  const stores = new WeakMap<Db, LeadStore>();

  /** The workspace's database and lead store; the first use after a crash restores dropped sort indexes. */
  function open(workspaceId: string): { db: Db; store: LeadStore } {
    const db = deps.database(workspaceId);
    let store = stores.get(db);
    if (!store) {
      for (const index of SORT_INDEXES) db.exec(index.sql);
      store = createLeadStore(db);
      stores.set(db, store);
    }
    return { db, store };
  }

  function listFields(workspaceId: string): CustomField[] {
    const { db } = open(workspaceId);
    return (db.prepare('select * from lead_fields order by position, key').all() as FieldRow[]).map(toField);
  }

  function getSettings(workspaceId: string): LeadSettings {
    const { db } = open(workspaceId);
    const row = db.prepare('select value from settings where key = ?').get(SETTING_DEFAULT_COUNTRY) as { value: string } | undefined;
    return { defaultCountry: row ? (JSON.parse(row.value) as string | null) : null };
  }

  /** Trims values, checks custom keys and snaps dropdown values to their option's spelling. */
  function normalize(values: LeadValues, fields: readonly CustomField[], base: LeadRecord = emptyRecord()): LeadRecord {
    const record: LeadRecord = { ...base, custom: { ...base.custom } };
    for (const key of STANDARD_LEAD_FIELDS) {
      const value = values[key];
      if (value !== undefined) record[key] = value.trim();
    }
    for (const [key, raw] of Object.entries(values.custom ?? {})) {
      const field = fields.find((f) => f.key === key);
      if (!field) {
        throw new AppError('validation', `custom.${key}: there is no custom field "${key}" in this workspace.`, { details: { field: key } });
      }
      const value = raw.trim();
      if (!value) delete record.custom[key];
      else record.custom[key] = field.type === 'dropdown' ? (matchOption(value, field.options) ?? value) : value;
    }
    return record;
  }

  function isEmpty(record: LeadRecord): boolean {
    return STANDARD_LEAD_FIELDS.every((k) => !record[k]) && Object.keys(record.custom).length === 0;
  }

  function changed(workspaceId: string, kind: 'created' | 'updated' | 'deleted', ids: number[], bulk = false, importId?: string) {
    if (ids.length === 0) return;
    events.emit('leads.onDidChange', {
      workspaceId,
      kind,
      ids: ids.map(String),
      bulk,
      ...(importId ? { importId } : {}),
    });
  }

  function requireLead(store: LeadStore, id: string): { rowId: number; lead: Lead } {
    const rowId = parseLeadId(id);
    const lead = store.get(rowId);
    if (!lead) throw new AppError('not_found', `There is no lead with id ${id}. It may have been deleted.`);
    return { rowId, lead };
  }

  function recordOf(lead: Lead): LeadRecord {
    const record = emptyRecord();
    for (const key of STANDARD_LEAD_FIELDS) record[key] = lead[key];
    record.custom = { ...lead.custom };
    return record;
  }

  function fieldsChanged(workspaceId: string) {
    events.emit('leads.onDidChangeFields', { workspaceId, fields: listFields(workspaceId) });
  }

  function uniqueKey(db: Db, label: string): string {
    let base = label
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40);
    if (!/^[a-z]/.test(base)) base = `field_${base}`.replace(/_+$/, '');
    let key = base;
    for (let n = 2; RESERVED_KEYS.has(key) || db.prepare('select 1 from lead_fields where key = ?').get(key); n++) key = `${base}_${n}`;
    return key;
  }

  function validationContext(workspaceId: string) {
    return { fields: listFields(workspaceId), defaultCountry: getSettings(workspaceId).defaultCountry };
  }

  return {
    open,
    listFields,
    getSettings,
    normalize,
    isEmpty,
    changed,
    validationContext,

    list(input: LeadFilter & { sort: LeadSort; limit: number; after?: string | undefined; offset?: number | undefined }): LeadPage {
      const { store } = open(input.workspaceId);
      return store.list(input);
    },

    get(workspaceId: string, id: string): Lead {
      return requireLead(open(workspaceId).store, id).lead;
    },

    validate(workspaceId: string, values: LeadValues): LeadProblem[] {
      const ctx = validationContext(workspaceId);
      return validateLead(normalize(values, ctx.fields), ctx);
    },

    create(workspaceId: string, values: LeadValues): Lead {
      const { store } = open(workspaceId);
      const ctx = validationContext(workspaceId);
      const record = normalize(values, ctx.fields);
      if (isEmpty(record)) throw new AppError('validation', 'A lead needs at least one value: add a name, an email or a company.');
      const id = store.insert(record, validateLead(record, ctx), isoAt(clock.now()));
      changed(workspaceId, 'created', [id]);
      return store.get(id)!;
    },

    /** Changes only the fields given; problems are worked out again from the result. */
    update(workspaceId: string, id: string, values: LeadValues): Lead {
      const { store } = open(workspaceId);
      const { rowId, lead } = requireLead(store, id);
      const ctx = validationContext(workspaceId);
      const record = normalize(values, ctx.fields, recordOf(lead));
      if (isEmpty(record)) throw new AppError('validation', 'A lead needs at least one value. To remove the lead, delete it.');
      store.update(rowId, record, validateLead(record, ctx), isoAt(clock.now()));
      changed(workspaceId, 'updated', [rowId]);
      return store.get(rowId)!;
    },

    delete(workspaceId: string, id: string): { id: string } {
      const { store } = open(workspaceId);
      const { rowId } = requireLead(store, id);
      store.deleteIds([rowId]);
      changed(workspaceId, 'deleted', [rowId]);
      return { id };
    },

    /**
     * Deletes by ids, or everything matching a filter except some ids. Large deletes go in
     * transactions of a few thousand, yielding in between so the app stays responsive.
     */
    async deleteMany(
      workspaceId: string,
      target:
        | { kind: 'ids'; ids: string[] }
        | { kind: 'matching'; filter: Omit<LeadFilter, 'workspaceId'>; exceptIds: string[] },
    ): Promise<{ deleted: number }> {
      const { store } = open(workspaceId);
      let deleted = 0;
      if (target.kind === 'ids') {
        const ids = [...new Set(target.ids)].filter((id) => /^\d{1,15}$/.test(id)).map(Number);
        for (let i = 0; i < ids.length; i += BULK_BATCH) {
          const gone = store.deleteIds(ids.slice(i, i + BULK_BATCH));
          deleted += gone.length;
          changed(workspaceId, 'deleted', gone, ids.length > 1);
          if (i + BULK_BATCH < ids.length) await yieldToEventLoop();
        }
      } else {
        const except = new Set(target.exceptIds.filter((id) => /^\d{1,15}$/.test(id)).map(Number));
        // Ids first (cheap), then delete: leads created while this runs are not swept up.
        const ids: number[] = [];
        for (let after = 0; ; ) {
          const batch = store.idsAfter(target.filter, after, 20_000);
          if (batch.length === 0) break;
          for (const id of batch) if (!except.has(id)) ids.push(id);
          after = batch.at(-1)!;
        }
        for (let i = 0; i < ids.length; i += BULK_BATCH) {
          const gone = store.deleteIds(ids.slice(i, i + BULK_BATCH));
          deleted += gone.length;
          changed(workspaceId, 'deleted', gone, true);
          await yieldToEventLoop();
        }
      }
      if (deleted > 1) logger.info('leads deleted', { workspaceId, deleted });
      return { deleted };
    },

    createField(input: { workspaceId: string; label: string; key?: string | undefined; type: CustomFieldType; options: string[] }): CustomField {
      const { db } = open(input.workspaceId);
      const label = input.label.trim();
      if ((db.prepare('select 1 from lead_fields where lower(label) = lower(?)').get(label))) {
        throw new AppError('conflict', `A custom field labelled "${label}" already exists.`, { details: { field: 'label' } });
      }
      if (STANDARD_FIELD_SPECS.some((f) => f.label.toLowerCase() === label.toLowerCase())) {
        throw new AppError('conflict', `"${label}" is a standard lead field already.`, { details: { field: 'label' } });
      }
      let key = input.key;
      if (key) {
        if (RESERVED_KEYS.has(key)) throw new AppError('validation', `key: "${key}" is reserved for a standard field.`, { details: { field: 'key' } });
        if (db.prepare('select 1 from lead_fields where key = ?').get(key)) {
          throw new AppError('conflict', `A custom field with key "${key}" already exists.`, { details: { field: 'key' } });
        }
      } else {
        key = uniqueKey(db, label);
      }
      const options = input.type === 'dropdown' ? [...new Set(input.options.map((o) => o.trim()))] : [];
      const position = (db.prepare('select coalesce(max(position), 0) + 1 as p from lead_fields').get() as { p: number }).p;
      db.prepare('insert into lead_fields (key, label, type, options, position, created_at) values (?, ?, ?, ?, ?, ?)').run(
        key,
        label,
        input.type,
        JSON.stringify(options),
        position,
        isoAt(clock.now()),
      );
      fieldsChanged(input.workspaceId);
      return listFields(input.workspaceId).find((f) => f.key === key)!;
    },

    updateField(input: { workspaceId: string; key: string; label?: string | undefined; options?: string[] | undefined }): CustomField {
      const { db } = open(input.workspaceId);
      const existing = listFields(input.workspaceId).find((f) => f.key === input.key);
      if (!existing) throw new AppError('not_found', `There is no custom field "${input.key}".`);
      const label = input.label?.trim() ?? existing.label;
      if (db.prepare('select 1 from lead_fields where lower(label) = lower(?) and key <> ?').get(label, input.key)) {
        throw new AppError('conflict', `A custom field labelled "${label}" already exists.`, { details: { field: 'label' } });
      }
      const options = existing.type === 'dropdown' && input.options ? [...new Set(input.options.map((o) => o.trim()))] : existing.options;
      db.prepare('update lead_fields set label = ?, options = ? where key = ?').run(label, JSON.stringify(options), input.key);
      fieldsChanged(input.workspaceId);
      return listFields(input.workspaceId).find((f) => f.key === input.key)!;
    },

    deleteField(workspaceId: string, key: string): { key: string } {
      const { db } = open(workspaceId);
      if (!db.prepare('select 1 from lead_fields where key = ?').get(key)) throw new AppError('not_found', `There is no custom field "${key}".`);
      const path = `$.${key}`;
      db.transaction(() => {
        db.prepare('delete from lead_fields where key = ?').run(key);
        // The values and the flags about them go with the field; this is not an edit of the leads.
        db.prepare(
          `update leads set
             custom = json_remove(custom, @path),
             problems = (select json_group_array(json(value)) from json_each(leads.problems) where json_extract(value, '$.field') is not @key),
             problem_count = (select count(*) from json_each(leads.problems) where json_extract(value, '$.field') is not @key)
           where json_extract(custom, @path) is not null or problems like @mention`,
        ).run({ path, key, mention: `%"field":"${key}"%` });
      })();
      fieldsChanged(workspaceId);
      return { key };
    },

    updateSettings(workspaceId: string, patch: Partial<LeadSettings>): LeadSettings {
      const { db } = open(workspaceId);
      if (patch.defaultCountry !== undefined) {
        db.prepare(
          'insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at',
        ).run(SETTING_DEFAULT_COUNTRY, JSON.stringify(patch.defaultCountry), isoAt(clock.now()));
      }
      return getSettings(workspaceId);
    },
  };
}
