import { useCallback, useEffect, useRef, useState } from 'react';
import { type AttemptDetail, type JobDetail, type JobError, PENDING_JOB_STATES, type StepResult } from '../../../core/contract/push.ts';
import { errorMessage } from '../../api/client.ts';
import { Icon } from '../../components/icons.tsx';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { EditReplayDialog } from './edit-replay-dialog.tsx';
import { CodeBlock, ExchangeView } from './exchange-view.tsx';
import { formatDuration } from './history-table.tsx';
import { prettyBody } from './pretty.ts';
import { ReportDialog } from './report-dialog.tsx';
import { StatusTag } from './status-tag.tsx';

const STEP_NAMES = { contact: 'Contact', company: 'Company', list: 'List' } as const;

function stepTone(step: StepResult): string {
  if (step.outcome === 'failed') return step.error && step.label.includes('skipped') ? 'tag-warning' : 'tag-danger';
  if (step.outcome === 'skipped_dynamic') return 'tag-warning';
  if (step.outcome === 'pending' || step.outcome === 'not_run' || step.outcome === 'none' || step.outcome === 'off') return '';
  return 'tag-success';
}

/** The error as SPEC §4 words it: title, the lead's specifics, what it means, the fix; HubSpot's raw answer on hover and below. */
export function ErrorExplanation({ error, warning = false }: { error: JobError; warning?: boolean }) {
  const [raw, setRaw] = useState(false);
  const suggestion = typeof error.details.suggestion === 'string' ? error.details.suggestion : null;
  return (
    <section className={`error-card${warning ? ' is-warning' : ''}`} aria-label="What went wrong" data-testid="error-card">
      <h3 className="error-title" title={error.response ? prettyBody(error.response) : 'No call reached HubSpot'} data-testid="error-title">
        <Icon name="warning" size={16} /> {error.title}
      </h3>
      <p className="error-message">{error.message}</p>
      <dl className="error-facts">
        <dt>What it means</dt>
        <dd>{error.meaning}</dd>
        <dt>How to fix it</dt>
        <dd>
          {error.fix}
          {suggestion ? (
            <>
              {' '}
              Did you mean <code>{suggestion}</code>?
            </>
          ) : null}
        </dd>
      </dl>
      {error.response ? (
        <>
          <button type="button" className="link" aria-expanded={raw} onClick={() => setRaw(!raw)}>
            {raw ? 'Hide' : 'Show'} HubSpot's response
          </button>
          {raw ? <CodeBlock label="HubSpot's response" text={error.response} testId="raw-response" /> : null}
        </>
      ) : error.details.preflight ? (
        <p className="muted error-note">Syncdesk stopped this before calling HubSpot: the portal's property definitions already show the problem.</p>
      ) : (
        <p className="muted error-note">No answer from HubSpot was recorded for this error.</p>
      )}
    </section>
  );
}

