import type { StateCreator } from 'zustand';
import type { CustomField, ImportStatus, Lead, LeadSort, LeadSortField } from '../../../core/contract/leads.ts';
import type { JobSummary, LeadSyncStatus } from '../../../core/contract/push.ts';
import { errorMessage } from '../../api/client.ts';
import type { AppState } from '../../state/store.ts';

export const PAGE_SIZE = 100;
/** Pages kept in memory; the ones farthest from what is on screen go first. */
const MAX_PAGES = 12;

export interface LeadsQuery {
  workspaceId: string | null;
  search: string;
  flaggedOnly: boolean;
  /** Only the leads of one import ("Show flagged leads" after an import). */
  importId: string | null;
  sort: LeadSort;
}

interface LeadsPageCache {
  items: Lead[];
  next?: string;
  /** Changed in core since loaded: shown until the fresh copy arrives. */
  stale?: boolean;
}

export type LeadSelection = { mode: 'ids'; ids: Record<string, true> } | { mode: 'all'; except: Record<string, true> };

export interface LeadsState {
  query: LeadsQuery;
  /** Leads matching the query; null until the first page answers. */
  total: number | null;
  pages: Record<number, LeadsPageCache>;
  /** Bumped by every query change, so answers to an older query are dropped. */
  generation: number;
  error: string | null;
  selection: LeadSelection;
  /** Row index of the last click, for shift-click ranges. */
  anchor: number | null;
  fields: CustomField[];
  /** Progress of imports, by import id, as core reports it. */
  imports: Record<string, ImportStatus>;
  /** The last push of each loaded lead (the Sync column); leads never pushed are absent. */
  syncStatus: Record<string, LeadSyncStatus>;
}

export interface LeadsSlice {
  leads: LeadsState;
  leadsOpen(workspaceId: string): void;
  leadsSetQuery(patch: Partial<Omit<LeadsQuery, 'workspaceId'>>): void;
  /** Click on a column header: sort by it, or flip the direction if it already is. */
  leadsToggleSort(field: LeadSortField): void;
  /** Loads the pages holding rows start…end that are missing or stale. */
  leadsEnsureRows(start: number, end: number): void;
  /** Core said leads changed: reload what is on screen, keep the rest as is until scrolled to. */
  leadsInvalidate(): void;
  leadsClick(index: number, id: string, modifiers: { shift: boolean; toggle: boolean }): Promise<void>;
  leadsSelectAllMatching(): void;
  leadsClearSelection(): void;
  leadsLoadFields(): Promise<void>;
  /** Reads the sync status of these leads (the loaded rows) from core. */
  leadsLoadSyncStatus(ids: readonly string[]): Promise<void>;
  /** Jobs changed: their leads' sync status is what they say now. */
  leadsApplyJobs(jobs: readonly JobSummary[]): void;
}

const emptySelection = (): LeadSelection => ({ mode: 'ids', ids: {} });

export function initialLeadsState(): LeadsState {
  return {
    query: { workspaceId: null, search: '', flaggedOnly: false, importId: null, sort: { field: 'createdAt', direction: 'desc' } },
    total: null,
    pages: {},
    generation: 0,
    error: null,
    selection: emptySelection(),
    anchor: null,
    fields: [],
    imports: {},
    syncStatus: {},
  };
}

/** A job as the Sync column shows it. */
export function syncStatusOf(job: JobSummary): LeadSyncStatus {
  return {
    leadId: job.leadId,
    jobId: job.jobId,
    state: job.state,
    errorCode: job.error?.code ?? null,
    errorTitle: job.error?.title ?? null,
    cancelReason: job.cancelReason,
    contactId: job.contactId,
    updatedAt: job.updatedAt,
  };
}

export function selectedCount(state: LeadsState): number {
  return state.selection.mode === 'all'
    ? Math.max(0, (state.total ?? 0) - Object.keys(state.selection.except).length)
    : Object.keys(state.selection.ids).length;
}

export function isSelected(state: LeadsState, id: string): boolean {
  return state.selection.mode === 'all' ? !state.selection.except[id] : Boolean(state.selection.ids[id]);
}

export function leadAt(state: LeadsState, index: number): Lead | undefined {
  return state.pages[Math.floor(index / PAGE_SIZE)]?.items[index % PAGE_SIZE];
}

