import type { AppErrorData, ErrorCode } from './contract/errors.ts';

const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set([
  'store_locked',
  'offline',
  'rate_limited',
  'hubspot_unavailable',
  'internal',
]);

/**
 * The one error type core throws on purpose. Anything else that escapes a handler is a bug
 * and reaches clients as `internal`. Converted to `AppErrorData` in exactly one place (`toErrorData`).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.details = options.details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export function toErrorData(error: unknown): AppErrorData {
  if (isAppError(error)) {
    return {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      ...(error.details ? { details: error.details } : {}),
    };
  }
  return {
    code: 'internal',
    message: 'Something went wrong on our side. Retry once, then report an issue.',
    retryable: true,
  };
}
