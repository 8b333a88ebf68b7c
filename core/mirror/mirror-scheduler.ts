import { isAppError } from '../errors.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { MirrorService } from './mirror-service.ts';
import type { ProviderAccess } from './provider-access.ts';

const TICK_MS = 60_000;
/** A full sync shortly before the nightly hour (a manual one, say) makes that night's unnecessary. */
const FULL_MIN_GAP_MS = 6 * 3_600_000;

/** The last time the local clock showed `hour`:00 at or before `now`. */
function lastOccurrenceOfHour(now: number, hour: number): number {
  const d = new Date(now);
  d.setHours(hour, 0, 0, 0);
  if (d.getTime() > now) d.setDate(d.getDate() - 1);
  return d.getTime();
}

export interface MirrorSchedulerDeps {
  mirror: Pick<MirrorService, 'settings' | 'freshness' | 'isRunning' | 'runAndWait'>;
  workspaces(): string[];
  providers: ProviderAccess;
  clock: Clock;
  logger: Logger;
}

/**
 * While the host runs: an incremental sync every N minutes (15 by default) and a full sync
 * nightly at the configured local hour, per connected workspace; and a first full sync as soon
 * as a workspace gets connected. Only one run per workspace at a time (the service refuses more).
 */
export function createMirrorScheduler(deps: MirrorSchedulerDeps) {
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  function due(workspaceId: string, now: number): 'full' | 'incremental' | null {
    const settings = deps.mirror.settings(workspaceId);
    if (!settings.scheduleEnabled) return null;
    const { lastIncrementalAt, lastFullAt } = deps.mirror.freshness(workspaceId);
    if (!lastFullAt) return 'full';
    const lastFull = Date.parse(lastFullAt);
    if (lastFull < lastOccurrenceOfHour(now, settings.fullSyncHour) && now - lastFull >= FULL_MIN_GAP_MS) return 'full';
    const lastAny = Math.max(lastFull, lastIncrementalAt ? Date.parse(lastIncrementalAt) : 0);
    return now - lastAny >= settings.incrementalMinutes * 60_000 ? 'incremental' : null;
  }

  async function runIfDue(workspaceId: string, trigger: 'schedule' | 'connect' = 'schedule'): Promise<void> {
    if (deps.mirror.isRunning(workspaceId)) return;
    const mode = due(workspaceId, deps.clock.now());
    if (!mode) return;
    try {
      // Unconnected workspaces are simply not scheduled; no error, no run.
      await deps.providers.hubspot(workspaceId);
    } catch {
      return;
    }
    try {
      await deps.mirror.runAndWait(workspaceId, { mode, trigger });
    } catch (error) {
      if (!isAppError(error) || error.code !== 'conflict') deps.logger.warn('scheduled sync did not start', { workspaceId, error });
    }
  }

  async function tick(): Promise<void> {
    for (const workspaceId of deps.workspaces()) {
      // Runs of different workspaces proceed side by side; each workspace has at most one.
      void runIfDue(workspaceId).catch((error: unknown) => deps.logger.error('scheduler failed', { workspaceId, error }));
    }
  }

  return {
    due,
    tick,

    next(workspaceId: string): { nextIncrementalAt: string | null; nextFullAt: string | null } {
      const settings = deps.mirror.settings(workspaceId);
      if (!settings.scheduleEnabled || !timer) return { nextIncrementalAt: null, nextFullAt: null };
      const now = deps.clock.now();
      const { lastIncrementalAt, lastFullAt } = deps.mirror.freshness(workspaceId);
      const lastAny = Math.max(lastFullAt ? Date.parse(lastFullAt) : 0, lastIncrementalAt ? Date.parse(lastIncrementalAt) : 0);
      const nextIncremental = Math.max(now, lastAny + settings.incrementalMinutes * 60_000);
      const nextFull = lastOccurrenceOfHour(now, settings.fullSyncHour) + 86_400_000;
      return { nextIncrementalAt: isoAt(nextIncremental), nextFullAt: lastFullAt ? isoAt(nextFull) : isoAt(now) };
    },

    start(tickMs = TICK_MS): void {
      if (timer) return;
      timer = setInterval(() => void tick(), tickMs);
      timer.unref();
      unsubscribe = deps.providers.onDidChange?.((workspaceId) => void runIfDue(workspaceId, 'connect'));
      setTimeout(() => void tick(), 5_000).unref();
    },

    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
