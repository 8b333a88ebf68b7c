import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CustomField, LeadProblem, StandardLeadField } from '../contract/leads.ts';
import { STANDARD_FIELD_SPECS } from './lead-fields.ts';

/** A lead's values after trimming: every standard field present, custom values by key. */
export type LeadRecord = Record<StandardLeadField, string> & { custom: Record<string, string> };

export interface ValidationContext {
  fields: readonly CustomField[];
  /** Country for phone numbers written without a country code. */
  defaultCountry: string | null;
}

// Pragmatic, not RFC 5322: what HubSpot and mail servers accept in practice.
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\.]+(\.[^\s@"(),:;<>[\]\\.]+)*\.[a-z\u00a0-\uffff]{2,}$/i;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(xn--[a-z0-9-]{2,59}|[a-z]{2,63})$/i;
const NUMBER = /^[+-]?(\d+|\d{1,3}([,.' ]\d{3})+)([.,]\d+)?$/;

export function validateEmail(value: string): string | null {
  if (!value) return null;
  if (value.length > 254) return null; // reported as too long instead
  if (/^mailto:/i.test(value)) return 'Remove "mailto:" from the email address.';
  if (!value.includes('@')) return 'Not an email address: it has no @.';
  if (/\s/.test(value)) return 'Not a valid email address: it contains spaces.';
  if (!EMAIL.test(value) || value.includes('..')) return 'Not a valid email address: expected name@domain.tld.';
  return null;
}

export function validatePhone(value: string, defaultCountry: string | null): string | null {
  if (!value) return null;
  if (/[a-wyz]/i.test(value.replace(/\b(ext|extension|x)\b\.?/gi, ''))) return 'Not a phone number: it contains letters.';
  const country = defaultCountry && isSupportedCountry(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  const international = /^\s*(\+|00)/.test(value);
  if (!international && !country) {
    return 'Phone number has no country code: write it as +<country code> … or set a default country for phone numbers.';
  }
  const parsed = parsePhoneNumberFromString(value, country);
  if (!parsed || !parsed.isPossible()) return 'Not a phone number that can be dialled: check the number of digits.';
  return null;
}

export function validateWebsite(value: string): string | null {
  if (!value) return null;
  if (/\s/.test(value)) return "Doesn't look like a web address: it contains spaces.";
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(value);
  if (hasScheme && !/^https?:\/\//i.test(value)) return "Doesn't look like a web address: only http:// and https:// addresses are allowed.";
  try {
    const url = new URL(hasScheme ? value : `https://${value}`);
    if (!HOSTNAME.test(url.hostname)) return "Doesn't look like a web address: expected something like example.com.";
  } catch {
    return "Doesn't look like a web address: expected something like example.com.";
  }
  return null;
}

export function isValidNumber(value: string): boolean {
  return NUMBER.test(value.trim());
}

/** Accepts ISO dates and times, YYYY/MM/DD, and day-month-year or month-day-year with / . or - separators. */
export function isValidDate(value: string): boolean {
  const text = value.trim();
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (match) return realDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
  if (match) {
    const a = Number(match[1]);
    const b = Number(match[2]);
    const year = Number(match[3]);
    return realDate(year, b, a) || realDate(year, a, b);
  }
  return false;
}

function realDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1000) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The dropdown option a value stands for (case and surrounding spaces ignored), or null. */
export function matchOption(value: string, options: readonly string[]): string | null {
  const wanted = value.trim().toLocaleLowerCase();
  return options.find((o) => o.toLocaleLowerCase() === wanted) ?? null;
}

const plural = (n: number) => n.toLocaleString('en-US');

/**
 * Flags what is wrong with a lead's values. Never refuses: a lead with problems is saved and
 * the flags are shown, so nothing an operator typed or imported is lost.
 */
export function validateLead(lead: LeadRecord, ctx: ValidationContext): LeadProblem[] {
  const problems: LeadProblem[] = [];
  const add = (field: string, code: LeadProblem['code'], message: string) => problems.push({ field, code, message });

  for (const spec of STANDARD_FIELD_SPECS) {
    const value = lead[spec.key];
    if (value.length > spec.softMaxLength) {
      add(spec.key, 'too_long', `${spec.label} is ${plural(value.length)} characters long; keep it under ${plural(spec.softMaxLength)}.`);
    }
    if (value.includes('\uFFFD')) {
      add(spec.key, 'unreadable_characters', `${spec.label} contains characters that couldn't be read; the file's encoding may be wrong.`);
    }
  }
  const email = validateEmail(lead.email);
  if (email) add('email', 'invalid_email', email);
  const phone = validatePhone(lead.phone, ctx.defaultCountry);
  if (phone) add('phone', 'invalid_phone', phone);
  const website = validateWebsite(lead.website);
  if (website) add('website', 'invalid_website', website);

  for (const field of ctx.fields) {
    const value = lead.custom[field.key] ?? '';
    if (!value) continue;
    if (value.includes('\uFFFD')) {
      add(field.key, 'unreadable_characters', `${field.label} contains characters that couldn't be read; the file's encoding may be wrong.`);
    }
    if (field.type === 'number' && !isValidNumber(value)) add(field.key, 'invalid_number', `${field.label} should be a number.`);
    if (field.type === 'date' && !isValidDate(value)) {
      add(field.key, 'invalid_date', `${field.label} should be a date such as 2026-03-31 or 31.03.2026.`);
    }
    if (field.type === 'dropdown' && !matchOption(value, field.options)) {
      const shown = field.options.slice(0, 8).join(', ') + (field.options.length > 8 ? ', …' : '');
      add(field.key, 'invalid_option', `${field.label} "${value.slice(0, 60)}" isn't one of the options (${shown || 'none yet'}).`);
    }
  }
  return problems;
}