function Sent({ attempt }: { attempt: AttemptDetail }) {
  const rows = [
    ...Object.entries(attempt.sent?.contact ?? {}).map(([k, v]) => ({ object: 'Contact', property: k, value: v })),
    ...Object.entries(attempt.sent?.company ?? {}).map(([k, v]) => ({ object: 'Company', property: k, value: v })),
  ];
  if (rows.length === 0) return null;
  return (
    <table className="table sent-table">
      <thead>
        <tr>
          <th>Object</th>
          <th>Property</th>
          <th>Value sent</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.object}.${r.property}`}>
            <td>{r.object}</td>
            <td>
              <code>{r.property}</code>
            </td>
            <td className="sent-value">{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AttemptItem({ attempt, open, onToggle }: { attempt: AttemptDetail; open: boolean; onToggle(): void }) {
  return (
    <li className={`attempt status-${attempt.status}`} data-testid="attempt">
      <button type="button" className="attempt-line" aria-expanded={open} onClick={onToggle}>
        <span className="attempt-dot" aria-hidden="true" />
        <span className="attempt-number">Attempt {attempt.attempt}</span>
        <StatusTag status={attempt.status} nextAttemptAt={attempt.nextAttemptAt} cancelReason={attempt.cancelReason} />
        <span className="attempt-when" title={formatDateTime(attempt.startedAt)}>
          {formatRelative(attempt.startedAt)}
        </span>
        <span className="attempt-meta">
          {formatDuration(attempt.durationMs)} · batch of {attempt.batchSize}
        </span>
        <Icon name="chevronDown" size={14} className={`exchange-chevron${open ? ' is-open' : ''}`} />
      </button>
      {attempt.error ? <p className="attempt-error">{attempt.error.title}: {attempt.error.message}</p> : null}
      {open ? (
        <div className="attempt-body">
          <Sent attempt={attempt} />
          <p className="attempt-subhead">
            HTTP calls with HubSpot{attempt.batchSize > 1 ? ' (batch calls carried other leads too)' : ''}
          </p>
          {attempt.exchanges.length > 0 ? (
            <ul className="exchanges">
              {attempt.exchanges.map((e) => (
                <ExchangeView key={e.exchangeId} exchange={e} />
              ))}
            </ul>
          ) : (
            <p className="muted">No call was made in this attempt.</p>
          )}
        </div>
      ) : null}
    </li>
  );
}

/**
 * One job: its steps with their results, the error explained with its fix, every attempt with the
 * HTTP exchanges behind it, links to the records in HubSpot, and what can be done: Retry, Cancel,
 * Edit and replay, Report an issue. Reloads when core says the job changed.
 */
export function JobDetailPanel({ workspaceId, jobId, onClose }: { workspaceId: string; jobId: string; onClose(): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const navigate = useAppStore((s) => s.navigate);
  const jobChange = useAppStore((s) => s.history.jobChange);
  const [job, setJob] = useState<JobDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [openAttempt, setOpenAttempt] = useState<string | null>(null);
  const [modal, setModal] = useState<'report' | 'edit' | null>(null);
  const [busy, setBusy] = useState(false);
  const panelRef = useRef<HTMLElement>(null);

  const load = useCallback(async () => {
    const result = await api.invoke('push.job', { workspaceId, jobId });
    if (result.ok) {
      setJob(result.value);
      setError(null);
    } else setError(result.error.message);
  }, [api, workspaceId, jobId]);

  useEffect(() => {
    setJob(null);
    setOpenAttempt(null);
    void load();
    panelRef.current?.focus();
  }, [load]);

  useEffect(() => {
    if (jobChange && jobChange.workspaceId === workspaceId && (jobChange.bulk || jobChange.jobIds.includes(jobId))) void load();
  }, [jobChange, workspaceId, jobId, load]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !modal && !document.querySelector('dialog[open]')) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [modal, onClose]);

  const act = async (what: 'retry' | 'cancel') => {
    setBusy(true);
    try {
      if (what === 'retry') {
        await api.call('push.retry', { workspaceId, jobId });
        notify('success', 'Queued again. Its attempts go on numbering.');
      } else {
        await api.call('push.cancel', { workspaceId, jobIds: [jobId] });
        notify('success', 'Cancelled.');
      }
      await load();
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const pending = job ? (PENDING_JOB_STATES as readonly string[]).includes(job.state) || job.state === 'running' : false;
  const canRetry = job ? job.state === 'failed' || job.state === 'cancelled' || job.state === 'succeeded_with_warnings' : false;
  const lastAttempt = job?.attemptDetails.at(-1);
  const shownAttempt = openAttempt ?? lastAttempt?.attemptId ?? null;

  return (
    <aside ref={panelRef} className="job-panel" aria-label="Job detail" tabIndex={-1} data-testid="job-detail">
      <header className="job-panel-head">
        <div className="job-panel-title">
          <h2>{job ? job.leadLabel || `Lead ${job.leadId}` : 'Job'}</h2>
          {job ? (
            <p className="muted">
              {job.leadEmail ? `${job.leadEmail} · ` : ''}job {job.jobId} · {job.attempts} attempt{job.attempts === 1 ? '' : 's'} · {job.origin === 'auto_sync' ? 'Auto-Sync' : job.origin === 'replay' ? 'replay' : job.origin === 'cli' ? 'command line' : 'pushed by hand'}
            </p>
          ) : null}
        </div>
        {job ? <StatusTag state={job.state} nextAttemptAt={job.nextAttemptAt} cancelReason={job.cancelReason} /> : null}
        <button type="button" className="icon-button" aria-label="Close job detail" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {error ? (
        <div className="banner banner-error" role="alert">
          <Icon name="warning" /> <span>{error}</span>
        </div>
      ) : null}
      {job ? (
        <div className="job-panel-body">
          <div className="job-actions">
            {canRetry ? (
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act('retry')}>
                <Icon name="refresh" /> Retry
              </button>
            ) : null}
            {job.state === 'failed' || job.state === 'succeeded_with_warnings' ? (
              <button type="button" className="btn" disabled={busy} onClick={() => setModal('edit')}>
                <Icon name="pencil" /> Edit and replay
              </button>
            ) : null}
            {pending ? (
              <button type="button" className="btn" disabled={busy} onClick={() => void act('cancel')}>
                <Icon name="stop" /> Cancel
              </button>
            ) : null}
            <button type="button" className="btn" onClick={() => setModal('report')}>
              <Icon name="bug" /> Report an issue
            </button>
          </div>

          {job.stateReason && !job.error ? <p className="muted">{job.stateReason}</p> : null}
          {job.error ? <ErrorExplanation error={job.error} warning={job.state === 'succeeded_with_warnings' || job.state === 'retrying'} /> : null}

          <section aria-label="Steps">
            <h3 className="section-title">Steps</h3>
            {job.steps.length === 0 ? <p className="muted">No step ran.</p> : null}
            <ol className="steps-list">
              {job.steps.map((step) => {
                const link = step.step === 'contact' ? job.links.contact : step.step === 'company' ? job.links.company : job.links.list;
                return (
                  <li key={step.step} className="step-item" data-testid={`step-${step.step}`}>
                    <span className="step-name">{STEP_NAMES[step.step]}</span>
                    <span className={`tag ${stepTone(step)}`}>{step.label}</span>
                    <span className="step-record">
                      {step.hubspotId ? (
                        link ? (
                          <a href={link} target="_blank" rel="noreferrer">
                            {step.hubspotId} <Icon name="external" size={12} />
                          </a>
                        ) : (
                          <span className="faint" title="This portal has no HubSpot pages to link to (a sandbox portal).">
                            {step.hubspotId}
                          </span>
                        )
                      ) : null}
                    </span>
                    {step.error ? <span className="step-error">{step.error.title}</span> : null}
                  </li>
                );
              })}
            </ol>
          </section>

          <section aria-label="Attempts">
            <h3 className="section-title">Attempts</h3>
            <ol className="attempts">
              {[...job.attemptDetails].reverse().map((attempt) => (
                <AttemptItem
                  key={attempt.attemptId}
                  attempt={attempt}
                  open={shownAttempt === attempt.attemptId}
                  onToggle={() => setOpenAttempt(shownAttempt === attempt.attemptId ? '' : attempt.attemptId)}
                />
              ))}
            </ol>
            {job.attemptDetails.length === 0 ? <p className="muted">Not run yet.</p> : null}
          </section>
          <p className="job-times muted">
            Queued {formatDateTime(job.createdAt)}
            {job.finishedAt ? ` · finished ${formatDateTime(job.finishedAt)}` : ''}
            {' · '}
            <button type="button" className="link" onClick={() => navigate({ name: 'workspace', workspaceId, page: 'leads', param: job.leadId })}>
              Open the lead
            </button>
          </p>
        </div>
      ) : !error ? (
        <p className="muted job-panel-loading">Loading…</p>
      ) : null}
      {modal === 'report' && job ? <ReportDialog workspaceId={workspaceId} job={job} onClose={() => setModal(null)} /> : null}
      {modal === 'edit' && job ? (
        <EditReplayDialog
          workspaceId={workspaceId}
          job={job}
          onClose={() => {
            setModal(null);
            void load();
          }}
        />
      ) : null}
    </aside>
  );
}
