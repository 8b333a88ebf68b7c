import { JOB_STATE_LABELS, JOB_STATES, type JobState, type JobSummary } from '../../contract/push.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, EXIT, UsageError } from '../command.ts';
import { writeCsvPieces } from '../write-csv.ts';
import { workspaceOption } from './mapping.ts';

/** One job as `jobs list --json` prints it. */
function jobLine(job: JobSummary) {
  return {
    jobId: job.jobId,
    leadId: job.leadId,
    lead: job.leadLabel,
    email: job.leadEmail,
    state: job.state,
    attempts: job.attempts,
    errorCode: job.error?.code ?? null,
    errorTitle: job.error?.title ?? null,
    errorMessage: job.error?.message ?? null,
    contactId: job.contactId,
    companyId: job.companyId,
    list: job.listResult,
    nextAttemptAt: job.nextAttemptAt,
    updatedAt: job.updatedAt,
    cancelReason: job.cancelReason,
  };
}

/** `syncdesk jobs list|retry`: the push queue and its failures, for scripts and support. */
export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'List push jobs (filter by state), retry failed ones, or export Sync History as CSV',
  usage:
    'syncdesk jobs list --workspace <id> [--status <state>…] [--limit <n>] [--json]\n       syncdesk jobs retry --workspace <id> (--job <id> | --failed) [--json]\n' +
    '       syncdesk jobs export --workspace <id> --out <file.csv> [--errors-only] [--search <words>] [--json]',
  options: {
    workspace: { type: 'string' },
    status: { type: 'string', multiple: true },
    limit: { type: 'string' },
    job: { type: 'string' },
    failed: { type: 'boolean' },
    out: { type: 'string' },
    'errors-only': { type: 'boolean' },
    search: { type: 'string' },
  },
  async run(ctx) {
    const sub = ctx.args[0];
    if (sub !== 'list' && sub !== 'retry' && sub !== 'export') throw new UsageError('Use `syncdesk jobs list`, `syncdesk jobs retry` or `syncdesk jobs export`.');
    const workspaceId = workspaceOption(ctx);
    const statuses = ((ctx.options.status as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim().replaceAll('-', '_'));
    for (const s of statuses) {
      if (!(JOB_STATES as readonly string[]).includes(s)) throw new UsageError(`--status ${s}: use one of ${JOB_STATES.join(', ')}.`);
    }
    const limit = ctx.options.limit === undefined ? 100 : Number(ctx.options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UsageError('--limit must be a number from 1 to 100000.');
    if (sub === 'retry' && Boolean(ctx.options.job) === Boolean(ctx.options.failed)) throw new UsageError('Give either --job <id> or --failed.');
    const out = typeof ctx.options.out === 'string' ? ctx.options.out : '';
    if (sub === 'export' && !out) throw new UsageError('--out <file.csv> is required.');

    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      services.workspaces.get(workspaceId);
      if (sub === 'export') {
        // Every attempt (or the failures) newest first.
        const filter = { ...(ctx.options['errors-only'] ? { errorsOnly: true } : {}), ...(typeof ctx.options.search === 'string' ? { search: ctx.options.search } : {}) };
        const { file: target, rows } = writeCsvPieces(out, (after) => services.push.exportHistoryCsv(workspaceId, filter, after));
        ctx.print(`Exported ${rows.toLocaleString('en-US')} attempt${rows === 1 ? '' : 's'} to ${target}.`, { rows, file: target });
        return EXIT.ok;
      }
      if (sub === 'list') {
        const jobs: JobSummary[] = [];
        let after: string | undefined;
        do {
          const page = services.push.jobs(workspaceId, statuses.length ? { states: statuses as JobState[] } : {}, Math.min(500, limit - jobs.length), after);
          jobs.push(...page.items);
          after = page.next;
        } while (after && jobs.length < limit);
        const lines = jobs.map(jobLine);
        const human = lines.length
          ? lines
              .map(
                (j) =>
                  `${j.jobId.padStart(6)}  lead ${j.leadId.padEnd(6)} ${JOB_STATE_LABELS[j.state as JobState].padEnd(24)} ${String(j.attempts).padStart(2)} attempt${j.attempts === 1 ? ' ' : 's'}  ` +
                  `${j.contactId ? `contact ${j.contactId}` : ''}${j.companyId ? ` company ${j.companyId}` : ''}${j.errorTitle ? `  ${j.errorTitle}: ${j.errorMessage}` : ''}`,
              )
              .join('\n')
          : 'No jobs.';
        ctx.print(human, { jobs: lines });
        return EXIT.ok;
      }
      if (ctx.options.job) {
        const job = services.push.retry(workspaceId, String(ctx.options.job));
        ctx.print(`Job ${job.jobId} is queued again. A running Syncdesk pushes it; or run \`syncdesk push --workspace ${workspaceId} --wait\`.`, { job: jobLine(job) });
        return EXIT.ok;
      }
      const result = await services.push.retryFailed(workspaceId, {}, false);
      ctx.print(`Queued ${result.retried} of ${result.count} failed job${result.count === 1 ? '' : 's'} again.`, result);
      return EXIT.ok;
    } finally {
      services.close();
    }
  },
};
