import { type ReactNode, useEffect, useState } from 'react';
import { DEFAULT_REDIRECT_URIS, HUBSPOT_OPTIONAL_SCOPES, HUBSPOT_REQUIRED_SCOPES, type OAuthAttempt } from '../../../core/contract/connections.ts';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { useAppStore } from '../../state/store.ts';
import { portalName } from './labels.ts';
import { useConnections, useCountdown } from './use-connections.ts';

/** Renders whichever connect dialog the store says is open. */
export function ConnectionDialogs() {
  const dialog = useAppStore((s) => s.connectionDialog);
  if (!dialog) return null;
  return dialog.kind === 'hubspot' ? <ConnectHubSpotDialog workspaceId={dialog.workspaceId} initialMode={dialog.mode} /> : <ConnectStripeDialog workspaceId={dialog.workspaceId} />;
}

function FormError({ error }: { error: string | null }) {
  return error ? (
    <p className="field-error" role="alert" data-testid="connect-error">
      {error}
    </p>
  ) : null;
}

/** API and authorize base URLs: hidden unless the operator opens them (sandbox portals, EU testing). */
function Advanced({ children, open }: { children: ReactNode; open: boolean }) {
  return (
    <details className="connect-advanced" open={open}>
      <summary>Advanced: addresses</summary>
      {children}
    </details>
  );
}

function ConnectHubSpotDialog({ workspaceId, initialMode }: { workspaceId: string; initialMode: 'oauth' | 'token' | undefined }) {
  const connections = useConnections(workspaceId);
  const workspace = useAppStore((s) => s.workspaces.find((w) => w.id === workspaceId));
  const close = useAppStore((s) => s.openConnectionDialog);
  const notify = useAppStore((s) => s.notify);
  const connectToken = useAppStore((s) => s.connectHubSpotToken);
  const startOAuth = useAppStore((s) => s.startHubSpotOAuth);
  const cancelOAuth = useAppStore((s) => s.cancelHubSpotOAuth);
  const hubspot = connections?.hubspot;
  const settings = hubspot?.settings;
  const [mode, setMode] = useState<'oauth' | 'token'>(initialMode ?? (hubspot?.authKind === 'oauth' || (settings?.clientId && hubspot?.authKind !== 'private_app') ? 'oauth' : 'token'));
  const [token, setToken] = useState('');
  const [clientId, setClientId] = useState(settings?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [apiBase, setApiBase] = useState(settings?.apiBase ?? '');
  const [authBase, setAuthBase] = useState(settings?.authBase ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attemptId, setAttemptId] = useState<string | null>(null);
  const ended = useAppStore((s) => (attemptId ? s.oauthEnded[workspaceId] : undefined));
  const pending = hubspot?.pendingOAuth ?? null;
  const waiting: OAuthAttempt | null = pending && (!attemptId || pending.attemptId === attemptId) ? pending : null;

  const done = () => close(null);
  const connected = ended?.attemptId === attemptId && ended?.outcome === 'connected';
  useEffect(() => {
    // The toast says it; the banner and Overview show it.
    if (connected) close(null);
  }, [connected, close]);
  const endedError = ended && ended.attemptId === attemptId && ended.outcome !== 'connected' ? ended.message : null;
  const changedBases = settings ? apiBase.trim() !== settings.apiBase || authBase.trim() !== settings.authBase : false;
  const bases = () => ({
    ...(apiBase.trim() && apiBase.trim() !== settings?.apiBase ? { apiBase: apiBase.trim() } : {}),
    ...(authBase.trim() && authBase.trim() !== settings?.authBase ? { authBase: authBase.trim() } : {}),
  });

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'token') {
        const result = await connectToken({ workspaceId, token, ...bases() });
        notify('success', `Connected to HubSpot ${portalName(result.hubspot.portal)}.`);
        done();
      } else {
        const attempt = await startOAuth({
          workspaceId,
          ...(clientId.trim() ? { clientId: clientId.trim() } : {}),
          ...(clientSecret.trim() ? { clientSecret: clientSecret.trim() } : {}),
          ...bases(),
        });
        setAttemptId(attempt.attemptId);
        setClientSecret('');
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (waiting) {
    return (
      <Dialog
        title="Approve Syncdesk in HubSpot"
        testId="connect-hubspot-dialog"
        onClose={done}
        footer={
          <>
            <button type="button" className="btn" onClick={() => cancelOAuth(workspaceId).catch((e: unknown) => setError(errorMessage(e)))}>
              Cancel authorization
            </button>
            <button type="button" className="btn" onClick={done}>
              Hide
            </button>
          </>
        }
      >
        <WaitingForHubSpot attempt={waiting} />
        <FormError error={error} />
      </Dialog>
    );
  }

  const ready = mode === 'token' ? token.trim().length > 0 : (clientId.trim().length > 0 || Boolean(settings?.clientId)) && (clientSecret.trim().length > 0 || Boolean(settings?.hasClientSecret));
  return (
    <Dialog
      title={hubspot?.boundPortalId ? `Reconnect ${workspace?.name ?? ''} to HubSpot` : `Connect ${workspace?.name ?? 'this workspace'} to HubSpot`}
      testId="connect-hubspot-dialog"
      onClose={done}
      onSubmit={submit}
      footer={
        <>
          <button type="button" className="btn" onClick={done}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !ready}>
            {busy ? (mode === 'token' ? 'Checking…' : 'Opening HubSpot…') : mode === 'token' ? 'Connect' : 'Continue in HubSpot'}
          </button>
        </>
      }
    >
      {hubspot?.boundPortalId ? (
        <p className="muted">
          This workspace belongs to portal <strong>{hubspot.boundPortalId}</strong>. Reconnecting to it keeps mappings, settings and history; another portal is refused.
        </p>
      ) : null}
      <div className="segmented" role="radiogroup" aria-label="How to connect">
        <label className={mode === 'token' ? 'is-active' : ''}>
          <input type="radio" name="connect-mode" value="token" checked={mode === 'token'} onChange={() => setMode('token')} />
          Private app token
        </label>
        <label className={mode === 'oauth' ? 'is-active' : ''}>
          <input type="radio" name="connect-mode" value="oauth" checked={mode === 'oauth'} onChange={() => setMode('oauth')} />
          HubSpot app (OAuth)
        </label>
      </div>
      {mode === 'token' ? (
        <label className="field">
          <span className="field-label">Access token</span>
          <input type="password" autoComplete="off" spellCheck={false} value={token} placeholder="pat-na1-…" onChange={(e) => setToken(e.target.value)} aria-invalid={error ? true : undefined} />
          <span className="field-hint">HubSpot → Settings → Integrations → Private apps → your app → Auth. Stored in this computer’s keychain only.</span>
        </label>
      ) : (
        <>
          <label className="field">
            <span className="field-label">Client ID</span>
            <input value={clientId} spellCheck={false} onChange={(e) => setClientId(e.target.value)} placeholder="From your HubSpot app’s Auth tab" />
          </label>
          <label className="field">
            <span className="field-label">Client secret</span>
            <input
              type="password"
              autoComplete="off"
              value={clientSecret}
              onChange={(e) => setClientSecret(e.target.value)}
              placeholder={settings?.hasClientSecret ? 'Stored in the keychain (leave empty to keep it)' : ''}
            />
            <span className="field-hint">
              Register these redirect URLs on the app: {DEFAULT_REDIRECT_URIS.map((u) => <code key={u}>{u}</code>).reduce<ReactNode[]>((all, c, i) => (i ? [...all, ', ', c] : [c]), [])}.
            </span>
          </label>
        </>
      )}
      <details className="connect-scopes">
        <summary>Permissions Syncdesk needs</summary>
        <p className="field-hint">Required: {HUBSPOT_REQUIRED_SCOPES.join(', ')}{mode === 'oauth' ? ', oauth' : ''}.</p>
        <p className="field-hint">Optional (the mirror skips deals without them): {HUBSPOT_OPTIONAL_SCOPES.join(', ')}.</p>
      </details>
      <Advanced open={changedBases}>
        <label className="field">
          <span className="field-label">API address</span>
          <input type="url" value={apiBase} spellCheck={false} onChange={(e) => setApiBase(e.target.value)} />
        </label>
        {mode === 'oauth' ? (
          <label className="field">
            <span className="field-label">Authorization address</span>
            <input type="url" value={authBase} spellCheck={false} onChange={(e) => setAuthBase(e.target.value)} />
          </label>
        ) : null}
      </Advanced>
      <FormError error={error ?? endedError} />
    </Dialog>
  );
}

