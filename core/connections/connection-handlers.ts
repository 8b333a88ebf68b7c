import type { HandlersFor } from '../app/handlers.ts';
import type { ConnectionService } from './connection-service.ts';
import type { SandboxWorkspaces } from './sandbox-workspaces.ts';

export function createConnectionHandlers(connections: ConnectionService, sandboxWorkspaces: SandboxWorkspaces): HandlersFor<'connections'> {
  return {
    'connections.get': ({ workspaceId }) => connections.view(workspaceId),
    'connections.list': () => ({ items: connections.list() }),
    'connections.connectHubSpotToken': (input) => connections.connectHubSpotToken(input),
    'connections.startHubSpotOAuth': (input) => connections.startHubSpotOAuth(input),
    'connections.cancelHubSpotOAuth': (input) => connections.cancelHubSpotOAuth(input),
    'connections.connectStripe': (input) => connections.connectStripe(input),
    'connections.disconnect': (input) => connections.disconnect(input),
    'connections.check': ({ workspaceId }) => connections.check(workspaceId),
    'connections.budget': ({ workspaceId }) => connections.budget(workspaceId),
    'connections.setReservedShare': ({ workspaceId, share }) => connections.setReservedShare(workspaceId, share),
    'connections.createSandboxWorkspace': (input) => sandboxWorkspaces.create(input),
  };
}
