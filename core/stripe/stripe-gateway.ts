import Stripe from 'stripe';
import { AppError } from '../errors.ts';
import { redact } from '../secrets/redact.ts';

export const STRIPE_API_BASE = 'https://api.stripe.com';

export interface StripeGatewayOptions {
  /** https://api.stripe.com, or a sandbox portal's URL. */
  baseUrl: string;
  /** A restricted key (rk_…) or secret key (sk_…). Never logged. */
  key: string;
  timeoutMs?: number;
}

/**
 * A `stripe` client pointed at `baseUrl` (the sandbox uses plain http on loopback), with its own
 * network retries off so Syncdesk's retry policy decides.
 */
export function createStripeClient(options: StripeGatewayOptions): Stripe {
  const url = new URL(options.baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.key, {
    host: url.hostname,
    port: Number(url.port || (protocol === 'http' ? 80 : 443)),
    protocol,
    maxNetworkRetries: 0,
    telemetry: false,
    timeout: options.timeoutMs ?? 30_000,
  });
}

/** The Stripe permission a 403 names ("Having the 'rak_customer_read' permission would allow…"). */
export function missingStripePermission(message: string): string | undefined {
  return /having the '([a-z_]+)' permission/i.exec(message)?.[1];
}

/** Classifies any Stripe failure into Syncdesk's error codes, keeping Stripe's own message. */
export function classifyStripeError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as { type?: string; statusCode?: number; code?: string; message?: string; param?: string; raw?: unknown };
  const message = redact(e.message ?? 'Stripe request failed.');
  const details: Record<string, unknown> = {
    ...(e.statusCode ? { status: e.statusCode } : {}),
    ...(e.code ? { stripeCode: e.code } : {}),
    ...(e.param ? { param: e.param } : {}),
    ...(e.type ? { stripeType: e.type } : {}),
  };
  switch (e.type) {
    case 'StripeAuthenticationError':
      return new AppError('auth_expired', `Stripe refused the key: ${message}`, { retryable: false, details });
    case 'StripePermissionError': {
      const permission = missingStripePermission(message);
      return new AppError('missing_scopes', permission ? `The Stripe key lacks the "${permission}" permission.` : `The Stripe key lacks a permission: ${message}`, {
        retryable: false,
        details: { ...details, ...(permission ? { permission, scopes: [permission] } : {}) },
      });
    }
    case 'StripeRateLimitError':
      return new AppError('rate_limited', `Stripe's rate limit was reached: ${message}`, { retryable: true, details });
    case 'StripeConnectionError':
      return new AppError('stripe_error', `Stripe could not be reached: ${message}`, { retryable: true, details: { ...details, unavailable: true } });
    case 'StripeAPIError':
      return new AppError('stripe_error', `Stripe is unavailable right now: ${message}`, { retryable: true, details: { ...details, unavailable: true } });
    case 'StripeInvalidRequestError':
      if (e.statusCode === 404) return new AppError('not_found', `Stripe could not find it: ${message}`, { retryable: false, details });
      return new AppError('stripe_error', `Stripe refused the request: ${message}`, { retryable: false, details });
    default:
      return new AppError('stripe_error', `A Stripe call failed: ${message}`, { retryable: true, details });
  }
}