export const createLeadsSlice: StateCreator<AppState, [], [], LeadsSlice> = (set, get) => {
  const inflight = new Map<string, Promise<void>>();

  const patch = (update: Partial<LeadsState> | ((s: LeadsState) => Partial<LeadsState>)) =>
    set((s) => ({ leads: { ...s.leads, ...(typeof update === 'function' ? update(s.leads) : update) } }));

  async function loadPage(page: number): Promise<void> {
    const { leads, api } = get();
    const { query, generation } = leads;
    if (!query.workspaceId) return;
    const key = `${generation}:${page}`;
    const running = inflight.get(key);
    if (running) return running;
    const previous = leads.pages[page - 1];
    const cursor = previous && !previous.stale ? previous.next : undefined;
    const request = api
      .call('leads.list', {
        workspaceId: query.workspaceId,
        sort: query.sort,
        limit: PAGE_SIZE,
        ...(query.search.trim() ? { search: query.search.trim() } : {}),
        ...(query.flaggedOnly ? { flaggedOnly: true } : {}),
        ...(query.importId ? { importId: query.importId } : {}),
        ...(cursor ? { after: cursor } : page > 0 ? { offset: page * PAGE_SIZE } : {}),
      })
      .then((result) => {
        if (get().leads.generation !== generation) return;
        patch((s) => {
          const pages: Record<number, LeadsPageCache> = { ...s.pages, [page]: { items: result.items, ...(result.next ? { next: result.next } : {}) } };
          const kept = Object.keys(pages)
            .map(Number)
            .sort((a, b) => Math.abs(a - page) - Math.abs(b - page));
          for (const far of kept.slice(MAX_PAGES)) delete pages[far];
          return { pages, error: null, ...(result.total !== undefined ? { total: result.total } : {}) };
        });
        void get().leadsLoadSyncStatus(result.items.map((l) => l.id));
      })
      .catch((error: unknown) => {
        if (get().leads.generation === generation) patch({ error: errorMessage(error) });
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, request);
    return request;
  }

  function restart(query: LeadsQuery, keepSelection = false) {
    patch((s) => ({
      query,
      total: null,
      pages: {},
      generation: s.generation + 1,
      error: null,
      anchor: null,
      selection: keepSelection ? s.selection : emptySelection(),
    }));
    void loadPage(0);
  }

  return {
    leads: initialLeadsState(),

    leadsOpen(workspaceId) {
      const current = get().leads.query;
      if (current.workspaceId === workspaceId) {
        get().leadsInvalidate();
        return;
      }
      restart({ ...initialLeadsState().query, workspaceId });
      void get().leadsLoadFields();
    },

    leadsSetQuery(change) {
      restart({ ...get().leads.query, ...change });
    },

    leadsToggleSort(field) {
      const { sort } = get().leads.query;
      const direction = sort.field === field ? (sort.direction === 'asc' ? 'desc' : 'asc') : field === 'createdAt' || field === 'updatedAt' ? 'desc' : 'asc';
      restart({ ...get().leads.query, sort: { field, direction } }, true);
    },

    leadsEnsureRows(start, end) {
      const { pages, total } = get().leads;
      const last = total === null ? 0 : Math.max(0, Math.ceil(total / PAGE_SIZE) - 1);
      for (let page = Math.max(0, Math.floor(start / PAGE_SIZE)); page <= Math.min(last, Math.floor(end / PAGE_SIZE)); page++) {
        if (!pages[page] || pages[page].stale) void loadPage(page);
      }
    },

    leadsInvalidate() {
      patch((s) => ({
        generation: s.generation + 1,
        pages: Object.fromEntries(Object.entries(s.pages).map(([k, p]) => [k, { ...p, stale: true }])),
      }));
      // The first page also brings the new total; the table asks for the rows on screen.
      void loadPage(0);
    },

    async leadsClick(index, id, { shift, toggle }) {
      const state = get().leads;
      if (shift && state.anchor !== null) {
        const [from, to] = state.anchor < index ? [state.anchor, index] : [index, state.anchor];
        // Rows of the range that aren't loaded yet are fetched first (bounded: a range is something one scrolls through).
        const pages = new Set<number>();
        for (let i = from; i <= Math.min(to, from + 5000); i += PAGE_SIZE) pages.add(Math.floor(i / PAGE_SIZE));
        pages.add(Math.floor(to / PAGE_SIZE));
        await Promise.all([...pages].filter((p) => !get().leads.pages[p] || get().leads.pages[p]?.stale).map(loadPage));
        patch((s) => {
          const ids: string[] = [];
          for (let i = from; i <= to; i++) {
            const lead = leadAt(s, i);
            if (lead) ids.push(lead.id);
          }
          if (s.selection.mode === 'all') {
            const except = { ...s.selection.except };
            for (const leadId of ids) delete except[leadId];
            return { selection: { mode: 'all', except } };
          }
          const selected = { ...s.selection.ids };
          for (const leadId of ids) selected[leadId] = true;
          return { selection: { mode: 'ids', ids: selected } };
        });
        return;
      }
      patch((s) => {
        if (!toggle) return { anchor: index };
        if (s.selection.mode === 'all') {
          const except = { ...s.selection.except };
          if (except[id]) delete except[id];
          else except[id] = true;
          return { anchor: index, selection: { mode: 'all', except } };
        }
        const ids = { ...s.selection.ids };
        if (ids[id]) delete ids[id];
        else ids[id] = true;
        return { anchor: index, selection: { mode: 'ids', ids } };
      });
    },

    leadsSelectAllMatching() {
      patch({ selection: { mode: 'all', except: {} } });
    },

    leadsClearSelection() {
      patch({ selection: emptySelection(), anchor: null });
    },

    async leadsLoadSyncStatus(ids) {
      const workspaceId = get().leads.query.workspaceId;
      if (!workspaceId || ids.length === 0) return;
      try {
        for (let i = 0; i < ids.length; i += 500) {
          const part = ids.slice(i, i + 500);
          const { statuses } = await get().api.call('push.leadStatuses', { workspaceId, leadIds: part });
          if (get().leads.query.workspaceId !== workspaceId) return;
          patch((s) => {
            const next = { ...s.syncStatus };
            for (const id of part) delete next[id];
            for (const status of statuses) next[status.leadId] = status;
            return { syncStatus: next };
          });
        }
      } catch {
        // The column stays as it was; the rows matter more than their sync status.
      }
    },

    leadsApplyJobs(jobs) {
      patch((s) => {
        const next = { ...s.syncStatus };
        for (const job of jobs) {
          const current = next[job.leadId];
          // A lead's newest job speaks for it.
          if (!current || Number(job.jobId) >= Number(current.jobId)) next[job.leadId] = syncStatusOf(job);
        }
        return { syncStatus: next };
      });
    },

    async leadsLoadFields() {
      const workspaceId = get().leads.query.workspaceId;
      if (!workspaceId) return;
      try {
        const fields = await get().api.call('leads.listFields', { workspaceId });
        if (get().leads.query.workspaceId === workspaceId) patch({ fields });
      } catch (error) {
        get().notify('error', errorMessage(error));
      }
    },
  };
};
