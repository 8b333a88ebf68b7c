import { useEffect, useState } from 'react';
import type { JobSummary } from '../../../core/contract/push.ts';
import { errorMessage } from '../../api/client.ts';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import type { RecordSection, RecordSectionProps } from '../records/record-sections.ts';
import { StatusTag } from './status-tag.tsx';

const SHOWN = 10;
const STEP = { contact: 'Contact', company: 'Company', list: 'List' } as const;

/**
 * A contact's push history on its record page (SPEC §6's "sync card"): the jobs that wrote to this
 * contact, or whose lead carried its email, newest first; each opens in Sync History.
 */
function SyncCard({ workspace, record }: RecordSectionProps) {
  const api = useAppStore((s) => s.api);
  const navigate = useAppStore((s) => s.navigate);
  // Job changes (pushes, retries, live results) reload the list.
  const jobsVersion = useAppStore((s) => (s.history.jobChange?.workspaceId === workspace.id ? s.history.jobChange.seq : 0));
  const email = record.properties.find((p) => p.name === 'email')?.value ?? undefined;
  const [jobs, setJobs] = useState<JobSummary[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    api
      .call('push.jobs', { workspaceId: workspace.id, filter: { hubspotContact: { id: record.id, ...(email ? { email } : {}) } }, limit: SHOWN })
      .then((page) => {
        if (!alive) return;
        setJobs(page.items);
        setMore(Boolean(page.next));
        setError(null);
      })
      .catch((e: unknown) => alive && setError(errorMessage(e)));
    return () => {
      alive = false;
    };
  }, [api, workspace.id, record.id, email, jobsVersion]);

  const open = (jobId: string) => navigate({ name: 'workspace', workspaceId: workspace.id, page: 'history', param: jobId });

  return (
    <section className="card" data-testid="sync-card" aria-labelledby="sync-card-title">
      <div className="card-head">
        <h2 className="card-title" id="sync-card-title">
          Push history
        </h2>
        {more ? <span className="muted">latest {SHOWN}</span> : null}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : jobs === null ? (
        <p className="muted">Loading…</p>
      ) : jobs.length === 0 ? (
        <p className="muted">Syncdesk has not pushed a lead to this contact{email ? ` or with ${email}` : ''}.</p>
      ) : (
        <table className="table table-compact" aria-label="Push history">
          <tbody>
            {jobs.map((job) => (
              <tr key={job.jobId}>
                <th scope="row">
                  <button type="button" className="link" onClick={() => open(job.jobId)}>
                    {job.leadLabel || job.leadEmail || `Lead ${job.leadId}`}
                  </button>
                </th>
                <td>
                  <StatusTag state={job.state} nextAttemptAt={job.nextAttemptAt} cancelReason={job.cancelReason} />
                </td>
                <td className="muted">{job.error ? job.error.title : job.steps.map((s) => `${STEP[s.step]}: ${s.label.toLowerCase()}`).join(' · ')}</td>
                <td className="muted">
                  <time dateTime={job.updatedAt} title={formatDateTime(job.updatedAt)}>
                    {formatRelative(job.updatedAt)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Registered in records/record-sections.ts for contacts. */
export const syncCardSection: RecordSection = { id: 'push-history', objectTypes: ['contacts'], component: SyncCard };
