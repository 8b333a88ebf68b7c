import type { z } from 'zod';
import type { CustomField } from '../contract/leads.ts';
import { type MappingRow, PushSettings } from '../contract/mapping.ts';
import { AppError } from '../errors.ts';
import { normalizeKey } from './transforms.ts';

const TAB_NAMES = { contact: 'Field Mapping', company: 'Company Mapping', list: 'Lists', filter: 'Inclusion filter', advanced: 'Advanced config' } as const;

type Path = ReadonlyArray<PropertyKey>;

function rowLabel(input: unknown, tab: 'contact' | 'company', index: number): string {
  const rows = (input as { [k: string]: { rows?: unknown[] } | undefined } | null)?.[tab]?.rows;
  const row = Array.isArray(rows) ? (rows[index] as Partial<MappingRow> | undefined) : undefined;
  const what = row && typeof row.source === 'string' && typeof row.property === 'string' ? ` (${row.source} → ${row.property})` : '';
  return `${TAB_NAMES[tab]}, row ${index + 1}${what}`;
}

/** "Field Mapping, row 3 (email → emial), transforms 2" for an issue's path. */
function where(input: unknown, path: Path): { text: string; details: Record<string, unknown> } {
  const [tab, second, index, ...rest] = path;
  if ((tab === 'contact' || tab === 'company') && second === 'rows' && typeof index === 'number') {
    const field = rest.filter((p) => typeof p === 'string').join('.');
    return { text: `${rowLabel(input, tab, index)}${field ? `, ${field}` : ''}`, details: { tab, row: index + 1, field: field || undefined } };
  }
  if (tab === 'filter' && second === 'rules' && typeof index === 'number') {
    return { text: `${TAB_NAMES.filter}, rule ${index + 1}${rest.length ? `, ${rest.join('.')}` : ''}`, details: { tab: 'filter', rule: index + 1 } };
  }
  const name = typeof tab === 'string' && tab in TAB_NAMES ? TAB_NAMES[tab as keyof typeof TAB_NAMES] : String(tab ?? 'settings');
  const restPath = path.slice(1).map(String).join('.');
  return { text: restPath ? `${name}, ${restPath}` : name, details: { tab } };
}

function fromZod(input: unknown, error: z.ZodError): AppError {
  const first = error.issues[0]!;
  const place = where(input, first.path);
  return new AppError('validation', `${place.text}: ${first.message}`, {
    details: { ...place.details, issues: error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}

/**
 * Parses push settings from a caller (the editor, `syncdesk mapping set`) and checks what the
 * schema can't: unique row ids, custom fields that exist, value maps without duplicate keys,
 * filter rules with a value to compare. The first problem is thrown as a `validation` error whose
 * message names the tab and the row ("Field Mapping, row 3 (custom.plan → plan_interest): …").
 */
export function validatePushSettings(input: unknown, ctx: { customFields: readonly CustomField[] }): PushSettings {
  const parsed = PushSettings.safeParse(input);
  if (!parsed.success) throw fromZod(input, parsed.error);
  const settings = parsed.data;
  const fail = (path: Path, message: string) => {
    const place = where(settings, path);
    throw new AppError('validation', `${place.text}: ${message}`, { details: place.details });
  };

  const ids = new Map<string, string>();
  for (const tab of ['contact', 'company'] as const) {
    settings[tab].rows.forEach((row, index) => {
      const previous = ids.get(row.id);
      if (previous) fail([tab, 'rows', index, 'id'], `the row id "${row.id}" is already used by ${previous}.`);
      ids.set(row.id, rowLabel(settings, tab, index));
      if (row.source.startsWith('custom.') && !ctx.customFields.some((f) => f.key === row.source.slice(7))) {
        fail([tab, 'rows', index, 'source'], `there is no custom lead field "${row.source.slice(7)}" in this workspace.`);
      }
      row.transforms.forEach((transform, t) => {
        if (transform.kind !== 'valueMap') return;
        const seen = new Set<string>();
        for (const entry of transform.entries) {
          const key = normalizeKey(entry.from);
          if (seen.has(key)) fail([tab, 'rows', index, 'transforms', t], `the value map lists "${entry.from}" twice.`);
          seen.add(key);
        }
      });
    });
  }
  settings.filter.rules.forEach((rule, index) => {
    if (rule.field.startsWith('custom.') && !ctx.customFields.some((f) => f.key === rule.field.slice(7))) {
      fail(['filter', 'rules', index, 'field'], `there is no custom lead field "${rule.field.slice(7)}" in this workspace.`);
    }
    if ((rule.op === 'equals' || rule.op === 'contains') && rule.value.trim() === '') {
      fail(['filter', 'rules', index, 'value'], `give a value to compare with (or use "is empty").`);
    }
  });
  return settings;
}
