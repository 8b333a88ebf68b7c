import { Fragment, useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MirrorRun, MirrorStatus, RunError } from '../../../core/contract/mirror.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { errorMessage } from '../../api/client.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { SyncSettings } from './sync-settings.tsx';

const n = (v: number) => v.toLocaleString();

/** Streams, freshness, Run sync now, live progress and the run log. */
export function SyncPage({ workspace }: { workspace: Workspace }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const version = useAppStore((s) => s.mirrorVersion[workspace.id] ?? 0);
  const progress = useAppStore(useShallow((s) => Object.values(s.mirrorProgress[workspace.id] ?? {})));
  const [status, setStatus] = useState<MirrorStatus | null>(null);
  const [runs, setRuns] = useState<MirrorRun[]>([]);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const [runErrors, setRunErrors] = useState<RunError[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const [s, r] = await Promise.all([api.invoke('mirror.status', { workspaceId: workspace.id }), api.invoke('mirror.runs', { workspaceId: workspace.id, limit: 50, errorsOnly })]);
    if (s.ok) setStatus(s.value);
    else setLoadError(s.error.message);
    if (r.ok) setRuns(r.value.items);
  }, [api, workspace.id, errorsOnly]);

  useEffect(() => {
    void reload();
  }, [reload, version]);

  useEffect(() => {
    if (open === null) return;
    void api.invoke('mirror.errors', { workspaceId: workspace.id, runId: open, limit: 100 }).then((r) => r.ok && setRunErrors(r.value.items));
  }, [api, workspace.id, open, version]);

  const start = async (mode: 'incremental' | 'full') => {
    try {
      await api.call('mirror.run', { workspaceId: workspace.id, mode });
      notify('info', mode === 'full' ? 'Full sync started.' : 'Sync started.');
    } catch (e) {
      notify('error', errorMessage(e));
    }
  };
  const retry = async (error: RunError) => {
    try {
      const result = await api.call('mirror.retryError', { workspaceId: workspace.id, errorId: error.id });
      notify('success', `Record ${result.id} resynced: ${result.outcome}.`);
    } catch (e) {
      notify('error', errorMessage(e));
    }
  };

  const running = status?.running ?? null;
  return (
    <div className="page page-wide" data-testid="sync-page">
      <PageHeader
        title="Sync"
        subtitle="The local mirror of this portal: what is synced, how fresh it is, and every run of the last 30 days."
        actions={
          running ? (
            <button type="button" className="btn" onClick={() => void api.invoke('mirror.cancel', { workspaceId: workspace.id })}>
              Stop
            </button>
          ) : (
            <>
              {/* Until the status is in, a run may already be under way: no Run buttons to refuse. */}
              <button type="button" className="btn" onClick={() => void start('full')} disabled={!status}>
                Full sync
              </button>
              <button type="button" className="btn btn-primary" onClick={() => void start('incremental')} disabled={!status}>
                Run sync now
              </button>
            </>
          )
        }
      />
      {loadError ? (
        <p className="field-error" role="alert">
          {loadError}
        </p>
      ) : null}
      {status ? (
        <>
          <div className="card-grid">
            <section className="card">
              <h2 className="card-title">Freshness</h2>
              <dl className="facts">
                <dt>Last incremental update</dt>
                <dd data-testid="last-incremental" title={status.lastIncrementalAt ?? ''}>
                  {formatRelative(status.lastIncrementalAt)}
                </dd>
                <dt>Last full sync</dt>
                <dd data-testid="last-full" title={status.lastFullAt ?? ''}>
                  {formatRelative(status.lastFullAt)}
                </dd>
                <dt>Next runs</dt>
                <dd>{status.nextIncrementalAt ? `incremental ${formatRelative(status.nextIncrementalAt)}, full ${formatDateTime(status.nextFullAt)}` : 'On demand (no schedule in this host)'}</dd>
                <dt>Portal time zone</dt>
                <dd>{status.portalTimeZone ?? '—'}</dd>
              </dl>
              {status.warnings.map((w) => (
                <p key={w.kind} className="banner banner-warning" role="status">
                  {w.message}
                </p>
              ))}
            </section>
            <section className="card" data-testid="drift">
              <h2 className="card-title">
                Reconciliation {status.drift.length ? <span className="tag tag-warning">drift</span> : <span className="tag tag-success">in step</span>}
              </h2>
              {status.drift.length === 0 ? (
                <p className="muted">After each full sync the local records are compared with HubSpot's: counts, and ids up to a few thousand records. No difference at the last check.</p>
              ) : (
                status.drift.map((d) => (
                  <p key={d.objectType}>
                    <strong>{d.objectType}</strong>: {n(d.localCount)} here, {n(d.remoteCount)} in HubSpot ({formatRelative(d.at)}).
                    {d.missingIds.length ? ` Missing here: ${d.missingIds.slice(0, 20).join(', ')}${d.missingIds.length > 20 ? '…' : ''}.` : ''}
                    {d.extraIds.length ? ` Gone from HubSpot: ${d.extraIds.slice(0, 20).join(', ')}.` : ''}
                  </p>
                ))
              )}
            </section>
          </div>
          {running || progress.length ? (
            <section className="card" aria-label="Progress" data-testid="sync-progress">
              <h2 className="card-title">Running: run {running?.id ?? progress[0]?.runId}</h2>
              <ul className="plain-list">
                {progress.map((p) => (
                  <li key={p.stream}>
                    <strong>{p.stream}</strong> {n(p.fetched)} fetched · {n(p.created)} new · {n(p.updated)} updated · {n(p.deleted)} deleted · {n(p.perSecond)}/s {p.done ? '✓' : ''}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <h2 className="section-title">Streams</h2>
          <table className="table" aria-label="Streams">
            <thead>
              <tr>
                <th scope="col">Stream</th>
                <th scope="col">Records</th>
                <th scope="col">Last full</th>
                <th scope="col">Last incremental</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {status.streams.map((s) => (
                <tr key={s.name}>
                  <td>
                    {s.label} <span className="muted">({s.provider === 'stripe' ? 'Stripe' : 'HubSpot'})</span>
                  </td>
                  <td>{s.objectType || s.provider === 'stripe' ? n(s.count) : ''}</td>
                  <td>{formatRelative(s.lastFullAt)}</td>
                  <td>{formatRelative(s.lastIncrementalAt)}</td>
                  <td>
                    {s.lastStatus === 'failed' ? <span className="tag tag-danger" title={s.lastError ?? ''}>failed</span> : null}
                    {s.lastStatus === 'skipped' ? <span className="tag tag-warning" title={s.lastWarning ?? ''}>skipped</span> : null}
                    {s.lastStatus === 'succeeded' ? <span className="tag tag-success">ok</span> : null}
                    {s.resumable ? <span className="tag tag-info">resumes</span> : null}
                    {s.lastWarning || s.lastError ? <div className="muted small">{s.lastError ?? s.lastWarning}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <SyncSettings workspace={workspace} />
      <div className="section-head">
        <h2 className="section-title">Run log</h2>
        <label className="checkbox">
          <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} /> Errors only
        </label>
      </div>
      <table className="table" aria-label="Run log">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Fetched</th>
            <th scope="col">New</th>
            <th scope="col">Updated</th>
            <th scope="col">Deleted</th>
            <th scope="col">Errors</th>
          </tr>
        </thead>
        <tbody>
          {runs.length === 0 ? (
            <tr>
              <td colSpan={9} className="muted">
                {errorsOnly ? 'No run with errors in the last 30 days.' : 'No runs yet.'}
              </td>
            </tr>
          ) : null}
          {runs.map((run) => (
            <Fragment key={run.id}>
              <tr className={open === run.id ? 'is-open' : ''}>
                <td>
                  <button type="button" className="link" aria-expanded={open === run.id} onClick={() => setOpen(open === run.id ? null : run.id)}>
                    #{run.id} {run.mode}
                  </button>
                </td>
                <td title={run.startedAt}>{formatDateTime(run.startedAt)}</td>
                <td>
                  <span className={`tag ${run.status === 'succeeded' ? 'tag-success' : run.status === 'running' ? 'tag-info' : run.status === 'partial' || run.status === 'cancelled' ? 'tag-warning' : 'tag-danger'}`}>{run.status}</span>
                </td>
                <td>{run.durationMs === null ? '—' : `${(run.durationMs / 1000).toFixed(1)} s`}</td>
                <td>{n(run.fetched)}</td>
                <td>{n(run.created)}</td>
                <td>{n(run.updated)}</td>
                <td>{n(run.deleted)}</td>
                <td>{run.errorCount ? <span className="tag tag-danger">{run.errorCount}</span> : '0'}</td>
              </tr>
              {open === run.id ? (
                <tr className="run-detail">
                  <td colSpan={9}>
                    <ul className="plain-list">
                      {run.streams.map((s) => (
                        <li key={s.stream}>
                          <strong>{s.stream}</strong> {s.status} ({s.mode}{s.resumed ? ', resumed' : ''}) — {n(s.fetched)} fetched, {n(s.created)} new, {n(s.updated)} updated, {n(s.deleted)} deleted
                          {s.warning ? <div className="muted">{s.warning}</div> : null}
                          {s.error ? <div className="field-error">{s.error.message}</div> : null}
                        </li>
                      ))}
                    </ul>
                    {runErrors.length ? (
                      <table className="table table-compact" aria-label="Errors of this run">
                        <thead>
                          <tr>
                            <th scope="col">Record</th>
                            <th scope="col">Error</th>
                            <th scope="col">Provider's response</th>
                            <th scope="col" />
                          </tr>
                        </thead>
                        <tbody>
                          {runErrors.map((e) => (
                            <tr key={e.id}>
                              <td>{e.recordId ? `${e.objectType} ${e.recordId}` : e.stream}</td>
                              <td>
                                {e.message}
                                {e.retryStatus ? <div className="muted">Retried: {e.retryStatus}</div> : null}
                              </td>
                              <td>
                                <pre className="response">{e.response ?? '—'}</pre>
                              </td>
                              <td>
                                {e.recordId ? (
                                  <button type="button" className="btn btn-small" onClick={() => void retry(e)}>
                                    Retry this record
                                  </button>
                                ) : null}
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    ) : null}
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
