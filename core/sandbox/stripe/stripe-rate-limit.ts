/**
 * Stripe's test-mode limit: 25 requests per second, counted here per endpoint (method and path
 * template) over a sliding second of the sandbox's simulated clock. Refused requests don't count.
 * `set(null)` switches limiting off (bulk tests); locked objects answer `lock_timeout`.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 25;

export function createRateLimiter(nowMs: () => number, initial: number | null = DEFAULT_REQUESTS_PER_SECOND) {
  let perSecond = initial;
  const windows = new Map<string, number[]>();
  const locked = new Set<string>();
  return {
    /** True if the request may proceed (and counts it). */
    admit(endpoint: string): boolean {
      if (perSecond === null) return true;
      const now = nowMs();
      const recent = (windows.get(endpoint) ?? []).filter((at) => at > now - 1000 && at <= now);
      if (recent.length >= perSecond) {
        windows.set(endpoint, recent);
        return false;
      }
      recent.push(now);
      windows.set(endpoint, recent);
      return true;
    },
    set(limit: number | null): void {
      perSecond = limit;
      windows.clear();
    },
    limit: (): number | null => perSecond,
    /** Requests whose path names one of these object ids get 429 `lock_timeout` until unlocked. */
    lock(ids: readonly string[]): void {
      locked.clear();
      for (const id of ids) locked.add(id);
    },
    isLocked: (path: string): boolean => path.split('/').some((segment) => locked.has(segment)),
    lockedIds: (): string[] => [...locked],
    reset(): void {
      windows.clear();
      locked.clear();
      perSecond = initial;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
