import { describe, expect, it, vi } from 'vitest';
import type { MappingState, PushSettings } from '../../../core/contract/mapping.ts';
import { createApiClient } from '../../api/client.ts';
import { createAppStore } from '../../state/store.ts';
import { createFakeTransport } from '../../testing/fake-transport.ts';
import { CHECK_DEBOUNCE_MS, currentSettings, isDirty } from './mapping-slice.ts';

const settings = (): PushSettings => ({
  version: 1,
  contact: { rows: [{ id: 'email', source: 'email', property: 'email', enabled: true, transforms: [], updateRule: 'overwrite' }] },
  company: { enabled: true, rows: [], onFailure: 'skip' },
  list: { listId: null, listName: null, processingType: null },
  filter: { enabled: false, match: 'all', rules: [] },
  advanced: { dedupeContacts: true, syncWithoutEmail: false, phoneFallback: false, autoSync: false },
});
const state = (s = settings(), saved = false): MappingState => ({ settings: s, saved, updatedAt: saved ? '2026-01-01T00:00:00.000Z' : null, sources: [] });
const empty = { objectType: 'contacts' as const, fetchedAt: null, properties: [] };

function setup(save: (input: { settings: PushSettings }) => unknown = ({ settings: s }) => state(s, true)) {
  const fake = createFakeTransport({
    'mapping.get': () => state(),
    'mapping.properties': () => ({ contacts: empty, companies: { ...empty, objectType: 'companies' }, skipped: [] }),
    'mapping.lists': () => ({ fetchedAt: null, lists: [] }),
    'mapping.testRuns': () => ({ runs: [] }),
    'mapping.check': () => ({ problems: [], leadCount: 0, contactsFetchedAt: null, companiesFetchedAt: null, tookMs: 1 }),
    'mapping.save': save as never,
  });
  const store = createAppStore(createApiClient(fake.transport));
  return { fake, store };
}

describe('mapping slice', () => {
  it('loads a workspace, keeps edits as a draft that is dropped when edited back, and saves it', async () => {
    vi.useFakeTimers();
    try {
      const { fake, store } = setup();
      await store.getState().mappingOpen('w1');
      expect(currentSettings(store.getState().mapping)?.contact.rows).toHaveLength(1);
      expect(isDirty(store.getState().mapping)).toBe(false);

      store.getState().mappingEdit((s) => ({ ...s, advanced: { ...s.advanced, autoSync: true } }));
      expect(isDirty(store.getState().mapping)).toBe(true);
      // The inline problems follow the draft after a short pause, with the draft's settings.
      const checks = () => fake.calls.filter((c) => c.method === 'mapping.check');
      const before = checks().length;
      await vi.advanceTimersByTimeAsync(CHECK_DEBOUNCE_MS + 10);
      expect(checks()).toHaveLength(before + 1);
      expect((checks().at(-1)!.input as { settings: PushSettings }).settings.advanced.autoSync).toBe(true);

      store.getState().mappingEdit((s) => ({ ...s, advanced: { ...s.advanced, autoSync: false } }));
      expect(isDirty(store.getState().mapping)).toBe(false);

      store.getState().mappingEdit((s) => ({ ...s, company: { ...s.company, onFailure: 'fail' } }));
      expect(await store.getState().mappingSave()).toBe(true);
      expect(fake.calls.find((c) => c.method === 'mapping.save')?.input).toMatchObject({ workspaceId: 'w1', settings: { company: { onFailure: 'fail' } } });
      expect(isDirty(store.getState().mapping)).toBe(false);
      expect(store.getState().mapping.saved?.settings.company.onFailure).toBe('fail');
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends the draft once when Save is pressed again (or a test lead asked for) while a save is under way', async () => {
    let release: () => void = () => {};
    const { fake, store } = setup(async ({ settings: s }) => {
      await new Promise<void>((resolve) => (release = resolve));
      return state(s, true);
    });
    await store.getState().mappingOpen('w1');
    store.getState().mappingEdit((s) => ({ ...s, advanced: { ...s.advanced, phoneFallback: true } }));
    const first = store.getState().mappingSave();
    const second = store.getState().mappingSave();
    await vi.waitFor(() => expect(store.getState().mapping.saving).toBe(true));
    release();
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(fake.calls.filter((c) => c.method === 'mapping.save')).toHaveLength(1);
    expect(isDirty(store.getState().mapping)).toBe(false);
    // Once it has landed, a new edit is a new save.
    store.getState().mappingEdit((s) => ({ ...s, advanced: { ...s.advanced, autoSync: true } }));
    const third = store.getState().mappingSave();
    await vi.waitFor(() => expect(fake.calls.filter((c) => c.method === 'mapping.save')).toHaveLength(2));
    release();
    expect(await third).toBe(true);
  });

  it('keeps the draft and shows the tab and row core refused', async () => {
    const refuse = () => {
      throw { data: { code: 'validation', message: 'Field Mapping, row 1 (email → emial), property: …', retryable: false, details: { tab: 'contact', row: 1 } } };
    };
    const { store } = setup(refuse);
    await store.getState().mappingOpen('w1');
    store.getState().mappingEdit((s) => ({ ...s, contact: { rows: [{ ...s.contact.rows[0]!, property: 'emial' }] } }));
    expect(await store.getState().mappingSave()).toBe(false);
    expect(store.getState().mapping.saveError).toEqual({ message: 'Field Mapping, row 1 (email → emial), property: …', tab: 'contact', row: 1 });
    expect(isDirty(store.getState().mapping)).toBe(true);
  });

  it('keeps each workspace\'s unsaved draft when switching between them', async () => {
    const { store } = setup();
    await store.getState().mappingOpen('w1');
    store.getState().mappingEdit((s) => ({ ...s, advanced: { ...s.advanced, phoneFallback: true } }));
    await store.getState().mappingOpen('w2');
    expect(isDirty(store.getState().mapping)).toBe(false);
    await store.getState().mappingOpen('w1');
    expect(currentSettings(store.getState().mapping)?.advanced.phoneFallback).toBe(true);
  });
});
