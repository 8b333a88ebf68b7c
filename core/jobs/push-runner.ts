import { setTimeout as sleepReal } from 'node:timers/promises';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { PushEngine } from '../push/push-engine.ts';
import { acquireLease, newLeaseOwner, releaseLease } from './leases.ts';

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface PushRunnerOptions {
  engine: PushEngine;
  clock: Clock;
  logger: Logger;
  /** Waits (aborted early by a wake). Benchmarks pass one that moves a virtual clock instead of waiting. */
  sleep?: Sleep;
  /** Is HubSpot reachable again? (offline → waiting_for_network until it says yes). */
  probe: (workspaceId: string) => Promise<boolean>;
  /** How often an idle queue looks for jobs other processes queued (ms). */
  pollMs?: number;
  /** How often the network is probed while offline (ms). */
  probeMs?: number;
  /** How often a paused (reauthorize) queue tries again without a connection event (ms). */
  pausedRetryMs?: number;
  /** The workspace queue lease (one process pushes a workspace at a time). */
  leaseMs?: number;
  /** Called after each batch and on state changes (progress events). */
  onActivity?: (workspaceId: string, activity: RunnerActivity) => void;
  /** The workspace's HubSpot connection state, when the host knows it (paused jobs resume once it says connected). */
  connectionState?: (workspaceId: string) => 'connected' | 'reauthorize' | 'disconnected' | null;
  /** Deletes history past the retention (called at start and then every `pruneEveryMs`). */
  prune?: (workspaceId: string) => Promise<void>;
  pruneEveryMs?: number;
}

export interface RunnerActivity {
  kind: 'batch' | 'idle' | 'offline' | 'online' | 'paused' | 'resumed' | 'held_elsewhere';
  finished?: number;
  calls?: number;
  /** The states the batch's jobs ended in, counted. */
  ended?: Record<string, number>;
}

export type RunnerMode = 'normal' | 'offline' | 'paused';

interface Loop {
  workspaceId: string;
  mode: RunnerMode;
  wake: AbortController;
  done: Promise<void>;
  stopped: boolean;
  heldElsewhere: boolean;
  busy: boolean;
  lastPrune: number;
}

const abortable = (ms: number, signal: AbortSignal) =>
  sleepReal(ms, undefined, { signal }).catch((error: unknown) => {
    if ((error as { name?: string }).name !== 'AbortError') throw error;
  });

/**
 * Runs the push queue of some workspaces while its host runs (the desktop app, `syncdesk serve`,
 * `syncdesk push`): one batch per workspace at a time (batches of 100 are the parallelism), a timer
 * for the next retry, offline probing and reauthorize pauses. Two processes on one data folder never
 * push the same workspace at once: the queue lease lives in the workspace database.
 */
export class PushRunner {
  readonly owner = newLeaseOwner();
  private readonly loops = new Map<string, Loop>();
  private readonly options: Required<Omit<PushRunnerOptions, 'onActivity' | 'prune' | 'connectionState'>> & Pick<PushRunnerOptions, 'onActivity' | 'prune' | 'connectionState'>;
  private stopping = false;

  constructor(options: PushRunnerOptions) {
    this.options = {
      sleep: abortable,
      pollMs: 2000,
      probeMs: 10_000,
      pausedRetryMs: 60_000,
      leaseMs: 60_000,
      pruneEveryMs: 6 * 3_600_000,
      ...options,
    };
  }

  /** Starts (or keeps) a loop for each workspace, and stops loops of workspaces not listed. */
  serve(workspaceIds: readonly string[]): void {
    if (this.stopping) return;
    const wanted = new Set(workspaceIds);
    for (const id of wanted) if (!this.loops.has(id)) this.startLoop(id);
    for (const [id, loop] of this.loops) if (!wanted.has(id)) void this.stopLoop(loop);
  }

  /** New jobs were queued (or the connection came back): run now instead of at the next poll. */
  wake(workspaceId?: string): void {
    for (const loop of this.loops.values()) {
      if (workspaceId && loop.workspaceId !== workspaceId) continue;
      loop.wake.abort();
    }
  }

  /** The connection is usable again (connections: Connected): resume paused jobs. */
  resumeReauthorize(workspaceId: string): void {
    const loop = this.loops.get(workspaceId);
    if (!loop) return;
    // Paused jobs resume even if this runner did not pause them (another process, an earlier run).
    this.resume(loop, 'paused_reauthorize');
    loop.wake.abort();
  }

  /** The connection needs reauthorizing (connections: Reauthorize): hold the queue. */
  pauseReauthorize(workspaceId: string): void {
    const loop = this.loops.get(workspaceId);
    if (loop) this.enter(loop, 'paused');
  }

  state(workspaceId: string): { serving: boolean; mode: RunnerMode; heldElsewhere: boolean; busy: boolean } {
    const loop = this.loops.get(workspaceId);
    return { serving: !!loop, mode: loop?.mode ?? 'normal', heldElsewhere: loop?.heldElsewhere ?? false, busy: loop?.busy ?? false };
  }

