/**
 * Stripe's error object: `{error: {type, code?, message, param?, doc_url?, request_log_url?}}`.
 * stripe-node picks its error class from the status (400/404 → StripeInvalidRequestError, or
 * StripeIdempotencyError for type idempotency_error; 401 authentication; 402 card; 403 permission;
 * 429 rate limit; anything else StripeAPIError), so the status matters as much as the body.
 */
export type StripeErrorType = 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error';

export interface StripeErrorInit {
  status: number;
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  declineCode?: string;
  headers?: Record<string, string>;
  /** Whether Stripe would keep the result for replay under the request's Idempotency-Key. */
  replayable?: boolean;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly declineCode: string | undefined;
  readonly headers: Record<string, string>;
  readonly replayable: boolean;

  constructor(init: StripeErrorInit) {
    super(init.message);
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.declineCode = init.declineCode;
    this.headers = init.headers ?? {};
    this.replayable = init.replayable ?? false;
  }
}

export const docUrl = (code: string): string => `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`;

/** The JSON body Stripe sends for an error. `requestLog` is false for authentication failures (no account to log to). */
export function errorBody(error: StripeApiError, requestId: string, nowMs: number, requestLog = true): { error: Record<string, unknown> } {
  const body: Record<string, unknown> = {};
  if (error.code) body.code = error.code;
  if (error.declineCode) body.decline_code = error.declineCode;
  if (error.code) body.doc_url = docUrl(error.code);
  body.message = error.message;
  if (error.param) body.param = error.param;
  if (requestLog) body.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}?t=${Math.floor(nowMs / 1000)}`;
  body.type = error.type;
  return { error: body };
}

export const invalidRequest = (message: string, options: { param?: string; code?: string; status?: number } = {}): StripeApiError =>
  new StripeApiError({ status: options.status ?? 400, type: 'invalid_request_error', message, ...(options.code ? { code: options.code } : {}), ...(options.param ? { param: options.param } : {}) });

/** "No such customer: 'cus_x'" — 404 for the object in the path, 400 when a parameter names it. */
export function noSuch(objectName: string, id: string, param: string, status: 404 | 400): StripeApiError {
  return new StripeApiError({ status, type: 'invalid_request_error', code: 'resource_missing', message: `No such ${objectName}: '${id}'`, param, replayable: status === 404 });
}

export const unrecognizedUrl = (method: string, path: string): StripeApiError =>
  new StripeApiError({
    status: 404,
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });

export const missingApiKey = (): StripeApiError =>
  new StripeApiError({
    status: 401,
    type: 'invalid_request_error',
    message:
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  });

export const invalidApiKey = (masked: string): StripeApiError =>
  new StripeApiError({ status: 401, type: 'invalid_request_error', code: 'api_key_invalid', message: `Invalid API Key provided: ${masked}` });

/**
 * A restricted key without the permission an endpoint needs. Wording as Stripe sends it (seen in
 * public reports); with several permissions Stripe lists them and says "permissions".
 */
export function missingPermission(maskedKey: string, accountId: string, permissions: readonly string[]): StripeApiError {
  const names = permissions.map((p) => `'${p}'`).join(', ');
  const noun = permissions.length === 1 ? 'permission' : 'permissions';
  return new StripeApiError({
    status: 403,
    type: 'invalid_request_error',
    message: `The provided key '${maskedKey}' does not have the required permissions for this endpoint on account '${accountId}'. Having the ${names} ${noun} would allow this request to continue.`,
  });
}

export const rateLimited = (): StripeApiError =>
  new StripeApiError({
    status: 429,
    type: 'invalid_request_error',
    code: 'rate_limit',
    message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    headers: { 'Stripe-Should-Retry': 'true' },
  });

export const lockTimeout = (): StripeApiError =>
  new StripeApiError({
    status: 429,
    type: 'invalid_request_error',
    code: 'lock_timeout',
    message:
      'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate. See https://stripe.com/docs/rate-limits for more information.',
    headers: { 'Stripe-Should-Retry': 'true' },
  });

export const apiError = (status = 500): StripeApiError =>
  new StripeApiError({
    status,
    type: 'api_error',
    message: "Sorry, something went wrong. We've already been notified of the problem, but if you need any help, you can reach us at https://support.stripe.com/contact.",
    replayable: true,
  });

export const cardDeclined = (): StripeApiError =>
  new StripeApiError({ status: 402, type: 'card_error', code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.', replayable: true });

export const idempotencyMismatch = (key: string): StripeApiError =>
  new StripeApiError({
    status: 400,
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });

export const idempotencyEndpointMismatch = (key: string, first: string, now: string): StripeApiError =>
  new StripeApiError({
    status: 400,
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${first}' vs '${now}'). Try using a key other than '${key}' if you meant to execute a different request.`,
  });