function WaitingForHubSpot({ attempt }: { attempt: OAuthAttempt }) {
  const secondsLeft = useCountdown(attempt.expiresAt) ?? 0;
  return (
    <div className="oauth-waiting" data-testid="oauth-waiting">
      <p>
        Your browser should show HubSpot’s consent screen. Choose the portal, keep every required permission ticked and approve; this window updates by itself.
      </p>
      <p>
        <a className="btn btn-primary" href={attempt.authorizeUrl} target="_blank" rel="noopener noreferrer" data-testid="oauth-authorize-link">
          Open HubSpot authorization
        </a>
      </p>
      <p className="muted">
        Waiting on <code>{attempt.redirectUri}</code> · closes in {Math.floor(secondsLeft / 60)}:{String(secondsLeft % 60).padStart(2, '0')}
      </p>
    </div>
  );
}

function ConnectStripeDialog({ workspaceId }: { workspaceId: string }) {
  const connections = useConnections(workspaceId);
  const close = useAppStore((s) => s.openConnectionDialog);
  const notify = useAppStore((s) => s.notify);
  const connectStripe = useAppStore((s) => s.connectStripe);
  const [key, setKey] = useState('');
  const [apiBase, setApiBase] = useState(connections?.stripe.settings.apiBase ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await connectStripe({ workspaceId, key, ...(apiBase.trim() && apiBase.trim() !== connections?.stripe.settings.apiBase ? { apiBase: apiBase.trim() } : {}) });
      notify('success', 'Stripe connected: every permission Syncdesk needs is granted.');
      close(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Connect Stripe"
      testId="connect-stripe-dialog"
      onClose={() => close(null)}
      onSubmit={submit}
      footer={
        <>
          <button type="button" className="btn" onClick={() => close(null)}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !key.trim()}>
            {busy ? 'Checking permissions…' : 'Connect'}
          </button>
        </>
      }
    >
      <p className="muted">Optional: billing data and MRR beside each company. Syncdesk only reads from Stripe.</p>
      <label className="field">
        <span className="field-label">Restricted key</span>
        <input type="password" autoComplete="off" spellCheck={false} value={key} placeholder="rk_live_…" onChange={(e) => setKey(e.target.value)} aria-invalid={error ? true : undefined} />
        <span className="field-hint">
          Stripe → Developers → API keys → Create restricted key, with Read on Customers, Subscriptions, Products, Prices, Invoices and Events. Stored in this computer’s keychain only.
        </span>
      </label>
      <Advanced open={false}>
        <label className="field">
          <span className="field-label">Stripe API address</span>
          <input type="url" value={apiBase} spellCheck={false} onChange={(e) => setApiBase(e.target.value)} />
        </label>
      </Advanced>
      <FormError error={error} />
    </Dialog>
  );
}
