import { invalidRequest, type StripeApiError } from './stripe-errors.ts';
import type { FormObject, FormValue } from './stripe-form.ts';

/**
 * What an endpoint accepts, checked the way Stripe checks it: an unknown parameter, a missing
 * required one, a non-integer, an out-of-set value or an empty string for something that can't be
 * unset each gets Stripe's 400 naming the parameter (`items[0][price]`). Parameters the sandbox
 * accepts but ignores are declared `ignored()` so real clients aren't refused for sending them.
 */
export type ParamSpec =
  | { kind: 'string'; required?: boolean; nullable?: boolean; oneOf?: readonly string[] }
  | { kind: 'integer'; required?: boolean; nullable?: boolean; min?: number; max?: number; orNow?: boolean }
  | { kind: 'decimal'; required?: boolean; min?: number; max?: number }
  | { kind: 'boolean'; required?: boolean }
  | { kind: 'metadata' }
  | { kind: 'range' }
  | { kind: 'object'; fields: Readonly<Record<string, ParamSpec>>; required?: boolean; nullable?: boolean }
  | { kind: 'array'; of: ParamSpec; required?: boolean; nullable?: boolean; max?: number }
  | { kind: 'ignored' };

type Opts<K extends ParamSpec['kind']> = Omit<Extract<ParamSpec, { kind: K }>, 'kind'>;

export const p = {
  string: (o: Opts<'string'> = {}): ParamSpec => ({ kind: 'string', ...o }),
  integer: (o: Opts<'integer'> = {}): ParamSpec => ({ kind: 'integer', ...o }),
  decimal: (o: Opts<'decimal'> = {}): ParamSpec => ({ kind: 'decimal', ...o }),
  boolean: (o: Opts<'boolean'> = {}): ParamSpec => ({ kind: 'boolean', ...o }),
  metadata: (): ParamSpec => ({ kind: 'metadata' }),
  /** `created=123` or `created[gte]=123` (gt, gte, lt, lte). */
  range: (): ParamSpec => ({ kind: 'range' }),
  object: (fields: Record<string, ParamSpec>, o: Omit<Opts<'object'>, 'fields'> = {}): ParamSpec => ({ kind: 'object', fields, ...o }),
  array: (of: ParamSpec, o: Omit<Opts<'array'>, 'of'> = {}): ParamSpec => ({ kind: 'array', of, ...o }),
  ignored: (): ParamSpec => ({ kind: 'ignored' }),
};

/** Every endpoint takes `expand`; list endpoints also take these. */
export const EXPAND: Record<string, ParamSpec> = { expand: p.array(p.string(), { max: 100 }) };
export const PAGINATION: Record<string, ParamSpec> = {
  ...EXPAND,
  limit: p.integer(),
  starting_after: p.string(),
  ending_before: p.string(),
};

/** `created` and friends after reading: bounds in unix seconds. */
export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** Metadata after reading: a value of null unsets that key; `null` as a whole unsets all keys. */
export type MetadataUpdate = Record<string, string | null> | null;

const pathOf = (parent: string, key: string): string => (parent ? `${parent}[${key}]` : key);

function listOf(values: readonly string[]): string {
  if (values.length <= 2) return values.join(' or ');
  return `${values.slice(0, -1).join(', ')}, or ${values.at(-1)}`;
}

const emptyNotAllowed = (path: string): StripeApiError =>
  invalidRequest(
    `You passed an empty string for '${path}'. We assume empty values are an attempt to unset a parameter; however '${path}' cannot be unset. You should remove '${path}' from your request or supply a non-empty value.`,
    { param: path, code: 'parameter_invalid_empty' },
  );

function readInteger(raw: string, path: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw invalidRequest(`Invalid integer: ${raw}`, { param: path, code: 'parameter_invalid_integer' });
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw invalidRequest(`Invalid integer: ${raw}`, { param: path, code: 'parameter_invalid_integer' });
  return value;
}

