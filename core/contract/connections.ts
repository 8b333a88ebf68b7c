import { z } from 'zod';
import { AppErrorData } from './errors.ts';
import { Empty, Id, IsoTime } from './common.ts';
import { defineEvents, defineMethods } from './define.ts';
import { Workspace, WorkspaceName } from './workspaces.ts';

/**
 * HubSpot and Stripe connections of a workspace, as the renderer and the CLI see them. Secrets go
 * in (a token or key the operator types) and never come back out: views carry state, identity and
 * scopes only.
 */

/**
 * What Syncdesk asks HubSpot for. Required: everything the push pipeline needs (contacts,
 * companies, lists, owners); OAuth apps also always carry HubSpot's base `oauth` scope. Optional:
 * what only the mirror needs (deals and their pipelines), sent as `optional_scope` so a portal
 * without the tool still installs and declining them costs only the deal streams (SPEC §6).
 */
export const HUBSPOT_REQUIRED_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.lists.read',
  'crm.lists.write',
  'crm.objects.owners.read',
] as const;
export const HUBSPOT_OPTIONAL_SCOPES = ['crm.objects.deals.read', 'crm.schemas.deals.read'] as const;

/**
 * Syncdesk's OAuth redirect ports: HubSpot only redirects to URIs registered on the app (and never
 * to an IP literal), so the loopback port can't be random. Register all three on your app.
 */
export const DEFAULT_CALLBACK_PORTS = [42813, 42814, 42815] as const;
export const DEFAULT_REDIRECT_URIS = DEFAULT_CALLBACK_PORTS.map((port) => `http://localhost:${port}/oauth/callback`);

export const ConnectionState = z.enum(['connected', 'reauthorize', 'disconnected']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const HubSpotAuthKind = z.enum(['oauth', 'private_app']);
export type HubSpotAuthKind = z.infer<typeof HubSpotAuthKind>;

/** What the banner's button does: Connect (never set up), Reconnect (OAuth), Replace token (private app). */
export const HubSpotAction = z.enum(['connect', 'reconnect', 'replace_token']);
export type HubSpotAction = z.infer<typeof HubSpotAction>;

/** An http(s) base URL such as https://api.hubapi.com or a sandbox portal's http://127.0.0.1:<port>. */
export const BaseUrl = z
  .string()
  .trim()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !url.search && !url.hash;
    } catch {
      return false;
    }
  }, 'Enter an http(s) address such as https://api.hubapi.com, without a query or credentials.')
  .transform((value) => value.replace(/\/+$/, ''));

export const PortalIdentity = z.object({
  portalId: z.number().int(),
  /** The portal's own domain (HubSpot's `hub_domain`), when HubSpot tells it. */
  domain: z.string().nullable(),
  /** The HubSpot UI host of the portal (app.hubspot.com, app-eu1.hubspot.com). */
  uiDomain: z.string().nullable(),
  timeZone: z.string().nullable(),
  /** Data-hosting region (`na1`, `eu1`…). */
  region: z.string().nullable(),
  accountType: z.string().nullable(),
  currency: z.string().nullable(),
});
export type PortalIdentity = z.infer<typeof PortalIdentity>;

export const ScopeStatus = z.object({
  granted: z.array(z.string()),
  required: z.array(z.string()),
  /** Wanted by the mirror; without them the affected streams are skipped with a warning. */
  optional: z.array(z.string()),
  missingRequired: z.array(z.string()),
  missingOptional: z.array(z.string()),
});
export type ScopeStatus = z.infer<typeof ScopeStatus>;

export const LastCheck = z.object({
  at: IsoTime,
  ok: z.boolean(),
  message: z.string(),
});
export type LastCheck = z.infer<typeof LastCheck>;

/** A browser authorization waiting for HubSpot's answer on the loopback callback. */
export const OAuthAttempt = z.object({
  attemptId: z.string(),
  workspaceId: Id,
  authorizeUrl: z.string(),
  redirectUri: z.string(),
  startedAt: IsoTime,
  /** The window closes 10 minutes after it opened. */
  expiresAt: IsoTime,
});
export type OAuthAttempt = z.infer<typeof OAuthAttempt>;

export const HubSpotSettings = z.object({
  apiBase: z.string(),
  authBase: z.string(),
  /** The HubSpot app's client id for OAuth (not secret); the client secret lives in the keychain. */
  clientId: z.string().nullable(),
  hasClientSecret: z.boolean(),
});
export type HubSpotSettings = z.infer<typeof HubSpotSettings>;

export const HubSpotConnection = z.object({
  state: ConnectionState,
  /** Why it is not connected, in plain language (null when connected). */
  reason: z.string().nullable(),
  /** The button the banner shows; null when connected. */
  action: HubSpotAction.nullable(),
  authKind: HubSpotAuthKind.nullable(),
  portal: PortalIdentity.nullable(),
  /** The portal this workspace belongs to since its first connection; kept after a disconnect. */
  boundPortalId: z.number().int().nullable(),
  scopes: ScopeStatus.nullable(),
  connectedAt: IsoTime.nullable(),
  lastVerifiedAt: IsoTime.nullable(),
  lastCheck: LastCheck.nullable(),
  /** When the current OAuth access token expires (it is refreshed 5 minutes before). */
  accessExpiresAt: IsoTime.nullable(),
  settings: HubSpotSettings,
  pendingOAuth: OAuthAttempt.nullable(),
});
export type HubSpotConnection = z.infer<typeof HubSpotConnection>;

