import { z } from 'zod';
import { Id, IsoTime } from './common.ts';
import { defineMethods } from './define.ts';
import { ErrorCode } from './errors.ts';

/** A HubSpot object type by its API name: `contacts`, `companies`, `deals` (custom objects later). */
export const CrmObjectType = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9_-]+$/, 'Use an object type name such as contacts, companies or deals.');

export const PropertyOption = z.object({
  label: z.string(),
  value: z.string(),
  hidden: z.boolean(),
  displayOrder: z.number().nullable(),
});

/**
 * One property definition of the portal, as the catalogue stores it. `readOnly` is HubSpot's
 * `modificationMetadata.readOnlyValue`: a write to it is refused. `calculated` properties are
 * computed by HubSpot and read-only too.
 */
export const CatalogueProperty = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  fieldType: z.string(),
  groupName: z.string().nullable(),
  description: z.string().nullable(),
  options: z.array(PropertyOption),
  displayOrder: z.number().nullable(),
  readOnly: z.boolean(),
  readOnlyDefinition: z.boolean(),
  calculated: z.boolean(),
  hubspotDefined: z.boolean(),
  hasUniqueValue: z.boolean(),
  hidden: z.boolean(),
  referencedObjectType: z.string().nullable(),
});
export type CatalogueProperty = z.infer<typeof CatalogueProperty>;

export const CatalogueProperties = z.object({
  objectType: CrmObjectType,
  /** When the catalogue was last read from HubSpot; null: never (the list is empty). */
  fetchedAt: IsoTime.nullable(),
  properties: z.array(CatalogueProperty),
});
export type CatalogueProperties = z.infer<typeof CatalogueProperties>;

export const CatalogueRefreshResult = z.object({
  refreshed: z.array(z.object({ objectType: CrmObjectType, count: z.number().int(), fetchedAt: IsoTime })),
  /** Object types that could not be read, with why (e.g. a missing scope); the others still refreshed. */
  skipped: z.array(z.object({ objectType: CrmObjectType, code: ErrorCode, message: z.string() })),
});
export type CatalogueRefreshResult = z.infer<typeof CatalogueRefreshResult>;

export const catalogueMethods = defineMethods({
  /** The stored property definitions of one object type, sorted by label (no HubSpot call). */
  'catalogue.properties': { input: z.object({ workspaceId: Id, objectType: CrmObjectType }), output: CatalogueProperties },
  /** Reads the definitions from HubSpot again (default: contacts, companies, deals) and replaces the stored ones. */
  'catalogue.refresh': {
    input: z.object({ workspaceId: Id, objectTypes: z.array(CrmObjectType).min(1).max(20).optional() }),
    output: CatalogueRefreshResult,
  },
});
