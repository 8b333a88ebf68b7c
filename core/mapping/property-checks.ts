import type { MappingProperty, PropertyProblemKind } from '../contract/mapping.ts';

/** HubSpot's limit for one property value. */
export const MAX_PROPERTY_VALUE = 65_536;
const DAY_MS = 86_400_000;

// The formats HubSpot accepts on writes (hubspot-api-facts §1.5 and §4).
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const EPOCH_MS = /^-?\d{1,15}$/;
const EMAIL = /^[^\s@;,]+@[^\s@;,]+\.[A-Za-z0-9-]{2,}$/;

export interface ValueProblem {
  kind: PropertyProblemKind;
  message: string;
}

const show = (value: string) => `"${value.length > 60 ? `${value.slice(0, 57)}…` : value}"`;

/** Writable at all: HubSpot refuses read-only and calculated properties with READ_ONLY_VALUE. */
export function isWritable(def: MappingProperty): boolean {
  return !def.readOnly && !def.calculated;
}

/** Owner and other externally-sourced dropdowns keep their options elsewhere: no local option check. */
export function hasCheckableOptions(def: MappingProperty): boolean {
  return def.type === 'enumeration' && def.referencedObjectType === null;
}

/** The options a dropdown accepts (hidden ones included: HubSpot still accepts them on writes). */
export function optionValues(def: MappingProperty): string[] {
  return def.options.map((o) => o.value);
}

/**
 * Would HubSpot accept `value` for this property? Mirrors HubSpot's write validation: numbers with
 * at most one decimal point and no commas, dates as YYYY-MM-DD or epoch ms at midnight UTC,
 * datetimes as ISO 8601 or epoch ms, true/false, an option's internal value (each `;`-part of a
 * multi-checkbox), a well-formed address for `email`, at most 65,536 characters.
 */
export function checkValue(def: MappingProperty, value: string): ValueProblem | null {
  if (value.length > MAX_PROPERTY_VALUE) {
    return { kind: 'too_long', message: `The value is ${value.length.toLocaleString('en-US')} characters long; HubSpot takes at most ${MAX_PROPERTY_VALUE.toLocaleString('en-US')}.` };
  }
  switch (def.type) {
    case 'number':
      return NUMBER.test(value)
        ? null
        : { kind: 'invalid_number', message: `${show(value)} isn't a number HubSpot accepts for ${def.label}: digits with at most one decimal point, no commas, spaces or units.` };
    case 'bool':
      return /^(true|false)$/i.test(value)
        ? null
        : { kind: 'invalid_bool', message: `${show(value)} isn't true or false, which ${def.label} needs. A value map can turn yes/no into true/false.` };
    case 'date': {
      const iso = ISO_DATE.exec(value);
      if (iso) {
        const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
        const date = new Date(Date.UTC(y, m - 1, d));
        if (date.getUTCMonth() === m - 1 && date.getUTCDate() === d) return null;
      } else if (EPOCH_MS.test(value)) {
        if (Number(value) % DAY_MS === 0) return null;
        return { kind: 'invalid_date', message: `${show(value)} is a time of day, not midnight UTC, which a date property like ${def.label} needs.` };
      }
      return { kind: 'invalid_date', message: `${show(value)} isn't a date HubSpot accepts for ${def.label}: write YYYY-MM-DD, or add the Date format transform.` };
    }
    case 'datetime':
      if ((ISO_DATETIME.test(value) && Number.isFinite(Date.parse(value))) || EPOCH_MS.test(value)) return null;
      return { kind: 'invalid_datetime', message: `${show(value)} isn't a date and time HubSpot accepts for ${def.label}: write ISO 8601 (2026-03-31T14:00:00Z), or add the Date format transform.` };
    case 'enumeration': {
      if (!hasCheckableOptions(def)) return null;
      const allowed = optionValues(def);
      const parts = def.fieldType === 'checkbox' ? value.split(';').filter((p) => p !== '') : [value];
      const badPart = parts.find((p) => !allowed.includes(p));
      if (badPart === undefined) return null;
      const byLabel = def.options.find((o) => o.label.toLowerCase() === badPart.trim().toLowerCase() || o.value.toLowerCase() === badPart.trim().toLowerCase());
      const hint = byLabel ? ` It matches the option "${byLabel.label}", whose internal value is "${byLabel.value}": add a value map.` : '';
      return { kind: 'invalid_option', message: `${show(badPart)} isn't one of the options of ${def.label} (${describeOptions(allowed)}).${hint}` };
    }
    default:
      if (def.name === 'email' && !EMAIL.test(value.trim())) {
        return { kind: 'invalid_email', message: `${show(value)} isn't an email address HubSpot accepts.` };
      }
      return null;
  }
}

export function describeOptions(values: readonly string[]): string {
  if (values.length === 0) return 'it has no options';
  const shown = values.slice(0, 8).join(', ');
  return values.length > 8 ? `${shown}, … ${values.length} in all` : shown;
}

const squash = (text: string) => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The property a typed name most likely meant: one whose label was typed ("Plan Interest" →
 * plan_interest), or whose name differs only in case, spaces or punctuation ("Plan-Interest").
 */
export function suggestProperty(typed: string, properties: Iterable<MappingProperty>): MappingProperty | null {
  const wanted = squash(typed);
  if (!wanted) return null;
  let byName: MappingProperty | null = null;
  for (const def of properties) {
    if (def.label.trim().toLowerCase() === typed.trim().toLowerCase()) return def;
    if (!byName && (squash(def.name) === wanted || squash(def.label) === wanted)) byName = def;
  }
  return byName;
}
