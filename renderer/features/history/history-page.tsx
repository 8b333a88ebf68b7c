import { useEffect, useState } from 'react';
import type { HistoryRow, OutcomeBucket } from '../../../core/contract/push.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { datedName, downloadCsv } from '../../components/download.ts';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useAppStore } from '../../state/store.ts';
import { BundleDetail, BundlesList } from './bundles-view.tsx';
import { HistoryFilters, TimeRangePicker } from './history-filters.tsx';
import { historyFilter, isFiltered } from './history-slice.ts';
import { HistoryTable } from './history-table.tsx';
import { JobDetailPanel } from './job-detail.tsx';
import { bucketLabel, OutcomeChart } from './outcome-chart.tsx';
import { PushProgressCard } from './push-progress.tsx';
import { RetryFailedDialog } from './retry-failed-dialog.tsx';

const fmt = (n: number) => n.toLocaleString();
const HOUR_MS = 3_600_000;

/** Push every lead of the workspace (the Leads page pushes a selection). */
function PushAllDialog({ workspaceId, onClose }: { workspaceId: string; onClose(): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const push = async () => {
    setBusy(true);
    try {
      const result = await api.call('push.leads', { workspaceId, target: { kind: 'all' } });
      notify('success', `Queued ${fmt(result.queued)} lead${result.queued === 1 ? '' : 's'}${result.coalesced ? ` (${fmt(result.coalesced)} already waiting)` : ''}.`);
      onClose();
    } catch (e) {
      notify('error', errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Push all leads to HubSpot?"
      onClose={onClose}
      onSubmit={() => void push()}
      testId="push-all-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            <Icon name="send" /> Push all leads
          </button>
        </>
      }
    >
      <p>Every lead of this workspace is queued with the saved mapping. Leads the inclusion filter excludes are recorded as excluded; progress shows here as it goes.</p>
    </Dialog>
  );
}

/**
 * Sync History: every attempt of every push, newest first, filtered by status, error, step, time
 * and text; outcomes over time (a bar filters the table); live while jobs run; a job's detail
 * beside the table. `param`: a job id, `bundles`, or `bundles/<id>`.
 */
export function HistoryPage({ workspace, param }: { workspace: Workspace; param?: string }) {
  const open = useAppStore((s) => s.historyOpen);
  const navigate = useAppStore((s) => s.navigate);
  const setQuery = useAppStore((s) => s.historySetQuery);
  const setChartSize = useAppStore((s) => s.historySetChartSize);
  const showNew = useAppStore((s) => s.historyShowNew);
  const query = useAppStore((s) => s.history.query);
  const total = useAppStore((s) => s.history.total);
  const chart = useAppStore((s) => s.history.chart);
  const chartSize = useAppStore((s) => s.history.chartSize);
  const progress = useAppStore((s) => s.history.progress);
  const pendingNew = useAppStore((s) => s.history.pendingNew);
  const error = useAppStore((s) => s.history.error);
  const loaded = useAppStore((s) => s.history.loadedCount);
  const complete = useAppStore((s) => s.history.complete);
  const failed = useAppStore((s) => s.history.failedJobs[workspace.id] ?? 0);
  const [modal, setModal] = useState<'retry' | 'push' | null>(null);
  const [exporting, setExporting] = useState(false);
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);

  /** The rows the filters show, all of them, as CSV. */
  const exportCsv = async () => {
    setExporting(true);
    try {
      const filter = historyFilter(query);
      const rows = await downloadCsv((after) => api.call('push.exportHistoryCsv', { workspaceId: workspace.id, filter, ...(after ? { after } : {}) }), datedName('sync-history'));
      notify('success', `Exported ${fmt(rows)} attempt${rows === 1 ? '' : 's'}.`);
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  useEffect(() => {
    open(workspace.id);
  }, [open, workspace.id]);

  const go = (rest?: string) => navigate({ name: 'workspace', workspaceId: workspace.id, page: 'history', ...(rest ? { param: rest } : {}) });
  const bundles = param === 'bundles' || param?.startsWith('bundles/');
  const jobId = param && !bundles ? param : null;

  if (bundles) {
    const bundleId = param?.startsWith('bundles/') ? param.slice('bundles/'.length) : null;
    return (
      <div className="page history-page history-bundles" data-testid="history-page">
        <PageHeader
          title="Support bundles"
          subtitle="Sync History"
          actions={
            <button type="button" className="btn" onClick={() => go()}>
              <Icon name="history" /> Back to the history
            </button>
          }
        />
        {bundleId ? <BundleDetail bundleId={bundleId} onBack={() => go('bundles')} /> : <BundlesList onOpen={(id) => go(`bundles/${id}`)} />}
      </div>
    );
  }

  const filtered = isFiltered(query);
  const empty = complete && loaded === 0 && !filtered && !progress?.active;
  const selectedStart =
    query.range.preset === 'custom' && chart && chart.buckets.some((b) => b.start === (query.range as { from: string }).from) ? (query.range as { from: string }).from : null;
  const selectBucket = (bucket: OutcomeBucket) => {
    if (bucket.start === selectedStart) {
      setQuery({ range: { preset: chart?.size === 'hour' ? '24h' : '7d' } });
      return;
    }
    const size = chart?.size ?? 'day';
    const next = chart?.buckets[chart.buckets.indexOf(bucket) + 1];
    const end = next ? next.start : new Date(Date.parse(bucket.start) + (size === 'hour' ? HOUR_MS : 24 * HOUR_MS)).toISOString();
    setQuery({ range: { preset: 'custom', from: bucket.start, to: end, label: bucketLabel(bucket, size) } });
  };

  const subtitle =
    total === null
      ? 'Every attempt to push a lead, newest first'
      : `${total.capped ? `More than ${fmt(total.count)}` : fmt(total.count)} attempt${total.count === 1 ? '' : 's'}${filtered ? ' matching' : ` in the ${query.range.preset === '24h' ? 'last 24 hours' : query.range.preset === '30d' ? 'last 30 days' : 'last 7 days'}`}`;

  return (
    <div className={`page page-wide history-page${jobId ? ' has-panel' : ''}`} data-testid="history-page">
      <div className="history-main">
        <PageHeader
          title="Sync History"
          subtitle={subtitle}
          actions={
            <>
              <button type="button" className="btn" onClick={() => go('bundles')}>
                <Icon name="bug" /> Support bundles
              </button>
              <button type="button" className="btn" disabled={exporting || empty} onClick={() => void exportCsv()} title="The attempts the filters show, as CSV">
                <Icon name="download" /> {exporting ? 'Exporting…' : 'Export CSV'}
              </button>
              <button type="button" className="btn" onClick={() => setModal('push')}>
                <Icon name="send" /> Push all leads
              </button>
              <button type="button" className="btn btn-primary" disabled={failed === 0} onClick={() => setModal('retry')} data-testid="retry-failed">
                <Icon name="refresh" /> Retry failed{failed > 0 ? ` (${fmt(failed)})` : ''}…
              </button>
            </>
          }
        />
        {progress?.active ? <PushProgressCard progress={progress} /> : null}
        {empty ? (
          <div className="empty-state card" data-testid="history-empty">
            <div className="empty-icon">
              <Icon name="history" size={28} />
            </div>
            <h2>Nothing pushed yet</h2>
            <p className="muted">Every attempt to push a lead to HubSpot shows here: what was sent, what HubSpot answered, and what to do about failures.</p>
            <div className="empty-actions">
              <button type="button" className="btn btn-primary btn-large" onClick={() => setModal('push')}>
                <Icon name="send" /> Push all leads
              </button>
              <button type="button" className="btn btn-large" onClick={() => go('bundles')}>
                <Icon name="upload" /> Import a support bundle
              </button>
            </div>
          </div>
        ) : (
          <>
            <section className="card chart-card" aria-label="Outcomes over time">
              <div className="chart-card-head">
                <h2 className="card-title">Outcomes over time</h2>
                <TimeRangePicker />
                <div className="bar-size" role="radiogroup" aria-label="Bars per">
                  {(['auto', 'hour', 'day'] as const).map((size) => (
                    <button key={size} type="button" role="radio" aria-checked={chartSize === size} className={chartSize === size ? 'is-on' : ''} onClick={() => setChartSize(size)}>
                      {size === 'auto' ? 'Auto' : size === 'hour' ? 'By hour' : 'By day'}
                    </button>
                  ))}
                </div>
              </div>
              {chart ? <OutcomeChart buckets={chart.buckets} size={chart.size} selectedStart={selectedStart} onSelect={selectBucket} /> : <div className="chart-placeholder skeleton" />}
            </section>
            <HistoryFilters />
            {error ? (
              <div className="banner banner-error" role="alert">
                <Icon name="warning" /> <span>{error}</span>
              </div>
            ) : null}
            {pendingNew > 0 ? (
              <button type="button" className="new-rows-pill" onClick={showNew} data-testid="new-rows">
                <Icon name="arrowUp" size={14} /> {fmt(pendingNew)} new attempt{pendingNew === 1 ? '' : 's'}
              </button>
            ) : null}
            {complete && loaded === 0 ? (
              <div className="empty-inline card">No attempt matches these filters.</div>
            ) : (
              <HistoryTable onOpen={(row: HistoryRow) => go(row.jobId)} />
            )}
            <p className="leads-keys muted" aria-hidden="true">
              <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> open the job · <kbd>Esc</kbd> close it · <kbd>/</kbd> search · hover an error for HubSpot's answer
            </p>
          </>
        )}
      </div>
      {/* Keyed by job: a slow answer for the job shown before can never land in the next one's panel. */}
      {jobId ? <JobDetailPanel key={jobId} workspaceId={workspace.id} jobId={jobId} onClose={() => go()} /> : null}
      {modal === 'retry' ? <RetryFailedDialog query={query} onClose={() => setModal(null)} /> : null}
      {modal === 'push' ? <PushAllDialog workspaceId={workspace.id} onClose={() => setModal(null)} /> : null}
    </div>
  );
}

/** The navigation badge: failed jobs of the workspace. */
export function FailedJobsBadge({ workspaceId, id }: { workspaceId: string; id: string }) {
  const count = useAppStore((s) => s.history.failedJobs[workspaceId] ?? 0);
  const load = useAppStore((s) => s.historyLoadFailedCount);
  useEffect(() => {
    void load(workspaceId);
  }, [load, workspaceId]);
  if (count === 0) return null;
  return (
    // Out of the link's name ("Sync History"): the link reads the hidden sentence as its description
    // (aria-describedby may reference hidden content).
    <>
      <span className="nav-badge" title={`${fmt(count)} failed job${count === 1 ? '' : 's'}`} aria-hidden="true" data-testid="failed-badge">
        {count > 999 ? '999+' : count}
      </span>
      <span id={id} hidden>
        {fmt(count)} failed job{count === 1 ? '' : 's'}
      </span>
    </>
  );
}
