import { z } from 'zod';

/**
 * The closed set of error codes that may cross a process boundary.
 * The first group belongs to the app itself; the second is SPEC §4's error reference
 * (every provider failure is classified into one of these, once, in the gateway).
 */
export const ERROR_CODES = [
  // app
  'validation',
  'not_found',
  'conflict',
  'unsupported',
  'unauthorized',
  'store_corrupt',
  'store_locked',
  'store_migration',
  'secrets_unavailable',
  'offline',
  'cancelled',
  // SPEC §4 error reference
  'not_connected',
  'auth_expired',
  'missing_scopes',
  'duplicate_contact',
  'rate_limited',
  'property_missing',
  'invalid_value',
  'no_email',
  'nothing_to_sync',
  'hubspot_unavailable',
  'stripe_error',
  'internal',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  retryable: z.boolean(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AppErrorData = z.infer<typeof AppErrorData>;

/** Calls never throw across a boundary: they resolve to a Result. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: AppErrorData): Result<never> => ({ ok: false, error });

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppErrorData }),
  ]);
}
