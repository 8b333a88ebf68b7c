import type { Catalogue } from '../catalogue/catalogue.ts';
import type { ResyncResult } from '../contract/mirror.ts';
import { readAssociations } from '../hubspot/crm-associations.ts';
import { batchReadObjects, type CrmObject } from '../hubspot/crm-objects.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import type { MirrorStore } from './mirror-store.ts';
import { chunkProperties } from './property-chunks.ts';

/** Association pairs the mirror keeps, from the side they are stored on. */
export const ASSOCIATION_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['contacts', 'companies'],
  ['deals', 'contacts'],
  ['deals', 'companies'],
];

/**
 * Resync from HubSpot: reads one record with every catalogued property (batch read: properties in
 * the body, chunked), overwrites the mirrored copy, refreshes its associations, and marks it
 * deleted when HubSpot has it only in the recycle bin or not at all.
 */
export async function resyncHubSpotRecord(input: {
  gateway: HubSpotGateway;
  store: MirrorStore;
  catalogue: Catalogue;
  workspaceId: string;
  objectType: string;
  id: string;
  runId: number;
  now: number;
  signal?: AbortSignal;
}): Promise<ResyncResult> {
  const { gateway, store, objectType, id } = input;
  const call = input.signal ? { signal: input.signal } : {};
  const names = input.catalogue.propertyNames(input.workspaceId, objectType);
  const chunks = names.length ? chunkProperties(names) : [[]];
  let merged: CrmObject | undefined;
  for (const properties of chunks) {
    const read = await batchReadObjects(gateway, objectType, { ids: [id], properties }, call);
    const found = read.results[0];
    if (!found) break;
    merged = merged ? { ...merged, properties: { ...merged.properties, ...found.properties } } : found;
  }
  const base = { provider: 'hubspot' as const, objectType, id };
  if (!merged) {
    const archived = await batchReadObjects(gateway, objectType, { ids: [id], properties: [], archived: true }, call);
    const reason = archived.results.length > 0 ? 'archived' : 'missing';
    const changed = store.markDeleted(objectType, [{ id, archivedAt: archived.results[0]?.archivedAt ?? null }], reason, { runId: input.runId, now: input.now });
    return { ...base, outcome: changed > 0 ? 'deleted' : 'unchanged' };
  }
  const counts = store.storeRecords(objectType, [merged], { runId: input.runId, now: input.now });
  for (const [from, to] of ASSOCIATION_PAIRS) {
    if (from === objectType) {
      store.replaceAssociations(from, to, await readAssociations(gateway, from, to, [id], call));
    } else if (to === objectType) {
      // Stored on the other side: read this record's view and rewrite the rows that point at it.
      const reverse = await readAssociations(gateway, to, from, [id], call);
      store.db.transaction(() => {
        store.db.prepare('delete from mirror_associations where from_type = ? and to_type = ? and to_id = ?').run(from, to, id);
        const insert = store.db.prepare('insert or replace into mirror_associations (from_type, from_id, to_type, to_id, type_ids, labels) values (?, ?, ?, ?, ?, ?)');
        for (const target of reverse.get(id) ?? []) insert.run(from, target.toId, to, id, '[]', JSON.stringify(target.labels));
      })();
    }
  }
  return { ...base, outcome: counts.created ? 'created' : counts.updated ? 'updated' : 'unchanged' };
}
