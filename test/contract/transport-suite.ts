import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../core/contract/transport.ts';
import type { WorkspaceList } from '../../core/contract/workspaces.ts';
import type { TestServices } from '../harness/services.ts';

export interface TransportFixture {
  transport: Transport;
  core: TestServices;
  teardown(): Promise<void>;
}

const waitFor = async <T>(get: () => T | undefined, timeoutMs = 3000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * The behaviour every Transport must have, whatever carries it (Electron IPC or WebSocket).
 * Each implementation's test file calls this with a factory for a connected fixture.
 */
export function describeTransportContract(name: string, connect: () => Promise<TransportFixture>) {
  describe(`transport contract: ${name}`, () => {
    let fixture: TransportFixture;
    beforeEach(async () => {
      fixture = await connect();
    });
    afterEach(async () => {
      await fixture.teardown();
    });

    it('round-trips a call and its typed result', async () => {
      const result = await fixture.transport.invoke('app.info', {});
      expect(result).toMatchObject({ ok: true, value: { name: 'Syncdesk', host: 'test' } });
      expect(fixture.transport.status()).toBe('open');
    });

    it('creates, renames, selects and deletes workspaces', async () => {
      const created = await fixture.transport.invoke('workspaces.create', { name: 'Contract Co' });
      if (!created.ok) throw new Error(created.error.message);
      const renamed = await fixture.transport.invoke('workspaces.rename', { id: created.value.id, name: 'Contract Co 2' });
      expect(renamed).toMatchObject({ ok: true, value: { name: 'Contract Co 2' } });
      expect(await fixture.transport.invoke('workspaces.select', { id: created.value.id })).toMatchObject({ ok: true, value: { selectedId: created.value.id } });
      expect(await fixture.transport.invoke('workspaces.delete', { id: created.value.id })).toEqual({ ok: true, value: { id: created.value.id } });
      expect(await fixture.transport.invoke('workspaces.list', {})).toEqual({ ok: true, value: { workspaces: [], selectedId: null } });
    });

    it('returns errors as data, never as a rejected promise', async () => {
      await expect(fixture.transport.invoke('workspaces.create', { name: '' })).resolves.toMatchObject({ ok: false, error: { code: 'validation' } });
      await expect(fixture.transport.invoke('workspaces.delete', { id: 'wnothere00000' })).resolves.toMatchObject({ ok: false, error: { code: 'not_found' } });
      await expect(fixture.transport.invoke('no.such' as never, {} as never)).resolves.toMatchObject({ ok: false, error: { code: 'unsupported' } });
      await expect(fixture.transport.invoke('workspaces.rename', 'not an object' as never)).resolves.toMatchObject({ ok: false, error: { code: 'validation' } });
    });

    it('answers concurrent calls each with its own result', async () => {
      const names = Array.from({ length: 20 }, (_, i) => `Parallel ${i}`);
      const results = await Promise.all(names.map((n) => fixture.transport.invoke('workspaces.create', { name: n })));
      expect(results.map((r) => (r.ok ? r.value.name : r.error.code))).toEqual(names);
    });

    it('delivers events to subscribers and stops after unsubscribe', async () => {
      const seen: WorkspaceList[] = [];
      const off = fixture.transport.on('workspaces.onDidChange', (list) => seen.push(list));
      await fixture.transport.invoke('workspaces.create', { name: 'Evented' });
      const first = await waitFor(() => seen[0]);
      expect(first.workspaces.map((w) => w.name)).toEqual(['Evented']);
      off();
      await fixture.transport.invoke('workspaces.create', { name: 'Unheard' });
      // A second subscriber proves the event was sent; the first must not see it.
      const later: WorkspaceList[] = [];
      const off2 = fixture.transport.on('workspaces.onDidChange', (list) => later.push(list));
      await fixture.transport.invoke('workspaces.create', { name: 'Heard' });
      await waitFor(() => later[0]);
      off2();
      expect(seen).toHaveLength(1);
    });

    it('delivers events raised by core itself, not only replies to this client', async () => {
      const seen: unknown[] = [];
      const off = fixture.transport.on('app.onDidRequestAction', (payload) => seen.push(payload));
      fixture.core.services.events.emit('app.onDidRequestAction', { action: 'openSettings' });
      expect(await waitFor(() => seen[0])).toEqual({ action: 'openSettings' });
      off();
    });
  });
}
