/**
 * SPEC §4's retry schedule for 429s and transient failures (5xx, timeouts, resets): the job is
 * requeued immediately, then after 30 seconds, 2 minutes and 5 minutes. When the fourth retry fails
 * too, the job is `failed` with the error of that last attempt (`rate_limited` or
 * `hubspot_unavailable`). Offline waits and reauthorize pauses are not attempts and don't count.
 * The count is of consecutive failed attempts that completed no step: an attempt that got its
 * contact (or company, or list) step through before failing starts the count again at one.
 *
 * These delays are the product's; tests and benchmarks move time (an injected clock), never them.
 */
export const RETRY_DELAYS_MS: readonly number[] = [0, 30_000, 120_000, 300_000];

/** Transient failures a job may meet before it fails: the first try plus one per delay. */
export const MAX_TRANSIENT_FAILURES = RETRY_DELAYS_MS.length + 1;

export type RetryDecision = { kind: 'retry'; at: number; retryNumber: number } | { kind: 'give_up' };

/**
 * What happens after a job's `failures`-th transient failure (1-based, counted since it was last
 * queued by hand): the time of its next attempt, or give up.
 */
export function afterTransientFailure(failures: number, now: number): RetryDecision {
  const delay = RETRY_DELAYS_MS[failures - 1];
  if (delay === undefined) return { kind: 'give_up' };
  return { kind: 'retry', at: now + delay, retryNumber: failures };
}
