import { AppError, isAppError } from '../errors.ts';
import { redact } from '../secrets/redact.ts';

/** The shape of `ApiException` from @hubspot/api-client (and of our own apiRequest failures). */
interface HttpFailure {
  code: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ValueProblem {
  property: string;
  /** HubSpot's code: INVALID_OPTION, INVALID_INTEGER, INVALID_DATE, INVALID_EMAIL, READ_ONLY_VALUE… */
  code: string;
  message: string;
  value?: string;
}

const MAX_RAW = 8000;

function isHttpFailure(error: unknown): error is HttpFailure {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' && 'body' in error;
}

/** The raw response, redacted and bounded, for "show the raw HubSpot response". */
export function rawResponse(status: number, body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  const clipped = text.length > MAX_RAW ? `${text.slice(0, MAX_RAW)}…` : text;
  return redact(`HTTP ${status} ${clipped}`);
}

interface ErrorBody {
  status?: string;
  message?: string;
  category?: string;
  subCategory?: string;
  policyName?: string;
  errorType?: string;
  correlationId?: string;
  context?: Record<string, unknown>;
  errors?: Array<{ message?: string; code?: string; context?: Record<string, unknown> }>;
}

const VALUE_CODES = new Set([
  'INVALID_OPTION',
  'INVALID_INTEGER',
  'INVALID_LONG',
  'INVALID_NUMBER',
  'INVALID_DATE',
  'INVALID_DATETIME',
  'INVALID_EMAIL',
  'INVALID_BOOLEAN',
  'READ_ONLY_VALUE',
  'VALUE_TOO_LONG',
  'INVALID_PROPERTY_VALUE',
]);

/** Every property problem in a VALIDATION_ERROR, from `errors[]` and from the JSON array inside `message`. */
export function propertyProblems(body: ErrorBody): ValueProblem[] {
  const problems = new Map<string, ValueProblem>();
  const embedded = /Property values were not valid: (\[.*\])\s*$/s.exec(body.message ?? '');
  if (embedded) {
    try {
      for (const item of JSON.parse(embedded[1]!) as Array<{ message?: string; error?: string; name?: string }>) {
        if (!item.name || !item.error) continue;
        problems.set(`${item.name}:${item.error}`, withValue({ property: item.name, code: item.error, message: item.message ?? item.error }));
      }
    } catch {
      // A message that looks like the array but isn't JSON: fall back to errors[].
    }
  }
  for (const e of body.errors ?? []) {
    const names = e.context?.propertyName;
    const property = Array.isArray(names) ? String(names[0]) : undefined;
    if (!property || !e.code) continue;
    const key = `${property}:${e.code}`;
    if (!problems.has(key)) problems.set(key, withValue({ property, code: e.code, message: e.message ?? e.code }));
  }
  return [...problems.values()];
}

/** The rejected value, where HubSpot's message names it. */
function withValue(problem: ValueProblem): ValueProblem {
  const m = problem.message;
  const patterns: Array<RegExp> = [
    /^(.*) was not one of the allowed options/s,
    /^Email address (.*) is invalid/s,
    /^(.*) is at .* not midnight!/s,
    /^(.*) was not a valid (?:number|long|integer|boolean)/s,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(m);
    if (match) return { ...problem, value: match[1] };
  }
  return problem;
}

function requiredScopes(body: ErrorBody): string[] {
  const scopes = new Set<string>();
  const collect = (context: Record<string, unknown> | undefined) => {
    for (const key of ['requiredGranularScopes', 'requiredScopes']) {
      const list = context?.[key];
      if (Array.isArray(list)) for (const s of list) scopes.add(String(s));
    }
  };
  collect(body.context);
  for (const e of body.errors ?? []) collect(e.context);
  return [...scopes];
}

const NETWORK_DOWN = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH']);
const NETWORK_FLAKY = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED']);

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : '';
  if (/socket hang up/i.test(message)) return 'ECONNRESET';
  if (/fetch failed/i.test(message)) return 'ECONNREFUSED';
  return undefined;
}

/**
 * Classifies any failure of a HubSpot call into the closed set of SPEC §4 codes, once, naming the
 * property, value, scopes or existing record where HubSpot names them, and keeping the raw response.
 */