export const StripePermissionCheck = z.object({
  /** What Syncdesk reads with it ("Customers"). */
  label: z.string(),
  /** Stripe's permission name (`rak_customer_read`). */
  permission: z.string(),
  granted: z.boolean(),
});
export type StripePermissionCheck = z.infer<typeof StripePermissionCheck>;

export const StripeConnection = z.object({
  state: ConnectionState,
  reason: z.string().nullable(),
  action: z.enum(['connect', 'replace_key']).nullable(),
  keyKind: z.enum(['restricted', 'secret']).nullable(),
  livemode: z.boolean().nullable(),
  permissions: z.array(StripePermissionCheck).nullable(),
  connectedAt: IsoTime.nullable(),
  lastVerifiedAt: IsoTime.nullable(),
  lastCheck: LastCheck.nullable(),
  settings: z.object({ apiBase: z.string() }),
});
export type StripeConnection = z.infer<typeof StripeConnection>;

export const WorkspaceConnections = z.object({
  workspaceId: Id,
  hubspot: HubSpotConnection,
  stripe: StripeConnection,
});
export type WorkspaceConnections = z.infer<typeof WorkspaceConnections>;

/** The workspace's HubSpot request budget right now (the Overview's API budget meter). */
export const BudgetView = z.object({
  burstUsed: z.number(),
  burstMax: z.number(),
  windowMs: z.number(),
  usedToday: z.number(),
  dailyLimit: z.number().nullable(),
  reservedShare: z.number(),
  resetsAt: IsoTime,
  source: z.enum(['headers', 'local']),
  waits: z.number(),
  throttled: z.number(),
});
export type BudgetView = z.infer<typeof BudgetView>;

const HubSpotToken = z
  .string()
  .trim()
  .min(1, 'Paste the private app access token.')
  .max(512, 'That is longer than any HubSpot token.')
  .regex(/^\S+$/, 'A token has no spaces: paste it again without line breaks.');

const StripeKey = z
  .string()
  .trim()
  .min(1, 'Paste the Stripe restricted key.')
  .max(512)
  .refine((key) => !/^pk_/.test(key), "That's a publishable key (pk_…). Syncdesk needs a restricted key (rk_…) with read permissions.")
  .refine((key) => /^(rk|sk)_(test|live)_[0-9A-Za-z]+$/.test(key), 'A Stripe restricted key looks like rk_live_… or rk_test_….');

const WorkspaceRef = z.object({ workspaceId: Id });

export const OAuthOutcome = z.enum(['connected', 'declined', 'failed', 'expired', 'cancelled']);
export type OAuthOutcome = z.infer<typeof OAuthOutcome>;

export const OAuthEnded = z.object({
  workspaceId: Id,
  attemptId: z.string(),
  outcome: OAuthOutcome,
  message: z.string(),
  error: AppErrorData.optional(),
});
export type OAuthEnded = z.infer<typeof OAuthEnded>;

export const connectionMethods = defineMethods({
  'connections.get': { input: WorkspaceRef, output: WorkspaceConnections },
  /** Every workspace's connections (the health board). */
  'connections.list': { input: Empty, output: z.object({ items: z.array(WorkspaceConnections) }) },
  'connections.connectHubSpotToken': {
    input: WorkspaceRef.extend({ token: HubSpotToken, apiBase: BaseUrl.optional() }),
    output: WorkspaceConnections,
  },
  /**
   * Opens the system browser at HubSpot's consent page and waits on the loopback callback. Resolves
   * at once with the attempt; `connections.onDidEndOAuth` tells how it ended.
   */
  'connections.startHubSpotOAuth': {
    input: WorkspaceRef.extend({
      clientId: z.string().trim().min(1).max(200).optional(),
      /** Omit to keep the stored one. */
      clientSecret: z.string().trim().min(1).max(512).optional(),
      apiBase: BaseUrl.optional(),
      authBase: BaseUrl.optional(),
    }),
    output: OAuthAttempt,
  },
  'connections.cancelHubSpotOAuth': { input: WorkspaceRef, output: WorkspaceConnections },
  'connections.connectStripe': {
    input: WorkspaceRef.extend({ key: StripeKey, apiBase: BaseUrl.optional() }),
    output: WorkspaceConnections,
  },
  'connections.disconnect': {
    input: WorkspaceRef.extend({ provider: z.enum(['hubspot', 'stripe']) }),
    output: WorkspaceConnections,
  },
  /** Check now: re-reads the portal, token and scopes (and probes Stripe). */
  'connections.check': { input: WorkspaceRef, output: WorkspaceConnections },
  /** Null until something used HubSpot for this workspace in this process. */
  'connections.budget': { input: WorkspaceRef, output: BudgetView.nullable() },
  /** The share of the portal's daily API limit left to its other apps (default 20%): Syncdesk stops before it. */
  'connections.setReservedShare': { input: WorkspaceRef.extend({ share: z.number().min(0).max(0.9) }), output: BudgetView.nullable() },
  /** "Try the sandbox": starts the embedded sandbox portal, creates a sandbox workspace and connects it. */
  'connections.createSandboxWorkspace': {
    input: z.object({ name: WorkspaceName.optional() }),
    output: z.object({ workspace: Workspace, connections: WorkspaceConnections }),
  },
});

export const connectionEvents = defineEvents({
  /** A workspace's connection state, identity, scopes or pending authorization changed. */
  'connections.onDidChange': WorkspaceConnections,
  /** A browser authorization ended: connected, declined, failed, expired or cancelled. */
  'connections.onDidEndOAuth': OAuthEnded,
});
