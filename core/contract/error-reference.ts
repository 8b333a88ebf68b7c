import type { ErrorCode } from './errors.ts';

export interface ErrorExplanation {
  /** Short title shown on the failed job. */
  title: string;
  /** What it means, in plain language. */
  meaning: string;
  /** What the operator should do. */
  fix: string;
}

/**
 * SPEC §4's error reference: the same words in the renderer, the CLI and support bundles.
 * Details (the property, the value, the missing scopes) are added by whoever reports the error.
 */
export const ERROR_REFERENCE = {
  not_connected: {
    title: "HubSpot isn't connected",
    meaning: 'There is no active HubSpot connection for this workspace: it was never set up, or it was disconnected.',
    fix: 'Connect HubSpot on the Integrations page, then retry.',
  },
  auth_expired: {
    title: 'HubSpot authorization expired',
    meaning:
      'The stored credentials no longer work: they were revoked, the connecting user left the portal or lost permissions, or the app was uninstalled.',
    fix: 'Reconnect to the same HubSpot portal and approve all permissions. Mappings, settings and history are kept.',
  },
  missing_scopes: {
    title: 'Missing HubSpot permissions',
    meaning: "The connection exists but wasn't granted every permission Syncdesk needs.",
    fix: 'Reconnect and approve every requested permission, or ask a HubSpot super admin to connect.',
  },
  duplicate_contact: {
    title: 'Contact already exists',
    meaning: 'HubSpot already has a contact with this email (or phone) and Deduplicate contacts is off, so no duplicate was created.',
    fix: 'Turn on Deduplicate contacts in Advanced config, or resolve the duplicate in HubSpot.',
  },
  rate_limited: {
    title: 'HubSpot rate limit reached',
    meaning: 'HubSpot kept refusing requests because the portal used up its API limit, and the retries ran out.',
    fix: 'Usually nothing: retry in a minute. If it keeps happening, keep a larger share of the API budget for the portal’s other apps (Overview → API budget).',
  },
  property_missing: {
    title: "Mapped property doesn't exist",
    meaning:
      "A mapping points at a HubSpot property that doesn't exist: a typo, a label used instead of the internal name, or a deleted property.",
    fix: 'Fix or disable the mapping, or create the property in HubSpot; confirm with Send test lead.',
  },
  invalid_value: {
    title: 'HubSpot rejected a value',
    meaning: "A value isn't valid for its property: not one of a dropdown's options, not a number, not a valid date or email.",
    fix: 'Add the option in HubSpot, map the field to a text property, or fix the lead.',
  },
  no_email: {
    title: 'Lead has no email',
    meaning: 'The lead has no email address, and leads without email are skipped.',
    fix: 'Add an email, or enable Sync leads without an email (with the phone fallback).',
  },
  nothing_to_sync: {
    title: 'Nothing to sync',
    meaning: 'Every enabled mapping is empty for this lead.',
    fix: 'Add details to the lead, or enable more mappings.',
  },
  hubspot_unavailable: {
    title: 'HubSpot is unavailable',
    meaning: 'HubSpot answered with server errors or timed out, and the retries ran out.',
    fix: 'Retry later.',
  },
  internal: {
    title: 'Something went wrong on our side',
    meaning: 'This is not a configuration problem.',
    fix: 'Retry once, then use Report an issue.',
  },
} as const satisfies Partial<Record<ErrorCode, ErrorExplanation>>;

export type ReferencedErrorCode = keyof typeof ERROR_REFERENCE;

export function explainError(code: ErrorCode): ErrorExplanation | undefined {
  return (ERROR_REFERENCE as Partial<Record<ErrorCode, ErrorExplanation>>)[code];
}
