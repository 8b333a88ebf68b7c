import type { MappedObjectType, MappingProperty } from '../contract/mapping.ts';
import type { CallOptions, HubSpotGateway } from '../hubspot/hubspot-gateway.ts';

interface PropertyDefinitionLike {
  name: string;
  label?: string;
  type?: string;
  fieldType?: string;
  groupName?: string;
  description?: string;
  options?: Array<{ label: string; value: string; hidden?: boolean }>;
  calculated?: boolean;
  hubspotDefined?: boolean;
  hidden?: boolean;
  archived?: boolean;
  referencedObjectType?: string;
  modificationMetadata?: { readOnlyValue?: boolean };
}

/** HubSpot's Property (Properties API) → what mapping needs of it. */
export function toMappingProperty(def: PropertyDefinitionLike): MappingProperty {
  return {
    name: def.name,
    label: def.label ?? def.name,
    type: def.type ?? 'string',
    fieldType: def.fieldType ?? 'text',
    groupName: def.groupName ?? null,
    description: def.description || null,
    options: (def.options ?? []).map((o) => ({ label: o.label, value: o.value, hidden: o.hidden ?? false })),
    readOnly: Boolean(def.modificationMetadata?.readOnlyValue || def.calculated),
    calculated: Boolean(def.calculated),
    hubspotDefined: Boolean(def.hubspotDefined),
    hidden: Boolean(def.hidden),
    referencedObjectType: def.referencedObjectType ?? null,
  };
}

/** Every live (not archived) property definition of an object type, read fresh from HubSpot. */
export async function fetchPropertyDefinitions(gateway: HubSpotGateway, objectType: MappedObjectType, options: CallOptions = {}): Promise<MappingProperty[]> {
  const response = await gateway.call(`properties.${objectType}`, (client) => client.crm.properties.coreApi.getAll(objectType), options);
  return response.results.filter((d) => !d.archived).map((d) => toMappingProperty(d as PropertyDefinitionLike));
}
