import type { SandboxRequest, SandboxResponse } from '../sandbox-http.ts';
import type { AuthContext } from './hubspot-auth.ts';
import { fail, validationError } from './hubspot-errors.ts';
import { type ObjectType, resolveObjectType } from './hubspot-object-types.ts';
import type { Portal } from './hubspot-portals.ts';

/** One authenticated API call, as route handlers see it. */
export interface ApiCall {
  req: SandboxRequest;
  params: Record<string, string>;
  auth: AuthContext;
  portal: Portal;
  now: number;
}

export type ApiHandler = (call: ApiCall) => SandboxResponse;

export interface ApiRoute {
  method: string;
  /** e.g. `/crm/v3/objects/:objectType/:objectId`. */
  path: string;
  /** Any one of these scopes is enough; computed from the params (e.g. the object type). */
  scopes: (params: Record<string, string>) => string[];
  /** Search routes have their own rate limit and no rate-limit headers. */
  search?: boolean;
  handler: ApiHandler;
}

export const ok = (body: unknown, status = 200): SandboxResponse => ({ status, body });
export const noContent = (): SandboxResponse => ({ status: 204 });

/**
 * The JSON body, or HubSpot's 400 for malformed JSON. HubSpot's message comes from its JSON parser
 * ("Invalid input JSON on line 1, column 15: …"); the position here is Node's.
 */
export function readJson<T = unknown>(req: SandboxRequest): T | undefined {
  if (req.body.length === 0) return undefined;
  const text = req.body.toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    let line = 1;
    let column = 1;
    if (position) {
      const before = text.slice(0, Number(position[1]));
      line = before.split('\n').length;
      column = before.length - before.lastIndexOf('\n');
    }
    return validationError(`Invalid input JSON on line ${line}, column ${column}: ${message.replace(/ in JSON at position.*$/, '')}`);
  }
}

/** A JSON object body (batch inputs, search requests…); anything else is a 400. */
export function readObject(req: SandboxRequest): Record<string, unknown> {
  const body = readJson(req);
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    validationError('Invalid input JSON: the request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** Batch `inputs`, with HubSpot's per-endpoint maximum. Pass `body` when the handler already read it. */
export function readInputs<T>(req: SandboxRequest, max: number, body: Record<string, unknown> = readObject(req)): T[] {
  if (!Array.isArray(body.inputs)) validationError('Invalid input JSON: "inputs" must be an array.');
  const inputs = body.inputs as T[];
  if (inputs.length > max) {
    // Modelled on the captured property-history limit message (hubspot-api-facts §2.1); the exact text for 100 is UNCONFIRMED.
    validationError(`The maximum number of inputs supported in a batch request is ${max}. Please reduce the number of items and try again`, {
      context: { maxInputs: [String(max)], inputs: [String(inputs.length)] },
    });
  }
  return inputs;
}

/** Query arrays come as repeated keys (the SDK) or comma lists (the docs); both are accepted. */
export function queryList(query: URLSearchParams, name: string): string[] | undefined {
  const raw = query.getAll(name);
  if (raw.length === 0) return undefined;
  return raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function queryBool(query: URLSearchParams, name: string): boolean {
  return query.get(name)?.toLowerCase() === 'true';
}

/** `limit` with a default and a maximum; out-of-range values are refused (UNCONFIRMED: HubSpot may clamp some). */
export function queryLimit(query: URLSearchParams, fallback: number, max: number): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    validationError(`limit must be an integer from 1 to ${max}; got "${raw}".`, { errors: [{ message: `limit: must be between 1 and ${max}`, code: 'INVALID_LIMIT', context: { limit: [raw] } }] });
  }
  return n;
}

/** The object type of a path, or HubSpot's 400 (`Unable to infer object type from: foo`). */
export function objectTypeParam(raw: string | undefined): ObjectType {
  const type = raw === undefined ? undefined : resolveObjectType(raw);
  if (!type) fail(400, `Unable to infer object type from: ${raw ?? ''}`, 'VALIDATION_ERROR');
  return type;
}

export const batchEnvelope = (startedAt: number, results: unknown[], errors: unknown[] = []): Record<string, unknown> => {
  const body: Record<string, unknown> = { status: 'COMPLETE', results };
  if (errors.length > 0) {
    body.numErrors = errors.length;
    body.errors = errors;
  }
  body.startedAt = new Date(startedAt).toISOString();
  // Times are on the sandbox clock; a batch completes within the same simulated instant.
  body.completedAt = new Date(startedAt).toISOString();
  return body;
};

/** Scopes of a CRM object route: `crm.objects.contacts.read` etc. */
export function objectScopes(rawType: string | undefined, access: 'read' | 'write'): string[] {
  const type = rawType === undefined ? undefined : resolveObjectType(rawType);
  return type ? [`crm.objects.${type.name}.${access}`] : [];
}
