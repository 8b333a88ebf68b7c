import type {
  LeadFieldRef,
  LeadSource,
  LeadSourceType,
  MappingProperty,
  MappingRow,
  PushSettings,
  SettingsProblem,
} from '../contract/mapping.ts';
import { checkValue, hasCheckableOptions, isWritable, suggestProperty } from './property-checks.ts';
import { applyTransforms } from './transforms.ts';

export interface ValueCount {
  value: string;
  count: number;
}

export interface CheckContext {
  settings: PushSettings;
  /** null: never read from HubSpot. */
  contacts: readonly MappingProperty[] | null;
  companies: readonly MappingProperty[] | null;
  sources: readonly LeadSource[];
  defaultCountry: string | null;
  /** The distinct non-empty values of a lead field over all leads, with how many leads have each. */
  valueCounts(ref: LeadFieldRef): readonly ValueCount[];
}

/** How many offending values a problem lists. */
export const EXAMPLE_VALUES = 5;

const VALUE_CHECKED_TYPES = new Set(['number', 'date', 'datetime', 'bool']);
const TYPE_WORDS: Record<string, string> = { number: 'a number', date: 'a date', datetime: 'a date and time', bool: 'a true/false', enumeration: 'a dropdown' };

/** Lead field types that can't hold what a property type needs (values would be refused). */
const INCOMPATIBLE: Record<string, ReadonlySet<LeadSourceType>> = {
  number: new Set(['date', 'email', 'url', 'phone']),
  date: new Set(['number', 'email', 'url', 'phone']),
  datetime: new Set(['number', 'email', 'url', 'phone']),
  bool: new Set(['number', 'date', 'email', 'url', 'phone']),
};

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const quoteList = (values: readonly ValueCount[]) => values.map((v) => `"${v.value.length > 40 ? `${v.value.slice(0, 37)}…` : v.value}" (${v.count.toLocaleString('en-US')})`).join(', ');

/**
 * The problems a push would meet, found before any push: per row, a property that doesn't exist
 * (with the internal name when a label was typed), a read-only one, a lead field whose type can't
 * fill the property, and the values in the current leads that the property would refuse (dropdown
 * options, numbers, dates, true/false) with counts and examples; per tab, definitions never read,
 * no email mapping, a dynamic list. Reads leads only through `valueCounts` (one query per field).
 */
