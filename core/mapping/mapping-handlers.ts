import type { HandlersFor } from '../app/handlers.ts';
import type { MappingService } from './mapping-service.ts';

export function createMappingHandlers(mapping: MappingService): HandlersFor<'mapping'> {
  return {
    'mapping.get': (input) => mapping.get(input.workspaceId),
    'mapping.save': (input) => mapping.save(input.workspaceId, input.settings),
    'mapping.properties': (input) => mapping.properties(input.workspaceId),
    'mapping.refreshProperties': (input) => mapping.refreshProperties(input.workspaceId),
    'mapping.check': (input) => mapping.check(input.workspaceId, input.settings),
    'mapping.preview': (input) => mapping.preview(input.workspaceId, input.leadId, input.settings),
    'mapping.lists': (input) => mapping.lists(input.workspaceId, input.refresh),
    'mapping.sendTestLead': (input) => mapping.sendTestLead(input.workspaceId, input.leadId),
    'mapping.deleteTestContact': (input) => mapping.deleteTestContact(input.workspaceId, input.runId),
    'mapping.testRuns': (input) => mapping.testRuns(input.workspaceId, input.limit),
    'mapping.testRun': (input) => mapping.testRun(input.workspaceId, input.runId),
  };
}
