import type { StateCreator } from 'zustand';
import type { ErrorCode } from '../../../core/contract/errors.ts';
import type { AttemptStatus, BucketSize, HistoryFilter, HistoryPage, HistoryRow, JobFilter, OutcomeBucket, PushProgress, StepName } from '../../../core/contract/push.ts';
import { errorMessage } from '../../api/client.ts';
import type { AppState } from '../../state/store.ts';

export const PAGE_SIZE = 100;
/** Pages whose rows stay in memory; farther ones keep only their cursor and load again when scrolled to. */
const MAX_PAGES = 10;
const COUNT_CAP = 100_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type StatusFilter = 'all' | 'errors' | AttemptStatus;
export type RangePreset = '24h' | '7d' | '30d';
export type TimeRange = { preset: RangePreset } | { preset: 'custom'; from: string; to: string; label: string };

export interface HistoryQuery {
  workspaceId: string | null;
  status: StatusFilter;
  errorCode: ErrorCode | null;
  step: StepName | null;
  range: TimeRange;
  search: string;
}

interface HistoryPageCache {
  items: HistoryRow[];
  next?: string;
}

export interface ChartState {
  size: BucketSize;
  /** The chart's own span (the preset, or the custom range widened to whole buckets). */
  from: string;
  to: string;
  buckets: OutcomeBucket[];
}

export interface HistoryState {
  query: HistoryQuery;
  /** Rows that arrived on top since the first page loaded (live updates while at the top). */
  head: HistoryRow[];
  pages: Record<number, HistoryPageCache>;
  /** cursors[k]: the `after` of page k (cursors[0] is the first page: none). Kept for evicted pages. */
  cursors: Array<string | undefined>;
  /** The last page has been seen (no `next`). */
  complete: boolean;
  /** Rows known to exist: head + loaded extent. */
  loadedCount: number;
  total: { count: number; capped: boolean } | null;
  portal: HistoryPage['portal'];
  /** Bumped by every query change: answers to older queries are dropped. */
  generation: number;
  error: string | null;
  /** New attempts recorded while the operator looked further down: a pill offers them instead of shifting the rows. */
  pendingNew: number;
  atTop: boolean;
  chart: ChartState | null;
  chartSize: BucketSize | 'auto';
  errorTitles: Array<{ code: ErrorCode; title: string; count: number }>;
  progress: PushProgress | null;
  /** Failed jobs per workspace: the navigation badge. */
  failedJobs: Record<string, number>;
  /** The last jobs core said changed (the open job detail reloads when it is one of them). */
  jobChange: { workspaceId: string; jobIds: string[]; bulk: boolean; seq: number } | null;
}

export interface HistorySlice {
  history: HistoryState;
  historyOpen(workspaceId: string): void;
  historySetQuery(patch: Partial<Omit<HistoryQuery, 'workspaceId'>>): void;
  historySetChartSize(size: BucketSize | 'auto'): void;
  /** The rows start…end are on screen: load the pages they need. */
  historyEnsureRows(start: number, end: number): void;
  /** The table's scroll position (live updates insert only at the top). */
  historySetAtTop(atTop: boolean): void;
  /** Core recorded attempts: refresh the newest rows, the count, the chart and the error titles. */
  historyRefresh(): Promise<void>;
  /** Takes the pill's new rows: the first page again, from the top. */
  historyShowNew(): void;
  historyLoadFailedCount(workspaceId: string): Promise<void>;
}

export function initialHistoryState(): HistoryState {
  return {
    query: { workspaceId: null, status: 'all', errorCode: null, step: null, range: { preset: '7d' }, search: '' },
    head: [],
    pages: {},
    cursors: [undefined],
    complete: false,
    loadedCount: 0,
    total: null,
    portal: null,
    generation: 0,
    error: null,
    pendingNew: 0,
    atTop: true,
    chart: null,
    chartSize: 'auto',
    errorTitles: [],
    progress: null,
    failedJobs: {},
    jobChange: null,
  };
}

/** The time range as instants, now-relative presets resolved at call time. */
export function rangeBounds(range: TimeRange, now = Date.now()): { from: string; to: string | null } {
  if (range.preset === 'custom') return { from: range.from, to: range.to };
  const span = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS }[range.preset];
  return { from: new Date(now - span).toISOString(), to: null };
}

/** The filter core applies to history for the query. */
export function historyFilter(query: HistoryQuery, now = Date.now()): HistoryFilter {
  const { from, to } = rangeBounds(query.range, now);
  return {
    ...(query.status === 'errors' ? { errorsOnly: true } : query.status !== 'all' ? { statuses: [query.status] } : {}),
    ...(query.errorCode ? { errorCodes: [query.errorCode] } : {}),
    ...(query.step ? { steps: [query.step] } : {}),
    from,
    ...(to ? { to } : {}),
    ...(query.search.trim() ? { search: query.search.trim() } : {}),
  };
}

