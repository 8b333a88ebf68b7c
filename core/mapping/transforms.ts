import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DateOrder, Transform } from '../contract/mapping.ts';

export interface TransformContext {
  /** ISO country for phone numbers written without a country code (the leads' setting). */
  defaultCountry: string | null;
  /** The target property's HubSpot type (`date`, `datetime`…), when known: the date transform writes its format. */
  propertyType: string | null;
}

export interface TransformResult {
  value: string;
  /** Steps that could not apply; the value went on unchanged through them. */
  warnings: string[];
}

/** Applies a row's transforms in order. Pure: the same value, transforms and context give the same result. */
export function applyTransforms(value: string, transforms: readonly Transform[], ctx: TransformContext): TransformResult {
  const warnings: string[] = [];
  let current = value;
  for (const transform of transforms) {
    const step = applyTransform(current, transform, ctx);
    if (typeof step === 'string') current = step;
    else warnings.push(step.warning);
  }
  return { value: current, warnings };
}

type Step = string | { warning: string };

export function applyTransform(value: string, transform: Transform, ctx: TransformContext): Step {
  switch (transform.kind) {
    case 'trim':
      return value.trim();
    case 'lowercase':
      return value.toLowerCase();
    case 'splitName':
      return splitName(value)[transform.part];
    case 'phoneE164':
      return toE164(value, ctx.defaultCountry);
    case 'date':
      return formatDate(value, transform.order, ctx.propertyType);
    case 'domain':
      return toDomain(value);
    case 'valueMap': {
      if (value.trim() === '' && !transform.entries.some((e) => e.from.trim() === '')) return value;
      const wanted = normalizeKey(value);
      const entry = transform.entries.find((e) => normalizeKey(e.from) === wanted);
      if (entry) return entry.to;
      switch (transform.fallback.mode) {
        case 'keep':
          return value;
        case 'empty':
          return '';
        case 'value':
          return transform.fallback.value;
      }
    }
  }
}

/** How value maps and filters compare: surrounding spaces, case and Unicode composition ignored. */
export function normalizeKey(value: string): string {
  return value.normalize('NFC').trim().toLowerCase();
}

// ---------- names ----------

/** Lower-case words that belong to the last name ("Ludwig van Beethoven", "Maria de la Cruz"). */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'das', 'dos', 'du', 'la', 'le', 'ter', 'ten', 'bin', 'ibn', 'al', 'el', 'st.', 'st']);
const SUFFIXES = new Set(['jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv', 'phd', 'ph.d.', 'md', 'm.d.']);

/**
 * "Ada Lovelace" → Ada / Lovelace; "Lovelace, Ada" → Ada / Lovelace; "Mary Ann Smith" → Mary Ann / Smith;
 * "Ludwig van Beethoven" → Ludwig / van Beethoven; "Martin Luther King Jr." → Martin Luther / King Jr.;
 * one word → first name only.
 */
export function splitName(value: string): { first: string; last: string } {
  const text = value.replace(/\s+/g, ' ').trim();
  if (!text) return { first: '', last: '' };
  const comma = text.indexOf(',');
  if (comma > 0) {
    const last = text.slice(0, comma).trim();
    const rest = text.slice(comma + 1).trim();
    // "King, Martin Luther" is last-first; "Smith, Jr." is not.
    if (rest && !SUFFIXES.has(rest.toLowerCase())) return { first: rest, last };
  }
  const words = text.replace(/,/g, '').split(' ').filter(Boolean);
  if (words.length === 1) return { first: words[0]!, last: '' };
  let start = words.length - 1;
  if (SUFFIXES.has(words[start]!.toLowerCase()) && start >= 2) start--;
  while (start > 1 && PARTICLES.has(words[start - 1]!)) start--;
  return { first: words.slice(0, start).join(' '), last: words.slice(start).join(' ') };
}

// ---------- phone numbers ----------

