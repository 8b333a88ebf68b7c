/** The CRM object types the sandbox serves, and every way HubSpot lets a path name them. */
export interface ObjectType {
  /** objectTypeId, e.g. `0-1`. */
  id: string;
  /** Plural path name, e.g. `contacts`. */
  name: 'contacts' | 'companies' | 'deals';
  singular: 'contact' | 'company' | 'deal';
  /** The legacy upper-case name used in some messages (`Could not get some CONTACT objects`). */
  upper: 'CONTACT' | 'COMPANY' | 'DEAL';
  /** contacts use `lastmodifieddate`, everything else `hs_lastmodifieddate` (hubspot-api-facts §3.2). */
  lastModified: 'lastmodifieddate' | 'hs_lastmodifieddate';
  /** Properties list/GET (and search) return when no `properties` are asked for. */
  defaultProperties: string[];
  /** Properties a search `query` looks in (hubspot-api-facts §3.3 for contacts). */
  queryProperties: string[];
  /** Group new custom properties land in when none is given. */
  defaultGroup: string;
}

export const OBJECT_TYPES: ObjectType[] = [
  {
    id: '0-1',
    name: 'contacts',
    singular: 'contact',
    upper: 'CONTACT',
    lastModified: 'lastmodifieddate',
    defaultProperties: ['firstname', 'lastname', 'email'],
    queryProperties: ['firstname', 'lastname', 'email', 'phone', 'hs_additional_emails', 'fax', 'mobilephone', 'company'],
    defaultGroup: 'contactinformation',
  },
  {
    id: '0-2',
    name: 'companies',
    singular: 'company',
    upper: 'COMPANY',
    lastModified: 'hs_lastmodifieddate',
    defaultProperties: ['name', 'domain'],
    queryProperties: ['name', 'domain', 'website', 'phone'],
    defaultGroup: 'companyinformation',
  },
  {
    id: '0-3',
    name: 'deals',
    singular: 'deal',
    upper: 'DEAL',
    lastModified: 'hs_lastmodifieddate',
    defaultProperties: ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage'],
    queryProperties: ['dealname'],
    defaultGroup: 'dealinformation',
  },
];

const BY_ALIAS = new Map<string, ObjectType>();
for (const type of OBJECT_TYPES) {
  for (const alias of [type.id, type.name, type.singular, type.upper.toLowerCase()]) BY_ALIAS.set(alias, type);
}

/** `contacts`, `contact`, `0-1`, `CONTACT` (as captured in real calls) all name the contact type. */
export function resolveObjectType(raw: string): ObjectType | undefined {
  return BY_ALIAS.get(decodeURIComponent(raw).toLowerCase());
}

export const objectTypeById = (id: string): ObjectType | undefined => OBJECT_TYPES.find((t) => t.id === id);

/** Properties every read returns whatever was asked (hubspot-api-facts §3.2). */
export function systemProperties(type: ObjectType): string[] {
  return ['createdate', 'hs_object_id', type.lastModified];
}
