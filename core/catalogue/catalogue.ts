import type { CatalogueProperties, CatalogueProperty, CatalogueRefreshResult } from '../contract/catalogue.ts';
import { AppError, isAppError } from '../errors.ts';
import { listProperties, type PropertyDefinition } from '../hubspot/crm-metadata.ts';
import type { CallOptions, HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Db } from '../store/database.ts';
import type { ProviderAccess } from '../mirror/provider-access.ts';

/** The object types the catalogue keeps unless told otherwise (the mirror's CRM streams). */
export const DEFAULT_CATALOGUE_TYPES = ['contacts', 'companies', 'deals'] as const;

interface PropertyRow {
  object_type: string;
  name: string;
  label: string;
  type: string;
  field_type: string;
  group_name: string | null;
  description: string | null;
  options: string;
  display_order: number | null;
  read_only_value: number;
  read_only_definition: number;
  calculated: number;
  hubspot_defined: number;
  has_unique_value: number;
  hidden: number;
  referenced_object_type: string | null;
}

const toProperty = (row: PropertyRow): CatalogueProperty => ({
  name: row.name,
  label: row.label,
  type: row.type,
  fieldType: row.field_type,
  groupName: row.group_name,
  description: row.description,
  options: JSON.parse(row.options) as CatalogueProperty['options'],
  displayOrder: row.display_order,
  readOnly: row.read_only_value === 1,
  readOnlyDefinition: row.read_only_definition === 1,
  calculated: row.calculated === 1,
  hubspotDefined: row.hubspot_defined === 1,
  hasUniqueValue: row.has_unique_value === 1,
  hidden: row.hidden === 1,
  referencedObjectType: row.referenced_object_type,
});

/**
 * Writes one object type's definitions into a workspace database, replacing the previous set
 * (properties deleted in HubSpot disappear). Used by `refresh` and by the mirror's properties stream.
 */
export function storeProperties(db: Db, objectType: string, definitions: readonly PropertyDefinition[], fetchedAt: string): number {
  const insert = db.prepare(`insert into catalogue_properties
    (object_type, name, label, type, field_type, group_name, description, options, display_order, read_only_value, read_only_definition,
     calculated, hubspot_defined, has_unique_value, hidden, referenced_object_type, fetched_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const live = definitions.filter((d) => !d.archived);
  db.transaction(() => {
    db.prepare('delete from catalogue_properties where object_type = ?').run(objectType);
    for (const d of live) {
      const options = (d.options ?? []).map((o) => ({ label: o.label, value: o.value, hidden: o.hidden ?? false, displayOrder: o.displayOrder ?? null }));
      const meta = d.modificationMetadata ?? {};
      insert.run(
        objectType,
        d.name,
        d.label ?? d.name,
        d.type ?? 'string',
        d.fieldType ?? 'text',
        d.groupName ?? null,
        d.description ?? null,
        JSON.stringify(options),
        d.displayOrder ?? null,
        meta.readOnlyValue || d.calculated ? 1 : 0,
        meta.readOnlyDefinition ? 1 : 0,
        d.calculated ? 1 : 0,
        d.hubspotDefined ? 1 : 0,
        d.hasUniqueValue ? 1 : 0,
        d.hidden ? 1 : 0,
        d.referencedObjectType ?? null,
        fetchedAt,
      );
    }
    db.prepare('insert into catalogue_refreshes (object_type, fetched_at, property_count) values (?, ?, ?) on conflict(object_type) do update set fetched_at = excluded.fetched_at, property_count = excluded.property_count').run(
      objectType,
      fetchedAt,
      live.length,
    );
  })();
  return live.length;
}

/** Stored definitions of one object type, sorted by label; an empty list when never refreshed. */
export function readProperties(db: Db, objectType: string): CatalogueProperties {
  const rows = db.prepare('select * from catalogue_properties where object_type = ? order by lower(label), name').all(objectType) as PropertyRow[];
  const refreshed = db.prepare('select fetched_at from catalogue_refreshes where object_type = ?').pluck().get(objectType) as string | undefined;
  return { objectType, fetchedAt: refreshed ?? null, properties: rows.map(toProperty) };
}

/** Just the names (what the mirror asks HubSpot for); empty when the catalogue was never refreshed. */
export function propertyNames(db: Db, objectType: string): string[] {
  return db.prepare('select name from catalogue_properties where object_type = ? order by name').pluck().all(objectType) as string[];
}

export interface CatalogueDeps {
  /** The workspace's database (throws `not_found` for an unknown workspace). */
  database(workspaceId: string): Db;
  providers: ProviderAccess;
  clock: Clock;
  logger: Logger;
}

export type Catalogue = ReturnType<typeof createCatalogue>;

/**
 * The property catalogue: every property definition (name, label, type, fieldType, options,
 * read-only / calculated / HubSpot-defined) of the portal's object types, kept in the workspace
 * database so the mirror's record pages and the mapping editor work offline.
 *
 * - `properties(workspaceId, objectType)` reads what is stored (no network).
 * - `refresh(workspaceId, objectTypes?)` reads HubSpot again; a type that fails (e.g. a missing
 *   scope) is reported in `skipped` and keeps its previous definitions, the others still refresh.
 * - `refreshWith(db, gateway, …)` is the same for callers that already hold a gateway (the mirror).
 */
export function createCatalogue(deps: CatalogueDeps) {
  async function refreshWith(db: Db, gateway: HubSpotGateway, objectTypes: readonly string[], options: CallOptions = {}): Promise<CatalogueRefreshResult> {
    const result: CatalogueRefreshResult = { refreshed: [], skipped: [] };
    for (const objectType of objectTypes) {
      try {
        const definitions = await listProperties(gateway, objectType, options);
        const fetchedAt = isoAt(deps.clock.now());
        const count = storeProperties(db, objectType, definitions, fetchedAt);
        result.refreshed.push({ objectType, count, fetchedAt });
      } catch (error) {
        if (!isAppError(error) || error.code === 'internal' || error.code === 'cancelled') throw error;
        deps.logger.warn('catalogue refresh skipped an object type', { objectType, code: error.code });
        result.skipped.push({ objectType, code: error.code, message: error.message });
      }
    }
    return result;
  }

  return {
    properties(workspaceId: string, objectType: string): CatalogueProperties {
      return readProperties(deps.database(workspaceId), objectType);
    },

    /** Names of the stored properties of a type (what a full read of that type asks for). */
    propertyNames(workspaceId: string, objectType: string): string[] {
      return propertyNames(deps.database(workspaceId), objectType);
    },

    async refresh(workspaceId: string, objectTypes: readonly string[] = DEFAULT_CATALOGUE_TYPES): Promise<CatalogueRefreshResult> {
      const db = deps.database(workspaceId);
      const gateway = await deps.providers.hubspot(workspaceId);
      const result = await refreshWith(db, gateway, objectTypes);
      if (result.refreshed.length === 0 && result.skipped.length > 0) {
        const first = result.skipped[0]!;
        throw new AppError(first.code, `No property definitions could be read: ${first.message}`, { details: { skipped: result.skipped } });
      }
      return result;
    },

    refreshWith,
  };
}
