/**
 * The sandbox's simulated time: real time plus an offset that `POST /__sandbox/clock` moves.
 * Token expiry, rate-limit windows, search-index lag and Stripe event retention all read it.
 */
export interface SandboxClock {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function createSandboxClock(realNow: () => number = Date.now): SandboxClock {
  let offset = 0;
  return {
    now: () => realNow() + offset,
    advance: (ms) => {
      offset += ms;
    },
    set: (ms) => {
      offset = ms - realNow();
    },
  };
}
