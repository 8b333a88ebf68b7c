import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/harness/temp-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

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

const file = (name: string, content: string) => {
  const target = path.join(temp.dir, name);
  fs.writeFileSync(target, content);
  return target;
};

describe('syncdesk mapping', () => {
  it('shows the default settings of a new workspace, with what it cannot check yet', () => {
    const id = workspace();
    const shown = cli('mapping', 'show', '--workspace', id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('(the defaults; never saved)');
    expect(shown.stdout).toContain('   1. ✓ email → email  [trim, lower-case]  (overwrite)');
    expect(shown.stdout).toContain('   8. ✓ notes → message  (overwrite)');
    expect(shown.stdout).toContain('Company Mapping: on, on failure: skip (the contact still syncs)');
    expect(shown.stdout).toContain('   2. ✓ website → domain  [domain]  (overwrite)');
    expect(shown.stdout).toContain('Advanced: deduplicate contacts on, sync leads without an email off, phone fallback off, Auto-Sync off');
    expect(shown.stdout).toContain("contact properties haven't been read yet");
    const json = JSON.parse(cli('mapping', 'show', '--workspace', id, '--json').stdout) as { saved: boolean; settings: { contact: { rows: unknown[] } }; problems: Array<{ kind: string }> };
    expect(json.saved).toBe(false);
    expect(json.settings.contact.rows).toHaveLength(8);
    expect(json.problems.map((p) => p.kind)).toEqual(['properties_unknown', 'properties_unknown']);
  });

  it('sets settings from a file (the output of show --json works as input) and shows them back', () => {
    const id = workspace();
    const shown = JSON.parse(cli('mapping', 'show', '--workspace', id, '--json').stdout) as { settings: { contact: { rows: Array<Record<string, unknown>> }; advanced: Record<string, boolean> } };
    shown.settings.contact.rows.push({ id: 'source', source: 'source', property: 'hs_lead_source_detail', updateRule: 'fillIfEmpty' });
    shown.settings.advanced.autoSync = true;
    const set = cli('mapping', 'set', '--workspace', id, '--file', file('settings.json', JSON.stringify(shown)));
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Saved the push settings of ${id}.`);
    expect(set.stdout).toContain('   9. ✓ source → hs_lead_source_detail  (fill if empty)');
    const again = JSON.parse(cli('mapping', 'show', '--workspace', id, '--json').stdout) as { saved: boolean; settings: { advanced: { autoSync: boolean } } };
    expect(again).toMatchObject({ saved: true, settings: { advanced: { autoSync: true } } });
  });

  it('refuses invalid settings with an error naming the row, and bad files clearly', () => {
    const id = workspace();
    const bad = cli('mapping', 'set', '--workspace', id, '--file', file('bad.json', JSON.stringify({ contact: { rows: [{ id: 'e', source: 'email', property: 'email' }, { id: 'p', source: 'custom.plan', property: 'plan_interest' }] } })), '--json');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error (validation): Field Mapping, row 2 (custom.plan → plan_interest), source: there is no custom lead field "plan" in this workspace.');
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'validation', details: { tab: 'contact', row: 2, field: 'source' } } });
    const shape = cli('mapping', 'set', '--workspace', id, '--file', file('shape.json', JSON.stringify({ contact: { rows: [{ id: 'e', source: 'email', property: 'email', updateRule: 'sometimes' }] } })));
    expect(shape.code).toBe(1);
    expect(shape.stderr).toMatch(/Field Mapping, row 1 \(email → email\), updateRule: /);
    const notJson = cli('mapping', 'set', '--workspace', id, '--file', file('oops.json', '{ "contact": '));
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('oops.json is not valid JSON');
    expect(cli('mapping', 'set', '--workspace', id, '--file', path.join(temp.dir, 'missing.json')).code).toBe(2);
    expect(cli('mapping', 'set', '--workspace', id).code).toBe(2);
    expect(cli('mapping', 'show').code).toBe(2);
    expect(cli('mapping', 'frob', '--workspace', id).code).toBe(2);
    // Nothing was saved by the refusals.
    expect(JSON.parse(cli('mapping', 'show', '--workspace', id, '--json').stdout)).toMatchObject({ saved: false });
  });
});

describe('syncdesk test-lead', () => {
  it('needs a connected workspace and says so', () => {
    const id = workspace();
    const run = cli('test-lead', '--workspace', id, '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'not_connected' } });
    expect(run.stderr).toContain("HubSpot isn't connected");
    expect(cli('test-lead').code).toBe(2);
    expect(cli('test-lead', '--workspace', 'wnope', '--json').code).toBe(1);
  });
});
