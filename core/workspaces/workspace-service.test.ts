import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});
afterEach(() => t.cleanup());

const call = (method: string, input: unknown) => t.services.router.handle(method, input, { client: 'test' });

describe('workspaces', () => {
  it('creates a workspace with its own database file and lists it', async () => {
    const created = await call('workspaces.create', { name: '  Acme Corp  ' });
    expect(created).toMatchObject({ ok: true, value: { name: 'Acme Corp', kind: 'hubspot' } });
    const id = (created as { value: { id: string } }).value.id;
    expect(fs.existsSync(`${t.dataDir}/workspaces/${id}.db`)).toBe(true);
    expect(await call('workspaces.list', {})).toMatchObject({ ok: true, value: { workspaces: [{ id, name: 'Acme Corp' }], selectedId: id } });
  });

  it('refuses duplicate names regardless of case, and empty names', async () => {
    await call('workspaces.create', { name: 'Acme' });
    expect(await call('workspaces.create', { name: 'ACME' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await call('workspaces.create', { name: '' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await call('workspaces.create', { name: 'x'.repeat(81) })).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('renames, selects and deletes, emitting a change event each time', async () => {
    const seen: string[][] = [];
    t.services.events.subscribe((event, payload) => {
      if (event === 'workspaces.onDidChange') seen.push((payload as { workspaces: { name: string }[] }).workspaces.map((w) => w.name));
    });
    const a = (await call('workspaces.create', { name: 'A' })) as { value: { id: string } };
    const b = (await call('workspaces.create', { name: 'B' })) as { value: { id: string } };
    expect(await call('workspaces.rename', { id: a.value.id, name: 'A2' })).toMatchObject({ ok: true, value: { name: 'A2' } });
    expect(await call('workspaces.select', { id: b.value.id })).toMatchObject({ ok: true, value: { selectedId: b.value.id } });
    expect(await call('workspaces.delete', { id: b.value.id })).toMatchObject({ ok: true });
    expect(fs.existsSync(`${t.dataDir}/workspaces/${b.value.id}.db`)).toBe(false);
    // The selection moves to a remaining workspace.
    expect(await call('workspaces.list', {})).toMatchObject({ ok: true, value: { selectedId: a.value.id } });
    expect(seen).toEqual([['A'], ['A', 'B'], ['A2', 'B'], ['A2', 'B'], ['A2']]);
  });

  it('deletes the workspace secrets with it and keeps other workspaces secrets', async () => {
    const a = (await call('workspaces.create', { name: 'A' })) as { value: { id: string } };
    const b = (await call('workspaces.create', { name: 'B' })) as { value: { id: string } };
    await t.services.secrets.set(`workspace:${a.value.id}:hubspot.token`, 'aaaaaaaaaaaa');
    await t.services.secrets.set(`workspace:${b.value.id}:hubspot.token`, 'bbbbbbbbbbbb');
    await call('workspaces.delete', { id: a.value.id });
    expect(await t.services.secrets.keys('workspace:')).toEqual([`workspace:${b.value.id}:hubspot.token`]);
  });

  it('answers not_found for a workspace that does not exist', async () => {
    expect(await call('workspaces.rename', { id: 'wdeadbeef0000', name: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('workspaces.select', { id: 'wdeadbeef0000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('persists across a restart of core', async () => {
    await call('workspaces.create', { name: 'Persisted' });
    t.services.close();
    const { createServices } = await import('../app/create-services.ts');
    const { createMemorySecretStore } = await import('../secrets/memory-secret-store.ts');
    const { createMemoryPreferences } = await import('../ports/preferences.ts');
    const again = createServices({ dataDir: t.dataDir, host: 'test', secrets: createMemorySecretStore(), preferences: createMemoryPreferences(), logger: t.logger });
    expect(again.workspaces.list().workspaces.map((w) => w.name)).toEqual(['Persisted']);
    again.close();
  });

  it('reports a corrupt app database clearly instead of crashing', async () => {
    t.services.close();
    fs.writeFileSync(`${t.dataDir}/syncdesk.db`, 'not a database at all, definitely not'.repeat(100));
    const { createServices } = await import('../app/create-services.ts');
    const { createMemorySecretStore } = await import('../secrets/memory-secret-store.ts');
    const { createMemoryPreferences } = await import('../ports/preferences.ts');
    expect(() =>
      createServices({ dataDir: t.dataDir, host: 'test', secrets: createMemorySecretStore(), preferences: createMemoryPreferences(), logger: t.logger }),
    ).toThrowError(expect.objectContaining({ code: 'store_corrupt' }));
  });
});
