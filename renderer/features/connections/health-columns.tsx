import { useEffect, useState } from 'react';
import type { BudgetView } from '../../../core/contract/connections.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { STATE_LABEL, STATE_TONE } from './labels.ts';
import { useConnections } from './use-connections.ts';

/** The first connection cell loads the row's connections; the others read them from the store. Missing
 * scopes show instead of "Connected" (they stop jobs just the same); the title says when it was last verified. */
function StateCell({ workspace }: { workspace: Workspace }) {
  const connections = useConnections(workspace.id);
  if (!connections) return <span className="muted">…</span>;
  const { hubspot } = connections;
  const missing = hubspot.scopes?.missingRequired ?? [];
  const verified = hubspot.lastVerifiedAt ? `Verified ${formatRelative(hubspot.lastVerifiedAt)} (${formatDateTime(hubspot.lastVerifiedAt)})` : 'Never verified';
  if (hubspot.state === 'connected' && missing.length > 0) {
    return (
      <span className="tag tag-danger" title={`Missing: ${missing.join(', ')}. ${verified}`} data-testid="health-state">
        Missing {missing.length} scope{missing.length === 1 ? '' : 's'}
      </span>
    );
  }
  return (
    <span className={`tag ${STATE_TONE[hubspot.state]}`} title={[hubspot.reason, verified].filter(Boolean).join('. ')} data-testid="health-state">
      {hubspot.pendingOAuth ? 'Authorizing…' : STATE_LABEL[hubspot.state]}
    </span>
  );
}

function PortalCell({ workspace }: { workspace: Workspace }) {
  const hubspot = useAppStore((s) => s.connections[workspace.id]?.hubspot);
  if (!hubspot) return null;
  if (hubspot.portal) return <span title={hubspot.portal.domain ?? undefined}>{hubspot.portal.portalId}</span>;
  return hubspot.boundPortalId ? <span className="muted">{hubspot.boundPortalId}</span> : <span className="muted">—</span>;
}

function StripeCell({ workspace }: { workspace: Workspace }) {
  const stripe = useAppStore((s) => s.connections[workspace.id]?.stripe);
  if (!stripe) return null;
  if (stripe.state === 'disconnected') return <span className="muted">Not connected</span>;
  return <span className={`tag ${STATE_TONE[stripe.state]}`}>{STATE_LABEL[stripe.state]}</span>;
}

/** Today's HubSpot calls against the daily limit (the reserve for other apps shown when it bites). */
function BudgetCell({ workspace }: { workspace: Workspace }) {
  const api = useAppStore((s) => s.api);
  const state = useAppStore((s) => s.connections[workspace.id]?.hubspot.state);
  const [budget, setBudget] = useState<BudgetView | null | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    void api.invoke('connections.budget', { workspaceId: workspace.id }).then((r) => alive && setBudget(r.ok ? r.value : null));
    return () => {
      alive = false;
    };
  }, [api, workspace.id, state]);
  if (budget === undefined) return <span className="muted">…</span>;
  if (budget === null) return <span className="muted">—</span>;
  const used = budget.usedToday.toLocaleString();
  if (budget.dailyLimit === null) return <span title="This portal has no daily limit">{used} today</span>;
  const share = budget.usedToday / budget.dailyLimit;
  const usable = 1 - budget.reservedShare;
  const tone = share >= usable ? 'tag tag-danger' : share >= usable * 0.8 ? 'tag tag-warning' : undefined;
  return (
    <span className={tone} title={`${used} of ${budget.dailyLimit.toLocaleString()} calls today; ${Math.round(budget.reservedShare * 100)}% kept for other apps`} data-testid="health-budget">
      {share < 0.01 && budget.usedToday > 0 ? '<1' : Math.round(share * 100)}%
    </span>
  );
}

/** The health board's connection columns (the mirror and push add theirs after these). */
export const connectionHealthColumns = [
  { id: 'hubspot', header: 'HubSpot', Cell: StateCell },
  { id: 'portal', header: 'Portal', Cell: PortalCell },
  { id: 'stripe', header: 'Stripe', Cell: StripeCell },
  { id: 'budget', header: 'Budget today', Cell: BudgetCell },
];