export function checkSettings(ctx: CheckContext): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const sourceByRef = new Map(ctx.sources.map((s) => [s.ref, s]));
  const counts = new Map<LeadFieldRef, readonly ValueCount[]>();
  const valueCounts = (ref: LeadFieldRef) => {
    let found = counts.get(ref);
    if (!found) counts.set(ref, (found = ctx.valueCounts(ref)));
    return found;
  };

  const checkRows = (tab: 'contact' | 'company', rows: readonly MappingRow[], defs: readonly MappingProperty[] | null) => {
    const objectWord = tab === 'contact' ? 'contact' : 'company';
    const byName = new Map((defs ?? []).map((d) => [d.name, d]));
    const firstWriter = new Map<string, number>();
    rows.forEach((row, index) => {
      if (!row.enabled) return;
      const at = { tab, rowId: row.id, property: row.property } as const;
      const property = row.property.trim();
      const source = sourceByRef.get(row.source);
      if (!source) {
        problems.push({
          ...at,
          kind: 'unknown_field',
          severity: 'warning',
          code: null,
          message: `The lead field "${row.source.replace(/^custom\./, '')}" no longer exists, so this row is always empty.`,
          fix: 'Choose another lead field, or remove the row.',
        });
      }
      const earlier = firstWriter.get(property);
      if (earlier !== undefined) {
        problems.push({
          ...at,
          kind: 'duplicate_property',
          severity: 'warning',
          code: null,
          message: `Row ${earlier + 1} also writes ${property}: this row is used only when that row's lead field is empty.`,
          fix: 'Keep it as a fallback, or remove one of the rows.',
        });
      } else firstWriter.set(property, index);

      if (defs === null) return;
      const def = byName.get(property);
      if (!def) {
        const suggestion = suggestProperty(property, defs);
        problems.push({
          ...at,
          kind: 'unknown_property',
          severity: 'error',
          code: 'property_missing',
          message: suggestion
            ? `"${property}" is not an internal name: it is the label of ${suggestion.name}.`
            : `The ${objectWord} property "${property}" doesn't exist in this HubSpot portal (a typo, or it was deleted).`,
          fix: suggestion ? `Map to ${suggestion.name}.` : 'Pick the property from the list, create it in HubSpot, or disable the row.',
          ...(suggestion ? { suggestion: { property: suggestion.name, label: suggestion.label } } : {}),
        });
        return;
      }
      if (!isWritable(def)) {
        problems.push({
          ...at,
          kind: 'read_only_property',
          severity: 'error',
          code: 'invalid_value',
          message: `${def.label} (${def.name}) is ${def.calculated ? 'calculated by HubSpot' : 'read-only'}: HubSpot refuses writes to it.`,
          fix: 'Map this lead field to a writable property, or disable the row.',
        });
        return;
      }
      const group = def.type === 'enumeration' ? 'enumeration' : def.type;
      const hasConverter = row.transforms.some((t) => t.kind === 'valueMap' || (t.kind === 'date' && (group === 'date' || group === 'datetime')));
      const staticMismatch = () => {
        if (!source || !INCOMPATIBLE[group]?.has(source.type) || hasConverter) return;
        problems.push({
          ...at,
          kind: 'type_mismatch',
          severity: 'warning',
          code: 'invalid_value',
          message: `${source.label} is ${source.type === 'email' || source.type === 'url' ? `an ${source.type}` : `a ${source.type}`} field, but ${def.label} is ${TYPE_WORDS[group] ?? group} property.`,
          fix: `Map a ${group === 'bool' ? 'yes/no' : group} field, add a value map, or choose a text property.`,
        });
      };
      const checkOptions = def.type === 'enumeration' && hasCheckableOptions(def);
      if (!checkOptions && !VALUE_CHECKED_TYPES.has(def.type)) {
        staticMismatch();
        return;
      }
      const bad: ValueCount[] = [];
      let affected = 0;
      for (const { value, count } of valueCounts(row.source)) {
        const mapped = applyTransforms(value, row.transforms, { defaultCountry: ctx.defaultCountry, propertyType: def.type }).value;
        if (mapped === '' || !checkValue(def, mapped)) continue;
        bad.push({ value, count });
        affected += count;
      }
      // The leads' own values say more than the field's declared type: the type only speaks when they are silent.
      if (bad.length === 0) {
        staticMismatch();
        return;
      }
      bad.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      const examples = bad.slice(0, EXAMPLE_VALUES);
      const more = bad.length > EXAMPLE_VALUES ? ` and ${plural(bad.length - EXAMPLE_VALUES, 'more value')}` : '';
      problems.push(
        checkOptions
          ? {
              ...at,
              kind: 'invalid_options',
              severity: 'error',
              code: 'invalid_value',
              message: `${plural(affected, 'lead')} ${affected === 1 ? 'has a value' : 'have values'} that ${bad.length === 1 ? "isn't an option" : "aren't options"} of ${def.label}: ${quoteList(examples)}${more}.`,
              fix: 'Add a value map to this row, add the options to the property in HubSpot, or fix the leads.',
              values: examples,
              affectedLeads: affected,
            }
          : {
              ...at,
              kind: 'type_mismatch',
              severity: 'error',
              code: 'invalid_value',
              message: `${plural(affected, 'lead')} ${affected === 1 ? 'has a value' : 'have values'} that ${def.label} (${TYPE_WORDS[def.type]}) would refuse: ${quoteList(examples)}${more}.`,
              fix: def.type === 'date' || def.type === 'datetime' ? 'Add the Date format transform, or fix the leads.' : def.type === 'bool' ? 'Add a value map to true / false, or fix the leads.' : 'Fix the leads, or map to a text property.',
              values: examples,
              affectedLeads: affected,
            },
      );
    });
  };

  const { settings } = ctx;
  if (ctx.contacts === null) {
    problems.push({
      tab: 'contact',
      rowId: null,
      property: null,
      kind: 'properties_unknown',
      severity: 'warning',
      code: null,
      message: "This portal's contact properties haven't been read yet, so the mapping can't be checked.",
      fix: 'Refresh properties (needs a HubSpot connection).',
    });
  }
  checkRows('contact', settings.contact.rows, ctx.contacts);
  if (!settings.advanced.syncWithoutEmail && !settings.contact.rows.some((r) => r.enabled && r.property.trim() === 'email')) {
    problems.push({
      tab: 'contact',
      rowId: null,
      property: 'email',
      kind: 'no_email_mapping',
      severity: 'error',
      code: 'no_email',
      message: 'No enabled row writes the email property, so every lead would be skipped as having no email.',
      fix: 'Map a lead field to email, or turn on "Sync leads without an email" in Advanced config.',
    });
  }
  if (settings.company.enabled) {
    if (ctx.companies === null) {
      problems.push({
        tab: 'company',
        rowId: null,
        property: null,
        kind: 'properties_unknown',
        severity: 'warning',
        code: null,
        message: "This portal's company properties haven't been read yet, so the company mapping can't be checked.",
        fix: 'Refresh properties (needs a HubSpot connection).',
      });
    }
    checkRows('company', settings.company.rows, ctx.companies);
  }
  if (settings.list.listId && settings.list.processingType === 'DYNAMIC') {
    problems.push({
      tab: 'lists',
      rowId: null,
      property: null,
      kind: 'dynamic_list',
      severity: 'warning',
      code: null,
      message: `"${settings.list.listName ?? settings.list.listId}" is a dynamic list: its membership follows its rules, so contacts can't be added to it.`,
      fix: 'Choose a static list, or no list.',
    });
  }
  return problems;
}