function toE164(value: string, defaultCountry: string | null): Step {
  const text = value.trim();
  if (!text) return '';
  const country = defaultCountry && isSupportedCountry(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  // "00 49 …" is how much of the world writes the international prefix.
  const parsed = parsePhoneNumberFromString(text.replace(/^00(?=\s*[1-9])/, '+'), country);
  if (!parsed || !parsed.isPossible()) {
    const why = !/^\s*(\+|00)/.test(text) && !country ? 'it has no country code and no default country is set' : 'it has too few or too many digits';
    return { warning: `"${text}" couldn't be written as +<country code><number>: ${why}.` };
  }
  return parsed.ext ? `${parsed.number} ext. ${parsed.ext}` : parsed.number;
}

// ---------- dates ----------

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MS = 86_400_000;

interface ParsedDate {
  year: number;
  month: number;
  day: number;
  /** The exact instant, when the value carried a time. */
  instant?: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isRealDate = (y: number, m: number, d: number) => {
  if (m < 1 || m > 12 || d < 1 || y < 1000 || y > 9999) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};
const monthOf = (word: string) => {
  const index = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
  return index >= 0 ? index + 1 : null;
};

/** Reads a date written in the ways leads' spreadsheets write them; `order` settles 03/04/2026. */
export function parseDate(value: string, order: DateOrder): ParsedDate | { error: string } {
  const text = value.trim();
  const bad = { error: `"${text}" isn't a date this transform can read (e.g. 2026-03-31, 31.03.2026, 03/31/2026, 31 March 2026).` };
  // Epoch milliseconds (what HubSpot itself returns for dates).
  if (/^-?\d{11,14}$/.test(text)) {
    const ms = Number(text);
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), instant: ms };
  }
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:([T ])(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!isRealDate(year, month, day)) return bad;
    if (m[4] === undefined) return { year, month, day };
    const [h, min, s, ms] = [Number(m[5]), Number(m[6]), Number(m[7] ?? 0), Number((m[8] ?? '0').padEnd(3, '0'))];
    if (h > 23 || min > 59 || s > 59) return bad;
    const zone = m[9];
    let instant = Date.UTC(year, month - 1, day, h, min, s, ms);
    if (zone && zone.toUpperCase() !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      instant -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    // Without a zone the time is taken as UTC: a lead file carries no time zone to go by.
    return { year, month, day, instant };
  }
  m = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/.exec(text);
  if (m) {
    const [a, separator, b, year] = [Number(m[1]), m[2]!, Number(m[3]), Number(m[4])];
    let dayFirst: boolean;
    if (order === 'dmy') dayFirst = true;
    else if (order === 'mdy') dayFirst = false;
    else if (order === 'ymd') return { error: `"${text}" doesn't start with the year, as the date order says.` };
    else if (a > 12) dayFirst = true;
    else if (b > 12) dayFirst = false;
    else if (separator === '.') dayFirst = true; // 03.04.2026 is European everywhere
    else if (a === b) dayFirst = true;
    else return { error: `"${text}" could be ${pad(a)} ${MONTHS[b - 1]} or ${MONTHS[a - 1]} ${pad(b)}: set the date order (day first or month first).` };
    const [day, month] = dayFirst ? [a, b] : [b, a];
    return isRealDate(year, month, day) ? { year, month, day } : bad;
  }
  m = /^(\d{1,2})\.?\s+([a-z]{3,9})\.?,?\s+(\d{4})$/i.exec(text);
  if (m) {
    const month = monthOf(m[2]!);
    const [day, year] = [Number(m[1]), Number(m[3])];
    return month && isRealDate(year, month, day) ? { year, month, day } : bad;
  }
  m = /^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/i.exec(text);
  if (m) {
    const month = monthOf(m[1]!);
    const [day, year] = [Number(m[2]), Number(m[3])];
    return month && isRealDate(year, month, day) ? { year, month, day } : bad;
  }
  return bad;
}

/** date properties: YYYY-MM-DD (HubSpot stores midnight UTC); datetime: ISO 8601 in UTC. */
function formatDate(value: string, order: DateOrder, propertyType: string | null): Step {
  if (!value.trim()) return '';
  const parsed = parseDate(value, order);
  if ('error' in parsed) return { warning: parsed.error };
  if (propertyType === 'datetime') {
    const instant = parsed.instant ?? Date.UTC(parsed.year, parsed.month - 1, parsed.day);
    return new Date(instant).toISOString();
  }
  return `${pad(parsed.year, 4)}-${pad(parsed.month)}-${pad(parsed.day)}`;
}

/** Epoch milliseconds of a YYYY-MM-DD date at midnight UTC. */
export function midnightUtc(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!);
}
export { DAY_MS };

// ---------- domains ----------

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(xn--[a-z0-9-]{2,59}|[a-z]{2,63})$/;

/** "https://www.Acme.com/about" → "acme.com"; "ada@acme.com" → "acme.com"; null when it names no host. */
export function domainOf(value: string): string | null {
  let text = value.trim().toLowerCase();
  if (!text) return null;
  if (text.includes('@') && !/^[a-z][a-z0-9+.-]*:\/\//.test(text)) text = text.slice(text.lastIndexOf('@') + 1);
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `https://${text}`).hostname;
  } catch {
    return null;
  }
  host = host.replace(/\.$/, '').replace(/^www\d?\./, '');
  return HOSTNAME.test(host) ? host : null;
}

function toDomain(value: string): Step {
  if (!value.trim()) return '';
  return domainOf(value) ?? { warning: `"${value.trim()}" doesn't name a web domain (expected something like acme.com).` };
}