function readValue(spec: ParamSpec, value: FormValue, path: string): unknown {
  switch (spec.kind) {
    case 'ignored':
      return value;
    case 'string': {
      if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${path} must be a string.`, { param: path });
      if (value === '') {
        if (spec.nullable) return null;
        throw emptyNotAllowed(path);
      }
      if (spec.oneOf && !spec.oneOf.includes(value)) throw invalidRequest(`Invalid ${path}: must be one of ${listOf(spec.oneOf)}`, { param: path });
      return value;
    }
    case 'integer': {
      if (typeof value !== 'string') throw invalidRequest(`Invalid integer: ${path} must be an integer.`, { param: path, code: 'parameter_invalid_integer' });
      if (value === '') {
        if (spec.nullable) return null;
        throw emptyNotAllowed(path);
      }
      if (spec.orNow && value === 'now') return 'now';
      const n = readInteger(value, path);
      if (spec.min !== undefined && n < spec.min) throw invalidRequest(`This value must be greater than or equal to ${spec.min}.`, { param: path });
      if (spec.max !== undefined && n > spec.max) throw invalidRequest(`This value must be less than or equal to ${spec.max}.`, { param: path });
      return n;
    }
    case 'decimal': {
      if (typeof value !== 'string' || !/^-?(\d+\.?\d*|\.\d+)$/.test(value.trim())) {
        throw invalidRequest(`Invalid decimal: ${typeof value === 'string' ? value : path}`, { param: path, code: 'parameter_invalid_decimal' });
      }
      const n = Number(value);
      if (spec.min !== undefined && n < spec.min) throw invalidRequest(`This value must be greater than or equal to ${spec.min}.`, { param: path });
      if (spec.max !== undefined && n > spec.max) throw invalidRequest(`This value must be less than or equal to ${spec.max}.`, { param: path });
      return value.trim();
    }
    case 'boolean': {
      if (value !== 'true' && value !== 'false') throw invalidRequest(`Invalid boolean: ${typeof value === 'string' ? value : path}`, { param: path });
      return value === 'true';
    }
    case 'metadata': {
      if (value === '') return null;
      if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`Invalid hash: ${path} must be a set of key-value pairs.`, { param: path });
      const out: Record<string, string | null> = {};
      const keys = Object.keys(value);
      if (keys.length > 50) throw invalidRequest('Metadata can have up to 50 keys.', { param: path });
      for (const key of keys) {
        const entry = value[key]!;
        if (typeof entry !== 'string') throw invalidRequest(`Invalid string: ${pathOf(path, key)} must be a string.`, { param: pathOf(path, key) });
        if (key.length > 40) throw invalidRequest(`Metadata keys can be at most 40 characters long (${key}).`, { param: pathOf(path, key) });
        if (entry.length > 500) throw invalidRequest(`Metadata values can be at most 500 characters long (${key}).`, { param: pathOf(path, key) });
        out[key] = entry === '' ? null : entry;
      }
      return out;
    }
    case 'range': {
      if (typeof value === 'string') return { gte: readInteger(value, path), lte: readInteger(value, path) } satisfies RangeFilter;
      if (Array.isArray(value)) throw invalidRequest(`Invalid hash: ${path} must be an integer or a hash of gt, gte, lt and lte.`, { param: path });
      const out: RangeFilter = {};
      for (const [key, bound] of Object.entries(value)) {
        const at = pathOf(path, key);
        if (key !== 'gt' && key !== 'gte' && key !== 'lt' && key !== 'lte') throw invalidRequest(`Received unknown parameter: ${at}`, { param: at, code: 'parameter_unknown' });
        if (typeof bound !== 'string') throw invalidRequest(`Invalid integer: ${at} must be an integer.`, { param: at, code: 'parameter_invalid_integer' });
        out[key] = readInteger(bound, at);
      }
      return out;
    }
    case 'object': {
      if (value === '' && spec.nullable) return null;
      if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`Invalid hash: ${path} must be a hash.`, { param: path });
      return readObject(spec.fields, value, path);
    }
    case 'array': {
      if (value === '' && spec.nullable) return null;
      // A hash with numeric keys is how some clients send arrays; splitKey already made those arrays.
      if (!Array.isArray(value)) throw invalidRequest(`Invalid array: ${path} must be an array.`, { param: path });
      if (spec.max !== undefined && value.length > spec.max) throw invalidRequest(`Invalid array: ${path} can have at most ${spec.max} elements.`, { param: path });
      return value.map((element, index) => readValue(spec.of, element, pathOf(path, String(index))));
    }
  }
}

function readObject(fields: Readonly<Record<string, ParamSpec>>, value: FormObject, parent: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const spec = fields[key];
    const at = pathOf(parent, key);
    if (!spec) throw invalidRequest(`Received unknown parameter: ${at}`, { param: at, code: 'parameter_unknown' });
    out[key] = readValue(spec, value[key]!, at);
  }
  for (const [key, spec] of Object.entries(fields)) {
    if ('required' in spec && spec.required && !(key in value)) {
      throw invalidRequest(`Missing required param: ${pathOf(parent, key)}.`, { param: pathOf(parent, key), code: 'parameter_missing' });
    }
  }
  return out;
}

/** Validates and converts raw bracket parameters against an endpoint's spec. Throws StripeApiError (400). */
export function readParams<T>(fields: Readonly<Record<string, ParamSpec>>, raw: FormObject): T {
  return readObject(fields, raw, '') as T;
}

/** Stripe's `limit`: 1–100, default 10. */
export function readLimit(limit: number | undefined): number {
  if (limit === undefined) return 10;
  if (limit < 1 || limit > 100) throw invalidRequest('Invalid limit: must be between 1 and 100', { param: 'limit' });
  return limit;
}

export function applyMetadata(current: Record<string, string>, update: MetadataUpdate | undefined): Record<string, string> {
  if (update === undefined) return current;
  if (update === null) return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

