import { HUBSPOT_OPTIONAL_SCOPES, HUBSPOT_REQUIRED_SCOPES, type ScopeStatus } from '../contract/connections.ts';
import type { HubSpotAuthKind } from './tiers.ts';

/** Defined in the contract so the UI can list them; see there for why deals are optional. */
export const REQUIRED_SCOPES = HUBSPOT_REQUIRED_SCOPES;
export const OPTIONAL_SCOPES = HUBSPOT_OPTIONAL_SCOPES;

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
