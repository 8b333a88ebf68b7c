import { describe, expect, it } from 'vitest';
import { createManualClock } from '../ports/clock.ts';
import { createRequestBudget } from './request-budget.ts';
import { limitsFor } from './tiers.ts';

/** A budget on a manual clock whose waits move the clock, so tests are exact and instant. */
function budgetAt(start = Date.UTC(2026, 5, 1, 12), overrides: Parameters<typeof createRequestBudget>[0] extends infer O ? Partial<O> : never = {}) {
  const clock = createManualClock(start);
  const slept: number[] = [];
  const budget = createRequestBudget({
    limits: limitsFor('pro', 'private_app'),
    clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
    ...overrides,
  });
  return { budget, clock, slept };
}

describe('request budget', () => {
  it('never lets more than the limit minus the margin into any rolling 10 s window', async () => {
    const { budget, clock } = budgetAt();
    const sent: number[] = [];
    for (let i = 0; i < 1000; i++) {
      await budget.acquire('standard');
      sent.push(clock.now());
    }
    let worst = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[j]! <= sent[i]! - 10_000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBe(188);
    // …and uses nearly all of it: 1000 requests at 18.8/s take about 53 s, not much more.
    const elapsed = (sent.at(-1)! - sent[0]!) / 1000;
    expect(elapsed).toBeGreaterThan(40);
    expect(elapsed).toBeLessThan(55);
  });

  it('counts a slow request from its answer, so latency jitter cannot push the window over HubSpot\'s limit', async () => {
    const { budget, clock } = budgetAt();
    // 188 requests at once; the first is answered 3 s later, the others at once.
    const settles: Array<() => void> = [];
    for (let i = 0; i < 188; i++) settles.push(await budget.acquire('standard'));
    const start = clock.now();
    for (const settle of settles.slice(1)) settle();
    clock.advance(3000);
    settles[0]!();
    // At 10 s the 187 fast ones have left the window; the slow one (it may have reached HubSpot at
    // 3 s) stays in it until 13 s, so only 187 more go at 10 s.
    clock.set(start + 10_001);
    const at: number[] = [];
    for (let i = 0; i < 188; i++) {
      (await budget.acquire('standard'))();
      at.push(clock.now() - start);
    }
    expect(at.filter((t) => t < 13_000)).toHaveLength(187);
    expect(at.at(-1)).toBeGreaterThanOrEqual(13_000);
  });

  it('keeps searches under 5 per second, counting them in the burst window too', async () => {
    const { budget, clock } = budgetAt();
    const sent: number[] = [];
    for (let i = 0; i < 40; i++) {
      await budget.acquire('search');
      sent.push(clock.now());
    }
    for (let i = 4; i < sent.length; i++) expect(sent[i]! - sent[i - 4]!).toBeGreaterThan(1000);
    expect(budget.snapshot().burstUsed).toBeGreaterThan(0);
  });

  it('serves callers in arrival order', async () => {
    const { budget } = budgetAt(undefined, { limits: { windowMs: 1000, maxPerWindow: 3, dailyLimit: null, searchPerSecond: 5 }, safetyMargin: 0 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => budget.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('adopts the limits HubSpot announces in its headers', async () => {
    const { budget } = budgetAt();
    budget.observe({ 'x-hubspot-ratelimit-max': '100', 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-daily': '250000', 'x-hubspot-ratelimit-daily-remaining': '249000' });
    const s = budget.snapshot();
    expect(s).toMatchObject({ burstMax: 100, dailyLimit: 250000, usedToday: 1000, source: 'headers' });
  });

  it('stops before the reserve for other apps and says when it resets', async () => {
    const { budget } = budgetAt(Date.UTC(2026, 5, 1, 12), { timeZone: 'America/New_York' });
    // 650,000 a day, 20% kept: usable down to 130,000 remaining.
    budget.observe({ 'x-hubspot-ratelimit-daily': '650000', 'x-hubspot-ratelimit-daily-remaining': '130001' });
    await budget.acquire();
    await expect(budget.acquire()).rejects.toMatchObject({ code: 'rate_limited', details: { policy: 'DAILY_RESERVE', resetsAt: '2026-06-02T04:00:00.000Z' } });
  });

  it('starts a new day at the portal time zone midnight', async () => {
    const { budget, clock } = budgetAt(Date.UTC(2026, 5, 2, 3, 59), { timeZone: 'America/New_York' });
    await budget.acquire();
    expect(budget.snapshot().usedToday).toBe(1);
    clock.advance(2 * 60_000);
    expect(budget.snapshot().usedToday).toBe(0);
  });

  it('backs off after a 429 and when another process drains the window', async () => {
    const { budget, slept } = budgetAt();
    await budget.acquire();
    budget.throttle('TEN_SECONDLY_ROLLING');
    await budget.acquire();
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
    slept.length = 0;
    budget.observe({ 'x-hubspot-ratelimit-remaining': '1' });
    await budget.acquire();
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
    expect(budget.snapshot().throttled).toBe(1);
  });
});
