import { useEffect, useState } from 'react';
import type { RecordDetail, RecordObjectType } from '../../../core/contract/mirror.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { errorMessage } from '../../api/client.ts';
import { formatMoney } from '../../components/money.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { formatDateTime } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { recordSections } from './record-sections.ts';

const SINGULAR: Record<RecordObjectType, string> = { contacts: 'Contact', companies: 'Company', deals: 'Deal' };

/** One mirrored record: properties with the catalogue's labels, associations, billing, and feature sections. */
export function RecordPage({ workspace, objectType, id }: { workspace: Workspace; objectType: RecordObjectType; id: string }) {
  const api = useAppStore((s) => s.api);
  const navigate = useAppStore((s) => s.navigate);
  const notify = useAppStore((s) => s.notify);
  const version = useAppStore((s) => s.mirrorVersion[workspace.id] ?? 0);
  const [record, setRecord] = useState<RecordDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [showEmpty, setShowEmpty] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.invoke('records.get', { workspaceId: workspace.id, objectType, id }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setRecord(r.value);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, workspace.id, objectType, id, version]);

  const resync = async (provider: 'hubspot' | 'stripe', type: string, recordId: string) => {
    setBusy(true);
    try {
      const result = await api.call('mirror.resync', { workspaceId: workspace.id, provider, objectType: type, id: recordId });
      notify('success', `Resynced from ${provider === 'hubspot' ? 'HubSpot' : 'Stripe'}: ${result.outcome}.`);
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const back = () => navigate({ name: 'workspace', workspaceId: workspace.id, page: 'records', param: objectType });
  if (error) {
    return (
      <div className="page" data-testid="record-page">
        <button type="button" className="link" onClick={back}>
          ← {objectType}
        </button>
        <p className="field-error" role="alert">
          {error}
        </p>
        <button type="button" className="btn" disabled={busy} onClick={() => void resync('hubspot', objectType, id)}>
          Resync from HubSpot
        </button>
      </div>
    );
  }
  if (!record) return <div className="page muted">Loading…</div>;

  const needle = filter.trim().toLowerCase();
  const properties = record.properties.filter((p) => (showEmpty || (p.value !== null && p.value !== '')) && (!needle || p.label.toLowerCase().includes(needle) || p.name.includes(needle) || (p.display ?? '').toLowerCase().includes(needle)));
  const sections = recordSections.filter((s) => s.objectTypes.includes(record.objectType));

  return (
    <div className="page page-wide" data-testid="record-page">
      <button type="button" className="link" onClick={back}>
        ← {objectType}
      </button>
      <PageHeader
        title={record.label}
        subtitle={
          <>
            {SINGULAR[record.objectType]} {record.id}
            {record.subtitle ? ` · ${record.subtitle}` : ''}
            {record.archived ? (
              <span className="tag tag-danger" data-testid="record-deleted">
                {record.deletedReason === 'missing' ? 'deleted (gone from HubSpot)' : 'deleted in HubSpot'}
              </span>
            ) : null}
          </>
        }
        actions={
          <button type="button" className="btn" disabled={busy} onClick={() => void resync('hubspot', record.objectType, record.id)}>
            Resync from HubSpot
          </button>
        }
      />
      <div className="record-grid">
        <div className="record-main">
          <section className="card">
            <div className="card-head">
              <h2 className="card-title">Properties</h2>
              <input type="search" aria-label="Filter properties" placeholder="Filter properties" value={filter} onChange={(e) => setFilter(e.target.value)} />
              <label className="checkbox">
                <input type="checkbox" checked={showEmpty} onChange={(e) => setShowEmpty(e.target.checked)} /> Empty ones too
              </label>
            </div>
            <table className="table table-compact" aria-label="Properties">
              <tbody>
                {properties.map((p) => (
                  <tr key={p.name}>
                    <th scope="row" title={p.name}>
                      {p.label}
                    </th>
                    <td>{p.display ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {sections.map((Section) => (
            <Section.component key={Section.id} workspace={workspace} record={record} />
          ))}
        </div>
        <aside className="record-side">
          <section className="card">
            <h2 className="card-title">Mirror</h2>
            <dl className="facts facts-narrow">
              <dt>Last modified</dt>
              <dd>{formatDateTime(record.updatedAt)}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(record.createdAt)}</dd>
              <dt>Synced</dt>
              <dd>{formatDateTime(record.syncedAt)}</dd>
            </dl>
          </section>
          {record.objectType === 'companies' ? (
            <section className="card" data-testid="record-billing">
              <h2 className="card-title">Billing</h2>
              {record.billing.length === 0 ? (
                <p className="muted">No Stripe customer is linked to this company.</p>
              ) : (
                <>
                  <p className="mrr-line">
                    MRR{' '}
                    <strong>{record.mrr.length ? record.mrr.map((m) => formatMoney(m.mrrMinor, m.currency)).join(' + ') : formatMoney('0', record.billing[0]?.mrr[0]?.currency ?? 'usd')}</strong>
                  </p>
                  <ul className="plain-list">
                    {record.billing.map((c) => (
                      <li key={c.customerId}>
                        <span>{c.name}</span> <code>{c.customerId}</code>{' '}
                        <span className="tag tag-info">{c.method === 'property' ? 'by customer id' : 'by email domain'}</span>
                        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void resync('stripe', 'customer', c.customerId)}>
                          Resync from Stripe
                        </button>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
          ) : null}
          <section className="card">
            <h2 className="card-title">Associations</h2>
            {record.associations.length === 0 ? <p className="muted">None mirrored.</p> : null}
            <ul className="plain-list" aria-label="Associations">
              {record.associations.map((a) => (
                <li key={`${a.objectType}:${a.id}`}>
                  <span className="muted">{SINGULAR[a.objectType]}</span>{' '}
                  <button type="button" className="link" onClick={() => navigate({ name: 'workspace', workspaceId: workspace.id, page: 'records', param: `${a.objectType}/${a.id}` })}>
                    {a.label ?? `${a.objectType} ${a.id} (not mirrored)`}
                  </button>
                  {a.labels.length ? <span className="muted"> · {a.labels.join(', ')}</span> : null}
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
    </div>
  );
}
