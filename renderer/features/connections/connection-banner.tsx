import type { Workspace } from '../../../core/contract/workspaces.ts';
import { errorMessage } from '../../api/client.ts';
import { Icon } from '../../components/icons.tsx';
import { useAppStore } from '../../state/store.ts';
import { ConnectionDialogs } from './connect-dialogs.tsx';
import { actionLabel, portalName } from './labels.ts';
import { useConnections, useCountdown } from './use-connections.ts';

/**
 * Above every page of a workspace: whether HubSpot works (Connected / Reauthorize / Disconnected)
 * with the one action that fixes it, a waiting browser authorization, and a Stripe key that stopped
 * working. Also hosts the connect dialogs, which any page of the workspace may open.
 */
export function ConnectionBanner({ workspace }: { workspace: Workspace }) {
  const connections = useConnections(workspace.id);
  const open = useAppStore((s) => s.openConnectionDialog);
  const cancel = useAppStore((s) => s.cancelHubSpotOAuth);
  const notify = useAppStore((s) => s.notify);
  const pending = connections?.hubspot.pendingOAuth ?? null;
  const secondsLeft = useCountdown(pending?.expiresAt);
  if (!connections) return <ConnectionDialogs />;
  const { hubspot, stripe } = connections;

  let banner;
  if (pending) {
    banner = (
      <div className="banner banner-info" role="status" data-testid="connection-banner" data-state="authorizing">
        <Icon name="plug" />
        <span className="banner-text">
          Waiting for you to approve Syncdesk in HubSpot{secondsLeft !== null ? ` (${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, '0')} left)` : ''}.
        </span>
        <span className="banner-actions">
          <a className="btn btn-small btn-primary" href={pending.authorizeUrl} target="_blank" rel="noopener noreferrer">
            Open HubSpot authorization
          </a>
          <button type="button" className="btn btn-small" onClick={() => cancel(workspace.id).catch((e: unknown) => notify('error', errorMessage(e)))}>
            Cancel
          </button>
        </span>
      </div>
    );
  } else if (hubspot.state === 'connected') {
    banner = (
      <div className="banner banner-success connection-banner-slim" data-testid="connection-banner" data-state="connected">
        <Icon name="check" />
        <span className="banner-text">
          Connected to HubSpot {portalName(hubspot.portal)}
          {hubspot.scopes && hubspot.scopes.missingRequired.length > 0 ? ` · missing ${hubspot.scopes.missingRequired.length} required permission${hubspot.scopes.missingRequired.length === 1 ? '' : 's'}` : ''}
        </span>
      </div>
    );
  } else {
    banner = (
      <div
        className={`banner ${hubspot.state === 'reauthorize' ? 'banner-warning' : 'banner-info'}`}
        role={hubspot.state === 'reauthorize' ? 'alert' : 'status'}
        data-testid="connection-banner"
        data-state={hubspot.state}
      >
        <Icon name={hubspot.state === 'reauthorize' ? 'warning' : 'plug'} />
        <span className="banner-text">
          <strong>{hubspot.state === 'reauthorize' ? 'HubSpot needs you to reconnect.' : 'HubSpot isn’t connected.'}</strong> {hubspot.reason}
          {hubspot.state === 'reauthorize' ? ' Jobs are paused until then.' : ''}
        </span>
        <span className="banner-actions">
          <button
            type="button"
            className="btn btn-small btn-primary"
            onClick={() => open({ kind: 'hubspot', workspaceId: workspace.id, ...(hubspot.action === 'replace_token' ? { mode: 'token' as const } : {}) })}
          >
            {actionLabel(hubspot.action)}
          </button>
        </span>
      </div>
    );
  }

  return (
    <>
      {banner}
      {stripe.state === 'reauthorize' ? (
        <div className="banner banner-warning" role="alert" data-testid="stripe-banner">
          <Icon name="key" />
          <span className="banner-text">
            <strong>Stripe needs a new key.</strong> {stripe.reason}
          </span>
          <span className="banner-actions">
            <button type="button" className="btn btn-small" onClick={() => open({ kind: 'stripe', workspaceId: workspace.id })}>
              Replace key
            </button>
          </span>
        </div>
      ) : null}
      <ConnectionDialogs />
    </>
  );
}
