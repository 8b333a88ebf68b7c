import type { Db } from '../../store/database.ts';

export const TIERS = ['free', 'starter', 'pro', 'enterprise', 'addon'] as const;
export type Tier = (typeof TIERS)[number];
export const isTier = (value: unknown): value is Tier => typeof value === 'string' && (TIERS as readonly string[]).includes(value);

export interface Portal {
  portalId: number;
  name: string;
  domain: string;
  tier: Tier;
  timeZone: string;
  currency: string;
  hublet: string;
  isDefault: boolean;
  createdAt: number;
}

/** The portal `--seed` fills, and a second empty one so "you connected a different portal" can be tested. */
export const DEFAULT_PORTAL = { portalId: 48151623, name: 'Sandbox Demo Co', domain: 'sandbox-demo.example.com', timeZone: 'US/Eastern', currency: 'USD' };
export const SECOND_PORTAL = { portalId: 48151742, name: 'Other Portal Ltd', domain: 'other-portal.example.com', timeZone: 'Europe/London', currency: 'GBP' };

interface PortalRow {
  portal_id: number;
  name: string;
  domain: string;
  tier: string;
  time_zone: string;
  currency: string;
  hublet: string;
  is_default: number;
  created_at: number;
}

const toPortal = (r: PortalRow): Portal => ({
  portalId: r.portal_id,
  name: r.name,
  domain: r.domain,
  tier: r.tier as Tier,
  timeZone: r.time_zone,
  currency: r.currency,
  hublet: r.hublet,
  isDefault: r.is_default === 1,
  createdAt: r.created_at,
});

/** Portals live in SQLite but are read on every request, so they are cached in memory. */
export function createPortals(db: Db, now: () => number) {
  const cache = new Map<number, Portal>();
  const insert = db.prepare(
    'insert into hs_portals (portal_id, name, domain, tier, time_zone, currency, hublet, is_default, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const load = () => {
    cache.clear();
    for (const row of db.prepare('select * from hs_portals order by portal_id').all() as PortalRow[]) cache.set(row.portal_id, toPortal(row));
  };
  load();

  const portals = {
    get: (portalId: number): Portal | undefined => cache.get(portalId),
    list: (): Portal[] => [...cache.values()],
    defaultPortal(): Portal {
      const found = [...cache.values()].find((p) => p.isDefault);
      if (!found) throw new Error('the sandbox has no default portal');
      return found;
    },
    create(input: { portalId?: number; name?: string; domain?: string; tier?: Tier; timeZone?: string; currency?: string; isDefault?: boolean }): Portal {
      const portalId = input.portalId ?? Math.max(DEFAULT_PORTAL.portalId, ...cache.keys()) + 1;
      insert.run(
        portalId,
        input.name ?? `Sandbox portal ${portalId}`,
        input.domain ?? `portal-${portalId}.example.com`,
        input.tier ?? 'pro',
        input.timeZone ?? 'US/Eastern',
        input.currency ?? 'USD',
        'na1',
        input.isDefault ? 1 : 0,
        now(),
      );
      load();
      return cache.get(portalId)!;
    },
    setTier(portalId: number, tier: Tier): void {
      db.prepare('update hs_portals set tier = ? where portal_id = ?').run(tier, portalId);
      load();
    },
    /** A fresh sandbox (or one just reset) gets its two portals. */
    ensureDefaults(tier: Tier): void {
      if (!cache.has(DEFAULT_PORTAL.portalId)) portals.create({ ...DEFAULT_PORTAL, tier, isDefault: true });
      if (!cache.has(SECOND_PORTAL.portalId)) portals.create({ ...SECOND_PORTAL, tier });
    },
    reload: load,
  };
  return portals;
}
export type Portals = ReturnType<typeof createPortals>;

/** `US/Eastern` → offset in ms at `at` (DST-aware), for account-info and the daily limit's midnight. */
export function utcOffsetMs(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000) * 60_000;
}

/** The start of the next day in the portal's time zone (when the daily limit resets). */
export function nextMidnight(timeZone: string, at: number): number {
  const offset = utcOffsetMs(timeZone, at);
  const local = at + offset;
  const day = 86_400_000;
  return Math.floor(local / day) * day + day - offset;
}
