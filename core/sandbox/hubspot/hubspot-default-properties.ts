import type { ObjectType } from './hubspot-object-types.ts';

export interface PropertyOption {
  label: string;
  value: string;
  description?: string;
  displayOrder: number;
  hidden: boolean;
}

/** A property definition in the Properties API's shape (`Property` in the spec). */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined?: boolean;
  formField: boolean;
  dataSensitivity: 'non_sensitive' | 'sensitive' | 'highly_sensitive';
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean; readOnlyOptions?: boolean };
  referencedObjectType?: string;
  createdAt?: string;
  updatedAt?: string;
  createdUserId?: string;
  updatedUserId?: string;
  archived: boolean;
  archivedAt?: string;
}

const options = (pairs: Array<[string, string]>): PropertyOption[] =>
  pairs.map(([value, label], i) => ({ label, value, displayOrder: i, hidden: false }));

export const LIFECYCLE_STAGES = options([
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
]);

const LEAD_STATUSES = options([
  ['NEW', 'New'],
  ['OPEN', 'Open'],
  ['IN_PROGRESS', 'In Progress'],
  ['OPEN_DEAL', 'Open Deal'],
  ['UNQUALIFIED', 'Unqualified'],
  ['ATTEMPTED_TO_CONTACT', 'Attempted to Contact'],
  ['CONNECTED', 'Connected'],
  ['BAD_TIMING', 'Bad Timing'],
]);

const BUYING_ROLES = options([
  ['BLOCKER', 'Blocker'],
  ['BUDGET_HOLDER', 'Budget Holder'],
  ['CHAMPION', 'Champion'],
  ['DECISION_MAKER', 'Decision Maker'],
  ['END_USER', 'End User'],
  ['EXECUTIVE_SPONSOR', 'Executive Sponsor'],
  ['INFLUENCER', 'Influencer'],
  ['LEGAL_AND_COMPLIANCE', 'Legal & Compliance'],
  ['OTHER', 'Other'],
]);

/** A subset of HubSpot's ~150 industry options (the real values are upper snake case). */
export const INDUSTRIES = options([
  ['ACCOUNTING', 'Accounting'],
  ['COMPUTER_SOFTWARE', 'Computer Software'],
  ['CONSTRUCTION', 'Construction'],
  ['CONSUMER_GOODS', 'Consumer Goods'],
  ['EDUCATION_MANAGEMENT', 'Education Management'],
  ['FINANCIAL_SERVICES', 'Financial Services'],
  ['HOSPITAL_HEALTH_CARE', 'Hospital & Health Care'],
  ['HOSPITALITY', 'Hospitality'],
  ['INFORMATION_TECHNOLOGY_AND_SERVICES', 'Information Technology and Services'],
  ['INTERNET', 'Internet'],
  ['LEGAL_SERVICES', 'Legal Services'],
  ['LOGISTICS_AND_SUPPLY_CHAIN', 'Logistics and Supply Chain'],
  ['MANAGEMENT_CONSULTING', 'Management Consulting'],
  ['MARKETING_AND_ADVERTISING', 'Marketing and Advertising'],
  ['NONPROFIT_ORGANIZATION_MANAGEMENT', 'Non-Profit Organization Management'],
  ['REAL_ESTATE', 'Real Estate'],
  ['RETAIL', 'Retail'],
  ['TELECOMMUNICATIONS', 'Telecommunications'],
]);

const COMPANY_TYPES = options([
  ['PROSPECT', 'Prospect'],
  ['PARTNER', 'Partner'],
  ['RESELLER', 'Reseller'],
  ['VENDOR', 'Vendor'],
  ['OTHER', 'Other'],
]);

const DEAL_TYPES = options([
  ['newbusiness', 'New Business'],
  ['existingbusiness', 'Existing Business'],
]);

