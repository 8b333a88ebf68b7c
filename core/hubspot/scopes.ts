import type { ScopeStatus } from '../contract/connections.ts';
import type { HubSpotAuthKind } from './tiers.ts';

/**
 * What Syncdesk asks HubSpot for. Required: everything the push pipeline needs (contacts,
 * companies, lists, owners). Optional: what only the mirror needs (deals and their pipelines), sent
 * as `optional_scope` so that a portal without the tool still installs, and so that declining them
 * costs only the deal streams (SPEC §6: a missing scope skips its stream with a warning) instead of
 * the whole connection.
 */
export const REQUIRED_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.lists.read',
  'crm.lists.write',
  'crm.objects.owners.read',
] as const;

export const OPTIONAL_SCOPES = ['crm.objects.deals.read', 'crm.schemas.deals.read'] as const;

/** OAuth apps always carry HubSpot's base `oauth` scope; account info needs it. */
export const OAUTH_BASE_SCOPE = 'oauth';

export function requiredScopesFor(kind: HubSpotAuthKind): string[] {
  return kind === 'oauth' ? [OAUTH_BASE_SCOPE, ...REQUIRED_SCOPES] : [...REQUIRED_SCOPES];
}

export function scopeStatus(kind: HubSpotAuthKind, granted: readonly string[]): ScopeStatus {
  const have = new Set(granted);
  const required = requiredScopesFor(kind);
  const optional = [...OPTIONAL_SCOPES];
  return {
    granted: [...granted].sort(),
    required,
    optional,
    missingRequired: required.filter((s) => !have.has(s)),
    missingOptional: optional.filter((s) => !have.has(s)),
  };
}

/** What a scope lets Syncdesk do, for messages that name a declined or missing scope. */
export const SCOPE_PURPOSE: Record<string, string> = {
  oauth: 'read the portal’s account details',
  'crm.objects.contacts.read': 'find existing contacts',
  'crm.objects.contacts.write': 'create and update contacts',
  'crm.objects.companies.read': 'find companies',
  'crm.objects.companies.write': 'create and update companies',
  'crm.lists.read': 'read lists',
  'crm.lists.write': 'add contacts to lists',
  'crm.objects.owners.read': 'read contact owners',
  'crm.objects.deals.read': 'mirror deals',
  'crm.schemas.deals.read': 'mirror deal pipelines',
};

export function describeScopes(scopes: readonly string[]): string {
  return scopes.map((s) => (SCOPE_PURPOSE[s] ? `${s} (to ${SCOPE_PURPOSE[s]})` : s)).join(', ');
}
