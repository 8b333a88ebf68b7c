import { setTimeout as sleepReal } from 'node:timers/promises';
import { AppError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { BudgetLimits } from './tiers.ts';

export type RequestKind = 'standard' | 'search';

export interface BudgetSnapshot {
  /** Calls this app made in the current burst window, and the window's size. */
  burstUsed: number;
  burstMax: number;
  windowMs: number;
  /** Account-wide calls today (from HubSpot's headers when it sends them, else our own count). */
  usedToday: number;
  dailyLimit: number | null;
  /** Share of the daily limit left for the portal's other apps. */
  reservedShare: number;
  /** When the daily count resets (midnight in the portal's time zone). */
  resetsAt: string;
  /** Where `usedToday` comes from. */
  source: 'headers' | 'local';
  /** Requests that waited for a slot, and 429s seen, since this budget was created. */
  waits: number;
  throttled: number;
}

export interface RequestBudgetOptions {
  limits: BudgetLimits;
  clock: Clock;
  /** Share of the daily limit never used, left for the portal's other apps (default 20%). */
  reserveShare?: number;
  /** The portal's IANA time zone: HubSpot's daily limit resets at its midnight. */
  timeZone?: string;
  /** Slots kept free in each window against clock skew and other processes (default 2). */
  safetyMargin?: number;
  /** Waits; tests pass one that moves a manual clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type RequestBudget = ReturnType<typeof createRequestBudget>;

/**
 * One portal's request budget, shared by everything that calls HubSpot for it (push, mirror,
 * connection checks), so 429s stay rare: a rolling burst window under HubSpot's limit, the search
 * endpoints' 5/s, and a daily ceiling that leaves a share for the portal's other apps. It learns
 * from the X-HubSpot-RateLimit-* headers, which also count what other processes spent.
 */
export function createRequestBudget(options: RequestBudgetOptions) {
  const { clock } = options;
  const limits = { ...options.limits };
  let reserveShare = options.reserveShare ?? 0.2;
  const margin = options.safetyMargin ?? 2;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => sleepReal(ms, undefined, { signal }));
  const timeZone = options.timeZone ?? 'UTC';

  // Times inside the rolling window, oldest first: a request counts from when it is sent until a window
  // after its answer came back. HubSpot counts it when it arrives, somewhere between the two, so this
  // never undercounts however much the latency varies (a send-time count can, by rate × jitter).
  const burst: number[] = [];
  const search: number[] = [];
  let blockedUntil = 0;
  let searchBlockedUntil = 0;
  let usedToday = 0;
  let dailyRemainingFromHeaders: number | null = null;
  let source: 'headers' | 'local' = 'local';
  let dayKey = dayOf(clock.now(), timeZone);
  let waits = 0;
  let throttled = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const prune = (times: number[], windowMs: number, now: number) => {
    while (times.length > 0 && times[0]! <= now - windowMs) times.shift();
  };

  const rollDay = (now: number) => {
    const key = dayOf(now, timeZone);
    if (key !== dayKey) {
      dayKey = key;
      usedToday = 0;
      dailyRemainingFromHeaders = null;
    }
  };

  const dailyUsable = (): number | null => {
    if (limits.dailyLimit === null) return null;
    const remaining = dailyRemainingFromHeaders ?? limits.dailyLimit - usedToday;
    return remaining - Math.ceil(limits.dailyLimit * reserveShare);
  };

  /** How long until a slot is free (0: now). */
  const delayFor = (kind: RequestKind, now: number): number => {
    prune(burst, limits.windowMs, now);
    let delay = Math.max(0, blockedUntil - now);
    const burstCap = Math.max(1, limits.maxPerWindow - margin);
    if (burst.length >= burstCap) delay = Math.max(delay, burst[burst.length - burstCap]! + limits.windowMs - now + 1);
    if (kind === 'search') {
      prune(search, 1000, now);
      const searchCap = Math.max(1, limits.searchPerSecond - 1);
      delay = Math.max(delay, searchBlockedUntil - now);
      if (search.length >= searchCap) delay = Math.max(delay, search[search.length - searchCap]! + 1000 - now + 1);
    }
    return delay;
  };

  async function take(kind: RequestKind, signal?: AbortSignal): Promise<() => void> {
    rollDay(clock.now());
    const usable = dailyUsable();
    if (usable !== null && usable <= 0) {
      throw new AppError(
        'rate_limited',
        `Today's HubSpot API budget is down to the ${Math.round(reserveShare * 100)}% kept for the portal's other apps. Syncdesk continues after the daily reset (${resetsAt()}).`,
        { retryable: true, details: { policy: 'DAILY_RESERVE', resetsAt: resetsAt() } },
      );
    }
    let delay = delayFor(kind, clock.now());
    if (delay > 0) waits++;
    while (delay > 0) {
      signal?.throwIfAborted();
      await sleep(delay, signal);
      delay = delayFor(kind, clock.now());
    }
    const now = clock.now();
    burst.push(now);
    if (kind === 'search') search.push(now);
    usedToday++;
    if (dailyRemainingFromHeaders !== null) dailyRemainingFromHeaders--;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      const at = clock.now();
      restamp(burst, now, at);
      if (kind === 'search') restamp(search, now, at);
    };
  }

  /** Moves one entry sent at `sent` to `at` (equal times are interchangeable), keeping the order. */
  const restamp = (times: number[], sent: number, at: number) => {
    const index = times.indexOf(sent);
    if (index >= 0) times.splice(index, 1);
    let insert = times.length;
    while (insert > 0 && times[insert - 1]! > at) insert--;
    times.splice(insert, 0, at);
  };

  const resetsAt = () => nextMidnight(clock.now(), timeZone);

  return {
    /**
     * Waits for a slot (FIFO across callers) and counts the request. Resolves to `settle`, to call when
     * the answer (or the failure) comes back. Throws `rate_limited` when only the reserve is left.
     */
    acquire(kind: RequestKind = 'standard', signal?: AbortSignal): Promise<() => void> {
      const turn = queue.then(() => take(kind, signal));
      // The next caller waits for this one's slot, not for its success.
      queue = turn.catch(() => {});
      return turn;
    },

    /** Learns from a response's rate-limit headers (lower-cased names). */
    observe(headers: Record<string, string | undefined>): void {
      const num = (name: string) => {
        const v = headers[name];
        return v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v);
      };
      const max = num('x-hubspot-ratelimit-max');
      const interval = num('x-hubspot-ratelimit-interval-milliseconds');
      const remaining = num('x-hubspot-ratelimit-remaining');
      const daily = num('x-hubspot-ratelimit-daily');
      const dailyRemaining = num('x-hubspot-ratelimit-daily-remaining');
      if (max !== null && max > 0) limits.maxPerWindow = max;
      if (interval !== null && interval > 0) limits.windowMs = interval;
      // Another process (the CLI beside the desktop app) may be spending the same window.
      if (remaining !== null && remaining <= margin) blockedUntil = Math.max(blockedUntil, clock.now() + Math.ceil(limits.windowMs / 10));
      if (daily !== null) limits.dailyLimit = daily;
      if (dailyRemaining !== null) {
        rollDay(clock.now());
        dailyRemainingFromHeaders = dailyRemaining;
        if (limits.dailyLimit !== null) usedToday = limits.dailyLimit - dailyRemaining;
        source = 'headers';
      }
    },

    /** HubSpot said 429 anyway: stop that kind of request for a while. */
    throttle(policy: string | undefined, retryAfterMs?: number): void {
      throttled++;
      const now = clock.now();
      if (policy === 'DAILY') {
        if (limits.dailyLimit !== null) dailyRemainingFromHeaders = 0;
        return;
      }
      if (policy === 'SEARCH' || policy === 'SECONDLY') {
        searchBlockedUntil = Math.max(searchBlockedUntil, now + (retryAfterMs ?? 1000));
        return;
      }
      blockedUntil = Math.max(blockedUntil, now + (retryAfterMs ?? limits.windowMs));
    },

    snapshot(): BudgetSnapshot {
      const now = clock.now();
      rollDay(now);
      prune(burst, limits.windowMs, now);
      return {
        burstUsed: burst.length,
        burstMax: limits.maxPerWindow,
        windowMs: limits.windowMs,
        usedToday,
        dailyLimit: limits.dailyLimit,
        reservedShare: reserveShare,
        resetsAt: resetsAt(),
        source,
        waits,
        throttled,
      };
    },

    /** The share of the daily limit left to the portal's other apps (0–0.9), from now on. */
    setReserveShare(share: number): void {
      reserveShare = Math.min(0.9, Math.max(0, share));
    },

    /** Allowed request rate (per second) after the safety margin: what "close to the limit" is measured against. */
    allowedPerSecond(): number {
      return (limits.maxPerWindow - margin) / (limits.windowMs / 1000);
    },
  };
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The local date in `timeZone` (formatters are costly to build: one per zone, kept). */
function dayOf(ms: number, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(ms);
}

/** The next midnight in `timeZone`, as an ISO instant. */
function nextMidnight(ms: number, timeZone: string): string {
  const today = dayOf(ms, timeZone);
  // Step forward an hour at a time (DST-safe) until the local date changes, then back to its first minute.
  let probe = ms;
  while (dayOf(probe, timeZone) === today) probe += 3_600_000;
  let low = probe - 3_600_000;
  let high = probe;
  while (high - low > 1000) {
    const mid = Math.floor((low + high) / 2);
    if (dayOf(mid, timeZone) === today) low = mid;
    else high = mid;
  }
  return new Date(Math.ceil(high / 1000) * 1000).toISOString();
}
