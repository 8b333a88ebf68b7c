import { useEffect, useState } from 'react';
import type { BudgetView, HubSpotConnection, StripeConnection } from '../../../core/contract/connections.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { errorMessage } from '../../api/client.ts';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { actionLabel, STATE_LABEL, STATE_TONE } from './labels.ts';
import { useConnections, useNow } from './use-connections.ts';

function StateTag({ state }: { state: HubSpotConnection['state'] }) {
  return (
    <span className={`tag ${STATE_TONE[state]}`} data-testid="connection-state">
      {STATE_LABEL[state]}
    </span>
  );
}

function When({ iso }: { iso: string | null }) {
  const now = useNow(30_000);
  return iso ? <time dateTime={iso} title={formatDateTime(iso)}>{formatRelative(iso, now)}</time> : <span className="muted">never</span>;
}

/** Disconnect asks once more, inline: it deletes the stored credentials. */
function DisconnectButton({ label, onConfirm }: { label: string; onConfirm(): Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="btn" onClick={() => setConfirming(true)}>
        Disconnect
      </button>
    );
  }
  return (
    <span className="confirm-inline" role="group" aria-label={`Disconnect ${label}?`}>
      <span>Delete the stored credentials?</span>
      <button
        type="button"
        className="btn btn-danger btn-small"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void onConfirm().finally(() => {
            setBusy(false);
            setConfirming(false);
          });
        }}
      >
        {busy ? 'Disconnecting…' : `Disconnect ${label}`}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </span>
  );
}

