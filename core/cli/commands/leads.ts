import path from 'node:path';
import type { ImportStatus, Lead } from '../../contract/leads.ts';
import { AppError } from '../../errors.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, EXIT, UsageError } from '../command.ts';
import { writeCsvPieces } from '../write-csv.ts';

const LIST_LIMIT = 100;

export const leadsCommand: Command = {
  name: 'leads',
  summary: 'Import, list and export a workspace\'s leads',
  usage: [
    'syncdesk leads import <file.csv> --workspace <id> [--map \'{"<csv header>": "<lead field>"}\'] [--json]',
    'syncdesk leads list --workspace <id> [--search <words>] [--flagged] [--json]',
    'syncdesk leads export --workspace <id> --out <file.csv> [--search <words>] [--flagged]',
  ].join('\n       '),
  options: {
    workspace: { type: 'string' },
    map: { type: 'string' },
    search: { type: 'string' },
    flagged: { type: 'boolean' },
    out: { type: 'string' },
  },
  async run(ctx) {
    const [action, ...rest] = ctx.args;
    const workspaceId = typeof ctx.options.workspace === 'string' ? ctx.options.workspace : '';
    if (!workspaceId) throw new UsageError('--workspace <id> is required (see `syncdesk workspace list`).');
    const search = typeof ctx.options.search === 'string' ? ctx.options.search : undefined;
    const flaggedOnly = Boolean(ctx.options.flagged) || undefined;
    const services = await createHeadlessServices({ dataDir: ctx.dataDir, host: 'cli' });
    try {
      services.workspaces.get(workspaceId);
      switch (action) {
        case 'import': {
          const file = rest[0];
          if (!file) throw new UsageError('Name the CSV file to import.');
          const map = parseMap(ctx.options.map);
          const controller = new AbortController();
          void ctx.stopped.then(() => controller.abort());
          let lastLine = Date.now();
          const { status, assignments } = await services.leadImports.importFile({
            workspaceId,
            file: path.resolve(file),
            map,
            signal: controller.signal,
            onProgress: (s) => {
              if (s.state !== 'running' || Date.now() - lastLine < 1000) return;
              lastLine = Date.now();
              ctx.progress(`imported ${s.rowsDone.toLocaleString('en-US')} of ~${s.rowsTotalEstimate.toLocaleString('en-US')} rows (${s.rowsPerSecond.toLocaleString('en-US')} rows/s)`);
            },
          });
          if (status.state === 'cancelled') {
            ctx.print('Import cancelled; nothing was imported.', { ok: false, state: status.state });
            return EXIT.interrupted;
          }
          if (status.state === 'failed') throw new AppError('internal', status.error ?? 'The import failed; nothing was imported.');
          ctx.print(describeImport(status, assignments), {
            ok: true,
            importId: status.importId,
            imported: status.imported,
            flagged: status.flagged,
            skipped: status.skipped,
            flaggedRows: status.flaggedRows,
            assignments,
          });
          return EXIT.ok;
        }
        case 'list': {
          const page = services.leads.list({ workspaceId, search, flaggedOnly, sort: { field: 'createdAt', direction: 'desc' }, limit: LIST_LIMIT });
          const total = page.total ?? page.items.length;
          const lines = page.items.map(formatLead);
          const more = total > page.items.length ? `\n… and ${(total - page.items.length).toLocaleString('en-US')} more (export them with \`syncdesk leads export\`).` : '';
          ctx.print(lines.length ? `${lines.join('\n')}${more}` : 'No leads match.', { total, items: page.items });
          return EXIT.ok;
        }
        case 'export': {
          const out = typeof ctx.options.out === 'string' ? ctx.options.out : '';
          if (!out) throw new UsageError('--out <file.csv> is required.');
          const { file: target, rows } = writeCsvPieces(out, (after) => services.leadImports.exportCsv({ workspaceId, search, flaggedOnly, after }));
          ctx.print(`Exported ${rows.toLocaleString('en-US')} leads to ${target}.`, { rows, file: target });
          return EXIT.ok;
        }
        default:
          throw new UsageError(`Unknown action "${action ?? ''}". Use import, list or export.`);
      }
    } finally {
      services.close();
    }
  },
};

function parseMap(value: unknown): Record<string, string | null> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    throw new UsageError('--map must be JSON such as {"E-mail": "email", "Firma": "company"}.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--map must be a JSON object of CSV header → lead field.');
  for (const [header, target] of Object.entries(parsed)) {
    if (target !== null && typeof target !== 'string') throw new UsageError(`--map: the field for "${header}" must be a field key or null.`);
  }
  return parsed as Record<string, string | null>;
}

function describeImport(status: ImportStatus, assignments: Array<{ header: string; target: string | null }>): string {
  const mapped = assignments.map((a) => `  ${a.header} → ${a.target ?? '(ignored)'}`).join('\n');
  const lines = [
    `Imported ${count(status.imported, 'lead')} from ${status.fileName} in ${(status.elapsedMs / 1000).toFixed(1)} s.`,
    `Columns:\n${mapped}`,
  ];
  if (status.flagged > 0) {
    const shown = status.flaggedRows.join(', ');
    lines.push(`Flagged ${count(status.flagged, 'row')} (imported; fix them before pushing): ${status.flaggedRows.length === 1 ? 'row' : 'rows'} ${shown}${status.flagged > status.flaggedRows.length ? ', …' : ''}.`);
  }
  if (status.skipped > 0) lines.push(`Skipped ${count(status.skipped, 'blank row')}.`);
  return lines.join('\n');
}

function formatLead(lead: Lead): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ') || '(no name)';
  const flag = lead.problems.length > 0 ? `  ⚑ ${lead.problems.map((p) => p.message).join(' ')}` : '';
  return `${lead.id.padStart(6)}  ${name}  <${lead.email || 'no email'}>  ${lead.company}${flag}`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
