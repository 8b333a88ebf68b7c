import type { MirrorRun } from '../../contract/mirror.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, EXIT, UsageError } from '../command.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

function describeRun(run: MirrorRun): string {
  const lines = [`Run ${run.id}: ${run.status} in ${((run.durationMs ?? 0) / 1000).toFixed(1)} s — ${fmt(run.fetched)} fetched, ${fmt(run.created)} new, ${fmt(run.updated)} updated, ${fmt(run.deleted)} deleted`];
  for (const s of run.streams) {
    const note = s.warning ?? s.error?.message ?? '';
    lines.push(
      `  ${s.stream.padEnd(22)} ${s.status.padEnd(9)} ${s.mode.padEnd(11)} ${fmt(s.fetched).padStart(9)} fetched ${fmt(s.created).padStart(8)} new ${fmt(s.updated).padStart(8)} upd ${fmt(s.deleted).padStart(6)} del${s.cursor ? `  cursor ${s.cursor}` : ''}${note ? `  ${note}` : ''}`,
    );
  }
  return lines.join('\n');
}

export const mirrorCommand: Command = {
  name: 'mirror',
  summary: 'Mirror HubSpot (and Stripe) into the workspace database: full or incremental',
  usage: 'syncdesk mirror --workspace <id> [--full | --incremental] [--stream <name>]… [--json]',
  options: {
    workspace: { type: 'string' },
    full: { type: 'boolean' },
    incremental: { type: 'boolean' },
    stream: { type: 'string', multiple: true },
  },
  async run(ctx) {
    const workspaceId = ctx.options.workspace;
    if (typeof workspaceId !== 'string' || !workspaceId) throw new UsageError('--workspace <id> is required (see `syncdesk workspace list`).');
    if (ctx.options.full && ctx.options.incremental) throw new UsageError('Choose one of --full and --incremental.');
    const mode = ctx.options.full ? 'full' : 'incremental';
    const streams = (ctx.options.stream as string[] | undefined) ?? [];
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    const unsubscribe = services.events.subscribe((event, payload) => {
      if (event !== 'mirror.onDidProgress') return;
      const p = payload as { stream: string; fetched: number; created: number; updated: number; deleted: number; perSecond: number; done: boolean };
      ctx.progress(`${p.stream}: ${fmt(p.fetched)} fetched, ${fmt(p.created)} new, ${fmt(p.updated)} updated, ${fmt(p.deleted)} deleted (${fmt(p.perSecond)}/s)${p.done ? ' — done' : ''}`);
    });
    let interrupted = false;
    void ctx.stopped.then(() => {
      interrupted = true;
      services.mirror.cancel(workspaceId);
    });
    try {
      services.workspaces.get(workspaceId);
      const run = await services.mirror.runAndWait(workspaceId, { mode, streams, trigger: 'cli' });
      ctx.print(describeRun(run), {
        runId: run.id,
        status: run.status,
        mode: run.mode,
        durationMs: run.durationMs,
        counts: { fetched: run.fetched, created: run.created, updated: run.updated, deleted: run.deleted },
        streams: run.streams,
      });
      if (interrupted || run.status === 'cancelled') return EXIT.interrupted;
      return run.status === 'succeeded' ? EXIT.ok : EXIT.failed;
    } finally {
      unsubscribe();
      await services.shutdown();
    }
  },
};
