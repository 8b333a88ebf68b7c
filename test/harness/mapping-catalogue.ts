import type { MappingProperty } from '../../core/contract/mapping.ts';

/** A property definition for tests: writable, visible, no options unless given. */
export function property(name: string, label: string, type = 'string', fieldType = 'text', extra: Partial<MappingProperty> = {}): MappingProperty {
  return {
    name,
    label,
    type,
    fieldType,
    groupName: 'contactinformation',
    description: null,
    options: [],
    readOnly: false,
    calculated: false,
    hubspotDefined: true,
    hidden: false,
    referencedObjectType: null,
    ...extra,
  };
}

const options = (pairs: Array<[string, string]>) => pairs.map(([value, label]) => ({ value, label, hidden: false }));

/** Contact properties shaped like a seeded sandbox portal's (and a real portal's standard ones). */
export const CONTACT_PROPERTIES: MappingProperty[] = [
  property('email', 'Email'),
  property('firstname', 'First Name'),
  property('lastname', 'Last Name'),
  property('phone', 'Phone Number', 'string', 'phonenumber'),
  property('company', 'Company Name'),
  property('jobtitle', 'Job Title'),
  property('website', 'Website URL'),
  property('message', 'Message', 'string', 'textarea'),
  property('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: options([['lead', 'Lead'], ['customer', 'Customer']]) }),
  property('hs_buying_role', 'Buying Role', 'enumeration', 'checkbox', { options: options([['BUDGET_HOLDER', 'Budget Holder'], ['CHAMPION', 'Champion'], ['END_USER', 'End User']]) }),
  property('hubspot_owner_id', 'Contact owner', 'enumeration', 'select', { referencedObjectType: 'OWNER' }),
  property('plan_interest', 'Plan interest', 'enumeration', 'select', {
    hubspotDefined: false,
    options: options([['free', 'Free'], ['starter', 'Starter'], ['pro', 'Pro'], ['enterprise', 'Enterprise']]),
  }),
  property('newsletter_opt_in', 'Newsletter opt-in', 'bool', 'booleancheckbox', { hubspotDefined: false }),
  property('trial_start_date', 'Trial start date', 'date', 'date', { hubspotDefined: false }),
  property('last_demo_at', 'Last demo', 'datetime', 'date', { hubspotDefined: false }),
  property('seats', 'Seats', 'number', 'number', { hubspotDefined: false }),
  property('hs_email_domain', 'Email Domain', 'string', 'text', { readOnly: true }),
  property('num_associated_deals', 'Number of Associated Deals', 'number', 'number', { readOnly: true, calculated: true }),
  property('createdate', 'Create Date', 'datetime', 'date', { readOnly: true }),
];

export const COMPANY_PROPERTIES: MappingProperty[] = [
  property('name', 'Company name'),
  property('domain', 'Company Domain Name'),
  property('website', 'Website URL'),
  property('industry', 'Industry', 'enumeration', 'select', { options: options([['COMPUTER_SOFTWARE', 'Computer Software'], ['RETAIL', 'Retail']]) }),
  property('numberofemployees', 'Number of Employees', 'number', 'number'),
  property('num_associated_contacts', 'Number of Associated Contacts', 'number', 'number', { readOnly: true, calculated: true }),
];
