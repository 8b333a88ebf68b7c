import { useEffect, useState } from 'react';
import type { Lead } from '../../../core/contract/leads.ts';
import type { TestLeadReport } from '../../../core/contract/mapping.ts';
import { ApiError, errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { useAppStore } from '../../state/store.ts';

const leadName = (lead: Lead) => [lead.firstName, lead.lastName].filter(Boolean).join(' ') || lead.company || lead.email || `Lead ${lead.id}`;

const RESULT_TEXT = { passed: 'Every mapping works', problems: 'Some mappings would fail', failed: 'No test contact could be created' } as const;

/**
 * Send test lead: pick a lead (or the sample), check the saved mapping against the live portal
 * with a disposable contact, read the per-property report, delete the contact.
 */
export function TestLeadDialog({ workspaceId, onClose }: { workspaceId: string; onClose(): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const setLastRun = useAppStore((s) => s.mappingSetLastRun);
  const [choice, setChoice] = useState<'sample' | 'lead'>('sample');
  const [search, setSearch] = useState('');
  const [leads, setLeads] = useState<Lead[]>([]);
  const [leadId, setLeadId] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [report, setReport] = useState<TestLeadReport | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);

  useEffect(() => {
    if (choice !== 'lead') return;
    let live = true;
    const timer = setTimeout(() => {
      void api
        .invoke('leads.list', { workspaceId, limit: 8, ...(search.trim() ? { search: search.trim() } : {}) })
        .then((result) => {
          if (!live || !result.ok) return;
          setLeads(result.value.items);
          setLeadId((current) => current ?? result.value.items[0]?.id ?? null);
        });
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, workspaceId, choice, search]);

  const send = async () => {
    setRunning(true);
    setError(null);
    try {
      const sent = await api.call('mapping.sendTestLead', { workspaceId, ...(choice === 'lead' && leadId ? { leadId } : {}) });
      setReport(sent);
    } catch (e) {
      setError({ code: e instanceof ApiError ? e.data.code : 'internal', message: errorMessage(e) });
    } finally {
      setRunning(false);
    }
  };

  const remove = async () => {
    if (!report) return;
    setDeleting(true);
    try {
      const run = await api.call('mapping.deleteTestContact', { workspaceId, runId: report.runId });
      setReport({ ...report, deletedAt: run.deletedAt });
      setLastRun(run);
      notify('success', 'Test contact deleted from HubSpot.');
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setDeleting(false);
    }
  };

  if (report) {
    const contact = report.properties.filter((p) => p.object === 'contact');
    const company = report.properties.filter((p) => p.object === 'company');
    return (
      <Dialog
        title="Send test lead"
        testId="test-lead-dialog"
        wide
        onClose={onClose}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setReport(null)}>
              Run again
            </button>
            {report.contactId && !report.deletedAt ? (
              <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={deleting} data-testid="delete-test-contact">
                <Icon name="trash" /> {deleting ? 'Deleting…' : 'Delete test contact'}
              </button>
            ) : null}
            <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
              {report.contactId && !report.deletedAt ? 'Keep it and close' : 'Close'}
            </button>
          </>
        }
      >
        <div className={`test-result test-result-${report.result}`} data-testid="test-result" data-result={report.result}>
          <Icon name={report.result === 'passed' ? 'check' : 'warning'} size={20} />
          <div>
            <strong>{RESULT_TEXT[report.result]}</strong>
            <p>{report.message}</p>
          </div>
        </div>
        <dl className="facts test-facts">
          <dt>Lead</dt>
          <dd>{report.leadLabel}</dd>
          <dt>Test address</dt>
          <dd>
            <code>{report.email}</code> <span className="muted">(never the lead’s own)</span>
          </dd>
          {report.contactId ? (
            <>
              <dt>Test contact</dt>
              <dd data-testid="test-contact-id">
                {report.recordUrl ? (
                  <a href={report.recordUrl} target="_blank" rel="noreferrer">
                    Contact {report.contactId} in HubSpot
                  </a>
                ) : (
                  <>
                    Contact <code>{report.contactId}</code>
                    {report.portalId ? <span className="muted"> in portal {report.portalId} (a sandbox portal has no HubSpot page)</span> : null}
                  </>
                )}
                {report.deletedAt ? <span className="tag tag-success test-deleted">Deleted</span> : null}
              </dd>
            </>
          ) : null}
          {report.list ? (
            <>
              <dt>List</dt>
              <dd>
                <span className={`tag ${report.list.status === 'ok' ? 'tag-success' : 'tag-warning'}`}>{report.list.status === 'ok' ? 'OK' : report.list.status === 'dynamic' ? 'Dynamic' : report.list.status === 'missing' ? 'Missing' : 'Not checked'}</span> {report.list.message}
              </dd>
            </>
          ) : null}
        </dl>
        {report.skip.length ? (
          <div className="banner banner-info inline-banner" role="note">
            <Icon name="info" />
            <span className="banner-text">This lead itself would not be pushed yet: {report.skip.map((s) => s.message).join(' ')}</span>
          </div>
        ) : null}
        {report.error && !report.contactId ? (
          <div className="banner banner-error inline-banner" role="alert">
            <Icon name="warning" />
            <span className="banner-text">{report.error.message}</span>
          </div>
        ) : null}
        <ResultTable title="Contact properties" rows={contact} />
        {company.length ? <ResultTable title="Company properties (checked, no company is created)" rows={company} /> : null}
      </Dialog>
    );
  }

  return (
    <Dialog
      title="Send test lead"
      testId="test-lead-dialog"
      wide
      onClose={onClose}
      onSubmit={() => void send()}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={running || (choice === 'lead' && !leadId)} data-testid="send-test-lead">
            <Icon name="send" /> {running ? 'Sending…' : 'Send test lead'}
          </button>
        </>
      }
    >
      <p className="muted">
        Checks every enabled mapping against the portal’s live properties, then creates a disposable contact (<code>syncdesk-test+…@example.com</code>) with the lead’s mapped values. Your leads are not changed.
      </p>
      <fieldset className="radio-group test-choice">
        <legend className="field-label">Values from</legend>
        <label className="radio">
          <input type="radio" name="test-lead" checked={choice === 'sample'} onChange={() => setChoice('sample')} /> The built-in sample lead (Ada Lovelace)
        </label>
        <label className="radio">
          <input type="radio" name="test-lead" checked={choice === 'lead'} onChange={() => setChoice('lead')} /> One of your leads
        </label>
      </fieldset>
      {choice === 'lead' ? (
        <div className="test-lead-picker">
          <div className="search-box">
            <Icon name="search" />
            <input type="search" value={search} placeholder="Search name, email, company" aria-label="Search leads for the test" onChange={(e) => setSearch(e.target.value)} />
          </div>
          <ul className="test-lead-list" role="listbox" aria-label="Leads">
            {leads.map((lead) => (
              <li key={lead.id} role="option" aria-selected={leadId === lead.id} className={leadId === lead.id ? 'is-active' : ''} onClick={() => setLeadId(lead.id)}>
                <strong>{leadName(lead)}</strong> <span className="muted">{lead.email || 'no email'}</span>
              </li>
            ))}
            {leads.length === 0 ? <li className="muted">No leads match.</li> : null}
          </ul>
        </div>
      ) : null}
      {error ? (
        <div className="banner banner-error inline-banner" role="alert">
          <Icon name="warning" />
          <span className="banner-text">{error.message}</span>
        </div>
      ) : null}
    </Dialog>
  );
}

function ResultTable({ title, rows }: { title: string; rows: TestLeadReport['properties'] }) {
  return (
    <>
      <h3 className="test-table-title">{title}</h3>
      <table className="table test-table" data-testid="test-properties">
        <thead>
          <tr>
            <th>Property</th>
            <th>Value</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={`${p.object}:${p.property}`} data-testid="test-property" data-property={p.property} data-status={p.status}>
              <td>
                <div>{p.label ?? p.property}</div>
                <code className="faint">{p.property}</code>
              </td>
              <td className="test-value" title={p.value}>
                {p.value}
              </td>
              <td>
                <span className={`tag ${p.status === 'ok' ? 'tag-success' : p.status === 'problem' ? 'tag-danger' : ''}`}>{p.status === 'ok' ? 'OK' : p.status === 'problem' ? 'Problem' : 'Not sent'}</span>
                {p.message ? <div className={`test-message${p.status === 'problem' ? ' is-problem' : ''}`}>{p.message}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
