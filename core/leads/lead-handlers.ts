import type { HandlersFor } from '../app/handlers.ts';
import type { LeadImportService } from './import/lead-import-service.ts';
import type { LeadService } from './lead-service.ts';

export function createLeadHandlers(leads: LeadService, imports: LeadImportService): HandlersFor<'leads'> {
  return {
    'leads.list': (input) => leads.list(input),
    'leads.get': (input) => leads.get(input.workspaceId, input.id),
    'leads.create': (input) => leads.create(input.workspaceId, input.values),
    'leads.update': (input) => leads.update(input.workspaceId, input.id, input.values),
    'leads.validate': (input) => ({ problems: leads.validate(input.workspaceId, input.values) }),
    'leads.delete': (input) => leads.delete(input.workspaceId, input.id),
    'leads.deleteMany': (input) => leads.deleteMany(input.workspaceId, input.target),
    'leads.listFields': (input) => leads.listFields(input.workspaceId),
    'leads.createField': (input) => leads.createField(input),
    'leads.updateField': (input) => leads.updateField(input),
    'leads.deleteField': (input) => leads.deleteField(input.workspaceId, input.key),
    'leads.getSettings': (input) => leads.getSettings(input.workspaceId),
    'leads.updateSettings': ({ workspaceId, ...patch }) => leads.updateSettings(workspaceId, patch),
    'leads.importBegin': (input) => imports.begin(input),
    'leads.importChunk': (input) => imports.chunk(input),
    'leads.importPreview': (input) => imports.preview(input.importId, input.settings),
    'leads.importCommit': (input) => imports.commit(input),
    'leads.importCancel': (input) => imports.cancel(input.importId),
    'leads.importStatus': (input) => imports.status(input.importId),
    'leads.importReport': (input) => imports.report(input),
    'leads.exportCsv': (input) => imports.exportCsv(input),
  };
}
