import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportPreview, ImportStatus, Lead, LeadPage, LeadsChanged } from '../../contract/leads.ts';
import { createTestServices, type TestServices } from '../../../test/harness/services.ts';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'csv');

let t: TestServices;
let workspaceId: string;

const call = async <T = unknown>(method: string, input: unknown): Promise<T> => {
  const result = await t.services.router.handle(method, input, { client: 'test' });
  if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.message}`), { data: result.error });
  return result.value as T;
};
const fail = async (method: string, input: unknown) => {
  const result = await t.services.router.handle(method, input, { client: 'test' });
  if (result.ok) throw new Error(`${method} should have failed`);
  return result.error;
};

beforeEach(async () => {
  t = createTestServices();
  workspaceId = (await call<{ id: string }>('workspaces.create', { name: 'Acme' })).id;
});
afterEach(() => t.cleanup());

/** Uploads bytes through the contract in small pieces, as the renderer does. */
async function stage(bytes: Buffer, fileName = 'leads.csv', pieceBytes = 97): Promise<string> {
  const { importId } = await call<{ importId: string }>('leads.importBegin', { workspaceId, fileName, size: bytes.length });
  for (let offset = 0; offset < bytes.length; offset += pieceBytes) {
    await call('leads.importChunk', { importId, offset, data: bytes.subarray(offset, offset + pieceBytes).toString('base64') });
  }
  return importId;
}

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

async function importFixture(name: string, adjust?: (p: ImportPreview) => Partial<{ assignments: unknown; settings: unknown }>) {
  const importId = await stage(fixture(name), name);
  const preview = await call<ImportPreview>('leads.importPreview', { importId });
  await call('leads.importCommit', { importId, settings: preview.settings, assignments: preview.assignments, ...adjust?.(preview) });
  const status = await t.services.leadImports.settled(importId);
  const leads = await call<LeadPage>('leads.list', { workspaceId, importId, sort: { field: 'createdAt', direction: 'asc' }, limit: 500 });
  return { importId, preview, status, leads: leads.items };
}

async function report(importId: string): Promise<string> {
  let csv = '';
  for (let after: string | undefined, first = true; first || after; first = false) {
    const piece = await call<{ csv: string; next?: string }>('leads.importReport', { importId, ...(after ? { after } : {}) });
    csv += piece.csv;
    after = piece.next;
  }
  return csv;
}

describe('CSV import', () => {
  it('reads UTF-8 with a BOM, CRLF, quoted line breaks and emoji, and suggests fields from header names', async () => {
    const { preview, status, leads } = await importFixture('utf8-bom-crlf.csv');
    expect(preview.detected).toEqual({ encoding: 'utf-8', delimiter: ',', quote: '"', hasHeader: true });
    expect(preview.columns.map((c) => c.header)).toEqual(['First Name', 'Last Name', 'E-mail', 'Phone', 'Company', 'Notes']);
    expect(preview.assignments.map((a) => a.target)).toEqual(['firstName', 'lastName', 'email', 'phone', 'company', 'notes']);
    expect(status).toMatchObject({ state: 'done', imported: 3, flagged: 1, flaggedRows: [4], skipped: 0 });
    expect(leads[0]).toMatchObject({ firstName: 'Anna', company: 'Berg & Söner, AB', notes: 'Met at the fair 🎉\r\nWants a demo in "Q3"' });
    expect(leads[2]!.problems.map((p) => p.code)).toEqual(['invalid_email']);
  });

  it('detects Windows-1252 with semicolons and German headers', async () => {
    const { preview, leads, status } = await importFixture('latin1-semicolon.csv');
    expect(preview.detected).toMatchObject({ encoding: 'windows-1252', delimiter: ';', hasHeader: true });
    expect(preview.assignments.map((a) => a.target)).toEqual(['firstName', 'lastName', 'email', 'phone', 'company', 'jobTitle']);
    expect(preview.warnings.join(' ')).toMatch(/Windows-1252/);
    expect(leads.map((l) => `${l.firstName} ${l.lastName} · ${l.company}`)).toEqual([
      'Jürgen Größe · Müller GmbH',
      'Renée Dubois · Société Générale',
      'Bjørn Ødegård · Fjord AS',
    ]);
    expect(status.flaggedRows).toEqual([4]); // phone "12"
  });

  it('reads UTF-16 LE (tabs) and UTF-16 BE (pipes) with BOMs, splitting a full-name column', async () => {
    const le = await importFixture('utf16le-tab.csv');
    expect(le.preview.detected).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
    expect(le.leads.map((l) => [l.firstName, l.lastName, l.company])).toEqual([
      ['美咲', '佐藤', '佐藤商事'],
      ['Олег', 'Иванов', 'Иванов и Ко'],
    ]);
    const be = await importFixture('utf16be-pipe.csv');
    expect(be.preview.detected).toMatchObject({ encoding: 'utf-16be', delimiter: '|' });
    expect(be.preview.assignments.map((a) => a.target)).toEqual(['fullName', 'email', 'website']);
    expect(be.leads.map((l) => [l.firstName, l.lastName])).toEqual([
      ['Chloé', 'Martin'],
      ['Lars', 'Olsen'],
    ]);
    expect(be.status.flaggedRows).toEqual([3]);
  });

  it('makes blank and duplicate headers unique, skips blank lines, and flags values beyond the last column', async () => {
    const { preview, status, importId } = await importFixture('messy-headers.csv');
    expect(preview.columns.map((c) => c.header)).toEqual(['Email', 'Email (2)', 'Column 3', 'Company', 'Notes']);
    expect(preview.rows.map((r) => r.rowNumber)).toEqual([3, 5, 7]);
    expect(status).toMatchObject({ imported: 3, skipped: 3, flagged: 1, flaggedRows: [5] });
    const lines = (await report(importId)).split('\r\n');
    expect(lines[0]).toBe('\uFEFFRow,Line,Field,Problem,Value');
    expect(lines[1]).toMatch(/^5,5,Row,The row has 7 values but the file has 5 columns.*,"EXTRA,VALUES"$/);
  });

  it('imports a row with an unclosed quote as one flagged row and keeps every row after it', async () => {
    for (const name of ['unclosed-quote.csv', 'unbalanced-quote.csv']) {
      const { status, leads, preview } = await importFixture(name);
      expect(preview.warnings.join(' ')).toMatch(/Row 3 has a quote that never closes/);
      expect(status).toMatchObject({ state: 'done', imported: 4, flagged: 1, flaggedRows: [3] });
      expect(leads.map((l) => l.email)).toEqual(['ann@lee.example', 'bob@ray.example', 'cat@stone.example', 'dan@wu.example']);
      expect(leads[1]!.problems.map((p) => p.code)).toEqual(['unbalanced_quote']);
    }
  });

  it('flags bad emails, phones, websites and overlong names without dropping the rows, and reports them', async () => {
    const { status, importId } = await importFixture('bad-values.csv');
    expect(status).toMatchObject({ imported: 5, flagged: 4, flaggedRows: [3, 4, 5, 6] });
    const csv = await report(importId);
    expect(csv).toContain('3,3,Email,Not an email address: it has no @.,not-an-email');
    expect(csv).toContain('4,4,Phone,');
    expect(csv).toContain('5,5,Website,');
    expect(csv).toMatch(/6,6,Last name,Last name is 300 characters long/);
    const flagged = await call<LeadPage>('leads.list', { workspaceId, importId, flaggedOnly: true, limit: 50 });
    expect(flagged.total).toBe(4);
  });

  it('assigns columns of a file without a header row by their values, and honours overridden settings', async () => {
    const importId = await stage(fixture('no-header.csv'));
    const preview = await call<ImportPreview>('leads.importPreview', { importId });
    expect(preview.settings).toMatchObject({ hasHeader: false, delimiter: ';' });
    expect(preview.columns.map((c) => c.header)).toEqual(['Column 1', 'Column 2', 'Column 3']);
    expect(preview.assignments.map((a) => a.target)).toEqual([null, null, 'email']);
    const asHeader = await call<ImportPreview>('leads.importPreview', { importId, settings: { hasHeader: true, delimiter: ',' } });
    expect(asHeader.columns.map((c) => c.header)).toEqual(['Anna;Berg;anna@berg.example']);
    await call('leads.importCommit', {
      importId,
      settings: preview.settings,
      assignments: [
        { column: 0, target: 'firstName' },
        { column: 1, target: 'lastName' },
        { column: 2, target: 'email' },
      ],
    });
    expect(await t.services.leadImports.settled(importId)).toMatchObject({ imported: 2, flagged: 0 });
  });

  it('remembers the assignment for the next file with the same headers, and creates custom fields from columns', async () => {
    const first = await stage(fixture('latin1-semicolon.csv'));
    const preview = await call<ImportPreview>('leads.importPreview', { importId: first });
    expect(preview.assignmentSource).toBe('suggested');
    const assignments = preview.assignments.map((a) => (a.column === 5 ? { column: 5, target: null } : a));
    await call('leads.importCommit', { importId: first, settings: preview.settings, assignments, newFields: [{ column: 5, label: 'Rolle', type: 'text' }] });
    await t.services.leadImports.settled(first);
    const fields = await call<Array<{ key: string }>>('leads.listFields', { workspaceId });
    expect(fields.map((f) => f.key)).toEqual(['rolle']);

    const second = await stage(fixture('latin1-semicolon.csv'));
    const again = await call<ImportPreview>('leads.importPreview', { importId: second });
    expect(again.assignmentSource).toBe('remembered');
    expect(again.assignments[5]).toEqual({ column: 5, target: 'rolle' });
  });

  it('refuses empty, blank, binary and header-only files with specific errors', async () => {
    expect(await fail('leads.importPreview', { importId: await stage(fixture('empty.csv')) })).toMatchObject({ code: 'validation', message: 'The file is empty.' });
    expect(await fail('leads.importPreview', { importId: await stage(fixture('blank-lines-only.csv')) })).toMatchObject({
      message: expect.stringMatching(/no rows/),
    });
    expect(await fail('leads.importPreview', { importId: await stage(fixture('not-a-csv.xlsx.csv')) })).toMatchObject({
      message: expect.stringMatching(/Excel workbook/),
    });
    const headerOnly = await stage(fixture('header-only.csv'));
    const preview = await call<ImportPreview>('leads.importPreview', { importId: headerOnly });
    expect(preview.warnings).toContain('The file has a header row but no data rows below it.');
    expect(await fail('leads.importCommit', { importId: headerOnly, settings: preview.settings, assignments: preview.assignments })).toMatchObject({
      code: 'validation',
    });
  });

  it('checks assignments: unknown fields, two columns on one field, nothing assigned', async () => {
    const importId = await stage(fixture('bad-values.csv'));
    const preview = await call<ImportPreview>('leads.importPreview', { importId });
    const commit = (assignments: unknown) => fail('leads.importCommit', { importId, settings: preview.settings, assignments });
    expect((await commit([{ column: 0, target: 'shoeSize' }])).message).toMatch(/not a lead field/);
    expect((await commit([{ column: 0, target: 'email' }, { column: 2, target: 'email' }])).message).toMatch(/both go to the same field/);
    expect((await commit(preview.assignments.map((a) => ({ ...a, target: null })))).message).toMatch(/Every column is ignored/);
  });

  it('stages uploads idempotently and removes the staged file after the import', async () => {
    const bytes = fixture('bad-values.csv');
    const { importId } = await call<{ importId: string }>('leads.importBegin', { workspaceId, fileName: 'x.csv', size: bytes.length });
    const piece = bytes.subarray(0, 100).toString('base64');
    expect(await call('leads.importChunk', { importId, offset: 0, data: piece })).toEqual({ received: 100 });
    expect(await call('leads.importChunk', { importId, offset: 0, data: piece })).toEqual({ received: 100 });
    expect(await fail('leads.importChunk', { importId, offset: 300, data: piece })).toMatchObject({ code: 'conflict', details: { received: 100 } });
    expect(await fail('leads.importPreview', { importId })).toMatchObject({ code: 'conflict' });
    await call('leads.importChunk', { importId, offset: 100, data: bytes.subarray(100).toString('base64') });
    const staged = fs.readdirSync(path.join(t.dataDir, 'tmp', 'imports'));
    expect(staged).toEqual([`${importId}.csv`]);
    const preview = await call<ImportPreview>('leads.importPreview', { importId });
    await call('leads.importCommit', { importId, settings: preview.settings, assignments: preview.assignments });
    await t.services.leadImports.settled(importId);
    expect(fs.readdirSync(path.join(t.dataDir, 'tmp', 'imports'))).toEqual([]);
  });

  it('reports progress while a large file imports: rows and bytes only grow, an estimate and an ETA, then done', async () => {
    const rows = ['First Name,Email', ...Array.from({ length: 20_000 }, (_, i) => `Lead ${i},lead${i}@example.com`)].join('\n');
    const importId = await stage(Buffer.from(rows), 'progress.csv', 1024 * 1024);
    const preview = await call<ImportPreview>('leads.importPreview', { importId });
    const progress: ImportStatus[] = [];
    t.services.events.subscribe((event, payload) => {
      if (event === 'leads.onDidImportProgress' && (payload as ImportStatus).importId === importId) progress.push(payload as ImportStatus);
    });
    await call('leads.importCommit', { importId, settings: preview.settings, assignments: preview.assignments });
    const status = await t.services.leadImports.settled(importId);
    expect(status).toMatchObject({ state: 'done', imported: 20_000, flagged: 0, rowsDone: 20_000 });
    const running = progress.filter((p) => p.state === 'running');
    expect(running.length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.rowsDone).toBeGreaterThanOrEqual(progress[i - 1]!.rowsDone);
      expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);
    }
    const midway = running.find((p) => p.rowsDone > 0 && p.rowsDone < 20_000);
    expect(midway).toBeDefined();
    expect(midway!.rowsTotalEstimate).toBeGreaterThan(midway!.rowsDone);
    expect(midway!.etaMs).toBeGreaterThanOrEqual(0);
    expect(progress.at(-1)).toMatchObject({ state: 'done', rowsDone: 20_000, bytesDone: status.bytesTotal });
  });

  it('cancels a running import and removes the leads it had added', async () => {
    const rows = ['First Name,Email', ...Array.from({ length: 30_000 }, (_, i) => `Lead ${i},lead${i}@example.com`)].join('\n');
    const importId = await stage(Buffer.from(rows), 'big.csv', 1024 * 1024);
    const preview = await call<ImportPreview>('leads.importPreview', { importId });
    const progress: ImportStatus[] = [];
    const created: LeadsChanged[] = [];
    t.services.events.subscribe((event, payload) => {
      if (event === 'leads.onDidImportProgress') progress.push(payload as ImportStatus);
      if (event === 'leads.onDidChange') created.push(payload as LeadsChanged);
    });
    await call('leads.importCommit', { importId, settings: preview.settings, assignments: preview.assignments });
    // Let a few slices commit, then cancel.
    while (created.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(await call<ImportStatus>('leads.importCancel', { importId })).toMatchObject({ state: 'running' });
    const status = await t.services.leadImports.settled(importId);
    expect(status).toMatchObject({ state: 'cancelled', imported: 0 });
    expect((await call<LeadPage>('leads.list', { workspaceId, limit: 1 })).total).toBe(0);
    expect(progress.at(-1)).toMatchObject({ state: 'cancelled' });
    expect(created.some((c) => c.kind === 'created' && c.bulk && c.importId === importId)).toBe(true);
    expect(created.at(-1)).toMatchObject({ kind: 'deleted', importId });
  });
});

describe('export', () => {
  it('writes UTF-8 with a BOM and neutralises cells a spreadsheet would run as formulas', async () => {
    await importFixture('formula-cells.csv');
    const piece = await call<{ csv: string; rows: number }>('leads.exportCsv', { workspaceId });
    expect(piece.rows).toBe(2);
    const lines = piece.csv.split('\r\n');
    expect(lines[0]).toBe('\uFEFFId,First name,Last name,Email,Phone,Company,Job title,Website,Notes,Source,Owner,Problems,Created,Updated');
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")",Smith,smith@example.com,,"'+cmd|calc",,,"'@SUM(1+1)"`);
    expect(lines[2]).toContain(`Eve,"'-2+3",eve@example.com`);
  });

  it('exports the current search only, in pieces', async () => {
    for (let i = 0; i < 5; i++) await call<Lead>('leads.create', { workspaceId, values: { firstName: i % 2 ? 'Keep' : 'Other', email: `k${i}@x.example` } });
    const piece = await call<{ csv: string; rows: number; next?: string }>('leads.exportCsv', { workspaceId, search: 'keep' });
    expect(piece.rows).toBe(2);
    expect(piece.next).toBeUndefined();
    expect(piece.csv).not.toContain('Other');
  });
});