function useCheck(workspaceId: string) {
  const check = useAppStore((s) => s.checkConnections);
  const notify = useAppStore((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const result = await check(workspaceId);
      const problems = [result.hubspot.lastCheck, result.stripe.lastCheck].filter((c) => c && !c.ok);
      notify(problems.length ? 'error' : 'success', problems.length ? problems.map((p) => p!.message).join(' ') : 'Everything answered as expected.');
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

function ScopeList({ hubspot }: { hubspot: HubSpotConnection }) {
  const scopes = hubspot.scopes;
  if (!scopes) return null;
  const granted = new Set(scopes.granted);
  const row = (scope: string, required: boolean) => (
    <li key={scope} className={granted.has(scope) ? 'scope-granted' : required ? 'scope-missing' : 'scope-optional-missing'}>
      <span aria-hidden="true">{granted.has(scope) ? '✓' : required ? '✗' : '–'}</span> <code>{scope}</code>
      {granted.has(scope) ? null : <span className="muted">{required ? ' missing' : ' not granted (deal streams skipped)'}</span>}
    </li>
  );
  return (
    <div className="scope-lists" data-testid="scope-status">
      <p className="scope-summary">
        {scopes.missingRequired.length === 0 ? (
          <span className="tag tag-success">All {scopes.required.length} required granted</span>
        ) : (
          <span className="tag tag-danger">Missing {scopes.missingRequired.length} required</span>
        )}{' '}
        {scopes.missingOptional.length ? <span className="tag">Optional: {scopes.optional.length - scopes.missingOptional.length} of {scopes.optional.length}</span> : null}
      </p>
      <ul className="scope-list">{[...scopes.required.map((s) => row(s, true)), ...scopes.optional.map((s) => row(s, false))]}</ul>
    </div>
  );
}

export function HubSpotCard({ workspace }: { workspace: Workspace }) {
  const connections = useConnections(workspace.id);
  const open = useAppStore((s) => s.openConnectionDialog);
  const disconnect = useAppStore((s) => s.disconnectProvider);
  const notify = useAppStore((s) => s.notify);
  const check = useCheck(workspace.id);
  if (!connections) return null;
  const hubspot = connections.hubspot;
  const portal = hubspot.portal;
  return (
    <section className="card connection-card" data-testid="hubspot-card" aria-labelledby="hubspot-card-title">
      <header className="card-header">
        <h2 className="card-title" id="hubspot-card-title">
          HubSpot
        </h2>
        <StateTag state={hubspot.state} />
      </header>
      {hubspot.state !== 'connected' ? <p className={hubspot.state === 'reauthorize' ? 'connection-reason warning' : 'connection-reason'}>{hubspot.reason}</p> : null}
      {portal ? (
        <dl className="facts" data-testid="portal-identity">
          <dt>Portal</dt>
          <dd data-testid="portal-id">
            {portal.portalId}
            {portal.domain ? ` · ${portal.domain}` : ''}
          </dd>
          <dt>Connected with</dt>
          <dd>{hubspot.authKind === 'oauth' ? `HubSpot app (OAuth, client ${hubspot.settings.clientId ?? '—'})` : hubspot.authKind === 'private_app' ? 'Private app token' : '—'}</dd>
          <dt>Time zone</dt>
          <dd>{portal.timeZone ?? '—'}</dd>
          <dt>Data hosting</dt>
          <dd>
            {portal.region ?? '—'}
            {portal.uiDomain ? <span className="muted"> ({portal.uiDomain})</span> : null}
          </dd>
          {portal.accountType ? (
            <>
              <dt>Account</dt>
              <dd>
                {portal.accountType.toLowerCase()}
                {portal.currency ? `, ${portal.currency}` : ''}
              </dd>
            </>
          ) : null}
          <dt>Last verified</dt>
          <dd data-testid="last-verified">
            <When iso={hubspot.lastVerifiedAt} />
            {hubspot.state === 'connected' && hubspot.lastCheck && !hubspot.lastCheck.ok ? <p className="field-error">Last check: {hubspot.lastCheck.message}</p> : null}
          </dd>
          {hubspot.accessExpiresAt ? (
            <>
              <dt>Access token</dt>
              <dd>
                expires <When iso={hubspot.accessExpiresAt} /> <span className="muted">(renewed 5 minutes before)</span>
              </dd>
            </>
          ) : null}
          <dt>API address</dt>
          <dd>
            <code>{hubspot.settings.apiBase}</code>
          </dd>
        </dl>
      ) : hubspot.boundPortalId ? (
        <p className="muted">This workspace belongs to portal {hubspot.boundPortalId}.</p>
      ) : null}
      {hubspot.state !== 'disconnected' ? <ScopeList hubspot={hubspot} /> : null}
      <div className="card-actions">
        {hubspot.state === 'connected' ? null : (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => open({ kind: 'hubspot', workspaceId: workspace.id, ...(hubspot.action === 'replace_token' ? { mode: 'token' as const } : {}) })}
          >
            {actionLabel(hubspot.action)}
          </button>
        )}
        {hubspot.state !== 'disconnected' ? (
          <button type="button" className="btn" disabled={check.busy} onClick={() => void check.run()}>
            {check.busy ? 'Checking…' : 'Check now'}
          </button>
        ) : null}
        {hubspot.state === 'connected' ? (
          <button type="button" className="btn" onClick={() => open({ kind: 'hubspot', workspaceId: workspace.id })}>
            Change credentials
          </button>
        ) : null}
        {hubspot.state !== 'disconnected' ? (
          <DisconnectButton label="HubSpot" onConfirm={() => disconnect(workspace.id, 'hubspot').catch((e: unknown) => notify('error', errorMessage(e)))} />
        ) : null}
      </div>
    </section>
  );
}

export function StripeCard({ workspace }: { workspace: Workspace }) {
  const connections = useConnections(workspace.id);
  const open = useAppStore((s) => s.openConnectionDialog);
  const disconnect = useAppStore((s) => s.disconnectProvider);
  const notify = useAppStore((s) => s.notify);
  if (!connections) return null;
  const stripe: StripeConnection = connections.stripe;
  return (
    <section className="card connection-card" data-testid="stripe-card" aria-labelledby="stripe-card-title">
      <header className="card-header">
        <h2 className="card-title" id="stripe-card-title">
          Stripe
        </h2>
        <StateTag state={stripe.state} />
      </header>
      {stripe.state !== 'connected' ? <p className="connection-reason">{stripe.reason}</p> : null}
      {stripe.permissions ? (
        <>
          <dl className="facts">
            <dt>Key</dt>
            <dd>
              {stripe.keyKind === 'secret' ? 'Secret key (a read-only restricted key is safer)' : 'Restricted key'}, {stripe.livemode ? 'live mode' : 'test mode'}
            </dd>
            <dt>Last verified</dt>
            <dd>
              <When iso={stripe.lastVerifiedAt} />
            </dd>
          </dl>
          <ul className="scope-list" data-testid="stripe-permissions">
            {stripe.permissions.map((p) => (
              <li key={p.permission} className={p.granted ? 'scope-granted' : 'scope-missing'}>
                <span aria-hidden="true">{p.granted ? '✓' : '✗'}</span> {p.label} <code>{p.permission}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="card-actions">
        {stripe.state !== 'connected' ? (
          <button type="button" className={`btn ${stripe.state === 'reauthorize' ? 'btn-primary' : ''}`} onClick={() => open({ kind: 'stripe', workspaceId: workspace.id })}>
            {stripe.action === 'replace_key' ? 'Replace key' : 'Connect Stripe'}
          </button>
        ) : null}
        {stripe.state !== 'disconnected' ? (
          <DisconnectButton label="Stripe" onConfirm={() => disconnect(workspace.id, 'stripe').catch((e: unknown) => notify('error', errorMessage(e)))} />
        ) : null}
      </div>
    </section>
  );
}

const number = new Intl.NumberFormat();

/** The API budget meter: calls today against the daily limit, burst headroom, the share left for other apps. */
export function BudgetMeter({ workspace }: { workspace: Workspace }) {
  const connected = useAppStore((s) => s.connections[workspace.id]?.hubspot.state === 'connected');
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const [budget, setBudget] = useState<BudgetView | null>(null);
  useEffect(() => {
    if (!connected) return;
    let alive = true;
    const load = () =>
      void api.invoke('connections.budget', { workspaceId: workspace.id }).then((result) => {
        if (alive && result.ok) setBudget(result.value);
      });
    load();
    const timer = setInterval(load, 5000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [api, workspace.id, connected]);
  if (!connected) return null;
  const daily = budget?.dailyLimit ?? null;
  const reserved = daily !== null && budget ? Math.ceil(daily * budget.reservedShare) : null;
  const usedShare = daily && budget ? Math.min(1, budget.usedToday / daily) : 0;
  return (
    <section className="card budget-card" data-testid="budget-meter" aria-labelledby="budget-title">
      <header className="card-header">
        <h2 className="card-title" id="budget-title">
          API budget
        </h2>
        {budget ? <span className="muted">{budget.source === 'headers' ? 'from HubSpot’s headers' : 'counted by Syncdesk'}</span> : null}
      </header>
      {!budget ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <div
            className="meter"
            role="meter"
            aria-label="Calls today"
            aria-valuemin={0}
            aria-valuemax={daily ?? budget.usedToday}
            aria-valuenow={budget.usedToday}
          >
            <div className="meter-used" style={{ width: `${usedShare * 100}%` }} />
            {daily && budget.reservedShare > 0 ? <div className="meter-reserved" style={{ width: `${budget.reservedShare * 100}%` }} title="Kept for the portal’s other apps" /> : null}
          </div>
          <dl className="facts">
            <dt>Calls today</dt>
            <dd data-testid="calls-today">
              {number.format(budget.usedToday)}
              {daily !== null ? ` of ${number.format(daily)}` : ''} <span className="muted">(resets {formatDateTime(budget.resetsAt)})</span>
            </dd>
            <dt>Burst headroom</dt>
            <dd>
              {number.format(Math.max(0, budget.burstMax - budget.burstUsed))} of {budget.burstMax} per {budget.windowMs / 1000} s
            </dd>
            <dt>
              <label htmlFor={`reserve-${workspace.id}`}>Reserved for other apps</label>
            </dt>
            <dd>
              <select
                id={`reserve-${workspace.id}`}
                value={String(Math.round(budget.reservedShare * 100))}
                onChange={(e) => {
                  const share = Number(e.target.value) / 100;
                  void api.invoke('connections.setReservedShare', { workspaceId: workspace.id, share }).then((result) => {
                    if (result.ok) {
                      setBudget(result.value);
                      notify('success', `Syncdesk now leaves ${Math.round(share * 100)}% of the daily API limit to the portal's other apps.`);
                    } else notify('error', result.error.message);
                  });
                }}
              >
                {[...new Set([0, 10, 20, 30, 40, 50, Math.round(budget.reservedShare * 100)])]
                  .sort((a, b) => a - b)
                  .map((pct) => (
                    <option key={pct} value={pct}>
                      {pct}%
                    </option>
                  ))}
              </select>
              {reserved !== null ? <span className="muted"> ({number.format(reserved)} calls)</span> : null}
            </dd>
            {budget.throttled > 0 ? (
              <>
                <dt>429s seen</dt>
                <dd>{budget.throttled}</dd>
              </>
            ) : null}
          </dl>
        </>
      )}
    </section>
  );
}
