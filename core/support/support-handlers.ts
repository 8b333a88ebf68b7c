import type { HandlersFor } from '../app/handlers.ts';
import type { SupportService } from './support-service.ts';

export function createSupportHandlers(support: SupportService): HandlersFor<'support'> {
  return {
    'support.exportBundle': (input) => support.exportBundle(input),
    'support.importBundle': (input) => support.importBundle(input),
    'support.bundles': () => support.bundles(),
    'support.bundle': (input) => support.bundle(input.bundleId),
    'support.deleteBundle': (input) => support.deleteBundle(input.bundleId),
    'support.replay': (input) => support.replay(input.bundleId, input.target, input.waitMs),
    'support.replayAgain': (input) => support.replayAgain(input.replayId, input.waitMs),
    'support.replayView': (input) => support.replayView(input.replayId),
    'support.compareAttempts': (input) => support.compareAttempts(input),
  };
}
