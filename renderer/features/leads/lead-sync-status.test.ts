import { describe, expect, it } from 'vitest';
import type { Lead } from '../../../core/contract/leads.ts';
import type { JobSummary, LeadSyncStatus } from '../../../core/contract/push.ts';
import { createApiClient } from '../../api/client.ts';
import { createAppStore } from '../../state/store.ts';
import { createFakeTransport } from '../../testing/fake-transport.ts';
import { bindLeadsEvents } from './leads-events.ts';

const lead = (n: number): Lead => ({
  id: String(n), firstName: `L${n}`, lastName: '', email: '', phone: '', company: '', jobTitle: '', website: '', notes: '', source: '', owner: '',
  custom: {}, problems: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', importId: null,
});
const status = (leadId: string, state: LeadSyncStatus['state'], jobId = '1'): LeadSyncStatus => ({
  leadId, jobId, state, errorCode: state === 'failed' ? 'invalid_value' : null, errorTitle: state === 'failed' ? 'HubSpot rejected a value' : null, cancelReason: null, contactId: null, updatedAt: '2026-01-01T00:00:00Z',
});
const job = (leadId: string, jobId: string, state: JobSummary['state']): JobSummary => ({
  jobId, leadId, leadLabel: '', leadEmail: '', state, origin: 'manual', attempts: 1, failures: 0, nextAttemptAt: null, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:01Z',
  finishedAt: null, error: null, cancelReason: null, stateReason: null, contactId: '77', companyId: null, listResult: null, steps: [],
});

describe('the Sync column of the leads table', () => {
  it('loads the status of loaded rows and follows job changes of the open workspace', async () => {
    const fake = createFakeTransport({
      'leads.list': () => ({ items: [lead(1), lead(2), lead(3)], total: 3 }),
      'leads.listFields': () => [],
      'push.leadStatuses': (input: { leadIds: string[] }) => ({ statuses: input.leadIds.includes('1') ? [status('1', 'failed'), status('2', 'succeeded')] : [] }),
    });
    const api = createApiClient(fake.transport);
    const store = createAppStore(api);
    bindLeadsEvents(api, store);
    store.getState().leadsOpen('w1');
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.calls.find((c) => c.method === 'push.leadStatuses')?.input).toEqual({ workspaceId: 'w1', leadIds: ['1', '2', '3'] });
    const sync = () => store.getState().leads.syncStatus;
    expect(sync()['1']).toMatchObject({ state: 'failed', errorTitle: 'HubSpot rejected a value' });
    expect(sync()['3']).toBeUndefined();

    fake.emit('push.onDidChangeJobs', { workspaceId: 'w1', jobs: [job('1', '5', 'queued'), job('3', '6', 'succeeded')], leadIds: ['1', '3'], bulk: false });
    expect(sync()['1']).toMatchObject({ state: 'queued', jobId: '5', errorTitle: null });
    expect(sync()['3']).toMatchObject({ state: 'succeeded', contactId: '77' });
    // An older job's news doesn't overwrite the newer one's.
    fake.emit('push.onDidChangeJobs', { workspaceId: 'w1', jobs: [job('1', '4', 'failed')], leadIds: ['1'], bulk: false });
    expect(sync()['1']!.jobId).toBe('5');
    // Other workspaces' jobs are not this table's.
    fake.emit('push.onDidChangeJobs', { workspaceId: 'w2', jobs: [job('2', '9', 'failed')], leadIds: ['2'], bulk: false });
    expect(sync()['2']!.state).toBe('succeeded');
  });
});
