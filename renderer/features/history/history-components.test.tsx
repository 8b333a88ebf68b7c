import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { JobDetail, OutcomeBucket } from '../../../core/contract/push.ts';
import { createApiClient } from '../../api/client.ts';
import { createAppStore, StoreContext } from '../../state/store.ts';
import { createFakeTransport } from '../../testing/fake-transport.ts';
import { JobDetailPanel } from './job-detail.tsx';
import { OutcomeChart } from './outcome-chart.tsx';

const bucket = (day: number, counts: Partial<OutcomeBucket> = {}): OutcomeBucket => ({
  start: new Date(Date.UTC(2026, 10, day)).toISOString(),
  succeeded: 0,
  succeededWithWarnings: 0,
  failed: 0,
  retried: 0,
  cancelled: 0,
  ...counts,
});

describe('outcome chart', () => {
  it('names each bar with its counts, moves with the arrow keys and filters on Enter or a click', () => {
    const onSelect = vi.fn();
    const buckets = [bucket(20, { succeeded: 40, failed: 2 }), bucket(21, { succeeded: 10, retried: 3 }), bucket(22)];
    render(<OutcomeChart buckets={buckets} size="day" selectedStart={null} onSelect={onSelect} />);
    const bars = screen.getAllByRole('button');
    expect(bars).toHaveLength(3);
    expect(bars[0]!.getAttribute('aria-label')).toMatch(/40 succeeded, 2 failed$/);
    expect(bars[2]!.getAttribute('aria-label')).toMatch(/no attempts$/);
    // One tab stop (the last bar); arrows move between bars.
    expect(bars.map((b) => b.tabIndex)).toEqual([-1, -1, 0]);
    bars[2]!.focus();
    fireEvent.keyDown(bars[2]!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(bars[1]);
    fireEvent.click(bars[1]!);
    expect(onSelect).toHaveBeenCalledWith(buckets[1]);
    expect(screen.getByTestId('outcome-chart').textContent).toContain('Failed 2');
  });
});

describe('job detail', () => {
  it('explains the error with its fix, shows the steps and attempts, and retries', async () => {
    const job: JobDetail = {
      jobId: '9',
      leadId: '4',
      leadLabel: 'Ada Lovelace',
      leadEmail: 'ada@example.com',
      state: 'failed',
      origin: 'manual',
      attempts: 1,
      failures: 0,
      nextAttemptAt: null,
      createdAt: '2026-11-22T10:00:00.000Z',
      updatedAt: '2026-11-22T10:00:01.000Z',
      finishedAt: '2026-11-22T10:00:01.000Z',
      error: {
        code: 'invalid_value',
        title: 'HubSpot rejected a value',
        meaning: "A value isn't valid for its property.",
        fix: 'Add the option in HubSpot, map the field to a text property, or fix the lead.',
        message: 'HubSpot rejected "Gold" for "plan_interest"',
        details: { property: 'plan_interest', value: 'Gold' },
        response: 'HTTP 400 {"status":"error","message":"Property values were not valid"}',
      },
      cancelReason: null,
      stateReason: null,
      contactId: null,
      companyId: null,
      listResult: null,
      steps: [
        { step: 'contact', outcome: 'failed', label: 'Failed', hubspotId: null, error: null, at: null },
        { step: 'company', outcome: 'not_run', label: 'Not run', hubspotId: null, error: null, at: null },
        { step: 'list', outcome: 'none', label: 'Nothing to do', hubspotId: null, error: null, at: null },
      ],
      attemptDetails: [],
      links: { contact: null, company: null, list: null },
    };
    const fake = createFakeTransport({ 'push.job': () => job, 'push.retry': () => ({ ...job, state: 'queued' }) });
    const store = createAppStore(createApiClient(fake.transport));
    render(
      <StoreContext.Provider value={store}>
        <JobDetailPanel workspaceId="w1" jobId="9" onClose={() => {}} />
      </StoreContext.Provider>,
    );
    await act(async () => {});
    expect(screen.getByTestId('error-title').textContent).toContain('HubSpot rejected a value');
    expect(screen.getByTestId('error-title').getAttribute('title')).toContain('"message": "Property values were not valid"');
    expect(screen.getByTestId('error-card').textContent).toContain('Add the option in HubSpot');
    expect(screen.getByTestId('step-contact').textContent).toContain('Failed');
    fireEvent.click(screen.getByRole('button', { name: "Show HubSpot's response" }));
    expect(screen.getByTestId('raw-response').textContent).toContain('HTTP 400');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    });
    expect(fake.calls.find((c) => c.method === 'push.retry')?.input).toEqual({ workspaceId: 'w1', jobId: '9' });
  });
});
