import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHubSpot, startFakeHubSpot } from '../../../test/harness/fake-hubspot-crm.ts';
import { makeTempDir } from '../../../test/harness/temp-dir.ts';
import { runCli } from '../run-cli.ts';

let fake: FakeHubSpot;
let temp: ReturnType<typeof makeTempDir>;

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--data', temp.dir, ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stopped: new Promise(() => {}) });
  return { code, stdout, stderr };
}

beforeEach(async () => {
  fake = await startFakeHubSpot();
  temp = makeTempDir();
  const file = path.join(temp.dir, 'providers.json');
  fs.writeFileSync(file, JSON.stringify({ hubspot: { baseUrl: fake.url, token: 'pat-na1-00000000-0000-4000-8000-000000000002', tier: 'unlimited' } }));
  process.env.SYNCDESK_DEV_PROVIDERS = file;
});
afterEach(async () => {
  delete process.env.SYNCDESK_DEV_PROVIDERS;
  temp.cleanup();
  await fake.close();
});

describe('syncdesk mirror / records / mrr', () => {
  it('mirrors, lists records with search and the deleted toggle, and reports MRR totals as JSON', async () => {
    for (let id = 1; id <= 30; id++) fake.put({ id, type: 'contacts', updatedAt: Date.now() - 60_000, properties: { email: `person${id}@example.com`, firstname: id === 12 ? 'Zelda' : `P${id}` } });
    fake.put({ id: 31, type: 'contacts', archived: true, updatedAt: Date.now() - 60_000, properties: { email: 'gone@example.com' } });
    const created = await cli('workspace', 'create', '--name', 'Acme', '--json');
    const workspaceId = (JSON.parse(created.stdout) as { id: string }).id;

    const run = await cli('mirror', '--workspace', workspaceId, '--full', '--stream', 'properties', '--stream', 'contacts', '--json');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; streams: Array<{ stream: string; fetched: number; created: number; cursor: string | null }> };
    expect(result.status).toBe('succeeded');
    expect(result.streams.find((s) => s.stream === 'contacts')).toMatchObject({ created: 31 });
    expect(result.streams.find((s) => s.stream === 'contacts')!.cursor).toMatch(/^\d{4}-/);
    expect(run.stderr).toContain('contacts:');

    const listed = JSON.parse((await cli('records', 'list', '--workspace', workspaceId, '--object', 'contacts', '--search', 'zelda', '--json')).stdout) as { items: Array<{ id: string; label: string }>; total: number };
    expect(listed).toMatchObject({ total: 1, items: [{ id: '12' }] });
    const deleted = JSON.parse((await cli('records', 'list', '--workspace', workspaceId, '--object', 'contacts', '--deleted', '--json')).stdout) as { items: Array<{ id: string }> };
    expect(deleted.items.map((r) => r.id)).toEqual(['31']);

    const mrr = JSON.parse((await cli('mrr', '--workspace', workspaceId, '--json')).stdout) as { totals: unknown[]; customers: unknown[] };
    expect(mrr).toMatchObject({ totals: [], customers: [] });

    const bad = await cli('mirror', '--workspace', workspaceId, '--stream', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown stream nope');
  });
});
