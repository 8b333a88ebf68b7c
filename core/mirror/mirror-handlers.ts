import type { HandlersFor } from '../app/handlers.ts';
import type { BillingService } from '../stripe/billing-service.ts';
import type { MirrorService } from './mirror-service.ts';
import type { RecordsService } from './records-service.ts';

export function createMirrorHandlers(mirror: MirrorService): HandlersFor<'mirror'> {
  return {
    'mirror.status': (input) => mirror.status(input.workspaceId),
    'mirror.run': (input) => mirror.run(input.workspaceId, { mode: input.mode, streams: input.streams, trigger: 'manual' }),
    'mirror.cancel': (input) => mirror.cancel(input.workspaceId),
    'mirror.runs': (input) => mirror.runs(input.workspaceId, input),
    'mirror.errors': (input) => mirror.errors(input.workspaceId, input),
    'mirror.retryError': (input) => mirror.retryError(input.workspaceId, input.errorId),
    'mirror.resync': (input) => mirror.resync(input.workspaceId, input),
    'mirror.getSettings': (input) => mirror.settings(input.workspaceId),
    'mirror.setSettings': (input) => mirror.setSettings(input.workspaceId, input.settings),
    'mirror.lists': (input) => mirror.lists(input.workspaceId),
  };
}

export function createRecordHandlers(records: RecordsService): HandlersFor<'records'> {
  return {
    'records.list': (input) => records.list(input.workspaceId, input),
    'records.get': (input) => records.get(input.workspaceId, input.objectType, input.id),
    'records.owners': (input) => records.owners(input.workspaceId),
  };
}

export function createBillingHandlers(billing: BillingService): HandlersFor<'billing'> {
  return {
    'billing.summary': (input) => billing.summary(input.workspaceId),
    'billing.customers': (input) => billing.customers(input.workspaceId, input),
    'billing.subscriptions': (input) => billing.subscriptions(input.workspaceId, input),
  };
}
