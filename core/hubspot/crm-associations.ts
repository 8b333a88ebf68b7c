import type { CallOptions, HubSpotGateway } from './hubspot-gateway.ts';

export interface AssociationTarget {
  toId: string;
  typeIds: number[];
  labels: string[];
}

interface BatchReadBody {
  results?: Array<{
    from: { id: string };
    to: Array<{ toObjectId: number | string; associationTypes?: Array<{ typeId: number; label?: string | null }> }>;
    paging?: { next?: { after?: string } };
  }>;
}

/** Inputs per call: HubSpot's v4 batch read takes at most 1,000 (hubspot-api-facts §5). */
export const ASSOCIATION_BATCH_MAX = 1000;

/**
 * `POST /crm/v4/associations/{from}/{to}/batch/read` for up to 1,000 ids, following each record's
 * own paging (more than 500 associations), so every id asked for gets its complete list — an empty
 * one when HubSpot reports it has none (a 207 whose errors name those ids).
 */
export async function readAssociations(
  gateway: HubSpotGateway,
  fromType: string,
  toType: string,
  ids: readonly string[],
  options: CallOptions = {},
): Promise<Map<string, AssociationTarget[]>> {
  const found = new Map<string, AssociationTarget[]>(ids.map((id) => [id, []]));
  let pending: Array<{ id: string; after?: string }> = ids.map((id) => ({ id }));
  while (pending.length > 0) {
    const inputs = pending.slice(0, ASSOCIATION_BATCH_MAX);
    pending = pending.slice(ASSOCIATION_BATCH_MAX);
    const body = await gateway.request<BatchReadBody>(
      `associations.${fromType}.${toType}.batchRead`,
      { method: 'POST', path: `/crm/v4/associations/${encodeURIComponent(fromType)}/${encodeURIComponent(toType)}/batch/read`, body: { inputs } },
      options,
    );
    for (const result of body?.results ?? []) {
      const list = found.get(String(result.from.id)) ?? [];
      for (const target of result.to ?? []) {
        const types = target.associationTypes ?? [];
        list.push({
          toId: String(target.toObjectId),
          typeIds: types.map((t) => t.typeId),
          labels: types.map((t) => t.label).filter((l): l is string => typeof l === 'string' && l !== ''),
        });
      }
      found.set(String(result.from.id), list);
      const after = result.paging?.next?.after;
      if (after) pending.push({ id: String(result.from.id), after });
    }
  }
  return found;
}
