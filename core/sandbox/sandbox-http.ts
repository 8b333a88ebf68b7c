import type { IncomingHttpHeaders } from 'node:http';

/** A request as the sandbox's providers see it: already read, not yet interpreted. */
export interface SandboxRequest {
  method: string;
  /** Path without the query string, e.g. `/crm/v3/objects/contacts/batch/upsert`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds on the sandbox's simulated clock when the request arrived. */
  receivedAt: number;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects and arrays are sent as JSON; strings and Buffers as they are. Absent: no body. */
  body?: unknown;
}

/** Reads the body as JSON, or returns undefined when it is empty. Throws SyntaxError on malformed JSON. */
export function jsonBody<T = unknown>(req: SandboxRequest): T | undefined {
  if (req.body.length === 0) return undefined;
  return JSON.parse(req.body.toString('utf8')) as T;
}

/** Reads an application/x-www-form-urlencoded body (OAuth token calls, every Stripe write). */
export function formBody(req: SandboxRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

/** The bearer token of the request, if any. */
export function bearerToken(req: SandboxRequest): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1];
}
