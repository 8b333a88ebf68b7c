import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, isAppError } from '../errors.ts';

/** Waits between attempts of one provider call inside a run (HubSpot's 429s last seconds, 5xx bursts less). */
export const RETRY_DELAYS_MS = [1_000, 4_000, 15_000, 30_000];

const TRANSIENT = new Set(['rate_limited', 'hubspot_unavailable', 'offline', 'stripe_error']);

/** Is it worth trying the same call again in a moment? */
export function isTransient(error: unknown): boolean {
  if (!isAppError(error) || !error.retryable || !TRANSIENT.has(error.code)) return false;
  // The daily reserve only frees up at midnight: waiting inside the run would stall it for hours.
  return error.details?.policy !== 'DAILY_RESERVE' && error.details?.policy !== 'DAILY';
}

/**
 * Calls `fn` until it succeeds, a non-transient error comes, or the delays run out; the last
 * error is thrown. An abort stops the wait at once with `cancelled`.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  options: { signal: AbortSignal; delaysMs?: readonly number[]; wait?: (ms: number, signal: AbortSignal) => Promise<void> },
): Promise<T> {
  const delays = options.delaysMs ?? RETRY_DELAYS_MS;
  const wait = options.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }));
  for (let attempt = 0; ; attempt++) {
    throwIfCancelled(options.signal);
    try {
      return await fn();
    } catch (error) {
      if (options.signal.aborted) throw cancelledError();
      if (attempt >= delays.length || !isTransient(error)) throw error;
      try {
        await wait(delays[attempt]!, options.signal);
      } catch {
        throw cancelledError();
      }
    }
  }
}

export const cancelledError = () => new AppError('cancelled', 'The sync was stopped. The next run continues from the last stored page.', { retryable: true });

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancelledError();
}
