import type { FilterRule, InclusionFilter, LeadFieldRef } from '../contract/mapping.ts';
import { normalizeKey } from './transforms.ts';

/** A lead as mapping reads it: the standard fields and the custom values by key. */
export interface MappableLead {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string;
  jobTitle: string;
  website: string;
  notes: string;
  source: string;
  owner: string;
  custom: Record<string, string>;
}

/** The value of a lead field (`email`, `custom.plan`); '' when the lead has none. */
export function fieldValue(lead: MappableLead, ref: LeadFieldRef): string {
  if (ref.startsWith('custom.')) return lead.custom[ref.slice(7)] ?? '';
  return (lead[ref as Exclude<keyof MappableLead, 'id' | 'custom'>] as string | undefined) ?? '';
}

export function ruleMatches(lead: MappableLead, rule: FilterRule): boolean {
  const value = fieldValue(lead, rule.field);
  switch (rule.op) {
    case 'isEmpty':
      return value.trim() === '';
    case 'isNotEmpty':
      return value.trim() !== '';
    case 'equals':
      return normalizeKey(value) === normalizeKey(rule.value);
    case 'contains':
      return normalizeKey(value).includes(normalizeKey(rule.value));
  }
}

/** True when the lead may be pushed: the filter is off, has no rules, or matches (all / any rules). */
export function passesFilter(lead: MappableLead, filter: InclusionFilter): boolean {
  if (!filter.enabled || filter.rules.length === 0) return true;
  return filter.match === 'all' ? filter.rules.every((r) => ruleMatches(lead, r)) : filter.rules.some((r) => ruleMatches(lead, r));
}

const OP_WORDS: Record<FilterRule['op'], string> = { equals: 'is', contains: 'contains', isEmpty: 'is empty', isNotEmpty: 'is not empty' };

/** "Source is "webinar" and Email is not empty", for skip messages. */
export function describeFilter(filter: InclusionFilter, label: (ref: LeadFieldRef) => string): string {
  return filter.rules
    .map((r) => `${label(r.field)} ${OP_WORDS[r.op]}${r.op === 'equals' || r.op === 'contains' ? ` "${r.value}"` : ''}`)
    .join(filter.match === 'all' ? ' and ' : ' or ');
}
