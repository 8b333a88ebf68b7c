import { describe, expect, it } from 'vitest';
import type { MethodName } from '../../../core/contract/api.ts';
import type { Lead, LeadListRequest } from '../../../core/contract/leads.ts';
import type { Transport } from '../../../core/contract/transport.ts';
import { createApiClient } from '../../api/client.ts';
import { createAppStore } from '../../state/store.ts';
import { bindLeadsEvents } from './leads-events.ts';
import { isSelected, leadAt, PAGE_SIZE, selectedCount } from './leads-slice.ts';

const lead = (n: number): Lead => ({
  id: String(n),
  firstName: `Lead ${n}`,
  lastName: '',
  email: '',
  phone: '',
  company: '',
  jobTitle: '',
  website: '',
  notes: '',
  source: '',
  owner: '',
  custom: {},
  problems: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  importId: null,
});

/** A fake core: 250 leads, pages by offset or cursor, and every call recorded. */
function fakeCore(total = 250) {
  const calls: Array<{ method: MethodName; input: Record<string, unknown> }> = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let count = total;
  const transport = {
    async invoke(method: MethodName, input: Record<string, unknown>) {
      calls.push({ method, input });
      if (method === 'leads.list') {
        const request = input as LeadListRequest & { limit: number };
        const start = request.after ? Number(request.after) : (request.offset ?? 0);
        const items = Array.from({ length: Math.max(0, Math.min(request.limit, count - start)) }, (_, i) => lead(start + i));
        return { ok: true, value: { items, ...(start + items.length < count ? { next: String(start + items.length) } : {}), ...(request.after ? {} : { total: count }) } };
      }
      if (method === 'leads.listFields') return { ok: true, value: [] };
      return { ok: true, value: {} };
    },
    on(event: string, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    status: () => 'open' as const,
    onStatus: () => () => {},
  } as unknown as Transport;
  const store = createAppStore(createApiClient(transport));
  bindLeadsEvents(createApiClient(transport), store);
  return {
    store,
    calls,
    lists: () => calls.filter((c) => c.method === 'leads.list').map((c) => c.input),
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    setCount: (n: number) => {
      count = n;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('leads slice', () => {
  it('loads the first page with the total, then pages on demand by cursor (or offset for jumps)', async () => {
    const core = fakeCore();
    core.store.getState().leadsOpen('w1');
    await settle();
    expect(core.store.getState().leads.total).toBe(250);
    // A jump past unloaded pages goes by offset; the page after a loaded one by its cursor.
    core.store.getState().leadsEnsureRows(240, 249);
    await settle();
    expect(core.lists().at(-1)).toMatchObject({ offset: 200 });
    core.store.getState().leadsEnsureRows(90, 130);
    await settle();
    expect(core.lists().at(-1)).toMatchObject({ after: '100' });
    expect(leadAt(core.store.getState().leads, 245)?.id).toBe('245');
    // Rows already loaded are not asked for again.
    const before = core.lists().length;
    core.store.getState().leadsEnsureRows(0, 150);
    await settle();
    expect(core.lists()).toHaveLength(before);
  });

  it('starts over on a new search or sort and drops answers to the old query', async () => {
    const core = fakeCore();
    core.store.getState().leadsOpen('w1');
    core.store.getState().leadsSetQuery({ search: 'acme' });
    await settle();
    expect(core.lists().at(-1)).toMatchObject({ search: 'acme', limit: PAGE_SIZE });
    core.store.getState().leadsToggleSort('company');
    expect(core.store.getState().leads.query.sort).toEqual({ field: 'company', direction: 'asc' });
    core.store.getState().leadsToggleSort('company');
    expect(core.store.getState().leads.query.sort).toEqual({ field: 'company', direction: 'desc' });
    await settle();
    expect(core.lists().at(-1)).toMatchObject({ sort: { field: 'company', direction: 'desc' } });
  });

  it('selects with clicks, shift-click ranges and "all matching" minus exceptions', async () => {
    const core = fakeCore();
    core.store.getState().leadsOpen('w1');
    await settle();
    const s = () => core.store.getState();
    await s().leadsClick(2, '2', { shift: false, toggle: true });
    await s().leadsClick(6, '6', { shift: true, toggle: true });
    expect(selectedCount(s().leads)).toBe(5);
    expect(['2', '3', '4', '5', '6'].every((id) => isSelected(s().leads, id))).toBe(true);
    s().leadsSelectAllMatching();
    await s().leadsClick(7, '7', { shift: false, toggle: true });
    expect(selectedCount(s().leads)).toBe(249);
    expect(isSelected(s().leads, '7')).toBe(false);
    expect(isSelected(s().leads, '200')).toBe(true);
    s().leadsClearSelection();
    expect(selectedCount(s().leads)).toBe(0);
  });

  it('reloads what is on screen when core says leads of this workspace changed, not for other workspaces', async () => {
    const core = fakeCore();
    core.store.getState().leadsOpen('w1');
    await settle();
    const before = core.lists().length;
    core.emit('leads.onDidChange', { workspaceId: 'w2', kind: 'created', ids: ['1'], bulk: false });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(core.lists()).toHaveLength(before);
    core.setCount(260);
    core.emit('leads.onDidChange', { workspaceId: 'w1', kind: 'created', ids: ['259'], bulk: true });
    core.emit('leads.onDidChange', { workspaceId: 'w1', kind: 'created', ids: ['258'], bulk: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(core.lists()).toHaveLength(before + 1);
    expect(core.store.getState().leads.total).toBe(260);
  });
});
