import type { Db } from '../../store/database.ts';
import type { SandboxClock } from '../sandbox-clock.ts';
import { DEFAULT_GROUPS, defaultProperties, LIFECYCLE_STAGES, type PropertyDefinition, type PropertyOption } from './hubspot-default-properties.ts';
import { fail, type PropertyProblem, validationError } from './hubspot-errors.ts';
import { OBJECT_TYPES, type ObjectType } from './hubspot-object-types.ts';

/** Valid `type` → `fieldType` pairs (hubspot-api-facts §4). */
const FIELD_TYPES: Record<string, string[]> = {
  bool: ['booleancheckbox', 'calculation_equation'],
  enumeration: ['booleancheckbox', 'checkbox', 'radio', 'select', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  string: ['file', 'text', 'textarea', 'calculation_equation', 'html', 'phonenumber'],
  number: ['number', 'calculation_equation'],
  phone_number: ['phonenumber'],
};

export const MAX_STRING_LENGTH = 65_536;
const DAY_MS = 86_400_000;
const EMAIL = /^[^\s@;,]+@[^\s@;,]+\.[A-Za-z0-9-]{2,}$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface GroupDefinition {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export interface ValidatedWrite {
  /** Property → value to store; '' means clear. */
  values: Map<string, string>;
  problems: PropertyProblem[];
}

/**
 * Property definitions per portal and object type (defaults are copied into each portal so they
 * can be edited like HubSpot lets you add options), the Properties API's rules, and the validation
 * of written values with HubSpot's error codes.
 */
export function createPropertyCatalog(db: Db, clock: SandboxClock, ownerExists: (portalId: number, ownerId: string) => boolean) {
  const cache = new Map<string, Map<string, PropertyDefinition>>();
  const key = (portalId: number, type: ObjectType) => `${portalId}:${type.id}`;
  const upsertStmt = db.prepare(
    'insert into hs_properties (portal_id, type, name, definition, archived) values (?, ?, ?, ?, ?) on conflict (portal_id, type, name) do update set definition = excluded.definition, archived = excluded.archived',
  );

  const load = (portalId: number, type: ObjectType): Map<string, PropertyDefinition> => {
    const k = key(portalId, type);
    let defs = cache.get(k);
    if (!defs) {
      defs = new Map();
      const rows = db.prepare('select definition from hs_properties where portal_id = ? and type = ?').pluck().all(portalId, type.id) as string[];
      for (const row of rows) {
        const def = JSON.parse(row) as PropertyDefinition;
        defs.set(def.name, def);
      }
      cache.set(k, defs);
    }
    return defs;
  };
  /** Bumped on every definition change, so renderers can cache per-selection plans. */
  let version = 0;
  const save = (portalId: number, type: ObjectType, def: PropertyDefinition) => {
    upsertStmt.run(portalId, type.id, def.name, JSON.stringify(def), def.archived ? 1 : 0);
    cache.delete(key(portalId, type));
    version++;
  };

  const catalog = {
    version: () => version,
    /** Copies HubSpot's default properties and groups into a portal that has none yet. */
    ensureDefaults(portalId: number): void {
      db.transaction(() => {
        for (const type of OBJECT_TYPES) {
          if (load(portalId, type).size > 0) continue;
          for (const def of defaultProperties(type)) upsertStmt.run(portalId, type.id, def.name, JSON.stringify(def), 0);
          DEFAULT_GROUPS[type.name].forEach((g, i) =>
            db.prepare('insert or ignore into hs_property_groups (portal_id, type, name, label, display_order, archived) values (?, ?, ?, ?, ?, 0)').run(portalId, type.id, g.name, g.label, i),
          );
          cache.delete(key(portalId, type));
        }
      })();
      version++;
    },

    get(portalId: number, type: ObjectType, name: string): PropertyDefinition | undefined {
      const def = load(portalId, type).get(name);
      return def && !def.archived ? def : undefined;
    },
    getIncludingArchived: (portalId: number, type: ObjectType, name: string) => load(portalId, type).get(name),
    list(portalId: number, type: ObjectType, archived = false): PropertyDefinition[] {
      return [...load(portalId, type).values()].filter((d) => d.archived === archived);
    },

    create(portalId: number, type: ObjectType, input: Record<string, unknown>, userId: number): PropertyDefinition {
      const missing = ['name', 'label', 'type', 'fieldType', 'groupName'].filter((f) => typeof input[f] !== 'string' || input[f] === '');
      if (missing.length) validationError(`Missing required field(s): ${missing.join(', ')}`, { errors: missing.map((f) => ({ message: `${f} is required`, code: 'REQUIRED_FIELD', context: { fieldName: [f] } })) });
      const name = input.name as string;
      if (!/^[a-z][a-z0-9_]*$/.test(name)) validationError(`Property name "${name}" is invalid: use lower-case letters, digits and underscores, starting with a letter.`);
      const existing = load(portalId, type).get(name);
      if (existing && !existing.archived) fail(409, `Property ${name} already exists`, 'OBJECT_ALREADY_EXISTS', { context: { name: [name] } });
      const propertyType = input.type as string;
      const fieldType = input.fieldType as string;
      checkTypePair(propertyType, fieldType);
      if (!catalog.group(portalId, type, input.groupName as string)) validationError(`Property group ${String(input.groupName)} does not exist`);
      const now = new Date(clock.now()).toISOString();
      const def: PropertyDefinition = {
        name,
        label: input.label as string,
        type: propertyType,
        fieldType,
        description: typeof input.description === 'string' ? input.description : '',
        groupName: input.groupName as string,
        options: normaliseOptions(input.options, propertyType),
        displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : -1,
        calculated: false,
        externalOptions: false,
        hasUniqueValue: input.hasUniqueValue === true,
        hidden: input.hidden === true,
        hubspotDefined: false,
        formField: input.formField !== false,
        dataSensitivity: 'non_sensitive',
        modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false, readOnlyOptions: false },
        createdAt: now,
        updatedAt: now,
        createdUserId: String(userId),
        updatedUserId: String(userId),
        archived: false,
      };
      if (def.hasUniqueValue && catalog.list(portalId, type).filter((d) => d.hasUniqueValue).length >= 10) {
        validationError('An object type can have at most 10 unique-value properties.');
      }
      save(portalId, type, def);
      return def;
    },

    update(portalId: number, type: ObjectType, name: string, input: Record<string, unknown>, userId: number): PropertyDefinition {
      const def = catalog.get(portalId, type, name);
      if (!def) fail(404, `Unable to find property ${name}`, 'OBJECT_NOT_FOUND');
      const next: PropertyDefinition = { ...def };
      if (def.modificationMetadata.readOnlyDefinition) {
        // HubSpot-defined properties: only options (of editable enumerations), label and display bits may change.
        const forbidden = ['type', 'fieldType'].filter((f) => f in input && input[f] !== def[f as keyof PropertyDefinition]);
        if (forbidden.length) validationError(`Property ${name} is HubSpot-defined; its ${forbidden.join(' and ')} cannot be changed.`);
      }
      for (const f of ['label', 'description', 'groupName', 'type', 'fieldType'] as const) if (typeof input[f] === 'string') next[f] = input[f] as string;
      for (const f of ['hidden', 'formField'] as const) if (typeof input[f] === 'boolean') next[f] = input[f] as boolean;
      if (typeof input.displayOrder === 'number') next.displayOrder = input.displayOrder;
      if (input.options !== undefined) next.options = normaliseOptions(input.options, next.type);
      checkTypePair(next.type, next.fieldType);
      next.updatedAt = new Date(clock.now()).toISOString();
      next.updatedUserId = String(userId);
      save(portalId, type, next);
      return next;
    },

    archive(portalId: number, type: ObjectType, name: string): void {
      const def = catalog.get(portalId, type, name);
      if (!def) return;
      if (!def.modificationMetadata.archivable) fail(400, `Property ${name} is HubSpot-defined and cannot be archived.`, 'VALIDATION_ERROR');
      save(portalId, type, { ...def, archived: true, archivedAt: new Date(clock.now()).toISOString() });
    },

    groups(portalId: number, type: ObjectType): GroupDefinition[] {
      return (db.prepare('select name, label, display_order, archived from hs_property_groups where portal_id = ? and type = ? and archived = 0 order by display_order, name').all(portalId, type.id) as Array<{
        name: string;
        label: string;
        display_order: number;
        archived: number;
      }>).map((g) => ({ name: g.name, label: g.label, displayOrder: g.display_order, archived: g.archived === 1 }));
    },
    group: (portalId: number, type: ObjectType, name: string) => catalog.groups(portalId, type).find((g) => g.name === name),
    createGroup(portalId: number, type: ObjectType, input: Record<string, unknown>): GroupDefinition {
      if (typeof input.name !== 'string' || typeof input.label !== 'string') validationError('A property group needs a "name" and a "label".');
      if (catalog.group(portalId, type, input.name as string)) fail(409, `Property group ${String(input.name)} already exists`, 'OBJECT_ALREADY_EXISTS');
      const displayOrder = typeof input.displayOrder === 'number' ? input.displayOrder : -1;
      db.prepare('insert or replace into hs_property_groups (portal_id, type, name, label, display_order, archived) values (?, ?, ?, ?, ?, 0)').run(portalId, type.id, input.name, input.label, displayOrder);
      return { name: input.name as string, label: input.label as string, displayOrder, archived: false };
    },
    updateGroup(portalId: number, type: ObjectType, name: string, input: Record<string, unknown>): GroupDefinition {
      const group = catalog.group(portalId, type, name);
      if (!group) fail(404, `Unable to find property group ${name}`, 'OBJECT_NOT_FOUND');
      const next = { ...group, label: typeof input.label === 'string' ? input.label : group.label, displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : group.displayOrder };
      db.prepare('update hs_property_groups set label = ?, display_order = ? where portal_id = ? and type = ? and name = ?').run(next.label, next.displayOrder, portalId, type.id, name);
      return next;
    },
    archiveGroup(portalId: number, type: ObjectType, name: string): void {
      db.prepare('update hs_property_groups set archived = 1 where portal_id = ? and type = ? and name = ?').run(portalId, type.id, name);
    },

    /**
     * Checks written values against the definitions and returns what to store. `existing` is the
     * record's current values (updates), for multi-checkbox appends and lifecycle-stage ordering.
     */
    validate(portalId: number, type: ObjectType, input: unknown, existing?: Record<string, string>): ValidatedWrite {
      const values = new Map<string, string>();
      const problems: PropertyProblem[] = [];
      if (input === undefined || input === null) return { values, problems };
      if (typeof input !== 'object' || Array.isArray(input)) validationError('Invalid input JSON: "properties" must be an object of property names to values.');
      const defs = load(portalId, type);
      for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
        const def = defs.get(name);
        if (!def || def.archived) {
          problems.push({ name, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
          continue;
        }
        if (def.modificationMetadata.readOnlyValue) {
          // UNCONFIRMED wording (hubspot-api-facts §1.5).
          problems.push({ name, code: 'READ_ONLY_VALUE', message: `"${name}" is a calculated property; its value cannot be set.` });
          continue;
        }
        const value = raw === null || raw === undefined ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
        if (value === '') {
          values.set(name, '');
          continue;
        }
        const checked = checkValue(portalId, def, value, existing?.[name], ownerExists);
        if (typeof checked === 'string') {
          if (name === 'lifecyclestage' && existing?.lifecyclestage && stageIndex(checked) < stageIndex(existing.lifecyclestage)) {
            // Lifecycle stages only move forward; HubSpot keeps the later stage (it must be cleared first).
            // UNCONFIRMED whether HubSpot ignores the write silently (modelled) or rejects it.
            continue;
          }
          values.set(name, checked);
        } else problems.push({ name, ...checked });
      }
      return { values, problems };
    },

    reset(): void {
      cache.clear();
      version++;
    },
  };
  return catalog;
}
export type PropertyCatalog = ReturnType<typeof createPropertyCatalog>;

const stageIndex = (stage: string) => LIFECYCLE_STAGES.findIndex((s) => s.value === stage);

function checkTypePair(type: string, fieldType: string): void {
  const allowed = FIELD_TYPES[type];
  if (!allowed) {
    validationError(`Property type "${type}" is not valid. Use one of ${Object.keys(FIELD_TYPES).join(', ')}.`, {
      errors: [{ message: `Invalid type ${type}`, code: 'INVALID_TYPE', context: { type: [type] } }],
    });
  }
  if (!allowed.includes(fieldType)) {
    validationError(`Property type "${type}" is not compatible with fieldType "${fieldType}". Allowed field types: ${allowed.join(', ')}.`, {
      errors: [{ message: `fieldType ${fieldType} is not valid for type ${type}`, code: 'INVALID_FIELD_TYPE', context: { fieldType: [fieldType], type: [type] } }],
    });
  }
}

function normaliseOptions(input: unknown, type: string): PropertyOption[] {
  if (input === undefined || input === null) return type === 'bool' ? [{ label: 'Yes', value: 'true', displayOrder: 0, hidden: false }, { label: 'No', value: 'false', displayOrder: 1, hidden: false }] : [];
  if (!Array.isArray(input)) validationError('"options" must be an array of {label, value} objects.');
  const seen = new Set<string>();
  return (input as Array<Record<string, unknown>>).map((o, i) => {
    if (typeof o?.label !== 'string' || typeof o?.value !== 'string') validationError(`Option ${i} needs a string "label" and "value".`);
    if (seen.has(o.value as string)) validationError(`Option value "${String(o.value)}" appears twice.`);
    seen.add(o.value as string);
    const option: PropertyOption = { label: o.label as string, value: o.value as string, displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : i, hidden: o.hidden === true };
    if (typeof o.description === 'string') option.description = o.description;
    return option;
  });
}

/** "1606768561954 is at 20:36:1.954 UTC, not midnight!" — unpadded like the captured message. */
function notMidnight(raw: string, ms: number): { code: string; message: string } {
  const d = new Date(ms);
  return { code: 'INVALID_DATE', message: `${raw} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${String(d.getUTCMilliseconds()).padStart(3, '0')} UTC, not midnight!` };
}

function checkValue(
  portalId: number,
  def: PropertyDefinition,
  value: string,
  current: string | undefined,
  ownerExists: (portalId: number, ownerId: string) => boolean,
): string | { code: string; message: string } {
  if (value.length > MAX_STRING_LENGTH) {
    // UNCONFIRMED code and wording; the 65,536-character limit itself is documented.
    return { code: 'VALUE_TOO_LONG', message: `Property value of length ${value.length} exceeds the maximum length of ${MAX_STRING_LENGTH} characters` };
  }
  switch (def.type) {
    case 'number':
      // UNCONFIRMED wording: the docs' example names the property ("discount was not a valid number"); captures of other codes name the value.
      return NUMBER.test(value) ? value : { code: 'INVALID_INTEGER', message: `${value} was not a valid number.` };
    case 'bool': {
      // Strict since HubSpot's bool-validation fix; case-insensitive acceptance is UNCONFIRMED.
      const lower = value.toLowerCase();
      return lower === 'true' || lower === 'false' ? lower : { code: 'INVALID_BOOLEAN', message: `${value} is not a valid boolean value. Use true or false.` };
    }
    case 'date': {
      let ms: number;
      if (ISO_DATE.test(value)) ms = Date.parse(`${value}T00:00:00.000Z`);
      else if (/^\d+$/.test(value)) ms = Number(value);
      else ms = Date.parse(value);
      if (!Number.isFinite(ms)) return { code: 'INVALID_DATE', message: `${value} is not a valid date.` };
      if (ms % DAY_MS !== 0) return notMidnight(value, ms);
      return String(ms);
    }
    case 'datetime': {
      const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
      // The v1 capture for a datetime; the v3 code is UNCONFIRMED.
      if (!Number.isFinite(ms)) return { code: 'INVALID_LONG', message: `${value} was not a valid long.` };
      return new Date(ms).toISOString();
    }
    case 'enumeration': {
      if (def.referencedObjectType === 'OWNER') {
        // UNCONFIRMED code; HubSpot refuses owner ids that don't exist in the portal.
        return ownerExists(portalId, value) ? value : { code: 'INVALID_OWNER_ID', message: `${value} is not a valid owner id` };
      }
      const allowed = def.options.map((o) => o.value);
      const notAllowed = (v: string) => ({ code: 'INVALID_OPTION', message: `${v} was not one of the allowed options: [${allowed.join(', ')}]` });
      if (def.fieldType === 'checkbox') {
        // Multi-checkbox: `;`-separated options; a leading `;` appends to the current values.
        const append = value.startsWith(';');
        const parts = value.split(';').filter((p) => p !== '');
        const bad = parts.find((p) => !allowed.includes(p));
        if (bad !== undefined) return notAllowed(bad);
        const merged = append && current ? [...current.split(';'), ...parts] : parts;
        return [...new Set(merged)].join(';');
      }
      return allowed.includes(value) ? value : notAllowed(value);
    }
    default:
      // Emails are stored lower-cased and matched case-insensitively (UNCONFIRMED primary evidence).
      if (def.name === 'email') return EMAIL.test(value.trim()) ? value.trim().toLowerCase() : { code: 'INVALID_EMAIL', message: `Email address ${value} is invalid` };
      if (def.name === 'hs_additional_emails') {
        const parts = value.split(';').map((p) => p.trim()).filter(Boolean);
        const bad = parts.find((p) => !EMAIL.test(p));
        return bad === undefined ? parts.map((p) => p.toLowerCase()).join(';') : { code: 'INVALID_EMAIL', message: `Email address ${bad} is invalid` };
      }
      return value;
  }
}