/** Retry all failed with the current filter: the job-level equivalent (only failed jobs are retried). */
export function retryFilter(query: HistoryQuery, now = Date.now()): JobFilter {
  const { from, to } = rangeBounds(query.range, now);
  return {
    ...(query.errorCode ? { errorCodes: [query.errorCode] } : {}),
    ...(query.search.trim() ? { search: query.search.trim() } : {}),
    from,
    ...(to ? { to } : {}),
  };
}

export function isFiltered(query: HistoryQuery): boolean {
  return query.status !== 'all' || query.errorCode !== null || query.step !== null || query.search.trim() !== '' || query.range.preset === 'custom';
}

export function rowAt(state: HistoryState, index: number): HistoryRow | undefined {
  if (index < state.head.length) return state.head[index];
  const i = index - state.head.length;
  return state.pages[Math.floor(i / PAGE_SIZE)]?.items[i % PAGE_SIZE];
}

/** Hour buckets for a day or less, day buckets beyond (unless chosen). */
export function chartSpan(query: HistoryQuery, chosen: BucketSize | 'auto', now = Date.now()): { from: string; to: string; size: BucketSize } {
  const { from, to } = rangeBounds(query.range, now);
  const end = to ? Date.parse(to) : now;
  const start = Date.parse(from);
  const size: BucketSize = chosen !== 'auto' ? chosen : end - start <= 2 * DAY_MS ? 'hour' : 'day';
  // A single bar clicked (an hour or a day) still shows its neighbours: at least a day of hours, a week of days.
  const minSpan = size === 'hour' ? DAY_MS : 7 * DAY_MS;
  const span = Math.max(end - start, minSpan);
  const step = size === 'hour' ? HOUR_MS : DAY_MS;
  const chartEnd = Math.ceil(end / HOUR_MS) * HOUR_MS;
  const chartStart = Math.min(start, chartEnd - Math.ceil(span / step) * step);
  return { from: new Date(chartStart).toISOString(), to: new Date(chartEnd).toISOString(), size };
}

