import type { Workspace } from '../../../core/contract/workspaces.ts';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { STATE_LABEL, STATE_TONE } from './labels.ts';
import { useConnections } from './use-connections.ts';

/** The first connection cell loads the row's connections; the others read them from the store. */
function StateCell({ workspace }: { workspace: Workspace }) {
  const connections = useConnections(workspace.id);
  if (!connections) return <span className="muted">…</span>;
  const { hubspot } = connections;
  return (
    <span className={`tag ${STATE_TONE[hubspot.state]}`} title={hubspot.reason ?? undefined} data-testid="health-state">
      {hubspot.pendingOAuth ? 'Authorizing…' : STATE_LABEL[hubspot.state]}
    </span>
  );
}

function PortalCell({ workspace }: { workspace: Workspace }) {
  const hubspot = useAppStore((s) => s.connections[workspace.id]?.hubspot);
  if (!hubspot) return null;
  if (hubspot.portal) return <span>{hubspot.portal.portalId}{hubspot.portal.domain ? <span className="muted"> · {hubspot.portal.domain}</span> : null}</span>;
  return hubspot.boundPortalId ? <span className="muted">{hubspot.boundPortalId}</span> : <span className="muted">—</span>;
}

function ScopesCell({ workspace }: { workspace: Workspace }) {
  const scopes = useAppStore((s) => s.connections[workspace.id]?.hubspot.scopes);
  if (!scopes) return <span className="muted">—</span>;
  return scopes.missingRequired.length === 0 ? (
    <span className="tag tag-success">All granted</span>
  ) : (
    <span className="tag tag-danger" title={scopes.missingRequired.join(', ')}>
      Missing {scopes.missingRequired.length}
    </span>
  );
}

function VerifiedCell({ workspace }: { workspace: Workspace }) {
  const at = useAppStore((s) => s.connections[workspace.id]?.hubspot.lastVerifiedAt ?? null);
  return at ? <time dateTime={at} title={formatDateTime(at)}>{formatRelative(at)}</time> : <span className="muted">never</span>;
}

function StripeCell({ workspace }: { workspace: Workspace }) {
  const stripe = useAppStore((s) => s.connections[workspace.id]?.stripe);
  if (!stripe) return null;
  if (stripe.state === 'disconnected') return <span className="muted">Not connected</span>;
  return <span className={`tag ${STATE_TONE[stripe.state]}`}>{STATE_LABEL[stripe.state]}</span>;
}

/** The health board's connection columns (the mirror and push add theirs after these). */
export const connectionHealthColumns = [
  { id: 'hubspot', header: 'HubSpot', Cell: StateCell },
  { id: 'portal', header: 'Portal', Cell: PortalCell },
  { id: 'scopes', header: 'Scopes', Cell: ScopesCell },
  { id: 'verified', header: 'Last verified', Cell: VerifiedCell },
  { id: 'stripe', header: 'Stripe', Cell: StripeCell },
];
