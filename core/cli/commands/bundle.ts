import fs from 'node:fs';
import path from 'node:path';
import type { OutcomeComparison, ReplayView } from '../../contract/support.ts';
import { AppError } from '../../errors.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, EXIT, UsageError } from '../command.ts';
import { workspaceOption } from './mapping.ts';

/** `syncdesk bundle export`: Report an issue from a script — one job's support bundle in a file. */
export const bundleCommand: Command = {
  name: 'bundle',
  summary: "Write a job's support bundle (secrets removed; --mask for personal data)",
  usage: 'syncdesk bundle export --workspace <id> --job <id> --out <file> [--mask] [--note <text>] [--json]',
  options: { workspace: { type: 'string' }, job: { type: 'string' }, out: { type: 'string' }, mask: { type: 'boolean' }, note: { type: 'string' } },
  async run(ctx) {
    if (ctx.args[0] !== 'export') throw new UsageError('Use `syncdesk bundle export --workspace <id> --job <id> --out <file>`.');
    const workspaceId = workspaceOption(ctx);
    const jobId = typeof ctx.options.job === 'string' ? ctx.options.job : '';
    if (!jobId) throw new UsageError('Give the job with --job <id> (see `syncdesk jobs list`).');
    const out = typeof ctx.options.out === 'string' ? ctx.options.out : '';
    if (!out) throw new UsageError('Give the file to write with --out <file>.');
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      services.workspaces.get(workspaceId);
      const bundle = await services.support.exportBundle({ workspaceId, jobId, mask: Boolean(ctx.options.mask), note: typeof ctx.options.note === 'string' ? ctx.options.note : '' });
      const file = path.resolve(out);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bundle.text);
      const { text: _text, ...summary } = bundle;
      ctx.print(
        `Wrote ${file} (${bundle.bytes.toLocaleString('en-US')} bytes): job ${jobId}, ${bundle.attempts} attempt${bundle.attempts === 1 ? '' : 's'}, ${bundle.exchanges} HTTP call${bundle.exchanges === 1 ? '' : 's'}, ${bundle.properties} property definitions; secrets removed${bundle.masked ? ', personal data masked' : ''}.`,
        { ...summary, file },
      );
      return EXIT.ok;
    } finally {
      services.close();
    }
  },
};

function describe(comparison: OutcomeComparison): string {
  const lines = [`${comparison.verdict.toUpperCase()}: ${comparison.summary}`, '', `${'step'.padEnd(9)}${'original'.padEnd(44)}replay`];
  for (const s of comparison.steps) {
    const side = (o: { label: string; error: { title: string } | null }) => `${o.label}${o.error ? ` — ${o.error.title}` : ''}`;
    lines.push(`${s.step.padEnd(9)}${side(s.before).slice(0, 42).padEnd(44)}${side(s.after)}${s.changed ? '   (changed)' : ''}`);
  }
  if (comparison.properties.length > 0) {
    lines.push('', 'properties sent (original → replay):');
    for (const p of comparison.properties) lines.push(`  ${p.object === 'company' ? 'company.' : ''}${p.property}: ${p.before ?? '(not sent)'} → ${p.after ?? '(not sent)'}`);
  }
  return lines.join('\n');
}

/**
 * `syncdesk replay <bundle>`: imports a bundle and replays its job through the push engine, against
 * a fresh sandbox portal seeded from the bundle (default) or a workspace's portal, and prints the
 * original beside the replay. Exit 0 when the replay reproduces the original or fixes it (both are
 * answers a support agent can act on); 1 when it ends differently, can't run, or hasn't ended
 * within --wait seconds.
 */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'Import a support bundle and replay its job; prints the original beside the replay',
  usage: 'syncdesk replay <bundle.json> [--workspace <id>] [--wait <seconds>] [--json]',
  options: { workspace: { type: 'string' }, wait: { type: 'string' } },
  async run(ctx) {
    const file = ctx.args[0];
    if (!file) throw new UsageError('Give the bundle file: `syncdesk replay <bundle.json>`.');
    const wait = ctx.options.wait === undefined ? 120 : Number(ctx.options.wait);
    if (!Number.isFinite(wait) || wait < 1 || wait > 600) throw new UsageError('--wait must be a number of seconds from 1 to 600.');
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(file), 'utf8');
    } catch (error) {
      throw new AppError('not_found', `Can't read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
    }
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      const imported = services.support.importBundle({ fileName: path.basename(file), text });
      const target = typeof ctx.options.workspace === 'string' ? { kind: 'workspace' as const, workspaceId: ctx.options.workspace } : { kind: 'sandbox' as const };
      ctx.progress(`Replaying job ${imported.leadLabel ? `of ${imported.leadLabel} ` : ''}from ${imported.workspaceName} against ${target.kind === 'sandbox' ? 'a new sandbox portal' : `workspace ${target.workspaceId}`}…`);
      const replay: ReplayView = await services.support.replay(imported.bundleId, target, wait * 1000);
      ctx.print(`${describe(replay.comparison)}\n\nReplay workspace ${replay.workspaceId}, job ${replay.jobId} (${replay.targetLabel}).`, {
        bundleId: imported.bundleId,
        replayId: replay.replayId,
        workspaceId: replay.workspaceId,
        jobId: replay.jobId,
        target: replay.targetLabel,
        seeded: replay.seeded,
        verdict: replay.comparison.verdict,
        summary: replay.comparison.summary,
        original: replay.comparison.before,
        replay: replay.comparison.after,
        steps: replay.comparison.steps,
        properties: replay.comparison.properties,
      });
      return replay.comparison.verdict === 'reproduced' || replay.comparison.verdict === 'fixed' ? EXIT.ok : EXIT.failed;
    } finally {
      await services.push.runner?.stop();
      services.close();
    }
  },
};
