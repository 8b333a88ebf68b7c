import type { HandlersFor } from '../app/handlers.ts';
import type { PushService } from './push-service.ts';

export function createPushHandlers(push: PushService): HandlersFor<'push'> {
  return {
    'push.leads': async (input) => {
      const { allJobIds: _all, ...result } = await push.push(input.workspaceId, input.target);
      return result;
    },
    'push.cancel': (input) => ({ cancelled: push.cancel(input.workspaceId, input.jobIds) }),
    'push.retry': (input) => push.retry(input.workspaceId, input.jobId),
    'push.retryFailed': (input) => push.retryFailed(input.workspaceId, input.filter, input.preview),
    'push.jobs': (input) => push.jobs(input.workspaceId, input.filter, input.limit, input.after),
    'push.job': (input) => push.job(input.workspaceId, input.jobId),
    'push.attempt': (input) => push.attempt(input.workspaceId, input.attemptId),
    'push.history': (input) => push.history(input.workspaceId, input.filter, input.limit, input.after),
    'push.exportHistoryCsv': (input) => push.exportHistoryCsv(input.workspaceId, input.filter, input.after),
    'push.historyCount': (input) => push.historyCount(input.workspaceId, input.filter, input.cap),
    'push.buckets': (input) => push.buckets(input.workspaceId, input.from, input.to, input.size, input.timeZone),
    'push.errorTitles': (input) => push.errorTitles(input.workspaceId, input.from),
    'push.progress': (input) => push.progress(input.workspaceId),
    'push.leadStatuses': (input) => push.leadStatuses(input.workspaceId, input.leadIds),
    'push.getSettings': (input) => push.getSettings(input.workspaceId),
    'push.saveSettings': (input) => push.saveSettings(input.workspaceId, input.settings),
  };
}
