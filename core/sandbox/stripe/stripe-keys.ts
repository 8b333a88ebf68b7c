import type { Db } from '../../store/database.ts';
import type { SandboxRequest } from '../sandbox-http.ts';

/**
 * API keys of the simulated account. Secret keys (`sk_test_…`) may do everything; restricted keys
 * (`rk_test_…`) only what their permissions allow. Permission names are Stripe's own
 * (`rak_customer_read`, `rak_plan_write` for prices…); a write permission includes the read one.
 * Keys live in the sandbox's SQLite file so a restarted sandbox still accepts them.
 */
export const RESOURCE_PERMISSIONS = {
  customers: ['rak_customer_read', 'rak_customer_write'],
  products: ['rak_product_read', 'rak_product_write'],
  prices: ['rak_plan_read', 'rak_plan_write'],
  coupons: ['rak_coupon_read', 'rak_coupon_write'],
  subscriptions: ['rak_subscription_read', 'rak_subscription_write'],
  invoices: ['rak_invoice_read', 'rak_invoice_write'],
  events: ['rak_event_read'],
} as const;

export const ALL_PERMISSIONS: readonly string[] = Object.values(RESOURCE_PERMISSIONS).flat();

export interface ApiKey {
  key: string;
  kind: 'secret' | 'restricted';
  /** Undefined: every permission. */
  permissions: ReadonlySet<string> | undefined;
}

/** Stripe's shape for test keys: `sk_test_51` then 96 characters (107 in all). */
function mint(prefix: 'sk_test_' | 'rk_test_', random: () => number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let body = '';
  for (let i = 0; i < 96; i++) body += alphabet[Math.floor(random() * alphabet.length)]!;
  return `${prefix}51${body}`;
}

/** Accepts `rak_customer_read` or `customer_read`; refuses names Stripe doesn't have here. */
export function normalizePermission(name: string): string {
  const full = name.startsWith('rak_') ? name : `rak_${name}`;
  if (!ALL_PERMISSIONS.includes(full)) throw new Error(`unknown Stripe permission "${name}"; the sandbox knows ${ALL_PERMISSIONS.join(', ')}`);
  return full;
}

export function hasPermission(key: ApiKey, needed: string): boolean {
  if (!key.permissions) return true;
  if (key.permissions.has(needed)) return true;
  return needed.endsWith('_read') && key.permissions.has(needed.replace(/_read$/, '_write'));
}

/** Keys as Stripe prints them in errors: the prefix, stars, and the last few characters. */
export function maskKey(key: string, visible: number): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  if (key.length <= prefix.length + visible) return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length))}`;
  return `${prefix}${'*'.repeat(key.length - prefix.length - visible)}${key.slice(-visible)}`;
}

/** The key a request carries: `Authorization: Bearer <key>`, or Basic with the key as user name (curl -u key:). */
export function requestKey(req: SandboxRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    return user || undefined;
  }
  return undefined;
}

export function createKeyring(db: Db, random: () => number, nowMs: () => number) {
  const insert = db.prepare('insert into stripe_keys (key, kind, permissions, created) values (?, ?, ?, ?)');
  const select = db.prepare<[string], { key: string; kind: 'secret' | 'restricted'; permissions: string | null }>('select key, kind, permissions from stripe_keys where key = ?');
  return {
    /** A restricted key with these permissions (all of them when none are given), or a secret key. */
    create(options: { permissions?: readonly string[]; secret?: boolean } = {}): string {
      const secret = options.secret ?? false;
      const permissions = secret || options.permissions === undefined ? null : [...new Set(options.permissions.map(normalizePermission))];
      const key = mint(secret ? 'sk_test_' : 'rk_test_', random);
      insert.run(key, secret ? 'secret' : 'restricted', permissions ? JSON.stringify(permissions) : null, nowMs());
      return key;
    },
    find(key: string): ApiKey | undefined {
      const row = select.get(key);
      if (!row) return undefined;
      return { key: row.key, kind: row.kind, permissions: row.permissions === null ? undefined : new Set(JSON.parse(row.permissions) as string[]) };
    },
  };
}
export type Keyring = ReturnType<typeof createKeyring>;
