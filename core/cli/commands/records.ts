import { RecordObjectType } from '../../contract/mirror.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, EXIT, UsageError } from '../command.ts';

export const recordsCommand: Command = {
  name: 'records',
  summary: 'List mirrored HubSpot records (offline, from the workspace database)',
  usage: 'syncdesk records list --workspace <id> --object <contacts|companies|deals> [--deleted] [--search <q>] [--limit <n>] [--after <cursor>] [--json]',
  options: {
    workspace: { type: 'string' },
    object: { type: 'string' },
    deleted: { type: 'boolean' },
    search: { type: 'string' },
    limit: { type: 'string' },
    after: { type: 'string' },
  },
  async run(ctx) {
    const [action] = ctx.args;
    if (action !== 'list') throw new UsageError(`Unknown action "${action ?? ''}". Use list.`);
    const workspaceId = ctx.options.workspace;
    if (typeof workspaceId !== 'string' || !workspaceId) throw new UsageError('--workspace <id> is required (see `syncdesk workspace list`).');
    const objectType = RecordObjectType.safeParse(ctx.options.object);
    if (!objectType.success) throw new UsageError('--object must be contacts, companies or deals.');
    const limit = ctx.options.limit === undefined ? 50 : Number(ctx.options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit must be a whole number from 1 to 500.');
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      services.workspaces.get(workspaceId);
      const page = services.records.list(workspaceId, {
        objectType: objectType.data,
        deleted: Boolean(ctx.options.deleted),
        limit,
        ...(typeof ctx.options.search === 'string' ? { search: ctx.options.search } : {}),
        ...(typeof ctx.options.after === 'string' ? { after: ctx.options.after } : {}),
      });
      const lines = page.items.map((r) => `${r.id.padStart(12)}  ${r.label}${r.subtitle ? `  (${r.subtitle})` : ''}${r.archived ? '  [deleted]' : ''}`);
      lines.push(`${page.items.length} of ${page.total.toLocaleString('en-US')}${page.next ? ` — next page: --after ${page.next}` : ''}`);
      ctx.print(lines.join('\n'), page);
      return EXIT.ok;
    } finally {
      services.close();
    }
  },
};
