import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { namedCulprits, sendIsolating } from './isolate.ts';

/** A batch endpoint that refuses the whole batch when any input is bad, naming (only) the first bad one, like HubSpot. */
function endpoint(bad: ReadonlySet<number>, options: { names: boolean }) {
  const calls: number[][] = [];
  const accepted: number[] = [];
  return {
    calls,
    accepted,
    async send(items: number[]) {
      calls.push(items);
      const first = items.find((i) => bad.has(i));
      if (first !== undefined) {
        const problems = options.names ? [{ property: 'tier', code: 'INVALID_OPTION', message: `v${first} was not one of the allowed options`, value: `v${first}` }] : [];
        throw new AppError('invalid_value', 'HubSpot rejected a value', { retryable: false, details: { status: 400, problems } });
      }
      accepted.push(...items);
    },
  };
}

const hundred = Array.from({ length: 100 }, (_, i) => i);

describe('isolating refused inputs', () => {
  it('bisects 3 bad inputs out of 100 in about 2·k·log2(n/k) calls, each with its own error, the rest accepted', async () => {
    const bad = new Set([17, 58, 91]);
    const api = endpoint(bad, { names: false });
    const rejected = new Map<number, AppError>();
    const report = await sendIsolating(hundred, { send: (items) => api.send(items), reject: (item, error) => rejected.set(item, error) });
    expect([...rejected.keys()].sort((a, b) => a - b)).toEqual([17, 58, 91]);
    expect(api.accepted.sort((a, b) => a - b)).toEqual(hundred.filter((i) => !bad.has(i)));
    expect(report).toEqual({ calls: api.calls.length, rejected: 3 });
    expect(report.calls).toBeLessThanOrEqual(37);
    // Each bad input ends alone in a call of its own.
    for (const i of bad) expect(api.calls.some((c) => c.length === 1 && c[0] === i)).toBe(true);
  });

  it('one bad input costs about 2·log2(n) calls', async () => {
    const api = endpoint(new Set([42]), { names: false });
    const report = await sendIsolating(hundred, { send: (items) => api.send(items), reject: () => {} });
    expect(report.calls).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(100)));
  });

  it('sets aside the inputs the error names: one more call per bad value', async () => {
    const bad = new Set([17, 58, 91]);
    const api = endpoint(bad, { names: true });
    const rejected = new Map<number, AppError>();
    const report = await sendIsolating(hundred, {
      send: (items) => api.send(items),
      reject: (item, error) => rejected.set(item, error),
      culprits: (items, error) => namedCulprits(items, error, (i) => ({ tier: `v${i}` })),
    });
    expect(report.calls).toBe(4);
    expect(rejected.get(58)!.details).toMatchObject({ property: 'tier', value: 'v58' });
    expect(rejected.get(58)!.message).toContain('"v58"');
  });

  it('leaves transient failures to the caller', async () => {
    await expect(
      sendIsolating([1, 2, 3], {
        send: async () => {
          throw new AppError('rate_limited', '429', { retryable: true });
        },
        reject: () => {},
      }),
    ).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
