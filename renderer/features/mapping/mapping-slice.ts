import type { StateCreator } from 'zustand';
import type { ListsView, MappingCatalogueView, MappingCheck, MappingState, PushSettings, TestRun } from '../../../core/contract/mapping.ts';
import { ApiError, errorMessage } from '../../api/client.ts';
import type { AppState } from '../../state/store.ts';

/** Waits this long after the last edit before asking core for the inline problems again. */
export const CHECK_DEBOUNCE_MS = 300;

export interface MappingPageState {
  workspaceId: string | null;
  /** What core has stored (or the defaults). */
  saved: MappingState | null;
  /** Unsaved edits, per workspace: switching away never loses them. */
  drafts: Record<string, PushSettings>;
  properties: MappingCatalogueView | null;
  check: MappingCheck | null;
  lists: ListsView | null;
  lastRun: TestRun | null;
  loadError: string | null;
  /** The save error, with the tab and row core named. */
  saveError: { message: string; tab?: string; row?: number } | null;
  saving: boolean;
  refreshingProperties: boolean;
  refreshingLists: boolean;
}

export interface MappingSlice {
  mapping: MappingPageState;
  mappingOpen(workspaceId: string): Promise<void>;
  /** Changes the draft; the inline problems follow shortly after. */
  mappingEdit(change: (draft: PushSettings) => PushSettings): void;
  mappingSave(): Promise<boolean>;
  mappingDiscard(): void;
  mappingRefreshProperties(): Promise<void>;
  mappingRefreshLists(): Promise<void>;
  mappingCheck(): Promise<void>;
  /** Core said the saved settings changed (another window, the CLI). */
  mappingSavedElsewhere(workspaceId: string): Promise<void>;
  mappingSetLastRun(run: TestRun): void;
}

const initial = (): MappingPageState => ({
  workspaceId: null,
  saved: null,
  drafts: {},
  properties: null,
  check: null,
  lists: null,
  lastRun: null,
  loadError: null,
  saveError: null,
  saving: false,
  refreshingProperties: false,
  refreshingLists: false,
});

/** The settings being edited: the draft, else what is saved. */
export function currentSettings(state: MappingPageState): PushSettings | null {
  if (!state.workspaceId || !state.saved) return null;
  return state.drafts[state.workspaceId] ?? state.saved.settings;
}

