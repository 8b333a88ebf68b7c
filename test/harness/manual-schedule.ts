import type { ManualClock } from '../../core/ports/clock.ts';

/** Timers driven by a manual clock: `advance` moves the clock and fires whatever came due. */
export function createManualSchedule(clock: ManualClock) {
  const timers = new Set<{ at: number; fn: () => void }>();
  return {
    schedule(ms: number, fn: () => void): () => void {
      const timer = { at: clock.now() + ms, fn };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    advance(ms: number): void {
      clock.advance(ms);
      for (const timer of [...timers].sort((a, b) => a.at - b.at)) {
        if (timer.at <= clock.now()) {
          timers.delete(timer);
          timer.fn();
        }
      }
    },
    pending: () => timers.size,
  };
}
