import type { HandlersFor } from '../app/handlers.ts';
import type { WorkspaceService } from './workspace-service.ts';

export function createWorkspaceHandlers(workspaces: WorkspaceService): HandlersFor<'workspaces'> {
  return {
    'workspaces.list': () => workspaces.list(),
    'workspaces.create': (input) => workspaces.create(input),
    'workspaces.rename': (input) => workspaces.rename(input),
    'workspaces.delete': (input) => workspaces.delete(input),
    'workspaces.select': (input) => workspaces.select(input),
  };
}
