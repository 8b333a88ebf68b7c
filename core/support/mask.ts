import type { CustomField, Lead } from '../contract/leads.ts';
import type { PushSettings } from '../contract/mapping.ts';
import type { SentProperties } from '../contract/push.ts';

/** What a placeholder stands for: it decides its shape. */
type Kind = 'name' | 'company' | 'email' | 'phone' | 'text';

/** Lead fields that hold personal data, and how their values are replaced. Other fields (dropdowns, numbers, dates, website) are kept: they are what HubSpot validates. */
const PERSONAL_FIELDS: Record<string, Kind> = {
  firstName: 'name',
  lastName: 'name',
  company: 'company',
  owner: 'name',
  email: 'email',
  phone: 'phone',
  notes: 'text',
  jobTitle: 'text',
};

const EMAIL = /[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const LETTER_OR_DIGIT = '[\\p{L}\\p{N}]';

export interface Masker {
  /** Deep copy with every known value (and every email address) replaced by its placeholder. */
  mask<T>(value: T): T;
  /** How many distinct values were replaced (for the export summary and tests). */
  replaced(): number;
}

export interface MaskInput {
  lead: Lead | null;
  fields: readonly CustomField[];
  settings: PushSettings;
  /** The label and email the job recorded (a deleted lead leaves only these). */
  leadLabel: string;
  leadEmail: string;
  /** What each attempt sent: mapped values derived from personal fields (an E.164 phone, a lower-cased email) get the same placeholder. */
  sent: ReadonlyArray<SentProperties | null>;
}

const digits = (text: string) => text.replace(/\D/g, '');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces a lead's names, emails, phones and free text with stable placeholders, the same
 * placeholder for the same value everywhere in the bundle (in fields, error messages and the JSON
 * bodies of HubSpot's exchanges), so the bundle still reads as one story and a replay behaves the
 * same: emails keep their domain (company matching depends on it), phones become fictional numbers
 * (+1 555 01xx), free text keeps its length (HubSpot's length limits still bite).
 */
export function createMasker(input: MaskInput): Masker {
  const placeholders = new Map<string, string>();
  const counters: Record<Kind, number> = { name: 0, company: 0, email: 0, phone: 0, text: 0 };
  /** Exact values (emails, phones, free text) matched as whole strings or substrings. */
  const exact = new Map<string, string>();
  /** Name tokens, matched case-insensitively between non-letters. */
  const names = new Map<string, string>();
  const phoneDigits = new Map<string, string>();
  /** Company names, matched as whole values ignoring case. */
  const exactInsensitive = new Map<string, string>();

  const placeholderFor = (kind: Kind, value: string): string => {
    const key = `${kind}\u0000${kind === 'email' || kind === 'name' || kind === 'company' ? value.toLowerCase() : kind === 'phone' ? digits(value) : value}`;
    const known = placeholders.get(key);
    if (known) return known;
    const n = ++counters[kind];
    let placeholder: string;
    switch (kind) {
      case 'name':
        placeholder = `Name${n}`;
        break;
      case 'company':
        placeholder = `Company${n}`;
        break;
      case 'email': {
        const domain = value.slice(value.lastIndexOf('@') + 1).toLowerCase();
        placeholder = `person${n}@${domain}`;
        break;
      }
      case 'phone':
        placeholder = `+1555010${String(n).padStart(4, '0')}`;
        break;
      case 'text': {
        const head = `Text${n} `;
        placeholder = value.length > head.length ? head + 'x'.repeat(value.length - head.length) : `Text${n}`;
        break;
      }
    }
    placeholders.set(key, placeholder);
    return placeholder;
  };

  const add = (kind: Kind, raw: string | null | undefined) => {
    const value = (raw ?? '').trim();
    if (value.length < 2) return;
    if (kind === 'name') {
      // Each word of a name is a token of its own: "Jane Doe" and "Doe, Jane" become "Name1 Name2" and "Name2, Name1".
      for (const token of value.split(/[\s,]+/u)) if (token.length >= 2 && !names.has(token.toLowerCase())) names.set(token.toLowerCase(), placeholderFor('name', token));
      return;
    }
    if (kind === 'email') {
      if (!value.includes('@')) return add('name', value);
      exact.set(value.toLowerCase(), placeholderFor('email', value));
      return;
    }
    if (kind === 'phone') {
      const d = digits(value);
      if (d.length < 5) return;
      const placeholder = placeholderFor('phone', value);
      exact.set(value, placeholder);
      phoneDigits.set(d, placeholder);
      return;
    }
    // A company name is replaced as a whole (its words also appear in domains, which are kept).
    if (kind === 'company') exactInsensitive.set(value.toLowerCase(), placeholderFor('company', value));
    else exact.set(value, placeholderFor('text', value));
  };

  const { lead, fields, settings } = input;
  const kindOfSource = (source: string): Kind | null => {
    if (source.startsWith('custom.')) {
      const field = fields.find((f) => `custom.${f.key}` === source);
      return field?.type === 'text' ? 'text' : null;
    }
    return PERSONAL_FIELDS[source] ?? null;
  };

  if (lead) {
    for (const [field, kind] of Object.entries(PERSONAL_FIELDS)) {
      const value = lead[field as keyof Lead];
      if (typeof value === 'string') add(kind, value);
    }
    for (const field of fields) if (field.type === 'text') add('text', lead.custom[field.key]);
  }
  add('email', input.leadEmail);
  add('name', input.leadLabel.includes('@') ? null : input.leadLabel);
  if (input.leadLabel.includes('@')) add('email', input.leadLabel);

  // Values as the mapping sent them (trimmed, lower-cased, E.164, split names) are the same person's data.
  const rows = [...settings.contact.rows.map((r) => ({ ...r, object: 'contact' as const })), ...settings.company.rows.map((r) => ({ ...r, object: 'company' as const }))];
  for (const sent of input.sent) {
    if (!sent) continue;
    for (const row of rows) {
      const kind = kindOfSource(row.source);
      if (!kind) continue;
      const value = (row.object === 'contact' ? sent.contact : sent.company)?.[row.property];
      if (!value) continue;
      if (kind === 'phone') {
        // Same digits (give or take a country code) → the lead's phone placeholder.
        const d = digits(value);
        const match = [...phoneDigits.entries()].find(([known]) => d.endsWith(known) || known.endsWith(d));
        if (match) {
          exact.set(value, match[1]);
          continue;
        }
      }
      add(kind, value);
    }
  }

  const exactPatterns = [...exact.entries()].sort((a, b) => b[0].length - a[0].length);
  const companyRegex =
    exactInsensitive.size > 0
      ? new RegExp(`(?<!${LETTER_OR_DIGIT})(${[...exactInsensitive.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})(?!${LETTER_OR_DIGIT})`, 'giu')
      : null;
  const nameRegex =
    names.size > 0
      ? new RegExp(`(?<!${LETTER_OR_DIGIT})(${[...names.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})(?!${LETTER_OR_DIGIT})`, 'giu')
      : null;
  const emailPlaceholder = (email: string) => exact.get(email.toLowerCase()) ?? placeholderFor('email', email);

  const maskText = (text: string): string => {
    let out = text;
    for (const [value, placeholder] of exactPatterns) {
      if (value.includes('@')) out = out.replace(new RegExp(escapeRegExp(value), 'gi'), placeholder);
      else if (out.includes(value)) out = out.split(value).join(placeholder);
    }
    // Any other address (an existing contact HubSpot named, a batch-mate left in a message) gets its own placeholder.
    out = out.replace(EMAIL, (email) => (/^person\d+@/.test(email) ? email : emailPlaceholder(email)));
    if (companyRegex) out = out.replace(companyRegex, (value) => exactInsensitive.get(value.toLowerCase()) ?? value);
    if (nameRegex) out = out.replace(nameRegex, (token) => names.get(token.toLowerCase()) ?? token);
    return out;
  };

  /** JSON bodies are masked value by value, so a name like "type" can never rewrite a key. */
  const maskString = (text: string): string => {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(walk(JSON.parse(text)));
      } catch {
        // Clipped or not JSON: mask as text.
      }
    }
    const http = /^(HTTP \d{3} )([{[][\s\S]*)$/.exec(text);
    if (http) return `${http[1]}${maskString(http[2]!)}`;
    return maskText(text);
  };

  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return maskString(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v);
      return out;
    }
    return value;
  };

  return {
    mask: <T>(value: T) => walk(value) as T,
    replaced: () => placeholders.size,
  };
}
