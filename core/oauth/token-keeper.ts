import { setTimeout as sleepReal } from 'node:timers/promises';
import { AppError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
}

export interface TokenKeeperDeps {
  clock: Clock;
  logger: Logger;
  /** Reads the stored tokens (keychain + SQLite); null when there are none. */
  load(): Promise<StoredTokens | null>;
  /** Calls the token endpoint. Throws an AppError; `details.final` marks a grant that is gone. */
  refresh(refreshToken: string): Promise<RefreshedTokens>;
  /** Stores refreshed tokens (secrets in the keychain, the expiry in SQLite). */
  persist(tokens: StoredTokens): Promise<void>;
  /** The grant is gone (revoked, app uninstalled, user removed): the connection needs Reauthorize. */
  onGrantLost(error: AppError): Promise<void> | void;
  /** Refresh this long before expiry (default 5 minutes). */
  refreshEarlyMs?: number;
  /** Waits between attempts of one refresh after a network error, 5xx or 429 (default 1 s, 4 s). */
  retryDelaysMs?: readonly number[];
  /** After a refresh failed for a transient reason, don't try again before this (default 30 s) while the token still works. */
  cooldownMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const isFinal = (error: unknown) => error instanceof AppError && error.details?.final === true;

/**
 * Refresh discipline for one OAuth connection (what Nango and the Singer tap do, and HubSpot asks:
 * "refresh by TTL, a 401 is not a signal to refresh"):
 * - the access token is refreshed `refreshEarlyMs` before it expires, never on every call;
 * - one refresh in flight: concurrent callers await the same promise;
 * - a refresh that fails on the network, a 5xx or a 429 is retried with backoff, then cools down
 *   while the current token still works; `BAD_REFRESH_TOKEN` and friends are final → `onGrantLost`;
 * - a 401 forces at most one refresh per token: a token that came from a forced refresh and is
 *   refused again means the grant is gone, not that we should loop.
 */
export function createTokenKeeper(deps: TokenKeeperDeps) {
  const { clock, logger } = deps;
  const early = deps.refreshEarlyMs ?? 5 * 60_000;
  const delays = deps.retryDelaysMs ?? [1000, 4000];
  const cooldownMs = deps.cooldownMs ?? 30_000;
  const sleep = deps.sleep ?? ((ms: number) => sleepReal(ms));

  let cached: StoredTokens | null = null;
  let inflight: Promise<StoredTokens> | null = null;
  /** The access token a forced (401-driven) refresh produced: refusing it again ends the grant. */
  let forcedToken: string | null = null;
  let cooldownUntil = 0;
  let lastTransient: AppError | null = null;
  let generation = 0;
  let refreshes = 0;

  async function tokens(): Promise<StoredTokens> {
    if (!cached) cached = await deps.load();
    if (!cached) throw new AppError('not_connected', 'HubSpot is not connected for this workspace.');
    return cached;
  }

  async function lose(error: AppError): Promise<void> {
    try {
      await deps.onGrantLost(error);
    } catch (e) {
      logger.error('could not record the lost grant', { error: e });
    }
  }

  async function doRefresh(from: StoredTokens, gen: number): Promise<StoredTokens> {
    for (let attempt = 0; ; attempt++) {
      try {
        refreshes++;
        const fresh = await deps.refresh(from.refreshToken);
        const next: StoredTokens = { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken || from.refreshToken, expiresAt: clock.now() + fresh.expiresIn * 1000 };
        if (gen !== generation) return next; // reconnected or disconnected meanwhile: not ours to keep
        cached = next;
        cooldownUntil = 0;
        lastTransient = null;
        try {
          await deps.persist(next);
        } catch (error) {
          // The new token works for this process; the next start may have to reconnect if HubSpot rotated the refresh token.
          logger.error('refreshed HubSpot tokens could not be stored', { error });
        }
        logger.info('hubspot access token refreshed', { expiresAt: new Date(next.expiresAt).toISOString() });
        return next;
      } catch (raw) {
        const error = raw instanceof AppError ? raw : new AppError('internal', 'Refreshing the HubSpot authorization failed unexpectedly.', { cause: raw });
        if (isFinal(error)) {
          if (gen === generation) await lose(error);
          throw error;
        }
        const delay = delays[attempt];
        if (delay === undefined) {
          cooldownUntil = clock.now() + cooldownMs;
          lastTransient = error;
          logger.warn('hubspot token refresh failed; will try again', { code: error.code, attempts: attempt + 1 });
          throw error;
        }
        await sleep(delay);
      }
    }
  }

  function refreshShared(from: StoredTokens): Promise<StoredTokens> {
    if (!inflight) {
      const running: Promise<StoredTokens> = doRefresh(from, generation).finally(() => {
        if (inflight === running) inflight = null;
      });
      inflight = running;
    }
    return inflight;
  }

  return {
    /** An access token that is valid now, refreshed first if it expires within `refreshEarlyMs`. */
    async current(): Promise<string> {
      if (inflight) return (await inflight).accessToken;
      const now = clock.now();
      const held = await tokens();
      if (held.expiresAt - now > early) return held.accessToken;
      if (now < cooldownUntil) {
        if (held.expiresAt > now) return held.accessToken;
        throw lastTransient ?? new AppError('hubspot_unavailable', 'HubSpot could not refresh the authorization right now.', { retryable: true });
      }
      try {
        return (await refreshShared(held)).accessToken;
      } catch (error) {
        // The early refresh failed for a transient reason, but the token has minutes left.
        if (!isFinal(error) && held.expiresAt > clock.now()) return held.accessToken;
        throw error;
      }
    },

    /** HubSpot answered 401 to `used`. True: call again with the (new) current token. */
    async rejected(used: string): Promise<boolean> {
      if (inflight) await inflight.catch(() => undefined);
      if (cached && cached.accessToken !== used) return true;
      // Another process (the CLI beside the app) may have refreshed or reconnected.
      const stored = await deps.load();
      if (stored && stored.accessToken !== used) {
        cached = stored;
        return true;
      }
      if (!stored) return false;
      if (used === forcedToken) {
        await lose(new AppError('auth_expired', 'HubSpot refused the authorization even right after refreshing it: it was revoked, the app was uninstalled, or the user lost access.', { retryable: false, details: { final: true } }));
        return false;
      }
      try {
        const fresh = await refreshShared(stored);
        forcedToken = fresh.accessToken;
        return true;
      } catch {
        return false;
      }
    },

    /** Forget everything held (after a reconnect or a disconnect); a refresh in flight is dropped. */
    reset(): void {
      generation++;
      inflight = null;
      cached = null;
      forcedToken = null;
      cooldownUntil = 0;
      lastTransient = null;
    },

    /** For tests and diagnostics: how many token-endpoint calls were made. */
    refreshCount: () => refreshes,
  };
}

export type TokenKeeper = ReturnType<typeof createTokenKeeper>;
