import { useEffect, useState } from 'react';
import type { BillingCustomer, BillingSubscription, BillingSummary } from '../../../core/contract/mirror.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { formatMoney } from '../../components/money.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';

/** Stripe customers, subscriptions and MRR totals per currency (never added across currencies). */
export function BillingPage({ workspace }: { workspace: Workspace }) {
  const api = useAppStore((s) => s.api);
  const navigate = useAppStore((s) => s.navigate);
  const version = useAppStore((s) => s.mirrorVersion[workspace.id] ?? 0);
  const [summary, setSummary] = useState<BillingSummary | null>(null);
  const [customers, setCustomers] = useState<BillingCustomer[]>([]);
  const [customersNext, setCustomersNext] = useState<string | undefined>();
  const [subscriptions, setSubscriptions] = useState<BillingSubscription[]>([]);
  const [subscriptionsNext, setSubscriptionsNext] = useState<string | undefined>();
  const [search, setSearch] = useState('');

  useEffect(() => {
    void api.invoke('billing.summary', { workspaceId: workspace.id }).then((r) => r.ok && setSummary(r.value));
    void api.invoke('billing.subscriptions', { workspaceId: workspace.id, limit: 100 }).then((r) => {
      if (!r.ok) return;
      setSubscriptions(r.value.items);
      setSubscriptionsNext(r.value.next);
    });
  }, [api, workspace.id, version]);

  useEffect(() => {
    const timer = setTimeout(() => {
      void api.invoke('billing.customers', { workspaceId: workspace.id, limit: 100, ...(search ? { search } : {}) }).then((r) => {
        if (!r.ok) return;
        setCustomers(r.value.items);
        setCustomersNext(r.value.next);
      });
    }, 150);
    return () => clearTimeout(timer);
  }, [api, workspace.id, search, version]);

  const moreCustomers = async () => {
    const r = await api.invoke('billing.customers', { workspaceId: workspace.id, limit: 100, ...(search ? { search } : {}), ...(customersNext ? { after: customersNext } : {}) });
    if (r.ok) {
      setCustomers((prev) => [...prev, ...r.value.items]);
      setCustomersNext(r.value.next);
    }
  };
  const moreSubscriptions = async () => {
    const r = await api.invoke('billing.subscriptions', { workspaceId: workspace.id, limit: 100, ...(subscriptionsNext ? { after: subscriptionsNext } : {}) });
    if (r.ok) {
      setSubscriptions((prev) => [...prev, ...r.value.items]);
      setSubscriptionsNext(r.value.next);
    }
  };
  const mrr = (amounts: Array<{ currency: string; mrrMinor: string }>) => (amounts.length ? amounts.map((a) => formatMoney(a.mrrMinor, a.currency)).join(' + ') : '—');

  return (
    <div className="page page-wide" data-testid="billing-page">
      <PageHeader title="Billing" subtitle="Stripe, as last mirrored: MRR follows Stripe Billing analytics (active and past-due subscriptions, forever coupons, no taxes)." />
      {summary && !summary.connected && summary.customers === 0 ? <p className="banner banner-info">No Stripe account is connected to this workspace.</p> : null}
      {summary ? (
        <div className="card-grid">
          <section className="card" data-testid="mrr-totals">
            <h2 className="card-title">MRR</h2>
            {summary.totals.length === 0 ? <p className="muted">No counted subscriptions.</p> : null}
            {summary.totals.map((t) => (
              <p key={t.currency} className="mrr-total">
                {formatMoney(t.mrrMinor, t.currency)} <span className="muted">{t.currency.toUpperCase()}</span>
              </p>
            ))}
          </section>
          <section className="card">
            <h2 className="card-title">Account</h2>
            <dl className="facts">
              <dt>Customers</dt>
              <dd>
                {summary.customers.toLocaleString()} ({summary.linkedCustomers.toLocaleString()} linked to companies)
              </dd>
              <dt>Subscriptions</dt>
              <dd>
                {summary.subscriptions.toLocaleString()} ({summary.countedSubscriptions.toLocaleString()} count toward MRR)
              </dd>
              <dt>Last sync</dt>
              <dd>{formatRelative(summary.lastSyncAt)}</dd>
            </dl>
          </section>
        </div>
      ) : null}
      <div className="section-head">
        <h2 className="section-title">Customers</h2>
        <input type="search" aria-label="Search customers" placeholder="Search customers" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <table className="table" aria-label="Customers">
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Email</th>
            <th scope="col">Company</th>
            <th scope="col">Subscriptions</th>
            <th scope="col">MRR</th>
          </tr>
        </thead>
        <tbody>
          {customers.map((c) => (
            <tr key={c.id}>
              <td>
                {c.name} <code className="muted">{c.id}</code> {c.deleted ? <span className="tag tag-danger">deleted</span> : null}
              </td>
              <td>{c.email ?? ''}</td>
              <td>
                {c.company ? (
                  <button type="button" className="link" onClick={() => navigate({ name: 'workspace', workspaceId: workspace.id, page: 'records', param: `companies/${c.company!.id}` })}>
                    {c.company.label}
                  </button>
                ) : (
                  <span className="muted">not linked</span>
                )}
              </td>
              <td>{c.subscriptions}</td>
              <td>{mrr(c.mrr)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {customersNext ? (
        <button type="button" className="btn" onClick={() => void moreCustomers()}>
          More customers
        </button>
      ) : null}
      <h2 className="section-title">Subscriptions</h2>
      <table className="table" aria-label="Subscriptions">
        <thead>
          <tr>
            <th scope="col">Subscription</th>
            <th scope="col">Customer</th>
            <th scope="col">Status</th>
            <th scope="col">Items</th>
            <th scope="col">MRR</th>
          </tr>
        </thead>
        <tbody>
          {subscriptions.map((s) => (
            <tr key={s.id}>
              <td>
                <code>{s.id}</code>
              </td>
              <td>{s.customerName}</td>
              <td>{s.status}</td>
              <td>{s.items.map((i) => `${i.quantity} × ${i.product ?? i.priceId}${i.interval ? ` / ${i.interval}` : ''}`).join(', ')}</td>
              <td title={s.reason ?? ''}>{s.counted ? formatMoney(s.mrrMinor, s.currency) : <span className="muted">not counted{s.reason ? ` (${s.reason.replace(/_/g, ' ')})` : ''}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {subscriptionsNext ? (
        <button type="button" className="btn" onClick={() => void moreSubscriptions()}>
          More subscriptions
        </button>
      ) : null}
    </div>
  );
}