/** The default deal pipeline (hubspot-api-facts §8.2); stage ids are HubSpot's well-known defaults. */
export const DEFAULT_DEAL_STAGES: Array<{ id: string; label: string; probability: string; isClosed: boolean }> = [
  { id: 'appointmentscheduled', label: 'Appointment Scheduled', probability: '0.2', isClosed: false },
  { id: 'qualifiedtobuy', label: 'Qualified To Buy', probability: '0.4', isClosed: false },
  { id: 'presentationscheduled', label: 'Presentation Scheduled', probability: '0.6', isClosed: false },
  { id: 'decisionmakerboughtin', label: 'Decision Maker Bought-In', probability: '0.8', isClosed: false },
  { id: 'contractsent', label: 'Contract Sent', probability: '0.9', isClosed: false },
  { id: 'closedwon', label: 'Closed Won', probability: '1.0', isClosed: true },
  { id: 'closedlost', label: 'Closed Lost', probability: '0.0', isClosed: true },
];

type Spec = [name: string, label: string, type: string, fieldType: string, extra?: Partial<PropertyDefinition> & { readOnly?: boolean }];

const readOnly = { readOnly: true } as const;
const calculated = { readOnly: true, calculated: true } as const;

const CONTACT: Spec[] = [
  ['email', 'Email', 'string', 'text'],
  ['firstname', 'First Name', 'string', 'text'],
  ['lastname', 'Last Name', 'string', 'text'],
  ['phone', 'Phone Number', 'string', 'phonenumber'],
  ['mobilephone', 'Mobile Phone Number', 'string', 'phonenumber'],
  ['fax', 'Fax Number', 'string', 'phonenumber'],
  ['company', 'Company Name', 'string', 'text'],
  ['jobtitle', 'Job Title', 'string', 'text'],
  ['website', 'Website URL', 'string', 'text'],
  ['message', 'Message', 'string', 'textarea'],
  ['address', 'Street Address', 'string', 'text'],
  ['city', 'City', 'string', 'text'],
  ['state', 'State/Region', 'string', 'text'],
  ['zip', 'Postal Code', 'string', 'text'],
  ['country', 'Country/Region', 'string', 'text'],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: LIFECYCLE_STAGES }],
  ['hs_lead_status', 'Lead Status', 'enumeration', 'radio', { options: LEAD_STATUSES }],
  ['hs_buying_role', 'Buying Role', 'enumeration', 'checkbox', { options: BUYING_ROLES }],
  ['hubspot_owner_id', 'Contact owner', 'enumeration', 'select', { referencedObjectType: 'OWNER', externalOptions: true }],
  // UNCONFIRMED: HubSpot may only let the secondary-email endpoints change this; the sandbox lets
  // API writes set it (`;`-separated addresses) so uniqueness across additional emails can be tested.
  ['hs_additional_emails', 'Additional email addresses', 'string', 'textarea'],
  ['hs_email_domain', 'Email Domain', 'string', 'text', readOnly],
  ['hs_analytics_source', 'Original Source', 'enumeration', 'select', { ...calculated, options: options([['OFFLINE', 'Offline Sources'], ['ORGANIC_SEARCH', 'Organic Search'], ['DIRECT_TRAFFIC', 'Direct Traffic']]) }],
  ['num_associated_deals', 'Number of Associated Deals', 'number', 'number', calculated],
  ['createdate', 'Create Date', 'datetime', 'date', readOnly],
  ['lastmodifieddate', 'Last Modified Date', 'datetime', 'date', readOnly],
  ['hs_object_id', 'Record ID', 'number', 'number', readOnly],
];

