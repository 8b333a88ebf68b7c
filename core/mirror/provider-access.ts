import type Stripe from 'stripe';
import { AppError } from '../errors.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';

/**
 * How the mirror reaches a workspace's providers. The connections domain implements it (tokens,
 * refresh, the shared request budget); the mirror only asks. Both methods throw `not_connected`
 * (never set up) or `auth_expired` (reauthorize) as AppErrors.
 */
export interface ProviderAccess {
  hubspot(workspaceId: string): Promise<HubSpotGateway>;
  /** null: the workspace has no Stripe account connected (Stripe is optional). */
  stripe(workspaceId: string): Promise<Stripe | null>;
  /** Called with a workspace id when its connections change (connected, reauthorize, removed). */
  onDidChange?(listener: (workspaceId: string) => void): () => void;
}

/** The access a host has before the connections domain is wired: every workspace is unconnected. */
export const unconnectedProviders: ProviderAccess = {
  hubspot: async () => {
    throw new AppError('not_connected', "HubSpot isn't connected for this workspace. Connect it on the Integrations page, then run the sync again.", { retryable: false });
  },
  stripe: async () => null,
};
