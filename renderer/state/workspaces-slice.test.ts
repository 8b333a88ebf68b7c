import { beforeEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../core/contract/workspaces.ts';
import { createApiClient } from '../api/client.ts';
import { createFakeTransport } from '../testing/fake-transport.ts';
import { bindEvents, loadInitialData } from './bind-events.ts';
import { createAppStore, selectActiveWorkspaceId } from './store.ts';

const ws = (id: string, name: string): Workspace => ({ id, name, kind: 'hubspot', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
const info = {
  name: 'Syncdesk',
  version: '0.1.0',
  host: 'test' as const,
  platform: 'test',
  versions: { node: '24', sqlite: '3' },
  dataDir: '/tmp',
  secretStorage: { kind: 'memory' as const, warning: 'no keychain' },
};

function setup(initial: Workspace[] = [], selectedId: string | null = null) {
  let list = [...initial];
  const fake = createFakeTransport({
    'app.info': () => info,
    'app.getPreferences': () => ({ theme: 'system', lastWorkspaceId: selectedId }),
    'workspaces.list': () => ({ workspaces: list, selectedId }),
    'workspaces.select': (input: { id: string }) => ({ workspaces: list, selectedId: input.id }),
    'workspaces.create': (input: { name: string }) => {
      if (list.some((w) => w.name.toLowerCase() === input.name.toLowerCase())) {
        return fake.failWith({ code: 'conflict', message: `A workspace named "${input.name}" already exists.`, retryable: false });
      }
      const created = ws(`w${list.length + 1}00000000000`, input.name);
      list = [...list, created];
      return created;
    },
    'workspaces.delete': (input: { id: string }) => {
      list = list.filter((w) => w.id !== input.id);
      return { id: input.id };
    },
  });
  const api = createApiClient(fake.transport);
  const store = createAppStore(api);
  bindEvents(api, store);
  return { fake, store };
}

beforeEach(() => {
  window.history.replaceState(null, '', '/');
});

describe('workspaces slice', () => {
  it('loads and reopens the last workspace, then says ready', async () => {
    const { store } = setup([ws('waaaaaaaaaaaa', 'Acme'), ws('wbbbbbbbbbbbb', 'Beta')], 'wbbbbbbbbbbbb');
    await loadInitialData(store);
    const state = store.getState();
    expect(state.ready).toBe(true);
    expect(state.route).toEqual({ name: 'workspace', workspaceId: 'wbbbbbbbbbbbb', page: 'overview' });
    expect(window.location.hash).toBe('#/w/wbbbbbbbbbbbb/overview');
    expect(state.info?.secretStorage.kind).toBe('memory');
  });

  it('honours a deep link in the URL over the remembered workspace', async () => {
    window.history.replaceState(null, '', '/#/w/waaaaaaaaaaaa/overview');
    const { store } = setup([ws('waaaaaaaaaaaa', 'Acme'), ws('wbbbbbbbbbbbb', 'Beta')], 'wbbbbbbbbbbbb');
    await loadInitialData(store);
    expect(store.getState().route).toMatchObject({ workspaceId: 'waaaaaaaaaaaa' });
  });

  it('creates a workspace, opens it and tells core to remember it', async () => {
    const { store, fake } = setup();
    await loadInitialData(store);
    expect(store.getState().route).toEqual({ name: 'home' });
    const created = await store.getState().createWorkspace('Acme');
    expect(store.getState().workspaces.map((w) => w.name)).toEqual(['Acme']);
    expect(store.getState().route).toMatchObject({ name: 'workspace', workspaceId: created.id });
    expect(fake.calls.map((c) => c.method)).toContain('workspaces.select');
  });

  it('surfaces a refused create as an ApiError with core\'s message', async () => {
    const { store } = setup([ws('waaaaaaaaaaaa', 'Acme')]);
    await loadInitialData(store);
    await expect(store.getState().createWorkspace('acme')).rejects.toMatchObject({ data: { code: 'conflict' } });
    expect(store.getState().workspaces).toHaveLength(1);
  });

  it('moves to another workspace when the open one is deleted, and home when none is left', async () => {
    const { store } = setup([ws('waaaaaaaaaaaa', 'Acme'), ws('wbbbbbbbbbbbb', 'Beta')], 'waaaaaaaaaaaa');
    await loadInitialData(store);
    await store.getState().deleteWorkspace('waaaaaaaaaaaa');
    expect(store.getState().route).toMatchObject({ workspaceId: 'wbbbbbbbbbbbb' });
    await store.getState().deleteWorkspace('wbbbbbbbbbbbb');
    expect(store.getState().route).toEqual({ name: 'home' });
  });

  it('follows change events pushed by core and the host connection status', async () => {
    const { store, fake } = setup();
    await loadInitialData(store);
    fake.emit('workspaces.onDidChange', { workspaces: [ws('wccccccccccccc'.slice(0, 13), 'From another window')], selectedId: null });
    expect(store.getState().workspaces.map((w) => w.name)).toEqual(['From another window']);
    fake.setStatus('closed');
    expect(store.getState().transportStatus).toBe('closed');
  });
});

describe('the active workspace on global pages', () => {
  it('keeps the last workspace in the sidebar on the Health board, also after a reload there', async () => {
    window.history.replaceState(null, '', '/#/health');
    const { store } = setup([ws('waaaaaaaaaaaa', 'Acme'), ws('wbbbbbbbbbbbb', 'Beta')], 'wbbbbbbbbbbbb');
    await loadInitialData(store);
    expect(store.getState().route).toEqual({ name: 'health' });
    expect(selectActiveWorkspaceId(store.getState())).toBe('wbbbbbbbbbbbb');
    await store.getState().deleteWorkspace('wbbbbbbbbbbbb');
    expect(selectActiveWorkspaceId(store.getState())).toBe('waaaaaaaaaaaa');
  });
});
