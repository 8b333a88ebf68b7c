import fs from 'node:fs';
import path from 'node:path';
import type { MappingRow, PushSettings, SettingsProblem, Transform } from '../../contract/mapping.ts';
import { AppError } from '../../errors.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, type CommandContext, EXIT, UsageError } from '../command.ts';

export function workspaceOption(ctx: CommandContext): string {
  const id = typeof ctx.options.workspace === 'string' ? ctx.options.workspace : '';
  if (!id) throw new UsageError('--workspace <id> is required (see `syncdesk workspace list`).');
  return id;
}

export const mappingCommand: Command = {
  name: 'mapping',
  summary: "Show or set a workspace's push settings (field and company mapping, list, filter, advanced)",
  usage: ['syncdesk mapping show --workspace <id> [--json]', 'syncdesk mapping set --workspace <id> --file <settings.json>'].join('\n       '),
  options: { workspace: { type: 'string' }, file: { type: 'string' } },
  async run(ctx) {
    const [action] = ctx.args;
    if (action !== 'show' && action !== 'set') throw new UsageError(`Unknown action "${action ?? ''}". Use show or set.`);
    const workspaceId = workspaceOption(ctx);
    let input: unknown;
    if (action === 'set') {
      const file = typeof ctx.options.file === 'string' ? ctx.options.file : '';
      if (!file) throw new UsageError('--file <settings.json> is required: the settings as `syncdesk mapping show --json` prints them.');
      input = readSettingsFile(path.resolve(file));
    }
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      services.workspaces.get(workspaceId);
      const state = action === 'set' ? services.mapping.save(workspaceId, input) : services.mapping.get(workspaceId);
      const check = services.mapping.check(workspaceId);
      const lines = [
        action === 'set' ? `Saved the push settings of ${workspaceId}.` : state.saved ? `Push settings of ${workspaceId} (saved ${state.updatedAt}):` : `Push settings of ${workspaceId} (the defaults; never saved):`,
        '',
        describeSettings(state.settings),
        '',
        describeProblems(check.problems, check.contactsFetchedAt),
      ];
      ctx.print(lines.join('\n'), { workspaceId, saved: state.saved, updatedAt: state.updatedAt, settings: state.settings, problems: check.problems });
      return EXIT.ok;
    } finally {
      services.close();
    }
  },
};

function readSettingsFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AppError('validation', `${path.basename(file)} is not valid JSON: ${(error as Error).message}`);
  }
  // The output of `mapping show --json` works as input: its settings are taken.
  if (parsed && typeof parsed === 'object' && 'settings' in parsed && !('contact' in parsed)) return (parsed as { settings: unknown }).settings;
  return parsed;
}

const RULE_WORDS = { overwrite: 'overwrite', fillIfEmpty: 'fill if empty', neverOverwrite: 'never overwrite' } as const;

export function describeTransform(t: Transform): string {
  switch (t.kind) {
    case 'trim':
      return 'trim';
    case 'lowercase':
      return 'lower-case';
    case 'splitName':
      return `${t.part} name`;
    case 'phoneE164':
      return 'phone E.164';
    case 'date':
      return t.order === 'auto' ? 'date' : `date (${t.order})`;
    case 'domain':
      return 'domain';
    case 'valueMap':
      return `value map (${t.entries.length}${t.fallback.mode === 'keep' ? '' : t.fallback.mode === 'empty' ? ', else empty' : `, else "${t.fallback.value}"`})`;
  }
}

function describeRows(rows: readonly MappingRow[]): string[] {
  if (rows.length === 0) return ['  (none)'];
  return rows.map((r, i) => {
    const transforms = r.transforms.length ? `  [${r.transforms.map(describeTransform).join(', ')}]` : '';
    return `  ${String(i + 1).padStart(2)}. ${r.enabled ? '✓' : '✗'} ${r.source} → ${r.property}${transforms}  (${RULE_WORDS[r.updateRule]})`;
  });
}

function describeSettings(s: PushSettings): string {
  const filter = s.filter.enabled && s.filter.rules.length
    ? s.filter.rules.map((r) => `${r.field} ${r.op}${r.op === 'equals' || r.op === 'contains' ? ` "${r.value}"` : ''}`).join(s.filter.match === 'all' ? ' AND ' : ' OR ')
    : 'off (every lead)';
  return [
    'Field Mapping (lead field → contact property):',
    ...describeRows(s.contact.rows),
    `Company Mapping: ${s.company.enabled ? `on, on failure: ${s.company.onFailure === 'skip' ? 'skip (the contact still syncs)' : 'fail sync'}` : 'off'}`,
    ...(s.company.enabled ? describeRows(s.company.rows) : []),
    `List: ${s.list.listId ? `${s.list.listName ?? 'list'} (${s.list.listId}${s.list.processingType ? `, ${s.list.processingType}` : ''})` : 'none'}`,
    `Inclusion filter: ${filter}`,
    `Advanced: deduplicate contacts ${s.advanced.dedupeContacts ? 'on' : 'off'}, sync leads without an email ${s.advanced.syncWithoutEmail ? 'on' : 'off'}, phone fallback ${
      s.advanced.phoneFallback ? 'on' : 'off'
    }, Auto-Sync ${s.advanced.autoSync ? 'on' : 'off'}`,
  ].join('\n');
}

function describeProblems(problems: readonly SettingsProblem[], fetchedAt: string | null): string {
  if (problems.length === 0) return `No problems found${fetchedAt ? ` (properties read ${fetchedAt})` : ''}.`;
  return [`${problems.length} problem${problems.length === 1 ? '' : 's'}:`, ...problems.map((p) => `  ${p.severity === 'error' ? '✗' : '!'} [${p.tab}${p.rowId ? ` ${p.rowId}` : ''}] ${p.message} → ${p.fix}`)].join('\n');
}
