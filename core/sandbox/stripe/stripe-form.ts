/**
 * Stripe's bracket syntax for form bodies and query strings: `items[0][price]=…`,
 * `metadata[plan]=pro`, `expand[]=customer`, `created[gte]=…`. Indexed and `[]` arrays both work
 * (stripe-node sends `expand[0]=…`; curl users write `expand[]=…`); indexes may be sparse and are
 * kept in index order.
 */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** A body or query that can't be read as nested parameters; the message names the parameter. */
export class FormShapeError extends Error {
  readonly param: string;
  constructor(message: string, param: string) {
    super(message);
    this.param = param;
  }
}

interface Node {
  array: boolean;
  entries: Map<string, Node | string>;
}

export function parseStripeForm(pairs: Iterable<[string, string]>): FormObject {
  const root: Node = { array: false, entries: new Map() };
  for (const [rawKey, value] of pairs) {
    const segments = splitKey(rawKey);
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      let segment = segments[i]!;
      const last = i === segments.length - 1;
      if (segment === '') segment = String(node.entries.size); // `[]` appends
      if (last) {
        const existing = node.entries.get(segment);
        if (existing !== undefined && typeof existing !== 'string') throw new FormShapeError(`Invalid value for ${rawKey}: it is also used as a nested parameter.`, rawKey);
        node.entries.set(segment, value);
        break;
      }
      const next = segments[i + 1]!;
      const wantsArray = next === '' || /^\d+$/.test(next);
      let child = node.entries.get(segment);
      if (child === undefined) {
        child = { array: wantsArray, entries: new Map() };
        node.entries.set(segment, child);
      } else if (typeof child === 'string') {
        // `metadata=` (unset everything) followed by `metadata[k]=v` keeps the nested value.
        if (child !== '') throw new FormShapeError(`Invalid hash for ${segments.slice(0, i + 1).join('.')}.`, rawKey);
        child = { array: wantsArray, entries: new Map() };
        node.entries.set(segment, child);
      }
      node = child;
    }
  }
  return toValue(root) as FormObject;
}

function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  const pattern = /\[([^\]]*)\]/g;
  pattern.lastIndex = open;
  let match: RegExpExecArray | null;
  let end = open;
  while ((match = pattern.exec(key)) !== null && match.index === end) {
    segments.push(match[1]!);
    end = pattern.lastIndex;
  }
  // Anything after the last well-formed bracket (e.g. `a[b]c`) is kept as part of a literal name.
  if (end !== key.length) return [key];
  return segments;
}

function toValue(node: Node | string): FormValue {
  if (typeof node === 'string') return node;
  if (node.array && [...node.entries.keys()].every((k) => /^\d+$/.test(k))) {
    return [...node.entries.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => toValue(v));
  }
  const object: FormObject = {};
  for (const [key, value] of node.entries) object[key] = toValue(value);
  return object;
}
