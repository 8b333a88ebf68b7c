import { associationStream } from './association-stream.ts';
import { crmObjectStream } from './crm-object-stream.ts';
import { listsStream, ownersStream, pipelinesStream, propertiesStream } from './metadata-streams.ts';
import type { StreamDefinition } from './stream.ts';

/** CRM object types the mirror keeps (and the catalogue describes). */
export const MIRRORED_OBJECT_TYPES = ['contacts', 'companies', 'deals'] as const;

const read = (type: string) => `crm.objects.${type}.read`;

/**
 * The HubSpot streams, in the order a run takes them: definitions first (the object streams read
 * the catalogue's property names), then records, then associations of the records just stored.
 * Tickets, engagements or a custom object are one `crmObjectStream` line each.
 */
export const hubspotStreams: StreamDefinition[] = [
  propertiesStream(MIRRORED_OBJECT_TYPES),
  ownersStream,
  pipelinesStream('deals'),
  listsStream,
  crmObjectStream({ name: 'contacts', objectType: 'contacts', label: 'Contacts', scopes: [read('contacts')], firstProperties: ['firstname', 'lastname', 'email', 'company', 'hubspot_owner_id'] }),
  crmObjectStream({ name: 'companies', objectType: 'companies', label: 'Companies', scopes: [read('companies')], firstProperties: ['name', 'domain', 'website', 'hubspot_owner_id', 'stripe_customer_id'] }),
  crmObjectStream({ name: 'deals', objectType: 'deals', label: 'Deals', scopes: [read('deals')], firstProperties: ['dealname', 'amount', 'dealstage', 'pipeline', 'hubspot_owner_id'] }),
  associationStream({ name: 'contact_companies', from: 'contacts', to: 'companies', label: 'Contact ↔ company', scopes: [read('contacts'), read('companies')] }),
  associationStream({ name: 'deal_contacts', from: 'deals', to: 'contacts', label: 'Deal ↔ contact', scopes: [read('deals'), read('contacts')] }),
  associationStream({ name: 'deal_companies', from: 'deals', to: 'companies', label: 'Deal ↔ company', scopes: [read('deals'), read('companies')] }),
];
