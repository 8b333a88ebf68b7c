import crypto from 'node:crypto';
import type { SandboxClock } from '../sandbox-clock.ts';
import type { SandboxResponse } from '../sandbox-http.ts';
import type { AuthContext } from './hubspot-auth.ts';
import { errorBody } from './hubspot-errors.ts';
import { nextMidnight, type Portal, type Tier } from './hubspot-portals.ts';

const TEN_SECONDS = 10_000;

/** Published limits (hubspot-api-facts §2.1). `addon` is Enterprise plus one API limit increase pack (daily 1M + 1M; a choice). */
export const TIER_LIMITS: Record<Tier, { tenSecondly: number; daily: number }> = {
  free: { tenSecondly: 100, daily: 250_000 },
  starter: { tenSecondly: 100, daily: 250_000 },
  pro: { tenSecondly: 190, daily: 650_000 },
  enterprise: { tenSecondly: 190, daily: 1_000_000 },
  addon: { tenSecondly: 250, daily: 2_000_000 },
};
export const OAUTH_TEN_SECONDLY = 110;
export const SEARCH_PER_SECOND = 5;

/** Timestamps of recent requests in one window (ascending); old ones drop off the front. */
class Window {
  private times: number[] = [];
  private head = 0;
  /** Requests within `span` ms before `now`; forgets those older than `span`. */
  count(now: number, span: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - span) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
  /** Requests after `since`, without forgetting anything (binary search). */
  countSince(since: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= since) lo = mid + 1;
      else hi = mid;
    }
    return this.times.length - lo;
  }
  add(now: number): void {
    this.times.push(now);
  }
}

export interface RateDecision {
  headers: Record<string, string>;
  /** Set when the request is refused. */
  refusal?: SandboxResponse;
}

/**
 * Per-tier rate limits: a rolling ten-second window per private app (per portal + app for OAuth),
 * a daily count per portal that resets at midnight in the portal's time zone, and search's own
 * 5 requests per second per portal. State is in memory: a restarted sandbox starts a fresh day.
 *
 * Search requests count toward the daily total but not the ten-second window (the docs exclude the
 * search API from the OAuth burst limit; assumed the same for private apps, UNCONFIRMED), and their
 * responses carry no rate-limit headers (hubspot-api-facts §2.2).
 */
export function createRateLimiter(clock: SandboxClock, settings: { limits: boolean }) {
  const windows = new Map<string, Window>();
  const searchWindows = new Map<number, Window>();
  const daily = new Map<number, { resetsAt: number; count: number }>();
  const windowFor = <K>(map: Map<K, Window>, key: K) => {
    let w = map.get(key);
    if (!w) map.set(key, (w = new Window()));
    return w;
  };
  const dayFor = (portal: Portal, now: number) => {
    let day = daily.get(portal.portalId);
    if (!day || now >= day.resetsAt) daily.set(portal.portalId, (day = { resetsAt: nextMidnight(portal.timeZone, now), count: 0 }));
    return day;
  };

  return {
    check(auth: AuthContext, portal: Portal, isSearch: boolean): RateDecision {
      const now = clock.now();
      const limits = TIER_LIMITS[portal.tier];
      const day = dayFor(portal, now);
      const enforce = settings.limits;

      if (enforce && day.count >= limits.daily) {
        const body = {
          status: 'error',
          message: 'You have reached your daily limit.',
          errorType: 'RATE_LIMIT',
          correlationId: crypto.randomUUID(),
          policyName: 'DAILY',
          requestId: crypto.randomUUID(),
          // Not in the captured body; added so it matches the spec's Error schema, as HubSpot marks rate-limit errors.
          category: 'RATE_LIMITS',
        };
        return { headers: {}, refusal: { status: 429, body } };
      }

      if (isSearch) {
        const w = windowFor(searchWindows, portal.portalId);
        if (enforce && w.count(now, 1000) >= SEARCH_PER_SECOND) {
          return { headers: {}, refusal: { status: 429, body: errorBody('You have reached your secondly limit.', 'RATE_LIMITS') } };
        }
        w.add(now);
        day.count++;
        return { headers: {} };
      }

      const max = auth.kind === 'private' ? limits.tenSecondly : OAUTH_TEN_SECONDLY;
      const w = windowFor(windows, auth.rateKey);
      const used = w.count(now, TEN_SECONDS);
      const headers = (remaining: number): Record<string, string> => {
        const h: Record<string, string> = {};
        // OAuth-authorized calls get no Daily headers (hubspot-api-facts §2.2).
        if (auth.kind === 'private') {
          h['X-HubSpot-RateLimit-Daily'] = String(limits.daily);
          h['X-HubSpot-RateLimit-Daily-Remaining'] = String(Math.max(0, limits.daily - day.count));
        }
        h['X-HubSpot-RateLimit-Interval-Milliseconds'] = String(TEN_SECONDS);
        h['X-HubSpot-RateLimit-Max'] = String(max);
        h['X-HubSpot-RateLimit-Remaining'] = String(Math.max(0, remaining));
        h['X-HubSpot-RateLimit-Secondly'] = String(Math.floor(max / 10));
        h['X-HubSpot-RateLimit-Secondly-Remaining'] = String(Math.max(0, Math.floor(max / 10) - w.countSince(now - 1000)));
        return h;
      };
      if (enforce && used >= max) {
        const body = {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          correlationId: crypto.randomUUID(),
          policyName: 'TEN_SECONDLY_ROLLING',
          groupName: auth.kind === 'private' ? `publicapi:private-app-api-calls-ten-secondly:${auth.appId}` : `publicapi:oauth-api-calls-ten-secondly:${auth.appId}:${portal.portalId}`,
          category: 'RATE_LIMITS',
        };
        return { headers: headers(0), refusal: { status: 429, body } };
      }
      w.add(now);
      day.count++;
      return { headers: headers(max - used - 1) };
    },

    /** For `GET /account-info/v3/api-usage/daily/private-apps`. */
    usage(portal: Portal): { limit: number; used: number; resetsAt: number } {
      const day = dayFor(portal, clock.now());
      return { limit: TIER_LIMITS[portal.tier].daily, used: day.count, resetsAt: day.resetsAt };
    },

    reset(): void {
      windows.clear();
      searchWindows.clear();
      daily.clear();
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
