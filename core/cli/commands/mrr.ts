import type { BillingCustomer } from '../../contract/mirror.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, EXIT, UsageError } from '../command.ts';

const show = (amounts: Array<{ currency: string; mrrMinor: string }>) => (amounts.length ? amounts.map((a) => `${a.mrrMinor} ${a.currency.toUpperCase()} (minor units)`).join(', ') : '—');

export const mrrCommand: Command = {
  name: 'mrr',
  summary: 'MRR from the mirrored Stripe data: per customer and totals per currency',
  usage: 'syncdesk mrr --workspace <id> [--json]',
  options: { workspace: { type: 'string' } },
  async run(ctx) {
    const workspaceId = ctx.options.workspace;
    if (typeof workspaceId !== 'string' || !workspaceId) throw new UsageError('--workspace <id> is required (see `syncdesk workspace list`).');
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      services.workspaces.get(workspaceId);
      const summary = await services.billing.summary(workspaceId);
      const customers: BillingCustomer[] = [];
      let after: string | undefined;
      do {
        const page = services.billing.customers(workspaceId, { limit: 500, ...(after ? { after } : {}) });
        customers.push(...page.items.filter((c) => c.mrr.length > 0));
        after = page.next;
      } while (after);
      const lines = [
        `MRR totals: ${show(summary.totals)} — ${summary.countedSubscriptions} of ${summary.subscriptions} subscriptions counted, ${summary.customers} customers (${summary.linkedCustomers} linked to companies)`,
        ...customers.map((c) => `  ${c.id}  ${c.name}${c.company ? ` → ${c.company.label} (${c.company.method})` : ''}: ${show(c.mrr)}`),
      ];
      ctx.print(lines.join('\n'), {
        totals: summary.totals,
        customers: customers.map((c) => ({ customerId: c.id, name: c.name, company: c.company, mrr: c.mrr })),
        subscriptions: summary.subscriptions,
        countedSubscriptions: summary.countedSubscriptions,
        lastSyncAt: summary.lastSyncAt,
      });
      return EXIT.ok;
    } finally {
      services.close();
    }
  },
};
