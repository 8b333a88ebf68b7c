import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client.ts';
import { createFakeTransport } from '../testing/fake-transport.ts';
import { formatMoney } from '../components/money.ts';
import { bindEvents } from './bind-events.ts';
import { createAppStore } from './store.ts';

const progress = (stream: string, fetched: number) => ({ workspaceId: 'w1', runId: 3, stream, fetched, created: fetched, updated: 0, deleted: 0, perSecond: 900, elapsedMs: 1000, done: false });

describe('mirror slice', () => {
  it('keeps the latest progress per stream, and clears it when the run finishes while pages reload', () => {
    const fake = createFakeTransport();
    const api = createApiClient(fake.transport);
    const store = createAppStore(api);
    const dispose = bindEvents(api, store);
    fake.emit('mirror.onDidProgress', progress('contacts', 100));
    fake.emit('mirror.onDidProgress', progress('contacts', 300));
    fake.emit('mirror.onDidProgress', progress('companies', 20));
    expect(Object.values(store.getState().mirrorProgress.w1!).map((p) => [p.stream, p.fetched])).toEqual([
      ['contacts', 300],
      ['companies', 20],
    ]);
    fake.emit('mirror.onDidChange', { workspaceId: 'w1', runId: 3, status: 'running' });
    expect(store.getState().mirrorVersion.w1).toBe(1);
    expect(Object.keys(store.getState().mirrorProgress.w1!)).toHaveLength(2);
    fake.emit('mirror.onDidChange', { workspaceId: 'w1', runId: 3, status: 'succeeded' });
    expect(store.getState().mirrorVersion.w1).toBe(2);
    expect(store.getState().mirrorProgress.w1).toEqual({});
    dispose();
  });
});

describe('money', () => {
  it('shows exact minor units in the currency’s own decimals', () => {
    expect(formatMoney('15000', 'usd')).toMatch(/150\.00/);
    expect(formatMoney('5000', 'jpy')).toMatch(/5,000/);
    expect(formatMoney('5000', 'jpy')).not.toMatch(/\./);
    expect(formatMoney('123456789012345678901', 'usd')).toMatch(/1,234,567,890,123,456,789\.01/);
  });
});
