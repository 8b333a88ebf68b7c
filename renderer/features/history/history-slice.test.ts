import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryFilter, HistoryRow, PushProgress } from '../../../core/contract/push.ts';
import { createApiClient } from '../../api/client.ts';
import { bindEvents } from '../../state/bind-events.ts';
import { createAppStore } from '../../state/store.ts';
import { createFakeTransport } from '../../testing/fake-transport.ts';
import { historyFilter, PAGE_SIZE, retryFilter, rowAt } from './history-slice.ts';

const row = (id: number, patch: Partial<HistoryRow> = {}): HistoryRow => ({
  attemptId: String(id),
  jobId: String(id),
  leadId: String(id),
  leadLabel: `Lead ${id}`,
  leadEmail: `lead${id}@example.com`,
  attempt: 1,
  status: 'succeeded',
  startedAt: new Date(Date.UTC(2026, 10, 20) + id * 1000).toISOString(),
  finishedAt: null,
  durationMs: 300,
  errorCode: null,
  errorTitle: null,
  errorMessage: null,
  failedStep: null,
  contactId: String(1000 + id),
  companyId: null,
  listResult: null,
  nextAttemptAt: null,
  cancelReason: null,
  ...patch,
});

/** A fake core holding `total` attempts with ids total…1 (newest first), paged by id like the real one. */
function setup(total = 350) {
  let newest = total;
  const rows = new Map<number, HistoryRow>();
  for (let id = 1; id <= total; id++) rows.set(id, row(id));
  const histories: Array<{ filter: HistoryFilter; after?: string | undefined }> = [];
  const fake = createFakeTransport({
    'push.history': (input: { filter: HistoryFilter; limit: number; after?: string }) => {
      histories.push({ filter: input.filter, after: input.after });
      const start = input.after ? Number(input.after) - 1 : newest;
      const items: HistoryRow[] = [];
      for (let id = start; id >= 1 && items.length < input.limit; id--) items.push(rows.get(id)!);
      const last = items.at(-1);
      return { items, ...(last && Number(last.attemptId) > 1 ? { next: last.attemptId } : {}), portal: null };
    },
    'push.historyCount': () => ({ count: newest, capped: false }),
    'push.buckets': () => ({ buckets: [] }),
    'push.errorTitles': () => ({ errors: [{ code: 'invalid_value', title: 'HubSpot rejected a value', count: 3 }] }),
    'push.progress': () => progress(false),
    'push.retryFailed': () => ({ count: 7, retried: 0 }),
  });
  const store = createAppStore(createApiClient(fake.transport));
  const add = (n: number) => {
    for (let i = 0; i < n; i++) {
      newest++;
      rows.set(newest, row(newest, { status: 'running' }));
    }
  };
  const finish = (id: number, patch: Partial<HistoryRow>) => rows.set(id, { ...rows.get(id)!, ...patch });
  return { fake, store, histories, add, finish };
}

