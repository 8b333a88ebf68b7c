import type { TestLeadReport } from '../../contract/mapping.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, EXIT } from '../command.ts';
import { workspaceOption } from './mapping.ts';

/** Exit code 0 only when every mapping passed: scripts can gate a push on it. */
export const testLeadCommand: Command = {
  name: 'test-lead',
  summary: 'Send test lead: check the mapping against the live portal with a disposable contact',
  usage: 'syncdesk test-lead --workspace <id> [--lead <lead id>] [--keep] [--json]',
  options: { workspace: { type: 'string' }, lead: { type: 'string' }, keep: { type: 'boolean' } },
  async run(ctx) {
    const workspaceId = workspaceOption(ctx);
    const leadId = typeof ctx.options.lead === 'string' ? ctx.options.lead : undefined;
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      services.workspaces.get(workspaceId);
      ctx.progress(`Checking the mapping against the live portal with ${leadId ? `lead ${leadId}` : 'the sample lead'}…`);
      let report = await services.mapping.sendTestLead(workspaceId, leadId);
      if (report.contactId && !ctx.options.keep) {
        const run = await services.mapping.deleteTestContact(workspaceId, report.runId);
        report = { ...report, deletedAt: run.deletedAt };
      }
      ctx.print(describeReport(report), report);
      return report.result === 'passed' ? EXIT.ok : EXIT.failed;
    } finally {
      services.close();
    }
  },
};

function describeReport(report: TestLeadReport): string {
  const mark = { ok: '✓', problem: '✗', skipped: '–' } as const;
  const lines = [
    `${report.result === 'passed' ? 'Passed' : report.result === 'problems' ? 'Problems' : 'Failed'}: ${report.message}`,
    `Lead: ${report.leadLabel}${report.leadId ? ` (${report.leadId})` : ''}; test address ${report.email}`,
    ...report.properties.map((p) => `  ${mark[p.status]} ${p.object === 'company' ? 'company ' : ''}${p.property} = ${JSON.stringify(p.value.length > 60 ? `${p.value.slice(0, 57)}…` : p.value)}${p.message ? `  — ${p.message}` : ''}`),
  ];
  if (report.list) lines.push(`List: ${report.list.message}`);
  for (const s of report.skip) lines.push(`Note: this lead would not be pushed: ${s.message}`);
  if (report.contactId) {
    lines.push(
      report.deletedAt
        ? `Test contact ${report.contactId} was deleted again (archived).`
        : `Test contact ${report.contactId} was kept${report.recordUrl ? `: ${report.recordUrl}` : ''}. Delete it in HubSpot when done.`,
    );
  }
  return lines.join('\n');
}
