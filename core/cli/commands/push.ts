import { setTimeout as sleep } from 'node:timers/promises';
import { JOB_STATE_LABELS, JOB_STATES, type JobState, type PushTarget } from '../../contract/push.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, type CommandContext, EXIT, UsageError } from '../command.ts';
import { workspaceOption } from './mapping.ts';

type Counts = Record<JobState, number>;

const ACTIVE: readonly JobState[] = ['queued', 'running', 'retrying'];
const HELD: readonly JobState[] = ['waiting_for_network', 'paused_reauthorize'];

export function describeCounts(counts: Counts): string {
  return JOB_STATES.filter((s) => counts[s] > 0)
    .map((s) => `${JOB_STATE_LABELS[s].toLowerCase()} ${counts[s]}`)
    .join(', ');
}

const seconds = (s: number) => (s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);

/**
 * `syncdesk push`: queues leads (or not) and, with --wait, works the workspace's queue in this
 * process until the jobs are done, with progress on stderr. Without --wait, a running Syncdesk (the
 * desktop app, `syncdesk serve`) pushes them.
 */
export const pushCommand: Command = {
  name: 'push',
  summary: 'Push leads into HubSpot (all, or by id); with --wait, run the queue until it is done',
  usage: 'syncdesk push --workspace <id> [--all | --lead <id>…] [--wait] [--json]',
  options: { workspace: { type: 'string' }, all: { type: 'boolean' }, lead: { type: 'string', multiple: true }, wait: { type: 'boolean' } },
  async run(ctx) {
    const workspaceId = workspaceOption(ctx);
    const leads = (ctx.options.lead as string[] | undefined) ?? [];
    const all = Boolean(ctx.options.all);
    const wait = Boolean(ctx.options.wait);
    if (all && leads.length > 0) throw new UsageError('Give either --all or --lead <id>…, not both.');
    if (!all && leads.length === 0 && !wait) throw new UsageError('Say which leads: --all, or --lead <id> (repeat it for more). Or --wait alone to run the queue as it is.');
    const target: PushTarget | null = all ? { kind: 'all' } : leads.length > 0 ? { kind: 'ids', ids: leads } : null;

    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    let stopRunner: (() => Promise<void>) | null = null;
    try {
      services.workspaces.get(workspaceId);
      let jobIds: number[] | null = null;
      let queued = 0;
      let coalesced = 0;
      if (target) {
        const result = await services.push.push(workspaceId, target, 'cli');
        jobIds = result.allJobIds;
        queued = result.queued;
        coalesced = result.coalesced;
        ctx.progress(`Queued ${queued} job${queued === 1 ? '' : 's'}${coalesced ? ` (${coalesced} lead${coalesced === 1 ? '' : 's'} joined a job already pending)` : ''}.`);
      }
      if (!wait) {
        ctx.print(
          `Queued ${queued}, joined ${coalesced}. A running Syncdesk (the desktop app or \`syncdesk serve\`) pushes them; or run \`syncdesk push --workspace ${workspaceId} --wait\`.`,
          { queued, coalesced, jobIds: (jobIds ?? []).slice(0, 100).map(String) },
        );
        return EXIT.ok;
      }

      const started = Date.now();
      const { stop } = services.startPush([workspaceId]);
      stopRunner = stop;
      const counts = (): Counts => {
        if (jobIds) return services.push.countJobs(workspaceId, jobIds);
        return services.push.progress(workspaceId).counts;
      };
      const interrupted = await waitUntilDone(ctx, services, workspaceId, counts);
      await stop();
      stopRunner = null;
      const final = counts();
      const elapsedMs = Date.now() - started;
      const failed = final.failed;
      const held = HELD.reduce((n, s) => n + final[s], 0);
      const summary = { queued, coalesced, counts: final, elapsedMs, interrupted };
      ctx.print(
        `${interrupted ? 'Stopped' : 'Done'} in ${seconds(elapsedMs / 1000)}: ${describeCounts(final) || 'nothing to do'}.${failed ? ' See `syncdesk jobs list --status failed`.' : ''}${held ? ' Some jobs wait (network or reauthorize) and continue later.' : ''}`,
        summary,
      );
      if (interrupted) return EXIT.interrupted;
      return failed > 0 || held > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      if (stopRunner) await stopRunner();
      services.close();
    }
  },
};

/** Polls until none of the jobs is queued, running or retrying; progress lines on stderr. True: interrupted. */
async function waitUntilDone(ctx: CommandContext, services: Awaited<ReturnType<typeof createHeadlessServices>>, workspaceId: string, counts: () => Counts): Promise<boolean> {
  let stopped = false;
  void ctx.stopped.then(() => {
    stopped = true;
  });
  let lastLine = 0;
  let saidHeld = false;
  for (;;) {
    if (stopped) return true;
    const now = counts();
    const active = ACTIVE.reduce((n, s) => n + now[s], 0);
    const progress = services.push.progress(workspaceId);
    if (progress.heldElsewhere && !saidHeld) {
      ctx.progress('Another Syncdesk process (the desktop app or `syncdesk serve`) is pushing this workspace; waiting for it.');
      saidHeld = true;
    }
    if (active === 0) return false;
    if (Date.now() - lastLine >= 1000) {
      lastLine = Date.now();
      const parts = [describeCounts(now), `${progress.leadsPerSecond.toFixed(1)} leads/s`, `${progress.callsPerSecond.toFixed(1)} calls/s${progress.allowedCallsPerSecond ? ` of ${progress.allowedCallsPerSecond}` : ''}`];
      if (progress.etaSeconds !== null) parts.push(`ETA ${seconds(progress.etaSeconds)}`);
      if (now.running === 0 && now.queued === 0 && progress.nextAttemptAt) parts.push(`next retry at ${progress.nextAttemptAt.slice(11, 19)} UTC`);
      ctx.progress(parts.join(' · '));
    }
    await Promise.race([sleep(250), ctx.stopped]);
  }
}
