import { AppError } from '../errors.ts';
import type { StripeMirrorPart } from '../mirror/mirror-service.ts';
import type { ProviderAccess } from '../mirror/provider-access.ts';
import { recomputeLinks } from './stripe-links.ts';
import { recomputeMrr } from './stripe-mrr-store.ts';
import { resyncStripeObject, stripeStreams } from './stripe-mirror.ts';

/** The Stripe side of the mirror: its streams, resync, and what follows a run (links; MRR). */
export function createStripeMirrorPart(providers: ProviderAccess): StripeMirrorPart {
  return {
    streams: stripeStreams,
    async resync({ workspaceId, store, objectType, id, now }) {
      const stripe = await providers.stripe(workspaceId);
      if (!stripe) throw new AppError('not_connected', 'No Stripe account is connected to this workspace.', { retryable: false });
      return resyncStripeObject(stripe, store, objectType, id, now);
    },
    afterRun(store, now) {
      const settings = store.settings();
      recomputeLinks(store.db, settings.stripeLinkProperty);
      recomputeMrr(store.db, { includeLimitedCoupons: settings.includeLimitedCoupons, asOfSeconds: Math.floor(now / 1000) });
    },
  };
}
