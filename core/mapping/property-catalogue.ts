import type { MappedObjectType, MappingProperty } from '../contract/mapping.ts';
import { AppError, isAppError } from '../errors.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { fetchPropertyDefinitions } from './live-properties.ts';

/** How mapping reaches a workspace's HubSpot (the connections domain's ProviderAccess.hubspot). */
export type HubSpotAccess = (workspaceId: string) => Promise<HubSpotGateway>;

/**
 * What mapping needs of the property catalogue (core/catalogue, built by the mirror): the stored
 * definitions of an object type, and a refresh from HubSpot. The catalogue's own definitions are
 * a superset of MappingProperty, so it plugs in as it is.
 */
export interface PropertyCatalogue {
  properties(workspaceId: string, objectType: string): { fetchedAt: string | null; properties: MappingProperty[] };
  refresh(
    workspaceId: string,
    objectTypes?: readonly string[],
  ): Promise<{ refreshed: Array<{ objectType: string; count: number; fetchedAt: string }>; skipped: Array<{ objectType: string; code: AppError['code']; message: string }> }>;
}

/**
 * A stand-in catalogue until the mirror's lands: the same refresh through the gateway, kept in
 * memory for the life of the process (so it is empty again after a restart until refreshed).
 */
export function createInterimCatalogue(deps: { hubspot: HubSpotAccess; clock: Clock; logger: Logger }): PropertyCatalogue {
  const stored = new Map<string, { fetchedAt: string; properties: MappingProperty[] }>();
  const key = (workspaceId: string, objectType: string) => `${workspaceId}\u0000${objectType}`;
  return {
    properties(workspaceId, objectType) {
      const entry = stored.get(key(workspaceId, objectType));
      return entry ? { fetchedAt: entry.fetchedAt, properties: entry.properties } : { fetchedAt: null, properties: [] };
    },
    async refresh(workspaceId, objectTypes = ['contacts', 'companies']) {
      const gateway = await deps.hubspot(workspaceId);
      const result: Awaited<ReturnType<PropertyCatalogue['refresh']>> = { refreshed: [], skipped: [] };
      for (const objectType of objectTypes) {
        try {
          const properties = (await fetchPropertyDefinitions(gateway, objectType as MappedObjectType)).sort((a, b) => a.label.localeCompare(b.label) || a.name.localeCompare(b.name));
          const fetchedAt = isoAt(deps.clock.now());
          stored.set(key(workspaceId, objectType), { fetchedAt, properties });
          result.refreshed.push({ objectType, count: properties.length, fetchedAt });
        } catch (error) {
          if (!isAppError(error) || error.code === 'internal') throw error;
          deps.logger.warn('property refresh skipped an object type', { objectType, code: error.code });
          result.skipped.push({ objectType, code: error.code, message: error.message });
        }
      }
      if (result.refreshed.length === 0 && result.skipped[0]) {
        throw new AppError(result.skipped[0].code, `No property definitions could be read: ${result.skipped[0].message}`, { details: { skipped: result.skipped } });
      }
      return result;
    },
  };
}