const timeZone = () => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set, get) => {
  const inflight = new Map<string, Promise<void>>();

  const patch = (update: Partial<HistoryState> | ((s: HistoryState) => Partial<HistoryState>)) =>
    set((s) => ({ history: { ...s.history, ...(typeof update === 'function' ? update(s.history) : update) } }));

  function extent(s: Pick<HistoryState, 'pages' | 'cursors' | 'complete' | 'head'>): number {
    const known = s.cursors.length - 1;
    const lastPage = s.pages[known];
    const rows = known * PAGE_SIZE + (lastPage ? lastPage.items.length : 0);
    return s.head.length + rows + (s.complete ? 0 : 1);
  }

  async function loadPage(page: number): Promise<void> {
    const { history, api } = get();
    const { query, generation, cursors } = history;
    if (!query.workspaceId || page >= cursors.length) return;
    const key = `${generation}:${page}`;
    const running = inflight.get(key);
    if (running) return running;
    const after = cursors[page];
    const request = api
      .call('push.history', { workspaceId: query.workspaceId, filter: historyFilter(query), limit: PAGE_SIZE, ...(after ? { after } : {}) })
      .then((result) => {
        if (get().history.generation !== generation) return;
        patch((s) => {
          const pages: Record<number, HistoryPageCache> = { ...s.pages, [page]: { items: result.items, ...(result.next ? { next: result.next } : {}) } };
          const kept = Object.keys(pages)
            .map(Number)
            .sort((a, b) => Math.abs(a - page) - Math.abs(b - page));
          for (const far of kept.slice(MAX_PAGES)) delete pages[far];
          const nextCursors = [...s.cursors];
          let complete = s.complete;
          if (page === nextCursors.length - 1) {
            if (result.next) nextCursors.push(result.next);
            else complete = true;
          }
          const next = { pages, cursors: nextCursors, complete, portal: result.portal, error: null };
          return { ...next, loadedCount: extent({ ...s, ...next }) };
        });
      })
      .catch((error: unknown) => {
        if (get().history.generation === generation) patch({ error: errorMessage(error) });
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, request);
    return request;
  }

  async function loadTotal(): Promise<void> {
    const { history, api } = get();
    const { query, generation } = history;
    if (!query.workspaceId) return;
    try {
      const total = await api.call('push.historyCount', { workspaceId: query.workspaceId, filter: historyFilter(query), cap: COUNT_CAP });
      if (get().history.generation === generation) patch({ total });
    } catch {
      // The count is a nicety; the table works without it.
    }
  }

  async function loadChart(): Promise<void> {
    const { history, api } = get();
    const { query } = history;
    const workspaceId = query.workspaceId;
    if (!workspaceId) return;
    const span = chartSpan(query, history.chartSize);
    try {
      const { buckets } = await api.call('push.buckets', { workspaceId, from: span.from, to: span.to, size: span.size, timeZone: timeZone() });
      if (get().history.query.workspaceId === workspaceId) patch({ chart: { ...span, buckets } });
    } catch (error) {
      if (get().history.query.workspaceId === workspaceId) patch({ error: errorMessage(error) });
    }
  }

  async function loadErrorTitles(): Promise<void> {
    const { history, api } = get();
    const workspaceId = history.query.workspaceId;
    if (!workspaceId) return;
    try {
      const { errors } = await api.call('push.errorTitles', { workspaceId, from: new Date(Date.now() - 30 * DAY_MS).toISOString() });
      if (get().history.query.workspaceId === workspaceId) patch({ errorTitles: errors });
    } catch {
      // The filter still offers every title when this fails.
    }
  }

  function restart(query: HistoryQuery) {
    patch((s) => {
      const fresh = { head: [], pages: {}, cursors: [undefined], complete: false };
      return { ...fresh, query, loadedCount: extent(fresh), total: null, generation: s.generation + 1, error: null, pendingNew: 0 };
    });
    void loadPage(0);
    void loadTotal();
  }

  return {
    history: initialHistoryState(),

    historyOpen(workspaceId) {
      const current = get().history.query;
      if (current.workspaceId === workspaceId) {
        void get().historyRefresh();
        return;
      }
      patch({ chart: null, errorTitles: [], progress: null });
      restart({ ...initialHistoryState().query, workspaceId });
      void loadChart();
      void loadErrorTitles();
      void get()
        .api.invoke('push.progress', { workspaceId })
        .then((r) => {
          if (r.ok && get().history.query.workspaceId === workspaceId) patch({ progress: r.value });
        });
    },

    historySetQuery(change) {
      const query = { ...get().history.query, ...change };
      restart(query);
      if ('range' in change) void loadChart();
    },

    historySetChartSize(size) {
      patch({ chartSize: size });
      void loadChart();
    },

    historyEnsureRows(start, end) {
      const s = get().history;
      const first = Math.max(0, Math.floor((start - s.head.length) / PAGE_SIZE));
      const last = Math.floor((Math.max(0, end - s.head.length)) / PAGE_SIZE);
      for (let page = first; page <= last && page < s.cursors.length; page++) {
        if (!s.pages[page]) void loadPage(page);
      }
    },

    historySetAtTop(atTop) {
      if (get().history.atTop !== atTop) patch({ atTop });
      if (atTop && get().history.pendingNew > 0) get().historyShowNew();
    },

    async historyRefresh() {
      const { history, api } = get();
      const { query, generation } = history;
      if (!query.workspaceId) return;
      void loadTotal();
      void loadChart();
      void loadErrorTitles();
      let fresh: HistoryPage;
      try {
        fresh = await api.call('push.history', { workspaceId: query.workspaceId, filter: historyFilter(query), limit: PAGE_SIZE });
      } catch (error) {
        if (get().history.generation === generation) patch({ error: errorMessage(error) });
        return;
      }
      if (get().history.generation !== generation) return;
      patch((s) => {
        const top = rowAt(s, 0);
        const byId = new Map(fresh.items.map((r) => [r.attemptId, r]));
        // Rows already shown change in place (a running attempt ends): no row moves.
        const update = (rows: HistoryRow[]) => rows.map((r) => byId.get(r.attemptId) ?? r);
        const pages = Object.fromEntries(Object.entries(s.pages).map(([k, p]) => [k, { ...p, items: update(p.items) }]));
        const head = update(s.head);
        if (!s.pages[0] && s.head.length === 0) return { pages: { ...pages, 0: { items: fresh.items, ...(fresh.next ? { next: fresh.next } : {}) } }, cursors: fresh.next ? [undefined, fresh.next] : [undefined], complete: !fresh.next, portal: fresh.portal };
        const newer = top ? fresh.items.filter((r) => Number(r.attemptId) > Number(top.attemptId)) : fresh.items;
        if (newer.length === 0) return { pages, head };
        // A whole page of new rows may hide more between it and what is shown: load from the top instead.
        if (newer.length === fresh.items.length && fresh.next) return s.atTop ? { pendingNew: -1 } : { pages, head, pendingNew: newer.length };
        if (!s.atTop) return { pages, head, pendingNew: newer.length };
        const next = { pages, head: [...newer, ...head] };
        return { ...next, loadedCount: extent({ ...s, ...next }) };
      });
      if (get().history.pendingNew === -1) restart(get().history.query);
    },

    historyShowNew() {
      restart(get().history.query);
    },

    async historyLoadFailedCount(workspaceId) {
      try {
        const { count } = await get().api.call('push.retryFailed', { workspaceId, filter: {}, preview: true });
        patch((s) => ({ failedJobs: { ...s.failedJobs, [workspaceId]: count } }));
      } catch {
        // No badge rather than a wrong one.
      }
    },
  };
};

/** The rows the table shows: head, loaded pages and a loading row while more may come. */
export function rowCount(state: HistoryState): number {
  return state.loadedCount;
}