export function classifyHubSpotError(error: unknown): AppError {
  if (isAppError(error)) return error;

  if (isHttpFailure(error)) {
    const status = error.code;
    const body: ErrorBody = typeof error.body === 'object' && error.body !== null ? (error.body as ErrorBody) : { message: typeof error.body === 'string' ? error.body : undefined };
    const base = {
      status,
      category: body.category,
      correlationId: body.correlationId ?? error.headers?.['x-hubspot-correlation-id'],
      response: rawResponse(status, error.body),
    };
    const message = redact(body.message ?? `HubSpot answered HTTP ${status}.`);

    if (status === 401) {
      return new AppError('auth_expired', `HubSpot refused the stored credentials: ${message}`, { retryable: false, details: base });
    }
    if (status === 403 && (body.category === 'MISSING_SCOPES' || requiredScopes(body).length > 0)) {
      const scopes = requiredScopes(body);
      return new AppError('missing_scopes', `The connection lacks a permission this call needs${scopes.length ? `: one of ${scopes.join(', ')}` : ''}.`, {
        retryable: false,
        details: { ...base, scopes },
      });
    }
    if (status === 403) {
      return new AppError('auth_expired', `HubSpot refused access: ${message}`, { retryable: false, details: base });
    }
    if (status === 409 || /Contact already exists/i.test(message)) {
      const existing = /Existing ID:\s*(\d+)/.exec(message)?.[1];
      return new AppError('duplicate_contact', existing ? `A contact with this email already exists in HubSpot (id ${existing}).` : `HubSpot reports a conflict: ${message}`, {
        retryable: false,
        details: { ...base, ...(existing ? { existingId: existing } : {}) },
      });
    }
    if (status === 429) {
      const policy = body.policyName ?? (/secondly/i.test(message) ? 'SEARCH' : undefined);
      return new AppError('rate_limited', `HubSpot's rate limit was reached${policy ? ` (${policy})` : ''}.`, { retryable: true, details: { ...base, ...(policy ? { policy } : {}) } });
    }
    if (status >= 500 || status === 423 || status === 477 || status === 408) {
      return new AppError('hubspot_unavailable', `HubSpot is unavailable right now (HTTP ${status}).`, { retryable: true, details: base });
    }
    if (status === 400 && /Cannot set PropertyValueCoordinates.*already has that value/s.test(message)) {
      const ids = [...message.matchAll(/(\d+) already has that value/g)].map((m) => m[1]);
      return new AppError('duplicate_contact', 'Another HubSpot contact already uses this email.', {
        retryable: false,
        details: { ...base, ...(ids[0] ? { existingId: ids[0] } : {}) },
      });
    }
    if (status === 400) {
      const problems = propertyProblems(body);
      const missing = problems.filter((p) => p.code === 'PROPERTY_DOESNT_EXIST');
      if (missing.length > 0) {
        const names = missing.map((p) => p.property);
        return new AppError('property_missing', `${names.length === 1 ? 'Property' : 'Properties'} ${names.map((n) => `"${n}"`).join(', ')} ${names.length === 1 ? "doesn't" : "don't"} exist in this HubSpot portal.`, {
          retryable: false,
          details: { ...base, properties: names, problems },
        });
      }
      const invalid = problems.filter((p) => VALUE_CODES.has(p.code) || p.code.startsWith('INVALID'));
      if (invalid.length > 0) {
        const first = invalid[0]!;
        return new AppError(
          'invalid_value',
          `HubSpot rejected ${first.value !== undefined ? `"${first.value}"` : 'the value'} for "${first.property}": ${first.message}${invalid.length > 1 ? ` (and ${invalid.length - 1} more)` : ''}`,
          { retryable: false, details: { ...base, problems: invalid } },
        );
      }
    }
    if (status === 404) return new AppError('not_found', `HubSpot could not find it: ${message}`, { retryable: false, details: base });
    return new AppError('internal', `HubSpot refused the request (HTTP ${status}): ${message}`, { retryable: false, details: base });
  }

  const code = networkCode(error);
  if (code && NETWORK_DOWN.has(code)) {
    return new AppError('offline', 'HubSpot cannot be reached: this computer seems to be offline.', { retryable: true, details: { network: code } });
  }
  if ((code && NETWORK_FLAKY.has(code)) || (error instanceof Error && error.name === 'AbortError')) {
    const timedOut = !code || /TIMEDOUT|TIMEOUT/.test(code);
    return new AppError('hubspot_unavailable', timedOut ? `HubSpot did not answer in time (${code ?? 'timeout'}).` : `The connection to HubSpot failed (${code}).`, {
      retryable: true,
      details: { network: code ?? 'timeout' },
    });
  }
  return new AppError('internal', 'A HubSpot call failed unexpectedly.', { retryable: true, cause: error });
}