const progress = (active: boolean): PushProgress => ({
  workspaceId: 'w1',
  at: '2026-11-23T10:00:00.000Z',
  active,
  runStartedAt: null,
  counts: { queued: 10, running: 5, retrying: 0, succeeded: 20, succeeded_with_warnings: 0, failed: 2, cancelled: 0, waiting_for_network: 0, paused_reauthorize: 0 },
  leadsPerSecond: 12,
  callsPerSecond: 3,
  allowedCallsPerSecond: 19,
  etaSeconds: 2,
  nextAttemptAt: null,
  heldElsewhere: false,
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('history slice', () => {
  it('loads the first page, the count, the error titles and the chart, then pages by cursor as rows scroll into view', async () => {
    const { store, histories, fake } = setup();
    store.getState().historyOpen('w1');
    await settle();
    const state = () => store.getState().history;
    expect(state().pages[0]?.items).toHaveLength(PAGE_SIZE);
    expect(state().total).toEqual({ count: 350, capped: false });
    expect(state().errorTitles.map((t) => t.code)).toEqual(['invalid_value']);
    expect(fake.calls.some((c) => c.method === 'push.buckets')).toBe(true);
    // A loading row stands for what may come next.
    expect(state().loadedCount).toBe(101);
    expect(rowAt(state(), 0)?.attemptId).toBe('350');

    store.getState().historyEnsureRows(90, 130);
    await settle();
    expect(histories.at(-1)?.after).toBe('251');
    expect(rowAt(state(), 100)?.attemptId).toBe('250');
    store.getState().historyEnsureRows(190, 260);
    await settle();
    store.getState().historyEnsureRows(290, 360);
    await settle();
    expect(state().complete).toBe(true);
    expect(state().loadedCount).toBe(350);
    expect(rowAt(state(), 349)?.attemptId).toBe('1');
  });

  it('turns the page filters into core filters, and Retry all failed into a job filter', async () => {
    const { store, histories } = setup();
    store.getState().historyOpen('w1');
    await settle();
    store.getState().historySetQuery({ status: 'errors', errorCode: 'property_missing', step: 'contact', search: ' acme ' });
    await settle();
    const filter = histories.at(-1)!.filter;
    expect(filter).toMatchObject({ errorsOnly: true, errorCodes: ['property_missing'], steps: ['contact'], search: 'acme' });
    expect(Date.parse(filter.from!)).toBeGreaterThan(Date.now() - 7 * 86_400_000 - 60_000);
    const query = store.getState().history.query;
    expect(retryFilter(query)).toMatchObject({ errorCodes: ['property_missing'], search: 'acme' });
    expect(retryFilter(query)).not.toHaveProperty('states');
    const bar = historyFilter({ ...query, status: 'failed', range: { preset: 'custom', from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z', label: 'Nov 20' } });
    expect(bar).toMatchObject({ statuses: ['failed'], from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' });
  });

  it('keeps the scroll position: new attempts go on top only at the top, ended ones change in place, and a pill offers the rest', async () => {
    const { store, add, finish } = setup(150);
    store.getState().historyOpen('w1');
    await settle();
    const state = () => store.getState().history;

    add(3);
    await store.getState().historyRefresh();
    expect(state().head.map((r) => r.attemptId)).toEqual(['153', '152', '151']);
    expect(rowAt(state(), 3)?.attemptId).toBe('150');

    // Scrolled down: nothing moves; the rows on screen still change in place.
    store.getState().historySetAtTop(false);
    finish(152, { status: 'failed', errorCode: 'invalid_value', errorTitle: 'HubSpot rejected a value' });
    add(2);
    await store.getState().historyRefresh();
    expect(state().head.map((r) => r.attemptId)).toEqual(['153', '152', '151']);
    expect(rowAt(state(), 1)).toMatchObject({ status: 'failed', errorTitle: 'HubSpot rejected a value' });
    expect(state().pendingNew).toBe(2);

    // Back at the top: the pill's rows are taken.
    store.getState().historySetAtTop(true);
    await settle();
    expect(state().pendingNew).toBe(0);
    expect(rowAt(state(), 0)?.attemptId).toBe('155');
  });

  it('binds core events: progress, history changes (throttled) and the failed-jobs badge', async () => {
    vi.useFakeTimers();
    const { store, fake, add } = setup(10);
    const unbind = bindEvents(store.getState().api, store);
    store.getState().historyOpen('w1');
    await vi.advanceTimersByTimeAsync(0);

    fake.emit('push.onDidProgress', progress(true));
    expect(store.getState().history.progress?.active).toBe(true);
    fake.emit('push.onDidProgress', { ...progress(true), workspaceId: 'other' });
    expect(store.getState().history.progress?.workspaceId).toBe('w1');

    const pages = () => fake.calls.filter((c) => c.method === 'push.history').length;
    const before = pages();
    add(1);
    for (let i = 0; i < 5; i++) fake.emit('push.onDidChangeHistory', { workspaceId: 'w1', attempts: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(pages()).toBe(before + 1);
    expect(rowAt(store.getState().history, 0)?.attemptId).toBe('11');

    fake.emit('push.onDidChangeJobs', { workspaceId: 'w1', jobs: [], leadIds: [], bulk: false });
    expect(store.getState().history.jobChange).toMatchObject({ workspaceId: 'w1', bulk: false });
    await vi.advanceTimersByTimeAsync(2000);
    expect(store.getState().history.failedJobs.w1).toBe(7);
    unbind();
  });
});
