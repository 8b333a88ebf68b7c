import type { EventBus } from '../app/event-bus.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { HubSpotAccess } from '../mapping/property-catalogue.ts';
import { PushRunner, type Sleep } from '../jobs/push-runner.ts';
import { createNetworkProbe } from './network-probe.ts';
import type { PushEngine } from './push-engine.ts';
import type { PushService } from './push-service.ts';

/** How a host's runner waits, probes and leases (tests and benchmarks change them; the product keeps the defaults). */
export interface PushRunnerTuning {
  sleep?: Sleep;
  probe?: (workspaceId: string) => Promise<boolean>;
  pollMs?: number;
  probeMs?: number;
  pausedRetryMs?: number;
  leaseMs?: number;
}

export interface PushHostDeps {
  engine: PushEngine;
  push: PushService;
  hubspot: HubSpotAccess;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Every workspace id (when serving all). */
  workspaceIds(): string[];
  /** HubSpot connection state changes of workspaces. */
  connectionChanges?: (listener: (workspaceId: string, state: 'connected' | 'reauthorize' | 'disconnected') => void) => () => void;
  /** A workspace's HubSpot connection state now. */
  connectionState?: (workspaceId: string) => 'connected' | 'reauthorize' | 'disconnected' | null;
  tuning?: PushRunnerTuning;
}

/**
 * Starts the push runner of a host: for every workspace (the desktop app, `syncdesk serve`, which
 * follow workspaces being added and removed) or for some (`syncdesk push`). One per process.
 */
export function startPushRunner(deps: PushHostDeps, workspaces: 'all' | readonly string[]): { runner: PushRunner; stop(): Promise<void> } {
  const existing = deps.push.runner;
  if (existing) {
    if (workspaces !== 'all') existing.serve(workspaces);
    return { runner: existing, stop: () => existing.stop() };
  }
  const runner = new PushRunner({
    engine: deps.engine,
    clock: deps.clock,
    logger: deps.logger,
    probe: deps.tuning?.probe ?? createNetworkProbe(deps.hubspot),
    onActivity: (workspaceId, activity) => deps.push.onRunnerActivity(workspaceId, activity),
    ...(deps.connectionState ? { connectionState: deps.connectionState } : {}),
    prune: async (workspaceId) => {
      await deps.push.prune(workspaceId);
    },
    ...(deps.tuning?.sleep ? { sleep: deps.tuning.sleep } : {}),
    ...(deps.tuning?.pollMs !== undefined ? { pollMs: deps.tuning.pollMs } : {}),
    ...(deps.tuning?.probeMs !== undefined ? { probeMs: deps.tuning.probeMs } : {}),
    ...(deps.tuning?.pausedRetryMs !== undefined ? { pausedRetryMs: deps.tuning.pausedRetryMs } : {}),
    ...(deps.tuning?.leaseMs !== undefined ? { leaseMs: deps.tuning.leaseMs } : {}),
  });
  deps.push.attachRunner(runner);
  let unsubscribe = () => {};
  if (workspaces === 'all') {
    runner.serve(deps.workspaceIds());
    unsubscribe = deps.events.subscribe((event) => {
      if (event === 'workspaces.onDidChange') runner.serve(deps.workspaceIds());
    });
  } else {
    runner.serve(workspaces);
  }
  const unwatch =
    deps.connectionChanges?.((workspaceId, state) => {
      if (state === 'reauthorize') runner.pauseReauthorize(workspaceId);
      else if (state === 'connected') runner.resumeReauthorize(workspaceId);
    }) ?? (() => {});
  return {
    runner,
    async stop() {
      unsubscribe();
      unwatch();
      await runner.stop();
      deps.push.attachRunner(null);
    },
  };
}
