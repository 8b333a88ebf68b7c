import type { Drift } from '../contract/mirror.ts';
import { searchObjects, type SearchFilter } from '../hubspot/crm-objects.ts';
import { listMembershipsPage } from '../hubspot/crm-metadata.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { isoAt } from '../ports/clock.ts';
import type { Db } from '../store/database.ts';
import { lastModifiedProperty } from './mirror-store.ts';
import type { StreamContext } from './stream.ts';

/** When the counts differ, ids are compared up to this many remote records: 50 search pages at most. */
export const RECONCILE_IDS_UP_TO = 10_000;
/** Equal counts can still hide a missing record behind an extra one: ids are compared anyway up to here (10 pages). */
export const RECONCILE_IDS_ALWAYS_UP_TO = 2_000;

/**
 * After a full sync: HubSpot's count (search `total`, or the scope list's size) against the live
 * local count, and the ids on each side where that is cheap (counts apart: up to 10,000 records;
 * equal counts: up to 2,000, since one missing record can hide behind one extra) — so
 * "succeeded" never hides missing records (anchors §3, pain 1). The result is stored per object
 * type and shown as a drift badge.
 */
export async function reconcile(ctx: StreamContext, gateway: HubSpotGateway, objectType: string, scope: { listId: string | null; startMs: number | null }): Promise<Drift> {
  const call = { signal: ctx.signal };
  const filters: SearchFilter[] = scope.startMs !== null ? [{ propertyName: lastModifiedProperty(objectType), operator: 'GTE', value: String(scope.startMs) }] : [];
  // Records mirrored before a start date was set stay (they are still true copies) but are out of the
  // scope HubSpot is asked about, so both sides count the same scope. A list scope counts its members.
  const localIds = ctx.store.liveIds(objectType, scope.listId ? null : scope.startMs);
  let remoteIds: Set<string> | null = null;
  let remoteCount: number;
  if (scope.listId) {
    remoteIds = new Set();
    let after: string | undefined;
    do {
      const page = await ctx.retry(() => listMembershipsPage(gateway, scope.listId!, after, call));
      for (const id of page.recordIds) remoteIds.add(id);
      after = page.after;
    } while (after);
    remoteCount = remoteIds.size;
  } else {
    const probe = await ctx.retry(() => searchObjects(gateway, objectType, { filterGroups: filters.length ? [{ filters }] : [], properties: ['hs_object_id'], limit: 1 }, call));
    remoteCount = probe.total;
    if (remoteCount <= (remoteCount !== localIds.size ? RECONCILE_IDS_UP_TO : RECONCILE_IDS_ALWAYS_UP_TO)) {
      remoteIds = new Set();
      let lastId = '0';
      for (;;) {
        const page = await ctx.retry(() =>
          searchObjects(
            gateway,
            objectType,
            {
              filterGroups: [{ filters: [...filters, { propertyName: 'hs_object_id', operator: 'GT', value: lastId }] }],
              sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
              properties: ['hs_object_id'],
              limit: 200,
            },
            call,
          ),
        );
        for (const o of page.results) remoteIds.add(o.id);
        const last = page.results[page.results.length - 1]?.id;
        if (!last || !page.after) break;
        lastId = last;
      }
    }
  }
  const drift: Drift = {
    objectType,
    at: isoAt(ctx.clock.now()),
    localCount: localIds.size,
    remoteCount,
    missingIds: remoteIds ? [...remoteIds].filter((id) => !localIds.has(id)).slice(0, 500) : [],
    extraIds: remoteIds ? [...localIds].filter((id) => !remoteIds.has(id)).slice(0, 500) : [],
  };
  saveDrift(ctx.store.db, drift, ctx.runId);
  return drift;
}

export function saveDrift(db: Db, drift: Drift, runId: number): void {
  db.prepare(
    `insert into mirror_reconciliations (object_type, run_id, at, local_count, remote_count, missing_ids, extra_ids) values (?, ?, ?, ?, ?, ?, ?)
     on conflict(object_type) do update set run_id = excluded.run_id, at = excluded.at, local_count = excluded.local_count, remote_count = excluded.remote_count,
       missing_ids = excluded.missing_ids, extra_ids = excluded.extra_ids`,
  ).run(drift.objectType, runId, drift.at, drift.localCount, drift.remoteCount, JSON.stringify(drift.missingIds), JSON.stringify(drift.extraIds));
}

/** Object types whose last reconciliation found a difference: in the counts, or in the ids. */
export function readDrift(db: Db): Drift[] {
  const rows = db
    .prepare(`select * from mirror_reconciliations where local_count != remote_count or missing_ids != '[]' or extra_ids != '[]' order by object_type`)
    .all() as Array<{
    object_type: string;
    at: string;
    local_count: number;
    remote_count: number;
    missing_ids: string;
    extra_ids: string;
  }>;
  return rows.map((r) => ({
    objectType: r.object_type,
    at: r.at,
    localCount: r.local_count,
    remoteCount: r.remote_count,
    missingIds: JSON.parse(r.missing_ids) as string[],
    extraIds: JSON.parse(r.extra_ids) as string[],
  }));
}
