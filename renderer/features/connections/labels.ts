import type { ConnectionState, HubSpotAction, PortalIdentity } from '../../../core/contract/connections.ts';

export function portalName(portal: PortalIdentity | null | undefined): string {
  if (!portal) return 'portal';
  return `portal ${portal.portalId}${portal.domain ? ` (${portal.domain})` : ''}`;
}

export function actionLabel(action: HubSpotAction | null): string {
  switch (action) {
    case 'reconnect':
      return 'Reconnect';
    case 'replace_token':
      return 'Replace token';
    default:
      return 'Connect HubSpot';
  }
}

export const STATE_LABEL: Record<ConnectionState, string> = {
  connected: 'Connected',
  reauthorize: 'Reauthorize',
  disconnected: 'Disconnected',
};

export const STATE_TONE: Record<ConnectionState, string> = {
  connected: 'tag-success',
  reauthorize: 'tag-warning',
  disconnected: '',
};
