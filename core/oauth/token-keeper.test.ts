import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createManualClock } from '../ports/clock.ts';
import { createMemoryLogger } from '../ports/logger.ts';
import { createTokenKeeper, type RefreshedTokens, type StoredTokens } from './token-keeper.ts';

const MIN = 60_000;
const final = () => new AppError('auth_expired', 'refresh token is invalid, expired or revoked', { details: { final: true } });
const transient = () => new AppError('hubspot_unavailable', 'HubSpot is unavailable right now (HTTP 503).', { retryable: true, details: { final: false } });

function setup(options: { expiresInMs?: number; refresh?: () => Promise<RefreshedTokens> } = {}) {
  const clock = createManualClock();
  let stored: StoredTokens | null = { accessToken: 'access-0', refreshToken: 'refresh-1', expiresAt: clock.now() + (options.expiresInMs ?? 30 * MIN) };
  const persisted: StoredTokens[] = [];
  const lost: AppError[] = [];
  const sleeps: number[] = [];
  let calls = 0;
  const keeper = createTokenKeeper({
    clock,
    logger: createMemoryLogger(),
    load: async () => stored,
    refresh:
      options.refresh ??
      (async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return { accessToken: `access-${calls}`, refreshToken: 'refresh-1', expiresIn: 1800 };
      }),
    persist: async (tokens) => {
      stored = tokens;
      persisted.push(tokens);
    },
    onGrantLost: (error) => {
      lost.push(error);
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { clock, keeper, persisted, lost, sleeps, setStored: (t: StoredTokens | null) => (stored = t), calls: () => calls };
}

describe('token keeper', () => {
  it('uses the token until five minutes before expiry, then refreshes once and persists', async () => {
    const t = setup();
    expect(await t.keeper.current()).toBe('access-0');
    t.clock.advance(24 * MIN);
    expect(await t.keeper.current()).toBe('access-0');
    t.clock.advance(1 * MIN + 1);
    expect(await t.keeper.current()).toBe('access-1');
    expect(t.calls()).toBe(1);
    expect(t.persisted).toEqual([{ accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: t.clock.now() + 1800_000 }]);
    expect(await t.keeper.current()).toBe('access-1');
    expect(t.calls()).toBe(1);
  });

  it('makes exactly one refresh for 20 concurrent callers', async () => {
    const t = setup({ expiresInMs: 2 * MIN });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => t.keeper.current()));
    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(t.calls()).toBe(1);
  });

  it('retries a refresh that failed on a 5xx or the network with backoff, then succeeds', async () => {
    let n = 0;
    const t = setup({
      expiresInMs: 1 * MIN,
      refresh: async () => {
        n++;
        if (n < 3) throw transient();
        return { accessToken: 'access-new', refreshToken: 'refresh-2', expiresIn: 1800 };
      },
    });
    expect(await t.keeper.current()).toBe('access-new');
    expect(n).toBe(3);
    expect(t.sleeps).toEqual([1000, 4000]);
    expect(t.persisted[0]?.refreshToken).toBe('refresh-2');
  });

  it('keeps a still-valid token when refreshing keeps failing, and cools down instead of hammering', async () => {
    let n = 0;
    const t = setup({
      expiresInMs: 3 * MIN,
      refresh: async () => {
        n++;
        throw transient();
      },
    });
    expect(await t.keeper.current()).toBe('access-0');
    expect(n).toBe(3);
    expect(await t.keeper.current()).toBe('access-0');
    expect(n).toBe(3); // cooling down
    t.clock.advance(31_000);
    expect(await t.keeper.current()).toBe('access-0');
    expect(n).toBe(6);
    // Once the token has expired, the transient error surfaces (retryable), and no Reauthorize.
    t.clock.advance(3 * MIN);
    await expect(t.keeper.current()).rejects.toMatchObject({ code: 'hubspot_unavailable', retryable: true });
    expect(t.lost).toEqual([]);
  });

  it('treats BAD_REFRESH_TOKEN as final: no retry, the grant is reported lost once', async () => {
    let n = 0;
    const t = setup({
      expiresInMs: 1 * MIN,
      refresh: async () => {
        n++;
        throw final();
      },
    });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => t.keeper.current()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(n).toBe(1);
    expect(t.sleeps).toEqual([]);
    expect(t.lost).toHaveLength(1);
  });

  it('forces one refresh after a 401, and gives up when the fresh token is refused too', async () => {
    const t = setup();
    expect(await t.keeper.rejected('access-0')).toBe(true);
    expect(await t.keeper.current()).toBe('access-1');
    // The same token refused again: that's the grant, not the token.
    expect(await t.keeper.rejected('access-1')).toBe(false);
    expect(t.calls()).toBe(1);
    expect(t.lost).toHaveLength(1);
    expect(t.lost[0]?.message).toMatch(/right after refreshing/);
  });

  it('takes a token another process refreshed instead of refreshing again', async () => {
    const t = setup();
    expect(await t.keeper.current()).toBe('access-0');
    t.setStored({ accessToken: 'from-the-cli', refreshToken: 'refresh-1', expiresAt: t.clock.now() + 30 * MIN });
    expect(await t.keeper.rejected('access-0')).toBe(true);
    expect(await t.keeper.current()).toBe('from-the-cli');
    expect(t.calls()).toBe(0);
  });

  it('drops a refresh that finishes after a reconnect', async () => {
    const t = setup({ expiresInMs: 1 * MIN });
    const pending = t.keeper.current();
    await new Promise((r) => setTimeout(r, 1)); // the refresh is on the wire
    t.keeper.reset();
    t.setStored({ accessToken: 'reconnected', refreshToken: 'refresh-9', expiresAt: t.clock.now() + 30 * MIN });
    await pending;
    expect(t.persisted).toEqual([]);
    expect(await t.keeper.current()).toBe('reconnected');
  });

  it('says not connected when nothing is stored', async () => {
    const t = setup();
    t.setStored(null);
    await expect(t.keeper.current()).rejects.toMatchObject({ code: 'not_connected' });
  });
});
