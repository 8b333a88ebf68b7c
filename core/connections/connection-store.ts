import type { ConnectionState, HubSpotAuthKind, LastCheck, PortalIdentity, StripePermissionCheck } from '../contract/connections.ts';
import type { Db } from '../store/database.ts';

export interface HubSpotRecord {
  state: ConnectionState;
  reason: string | null;
  authKind: HubSpotAuthKind | null;
  portal: PortalIdentity | null;
  boundPortalId: number | null;
  grantedScopes: string[] | null;
  apiBase: string;
  authBase: string;
  clientId: string | null;
  clientSecretSaved: boolean;
  /** Epoch ms of the OAuth access token's expiry (the token itself is in the keychain). */
  accessExpiresAt: number | null;
  connectedAt: string | null;
  lastVerifiedAt: string | null;
  lastCheck: LastCheck | null;
  /** Bumped whenever the stored credentials change, so every process drops what it cached. */
  credentialVersion: number;
}

export interface StripeRecord {
  state: ConnectionState;
  reason: string | null;
  keyKind: 'restricted' | 'secret' | null;
  livemode: boolean | null;
  permissions: StripePermissionCheck[] | null;
  apiBase: string;
  connectedAt: string | null;
  lastVerifiedAt: string | null;
  lastCheck: LastCheck | null;
  credentialVersion: number;
}

export interface ConnectionDefaults {
  hubspotApiBase: string;
  hubspotAuthBase: string;
  stripeApiBase: string;
}

interface HubSpotRow {
  state: ConnectionState;
  reason: string | null;
  auth_kind: HubSpotAuthKind | null;
  portal: string | null;
  bound_portal_id: number | null;
  granted_scopes: string | null;
  api_base: string;
  auth_base: string;
  client_id: string | null;
  client_secret_saved: number;
  access_expires_at: number | null;
  connected_at: string | null;
  last_verified_at: string | null;
  last_check: string | null;
  credential_version: number;
}

interface StripeRow {
  state: ConnectionState;
  reason: string | null;
  key_kind: 'restricted' | 'secret' | null;
  livemode: number | null;
  permissions: string | null;
  api_base: string;
  connected_at: string | null;
  last_verified_at: string | null;
  last_check: string | null;
  credential_version: number;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

function hubspotFromRow(row: HubSpotRow): HubSpotRecord {
  return {
    state: row.state,
    reason: row.reason,
    authKind: row.auth_kind,
    portal: parse<PortalIdentity>(row.portal),
    boundPortalId: row.bound_portal_id,
    grantedScopes: parse<string[]>(row.granted_scopes),
    apiBase: row.api_base,
    authBase: row.auth_base,
    clientId: row.client_id,
    clientSecretSaved: row.client_secret_saved === 1,
    accessExpiresAt: row.access_expires_at,
    connectedAt: row.connected_at,
    lastVerifiedAt: row.last_verified_at,
    lastCheck: parse<LastCheck>(row.last_check),
    credentialVersion: row.credential_version,
  };
}

function stripeFromRow(row: StripeRow): StripeRecord {
  return {
    state: row.state,
    reason: row.reason,
    keyKind: row.key_kind,
    livemode: row.livemode === null ? null : row.livemode === 1,
    permissions: parse<StripePermissionCheck[]>(row.permissions),
    apiBase: row.api_base,
    connectedAt: row.connected_at,
    lastVerifiedAt: row.last_verified_at,
    lastCheck: parse<LastCheck>(row.last_check),
    credentialVersion: row.credential_version,
  };
}

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    hubspot: db.prepare('select * from connection_hubspot where id = 1'),
    upsertHubSpot: db.prepare(`
      insert into connection_hubspot (id, state, reason, auth_kind, portal, bound_portal_id, granted_scopes, api_base, auth_base, client_id,
        client_secret_saved, access_expires_at, connected_at, last_verified_at, last_check, credential_version, updated_at)
      values (1, @state, @reason, @auth_kind, @portal, @bound_portal_id, @granted_scopes, @api_base, @auth_base, @client_id,
        @client_secret_saved, @access_expires_at, @connected_at, @last_verified_at, @last_check, @credential_version, @updated_at)
      on conflict (id) do update set state = excluded.state, reason = excluded.reason, auth_kind = excluded.auth_kind, portal = excluded.portal,
        bound_portal_id = excluded.bound_portal_id, granted_scopes = excluded.granted_scopes, api_base = excluded.api_base,
        auth_base = excluded.auth_base, client_id = excluded.client_id, client_secret_saved = excluded.client_secret_saved,
        access_expires_at = excluded.access_expires_at, connected_at = excluded.connected_at, last_verified_at = excluded.last_verified_at,
        last_check = excluded.last_check, credential_version = excluded.credential_version, updated_at = excluded.updated_at`),
    reservedShare: db.prepare('select reserved_share from connection_budget where id = 1').pluck(),
    setReservedShare: db.prepare('insert into connection_budget (id, reserved_share) values (1, ?) on conflict (id) do update set reserved_share = excluded.reserved_share'),
    stripe: db.prepare('select * from connection_stripe where id = 1'),
    upsertStripe: db.prepare(`
      insert into connection_stripe (id, state, reason, key_kind, livemode, permissions, api_base, connected_at, last_verified_at, last_check,
        credential_version, updated_at)
      values (1, @state, @reason, @key_kind, @livemode, @permissions, @api_base, @connected_at, @last_verified_at, @last_check,
        @credential_version, @updated_at)
      on conflict (id) do update set state = excluded.state, reason = excluded.reason, key_kind = excluded.key_kind, livemode = excluded.livemode,
        permissions = excluded.permissions, api_base = excluded.api_base, connected_at = excluded.connected_at,
        last_verified_at = excluded.last_verified_at, last_check = excluded.last_check, credential_version = excluded.credential_version,
        updated_at = excluded.updated_at`),
  };
}