const COMPANY: Spec[] = [
  ['name', 'Company name', 'string', 'text'],
  ['domain', 'Company Domain Name', 'string', 'text'],
  ['website', 'Website URL', 'string', 'text'],
  ['industry', 'Industry', 'enumeration', 'select', { options: INDUSTRIES }],
  ['type', 'Type', 'enumeration', 'select', { options: COMPANY_TYPES }],
  ['phone', 'Phone Number', 'string', 'phonenumber'],
  ['address', 'Street Address', 'string', 'text'],
  ['city', 'City', 'string', 'text'],
  ['state', 'State/Region', 'string', 'text'],
  ['zip', 'Postal Code', 'string', 'text'],
  ['country', 'Country/Region', 'string', 'text'],
  ['numberofemployees', 'Number of Employees', 'number', 'number'],
  ['annualrevenue', 'Annual Revenue', 'number', 'number'],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: LIFECYCLE_STAGES }],
  ['hubspot_owner_id', 'Company owner', 'enumeration', 'select', { referencedObjectType: 'OWNER', externalOptions: true }],
  ['description', 'Description', 'string', 'textarea'],
  ['num_associated_contacts', 'Number of Associated Contacts', 'number', 'number', calculated],
  ['createdate', 'Create Date', 'datetime', 'date', readOnly],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', readOnly],
  ['hs_object_id', 'Record ID', 'number', 'number', readOnly],
];

const DEAL: Spec[] = [
  ['dealname', 'Deal Name', 'string', 'text'],
  ['amount', 'Amount', 'number', 'number'],
  ['closedate', 'Close Date', 'datetime', 'date'],
  ['pipeline', 'Pipeline', 'enumeration', 'select', { options: options([['default', 'Sales Pipeline']]) }],
  ['dealstage', 'Deal Stage', 'enumeration', 'radio', { options: options(DEFAULT_DEAL_STAGES.map((s) => [s.id, s.label])) }],
  ['dealtype', 'Deal Type', 'enumeration', 'radio', { options: DEAL_TYPES }],
  ['hubspot_owner_id', 'Deal owner', 'enumeration', 'select', { referencedObjectType: 'OWNER', externalOptions: true }],
  ['description', 'Deal Description', 'string', 'textarea'],
  ['hs_is_closed_won', 'Is Closed Won', 'bool', 'booleancheckbox', { ...calculated, options: options([['true', 'True'], ['false', 'False']]) }],
  ['createdate', 'Create Date', 'datetime', 'date', readOnly],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', readOnly],
  ['hs_object_id', 'Record ID', 'number', 'number', readOnly],
];

const SPECS: Record<ObjectType['name'], Spec[]> = { contacts: CONTACT, companies: COMPANY, deals: DEAL };

export const DEFAULT_GROUPS: Record<ObjectType['name'], Array<{ name: string; label: string }>> = {
  contacts: [
    { name: 'contactinformation', label: 'Contact information' },
    { name: 'contact_activity', label: 'Contact activity' },
  ],
  companies: [
    { name: 'companyinformation', label: 'Company information' },
    { name: 'company_activity', label: 'Company activity' },
  ],
  deals: [
    { name: 'dealinformation', label: 'Deal information' },
    { name: 'deal_activity', label: 'Deal activity' },
  ],
};

/** HubSpot-defined properties of a type, as a fresh portal has them. Their createdAt is epoch 0 like default pipelines. */
export function defaultProperties(type: ObjectType): PropertyDefinition[] {
  return SPECS[type.name].map(([name, label, propertyType, fieldType, extra = {}], displayOrder) => {
    const { readOnly: isReadOnly, ...rest } = extra;
    const definition: PropertyDefinition = {
      name,
      label,
      type: propertyType,
      fieldType,
      description: '',
      groupName: type.defaultGroup,
      options: [],
      displayOrder,
      calculated: false,
      externalOptions: false,
      hasUniqueValue: false,
      hidden: false,
      hubspotDefined: true,
      formField: !isReadOnly,
      dataSensitivity: 'non_sensitive',
      modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: Boolean(isReadOnly), readOnlyOptions: false },
      createdAt: new Date(0).toISOString(),
      updatedAt: new Date(0).toISOString(),
      archived: false,
      ...rest,
    };
    return definition;
  });
}