  /** Stops claiming, lets running batches finish, and gives the queue leases back. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.loops.values()].map((loop) => this.stopLoop(loop)));
  }

  private async stopLoop(loop: Loop): Promise<void> {
    loop.stopped = true;
    loop.wake.abort();
    await loop.done;
    this.loops.delete(loop.workspaceId);
    try {
      releaseLease(this.options.engine.storesFor(loop.workspaceId).db, 'queue', this.owner);
    } catch {
      // The workspace may be gone (deleted) or its database closed.
    }
  }

  private startLoop(workspaceId: string): void {
    const loop: Loop = { workspaceId, mode: 'normal', wake: new AbortController(), done: Promise.resolve(), stopped: false, heldElsewhere: false, busy: false, lastPrune: 0 };
    this.loops.set(workspaceId, loop);
    loop.done = this.run(loop).catch((error: unknown) => this.options.logger.error('push loop ended on an error', { workspaceId, error }));
  }

  private async nap(loop: Loop, ms: number): Promise<void> {
    if (loop.stopped) return;
    if (loop.wake.signal.aborted) loop.wake = new AbortController();
    await this.options.sleep(Math.max(0, ms), loop.wake.signal);
    if (loop.wake.signal.aborted) loop.wake = new AbortController();
  }

  private enter(loop: Loop, mode: RunnerMode): void {
    if (loop.mode === mode) return;
    loop.mode = mode;
    const { jobs } = this.options.engine.storesFor(loop.workspaceId);
    const now = this.options.clock.now();
    if (mode === 'offline') {
      jobs.holdReady('waiting_for_network', 'HubSpot cannot be reached: this computer seems to be offline. Jobs continue when the network is back.', now);
      this.options.onActivity?.(loop.workspaceId, { kind: 'offline' });
    } else if (mode === 'paused') {
      jobs.holdReady('paused_reauthorize', 'HubSpot needs reauthorizing. Jobs continue after you reconnect.', now);
      this.options.onActivity?.(loop.workspaceId, { kind: 'paused' });
    }
  }

  private resume(loop: Loop, from: 'waiting_for_network' | 'paused_reauthorize'): void {
    loop.mode = 'normal';
    this.options.engine.storesFor(loop.workspaceId).jobs.resume(from, this.options.clock.now());
    this.options.onActivity?.(loop.workspaceId, { kind: from === 'waiting_for_network' ? 'online' : 'resumed' });
  }

  private async run(loop: Loop): Promise<void> {
    const { engine, clock, logger, pollMs, probeMs, pausedRetryMs, leaseMs } = this.options;
    let pausedSince = 0;
    try {
      // Jobs left waiting or paused by an earlier run: start in that mode, so they resume by its rules.
      const held = engine.storesFor(loop.workspaceId).jobs.held();
      if (held.waiting > 0) loop.mode = 'offline';
      else if (held.paused > 0) loop.mode = 'paused';
    } catch (error) {
      logger.warn('push queue not readable', { workspaceId: loop.workspaceId, error });
    }
    while (!loop.stopped) {
      try {
        const { db, jobs } = engine.storesFor(loop.workspaceId);
        if (this.options.prune && clock.now() - loop.lastPrune >= this.options.pruneEveryMs) {
          loop.lastPrune = clock.now();
          await this.options.prune(loop.workspaceId);
        }
        if (loop.mode === 'offline') {
          if (await this.options.probe(loop.workspaceId)) {
            this.resume(loop, 'waiting_for_network');
            continue;
          }
          // Jobs queued meanwhile wait too.
          jobs.holdReady('waiting_for_network', 'HubSpot cannot be reached: this computer seems to be offline. Jobs continue when the network is back.', clock.now());
          await this.nap(loop, probeMs);
          continue;
        }
        if (loop.mode === 'paused') {
          if (pausedSince === 0) pausedSince = clock.now();
          const state = this.options.connectionState?.(loop.workspaceId) ?? null;
          if (state === 'connected' || (state === null && clock.now() - pausedSince >= pausedRetryMs)) {
            // No Connected event came (or none can, in this host): try again; a batch finds out.
            pausedSince = 0;
            this.resume(loop, 'paused_reauthorize');
            continue;
          }
          jobs.holdReady('paused_reauthorize', 'HubSpot needs reauthorizing. Jobs continue after you reconnect.', clock.now());
          await this.nap(loop, Math.min(pollMs * 5, pausedRetryMs));
          continue;
        }
        pausedSince = 0;
        if (!jobs.hasWork(clock.now(), this.owner)) {
          // Idle: nothing is written while polling; the lease is taken only when there is work.
          this.options.onActivity?.(loop.workspaceId, { kind: 'idle' });
          const due = jobs.nextDueAt();
          await this.nap(loop, due === null ? pollMs : Math.min(pollMs, Math.max(50, due - clock.now())));
          continue;
        }
        const holder = acquireLease(db, 'queue', this.owner, { now: clock.now(), durationMs: leaseMs });
        if (holder) {
          if (!loop.heldElsewhere) this.options.onActivity?.(loop.workspaceId, { kind: 'held_elsewhere' });
          loop.heldElsewhere = true;
          await this.nap(loop, pollMs);
          continue;
        }
        loop.heldElsewhere = false;
        loop.busy = true;
        const outcome = await engine.runBatch(loop.workspaceId, this.owner);
        loop.busy = false;
        if (outcome.claimed === 0) {
          // Work was seen but another process's batch took it first.
          await this.nap(loop, Math.min(pollMs, 200));
          continue;
        }
        const ended: Record<string, number> = {};
        for (const e of outcome.report?.ended ?? []) ended[e.state] = (ended[e.state] ?? 0) + 1;
        if (outcome.accessError) ended[outcome.accessError.code === 'auth_expired' ? 'paused_reauthorize' : outcome.accessError.code === 'offline' ? 'waiting_for_network' : 'failed'] = outcome.claimed;
        this.options.onActivity?.(loop.workspaceId, { kind: 'batch', finished: outcome.claimed - (outcome.report?.released ?? 0), calls: outcome.calls, ended });
        const code = outcome.accessError?.code;
        if (outcome.report?.offline || code === 'offline') this.enter(loop, 'offline');
        else if (outcome.report?.reauthorize || code === 'auth_expired') this.enter(loop, 'paused');
      } catch (error) {
        loop.busy = false;
        logger.error('push batch failed', { workspaceId: loop.workspaceId, error });
        await this.nap(loop, pollMs);
      }
    }
  }
}