export function isDirty(state: MappingPageState): boolean {
  return Boolean(state.workspaceId && state.drafts[state.workspaceId]);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const createMappingSlice: StateCreator<AppState, [], [], MappingSlice> = (set, get) => {
  let checkTimer: ReturnType<typeof setTimeout> | undefined;
  let checkGeneration = 0;
  /** The save under way: a second Save (or Send test lead) waits for it instead of sending the draft twice. */
  let saving: Promise<boolean> | undefined;

  const patch = (update: Partial<MappingPageState> | ((s: MappingPageState) => Partial<MappingPageState>)) =>
    set((s) => ({ mapping: { ...s.mapping, ...(typeof update === 'function' ? update(s.mapping) : update) } }));

  const scheduleCheck = () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => void get().mappingCheck(), CHECK_DEBOUNCE_MS);
  };

  const saveDraft = async (): Promise<boolean> => {
    const state = get().mapping;
    const { workspaceId } = state;
    const draft = workspaceId ? state.drafts[workspaceId] : undefined;
    if (!workspaceId || !draft) return true;
    patch({ saving: true, saveError: null });
    try {
      const saved = await get().api.call('mapping.save', { workspaceId, settings: draft });
      patch((s) => {
        const drafts = { ...s.drafts };
        delete drafts[workspaceId];
        return { saved, drafts, saving: false };
      });
      get().notify('success', 'Mapping saved.');
      void get().mappingCheck();
      return true;
    } catch (error) {
      const details = error instanceof ApiError ? error.data.details : undefined;
      patch({
        saving: false,
        saveError: {
          message: errorMessage(error),
          ...(typeof details?.tab === 'string' ? { tab: details.tab } : {}),
          ...(typeof details?.row === 'number' ? { row: details.row } : {}),
        },
      });
      return false;
    }
  };

  return {
    mapping: initial(),

    async mappingOpen(workspaceId) {
      const { api } = get();
      if (get().mapping.workspaceId !== workspaceId) {
        patch((s) => ({ ...initial(), drafts: s.drafts, workspaceId }));
      }
      try {
        const [saved, properties, lists, runs] = await Promise.all([
          api.call('mapping.get', { workspaceId }),
          api.call('mapping.properties', { workspaceId }),
          api.call('mapping.lists', { workspaceId }),
          api.call('mapping.testRuns', { workspaceId, limit: 1 }),
        ]);
        if (get().mapping.workspaceId !== workspaceId) return;
        patch({ saved, properties, lists, lastRun: runs.runs[0] ?? null, loadError: null });
        await get().mappingCheck();
      } catch (error) {
        if (get().mapping.workspaceId === workspaceId) patch({ loadError: errorMessage(error) });
      }
    },

    mappingEdit(change) {
      const state = get().mapping;
      const current = currentSettings(state);
      if (!current || !state.workspaceId || !state.saved) return;
      const next = change(current);
      const workspaceId = state.workspaceId;
      const drafts = { ...state.drafts };
      // Back to what is saved: no longer a draft.
      if (same(next, state.saved.settings)) delete drafts[workspaceId];
      else drafts[workspaceId] = next;
      patch({ drafts, saveError: null });
      scheduleCheck();
    },

    mappingSave() {
      saving ??= saveDraft().finally(() => {
        saving = undefined;
      });
      return saving;
    },

    mappingDiscard() {
      const { workspaceId } = get().mapping;
      if (!workspaceId) return;
      patch((s) => {
        const drafts = { ...s.drafts };
        delete drafts[workspaceId];
        return { drafts, saveError: null };
      });
      void get().mappingCheck();
    },

    async mappingRefreshProperties() {
      const { workspaceId } = get().mapping;
      if (!workspaceId) return;
      patch({ refreshingProperties: true });
      try {
        const properties = await get().api.call('mapping.refreshProperties', { workspaceId });
        if (get().mapping.workspaceId !== workspaceId) return;
        patch({ properties });
        const skipped = properties.skipped.map((s) => `${s.objectType}: ${s.message}`).join(' ');
        get().notify(skipped ? 'error' : 'success', skipped ? `Some properties could not be read. ${skipped}` : 'Properties refreshed from HubSpot.');
        await get().mappingCheck();
      } catch (error) {
        get().notify('error', errorMessage(error));
      } finally {
        patch({ refreshingProperties: false });
      }
    },

    async mappingRefreshLists() {
      const { workspaceId } = get().mapping;
      if (!workspaceId) return;
      patch({ refreshingLists: true });
      try {
        const lists = await get().api.call('mapping.lists', { workspaceId, refresh: true });
        if (get().mapping.workspaceId === workspaceId) patch({ lists });
      } catch (error) {
        get().notify('error', errorMessage(error));
      } finally {
        patch({ refreshingLists: false });
      }
    },

    async mappingCheck() {
      clearTimeout(checkTimer);
      const state = get().mapping;
      const settings = currentSettings(state);
      const { workspaceId } = state;
      if (!settings || !workspaceId) return;
      const generation = ++checkGeneration;
      const result = await get().api.invoke('mapping.check', { workspaceId, settings });
      // Only the answer to the latest edit counts.
      if (generation !== checkGeneration || get().mapping.workspaceId !== workspaceId) return;
      if (result.ok) patch({ check: result.value });
    },

    async mappingSavedElsewhere(workspaceId) {
      if (get().mapping.workspaceId !== workspaceId) return;
      const result = await get().api.invoke('mapping.get', { workspaceId });
      if (result.ok && get().mapping.workspaceId === workspaceId) {
        patch({ saved: result.value });
        if (!get().mapping.drafts[workspaceId]) void get().mappingCheck();
      }
    },

    mappingSetLastRun(run) {
      patch({ lastRun: run });
    },
  };
};
