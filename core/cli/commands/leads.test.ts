import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/harness/temp-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'csv');

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

/** The real CLI in a child process against a temp data folder (keychain off: secrets stay in memory). */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'core', 'cli', 'syncdesk.ts'), ...args, '--data', temp.dir], {
    encoding: 'utf8',
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'disabled:' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function workspace(): string {
  const created = cli('workspace', 'create', '--name', 'Acme');
  expect(created.code).toBe(0);
  return created.stdout.trim();
}

describe('syncdesk leads', () => {
  it('imports a CSV with suggested columns, prints counts and flagged rows, then lists and exports', () => {
    const id = workspace();
    const imported = cli('leads', 'import', path.join(FIXTURES, 'bad-values.csv'), '--workspace', id, '--json');
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout) as { imported: number; flagged: number; flaggedRows: number[] };
    expect(summary).toMatchObject({ ok: true, imported: 5, flagged: 4, flaggedRows: [3, 4, 5, 6] });

    const human = cli('leads', 'import', path.join(FIXTURES, 'latin1-semicolon.csv'), '--workspace', id);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Imported 3 leads from latin1-semicolon.csv');
    expect(human.stdout).toContain('Firma → company');
    expect(human.stdout).toContain('Flagged 1 row (imported; fix them before pushing): row 4.');

    const list = cli('leads', 'list', '--workspace', id, '--search', 'müller', '--json');
    expect(JSON.parse(list.stdout)).toMatchObject({ total: 1, items: [{ firstName: 'Jürgen', company: 'Müller GmbH' }] });

    const out = path.join(temp.dir, 'export.csv');
    const exported = cli('leads', 'export', '--workspace', id, '--out', out);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Exported 8 leads');
    const csv = fs.readFileSync(out, 'utf8');
    expect(csv.startsWith('\uFEFFId,First name')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(9);
  });

  it('takes --map as CSV header → lead field and rejects headers the file lacks', () => {
    const id = workspace();
    const mapped = cli('leads', 'import', path.join(FIXTURES, 'no-header.csv'), '--workspace', id, '--json', '--map', '{"Column 1": "firstName", "Column 3": "email"}');
    expect(mapped.code).toBe(0);
    expect(JSON.parse(mapped.stdout)).toMatchObject({ imported: 2, assignments: [{ target: 'firstName' }, { target: null }, { target: 'email' }] });
    const wrong = cli('leads', 'import', path.join(FIXTURES, 'no-header.csv'), '--workspace', id, '--map', '{"Mail": "email"}');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--map names a column the file doesn't have/);
    const bad = cli('leads', 'import', path.join(FIXTURES, 'no-header.csv'), '--workspace', id, '--map', 'nope');
    expect(bad.code).toBe(2);
  });

  it('fails clearly on files it cannot import and on a missing workspace', () => {
    const id = workspace();
    const empty = cli('leads', 'import', path.join(FIXTURES, 'empty.csv'), '--workspace', id);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('error (validation): The file is empty.');
    const binary = cli('leads', 'import', path.join(FIXTURES, 'not-a-csv.xlsx.csv'), '--workspace', id, '--json');
    expect(binary.code).toBe(1);
    expect(JSON.parse(binary.stdout)).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(cli('leads', 'list', '--workspace', 'wdeadbeef0000').code).toBe(1);
    expect(cli('leads', 'list').code).toBe(2);
  });
});
