import { WorkspaceKind, WorkspaceName } from '../../contract/workspaces.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, EXIT, UsageError } from '../command.ts';

export const workspaceCommand: Command = {
  name: 'workspace',
  summary: 'Create, list, rename and delete workspaces',
  usage: [
    'syncdesk workspace create --name <name> [--kind hubspot|sandbox]',
    'syncdesk workspace list [--json]',
    'syncdesk workspace rename --workspace <id> --name <name>',
    'syncdesk workspace delete --workspace <id> --yes',
  ].join('\n       '),
  options: {
    name: { type: 'string' },
    kind: { type: 'string' },
    workspace: { type: 'string' },
    yes: { type: 'boolean' },
  },
  async run(ctx) {
    const [action] = ctx.args;
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      switch (action) {
        case 'create': {
          const name = WorkspaceName.safeParse(ctx.options.name ?? '');
          if (!name.success) throw new UsageError(`--name: ${name.error.issues[0]?.message}`);
          const kind = WorkspaceKind.safeParse(ctx.options.kind ?? 'hubspot');
          if (!kind.success) throw new UsageError('--kind must be hubspot or sandbox.');
          const workspace = services.workspaces.create({ name: name.data, kind: kind.data });
          ctx.print(workspace.id, workspace);
          return EXIT.ok;
        }
        case 'list': {
          const { workspaces } = services.workspaces.list();
          const lines = workspaces.map((w) => `${w.id}  ${w.kind.padEnd(7)}  ${w.name}`);
          ctx.print(lines.length ? lines.join('\n') : 'No workspaces yet. Create one with `syncdesk workspace create --name <name>`.', workspaces);
          return EXIT.ok;
        }
        case 'rename': {
          const id = requireWorkspace(ctx.options.workspace);
          const name = WorkspaceName.safeParse(ctx.options.name ?? '');
          if (!name.success) throw new UsageError(`--name: ${name.error.issues[0]?.message}`);
          const workspace = services.workspaces.rename({ id, name: name.data });
          ctx.print(`Renamed ${workspace.id} to "${workspace.name}".`, workspace);
          return EXIT.ok;
        }
        case 'delete': {
          const id = requireWorkspace(ctx.options.workspace);
          if (!ctx.options.yes) throw new UsageError('Deleting removes every local lead, mapping and history of the workspace. Add --yes to confirm.');
          await services.workspaces.delete({ id });
          ctx.print(`Deleted ${id}.`, { id });
          return EXIT.ok;
        }
        default:
          throw new UsageError(`Unknown action "${action ?? ''}". Use create, list, rename or delete.`);
      }
    } finally {
      services.close();
    }
  },
};

function requireWorkspace(value: unknown): string {
  if (typeof value !== 'string' || !value) throw new UsageError('--workspace <id> is required (see `syncdesk workspace list`).');
  return value;
}
