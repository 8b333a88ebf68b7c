import type Stripe from 'stripe';
import type { StripePermissionCheck } from '../contract/connections.ts';
import { AppError } from '../errors.ts';
import { classifyStripeError, createStripeClient } from '../stripe/stripe-gateway.ts';

interface Probe {
  label: string;
  permission: string;
  run(stripe: Stripe): Promise<unknown>;
}

/** What the mirror reads from Stripe, one cheap list call per permission (SPEC §6: customers, subscriptions, products, prices, invoices; events for incremental). */
export const STRIPE_PROBES: readonly Probe[] = [
  { label: 'Customers', permission: 'rak_customer_read', run: (s) => s.customers.list({ limit: 1 }) },
  { label: 'Subscriptions', permission: 'rak_subscription_read', run: (s) => s.subscriptions.list({ limit: 1, status: 'all' }) },
  { label: 'Products', permission: 'rak_product_read', run: (s) => s.products.list({ limit: 1 }) },
  { label: 'Prices', permission: 'rak_plan_read', run: (s) => s.prices.list({ limit: 1 }) },
  { label: 'Invoices', permission: 'rak_invoice_read', run: (s) => s.invoices.list({ limit: 1 }) },
  { label: 'Events', permission: 'rak_event_read', run: (s) => s.events.list({ limit: 1 }) },
];

export interface VerifiedStripe {
  keyKind: 'restricted' | 'secret';
  livemode: boolean;
  permissions: StripePermissionCheck[];
}

/**
 * Probes each permission Syncdesk needs with the key. A 403 marks that permission missing; a
 * refused key or an unreachable Stripe stops the check with a plain-language error.
 */
export async function verifyStripeKey(input: { apiBase: string; key: string; timeoutMs?: number }): Promise<VerifiedStripe> {
  const stripe = createStripeClient({ baseUrl: input.apiBase, key: input.key, timeoutMs: input.timeoutMs ?? 20_000 });
  const permissions: StripePermissionCheck[] = [];
  for (const probe of STRIPE_PROBES) {
    try {
      await probe.run(stripe);
      permissions.push({ label: probe.label, permission: probe.permission, granted: true });
    } catch (raw) {
      const error = classifyStripeError(raw);
      if (error.code === 'missing_scopes') {
        permissions.push({ label: probe.label, permission: probe.permission, granted: false });
        continue;
      }
      if (error.code === 'auth_expired') {
        throw new AppError('unauthorized', "Stripe doesn't accept this key: it may be mistyped, rolled or deleted. Copy it again from Stripe → Developers → API keys.", {
          retryable: false,
          details: { status: error.details?.status ?? 401 },
        });
      }
      if (error.details?.unavailable || error.code === 'rate_limited') {
        throw new AppError(error.code === 'rate_limited' ? 'rate_limited' : 'stripe_error', `Syncdesk couldn't reach Stripe at ${input.apiBase}: ${error.message}`, { retryable: true, details: error.details ?? {} });
      }
      throw error;
    }
  }
  return {
    keyKind: input.key.startsWith('sk_') ? 'secret' : 'restricted',
    livemode: /^(rk|sk)_live_/.test(input.key),
    permissions,
  };
}

/** Refuses a key that lacks any permission Syncdesk needs, naming each. */
export function assertStripePermissions(verified: VerifiedStripe): void {
  const missing = verified.permissions.filter((p) => !p.granted);
  if (missing.length === 0) return;
  throw new AppError(
    'missing_scopes',
    `The Stripe key lacks ${missing.length === 1 ? 'a permission' : 'permissions'} Syncdesk needs: ${missing.map((p) => `${p.label} (${p.permission})`).join(', ')}. In Stripe → Developers → API keys, edit the restricted key to give Read access to them, then paste it again.`,
    { retryable: false, details: { scopes: missing.map((p) => p.permission), permissions: verified.permissions } },
  );
}