/** Reads and writes one workspace's connection rows (prepared statements cached per database). */
export function connectionStore(db: Db, defaults: ConnectionDefaults, now: () => string) {
  let s = statements.get(db);
  if (!s) {
    s = prepare(db);
    statements.set(db, s);
  }
  const st = s;

  const hubspot = (): HubSpotRecord => {
    const row = st.hubspot.get() as HubSpotRow | undefined;
    return row
      ? hubspotFromRow(row)
      : {
          state: 'disconnected',
          reason: null,
          authKind: null,
          portal: null,
          boundPortalId: null,
          grantedScopes: null,
          apiBase: defaults.hubspotApiBase,
          authBase: defaults.hubspotAuthBase,
          clientId: null,
          clientSecretSaved: false,
          accessExpiresAt: null,
          connectedAt: null,
          lastVerifiedAt: null,
          lastCheck: null,
          credentialVersion: 0,
        };
  };

  const stripe = (): StripeRecord => {
    const row = st.stripe.get() as StripeRow | undefined;
    return row
      ? stripeFromRow(row)
      : { state: 'disconnected', reason: null, keyKind: null, livemode: null, permissions: null, apiBase: defaults.stripeApiBase, connectedAt: null, lastVerifiedAt: null, lastCheck: null, credentialVersion: 0 };
  };

  return {
    hubspot,
    stripe,

    /** The share of the portal's daily API limit kept for its other apps (null: the default). */
    reservedShare(): number | null {
      return (st.reservedShare.get() as number | undefined) ?? null;
    },
    setReservedShare(share: number): void {
      st.setReservedShare.run(share);
    },

    /** Applies a change to the HubSpot row; `credentialsChanged` bumps the version other processes watch. */
    updateHubSpot(patch: Partial<HubSpotRecord>, options: { credentialsChanged?: boolean } = {}): HubSpotRecord {
      const next = { ...hubspot(), ...patch };
      if (options.credentialsChanged) next.credentialVersion++;
      st.upsertHubSpot.run({
        state: next.state,
        reason: next.reason,
        auth_kind: next.authKind,
        portal: json(next.portal),
        bound_portal_id: next.boundPortalId,
        granted_scopes: json(next.grantedScopes),
        api_base: next.apiBase,
        auth_base: next.authBase,
        client_id: next.clientId,
        client_secret_saved: next.clientSecretSaved ? 1 : 0,
        access_expires_at: next.accessExpiresAt,
        connected_at: next.connectedAt,
        last_verified_at: next.lastVerifiedAt,
        last_check: json(next.lastCheck),
        credential_version: next.credentialVersion,
        updated_at: now(),
      });
      return next;
    },

    updateStripe(patch: Partial<StripeRecord>, options: { credentialsChanged?: boolean } = {}): StripeRecord {
      const next = { ...stripe(), ...patch };
      if (options.credentialsChanged) next.credentialVersion++;
      st.upsertStripe.run({
        state: next.state,
        reason: next.reason,
        key_kind: next.keyKind,
        livemode: next.livemode === null ? null : next.livemode ? 1 : 0,
        permissions: json(next.permissions),
        api_base: next.apiBase,
        connected_at: next.connectedAt,
        last_verified_at: next.lastVerifiedAt,
        last_check: json(next.lastCheck),
        credential_version: next.credentialVersion,
        updated_at: now(),
      });
      return next;
    },
  };
}

export type ConnectionStore = ReturnType<typeof connectionStore>;
