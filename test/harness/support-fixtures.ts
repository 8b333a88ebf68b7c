import type { AppInfo } from '../../core/contract/app.ts';
import type { CustomField, Lead } from '../../core/contract/leads.ts';
import type { MappingProperty, PushSettings } from '../../core/contract/mapping.ts';
import { ERROR_REFERENCE } from '../../core/contract/error-reference.ts';
import type { AttemptDetail, ExchangeRecord, JobDetail, JobError, StepResult } from '../../core/contract/push.ts';
import { defaultPushSettings } from '../../core/mapping/default-settings.ts';
import type { BundleSources } from '../../core/support/build-bundle.ts';

/** Secrets planted in exchanges: none may survive into a bundle. */
export const PLANTED = {
  privateAppToken: 'pat-na1-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  refreshToken: 'na1-7f3e-2b1a-4c5d-9e8f-0a1b2c3d4e5f',
  stripeKey: 'sk_live_51Hq8ZtKv2XwYq9PlantedKey000',
  restrictedKey: 'rk_test_51Hq8ZtKv2XwYq9PlantedKey111',
  webhookSecret: 'whsec_PlantedWebhookSecret222',
  /** A client secret has no recognisable shape: it is caught because the SecretStore registered it. */
  clientSecret: 'b7e2f9a4-61c8-4d3e-a5b0-000000planted',
};

export const LEAD: Lead = {
  id: '17',
  firstName: 'Jane',
  lastName: 'Doe-Smith',
  email: 'Jane.Doe@acme-widgets.com',
  phone: '(415) 555-0134',
  company: 'Acme Widgets',
  jobTitle: 'Head of Procurement',
  website: 'acme-widgets.com',
  notes: 'Met Jane at the Berlin fair; call her on 415 555 0134 after 3pm.',
  source: 'Webinar',
  owner: '',
  custom: { plan: 'Professional', nickname: 'JD' },
  problems: [],
  createdAt: '2026-11-20T09:00:00.000Z',
  updatedAt: '2026-11-20T09:00:00.000Z',
  importId: null,
};

export const FIELDS: CustomField[] = [
  { key: 'plan', label: 'Plan', type: 'dropdown', options: ['Starter', 'Professional'], createdAt: '2026-11-01T00:00:00.000Z' },
  { key: 'nickname', label: 'Nickname', type: 'text', options: [], createdAt: '2026-11-01T00:00:00.000Z' },
];

export function settingsFixture(): PushSettings {
  const settings = defaultPushSettings();
  settings.contact.rows.push({ id: 'plan', source: 'custom.plan', property: 'plan_tier', enabled: true, transforms: [], updateRule: 'overwrite' });
  return settings;
}

const property = (name: string, label: string, type = 'string', options: string[] = []): MappingProperty => ({
  name,
  label,
  type,
  fieldType: options.length ? 'select' : 'text',
  groupName: 'contactinformation',
  description: null,
  options: options.map((o) => ({ label: o, value: o.toLowerCase(), hidden: false })),
  readOnly: false,
  calculated: false,
  hubspotDefined: !name.includes('_'),
  hidden: false,
  referencedObjectType: null,
});

export const CONTACT_PROPERTIES: MappingProperty[] = [
  property('email', 'Email'),
  property('firstname', 'First Name'),
  property('lastname', 'Last Name'),
  property('phone', 'Phone Number', 'string'),
  property('company', 'Company Name'),
  property('jobtitle', 'Job Title'),
  property('website', 'Website URL'),
  property('message', 'Message'),
  property('plan_interest', 'Plan interest', 'enumeration', ['Starter', 'Professional']),
  property('lifecyclestage', 'Lifecycle Stage', 'enumeration', ['Lead', 'Customer']),
];

export const COMPANY_PROPERTIES: MappingProperty[] = [property('name', 'Name'), property('domain', 'Company Domain Name'), property('industry', 'Industry')];

const APP: AppInfo = {
  name: 'Syncdesk',
  version: '0.1.0',
  host: 'test',
  platform: 'Linux 6.1 (x64)',
  versions: { node: '24.21.0', sqlite: '3.50.0' },
  dataDir: '/tmp/syncdesk',
  secretStorage: { kind: 'memory' },
};

export function jobError(code: keyof typeof ERROR_REFERENCE, message: string, details: Record<string, unknown>, response: string | null): JobError {
  return { code, ...ERROR_REFERENCE[code], message, details, response };
}

const steps = (contact: StepResult['outcome'], error: JobError | null, contactId: string | null): StepResult[] => [
  { step: 'contact', outcome: contact, label: contact === 'failed' ? 'Failed' : 'Created', hubspotId: contactId, error, at: '2026-11-21T10:00:01.000Z' },
  { step: 'company', outcome: 'not_run', label: 'Not run', hubspotId: null, error: null, at: null },
  { step: 'list', outcome: 'not_run', label: 'Not run', hubspotId: null, error: null, at: null },
];

/** A property_missing failure whose first attempt ran in a batch of three (two batch-mates) with secrets planted everywhere. */
export function failedJobFixture(): JobDetail {
  const refusal = {
    status: 'error',
    message: 'Property values were not valid: [{"isValid":false,"message":"Property \\"plan_tier\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"plan_tier"}]',
    correlationId: '5b6c7d8e-0000-4000-8000-000000000001',
    category: 'VALIDATION_ERROR',
  };
  const response = `HTTP 400 ${JSON.stringify(refusal)}`;
  const error = jobError('property_missing', 'Property "plan_tier" doesn\'t exist in this HubSpot portal.', { status: 400, properties: ['plan_tier'], problems: [{ property: 'plan_tier', code: 'PROPERTY_DOESNT_EXIST', message: 'Property "plan_tier" does not exist' }] }, response);
  const ours = { idProperty: 'email', id: 'jane.doe@acme-widgets.com', properties: { email: 'jane.doe@acme-widgets.com', firstname: 'Jane', lastname: 'Doe-Smith', phone: '+14155550134', message: LEAD.notes, plan_tier: 'Professional' } };
  const mateA = { idProperty: 'email', id: 'bob.stone@globex.example', properties: { email: 'bob.stone@globex.example', firstname: 'Bob', lastname: 'Stone', phone: '+442071838750' } };
  const mateB = { idProperty: 'email', id: 'carol@initech.example', properties: { email: 'carol@initech.example', firstname: 'Carol', lastname: 'Nguyen' } };
  const batchExchange: ExchangeRecord = {
    exchangeId: '101',
    call: 'contacts.batch.upsert',
    method: 'POST',
    url: '/crm/v3/objects/contacts/batch/upsert',
    status: 400,
    durationMs: 120,
    at: '2026-11-21T10:00:00.500Z',
    requestBody: JSON.stringify({ inputs: [mateA, ours, mateB] }),
    responseBody: JSON.stringify({
      ...refusal,
      errors: [
        { message: 'Property "plan_tier" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['plan_tier'] } },
        { message: 'Email address carol@initech.example is invalid', code: 'INVALID_EMAIL', context: { propertyName: ['email'] } },
      ],
      // Planted: a proxy that echoed the request headers.
      echo: { headers: { Authorization: `Bearer ${PLANTED.privateAppToken}` }, refresh_token: PLANTED.refreshToken },
    }),
    error: null,
    inputs: 3,
  };
  const isolated: ExchangeRecord = {
    exchangeId: '102',
    call: 'contacts.batch.upsert',
    method: 'POST',
    url: `/crm/v3/objects/contacts/batch/upsert?hapikey=${PLANTED.privateAppToken}`,
    status: 400,
    durationMs: 95,
    at: '2026-11-21T10:00:00.800Z',
    requestBody: JSON.stringify({ inputs: [ours] }),
    responseBody: JSON.stringify(refusal),
    error: null,
    inputs: 1,
  };
  const secretsExchange: ExchangeRecord = {
    exchangeId: '103',
    call: 'oauth.refresh',
    method: 'POST',
    url: '/oauth/v1/token',
    status: 200,
    durationMs: 40,
    at: '2026-11-21T10:00:00.100Z',
    requestBody: `grant_type=refresh_token&client_id=abc&client_secret=${PLANTED.clientSecret}&refresh_token=${PLANTED.refreshToken}`,
    responseBody: JSON.stringify({ access_token: 'CJ-planted-access-token-0000000000', refresh_token: PLANTED.refreshToken, expires_in: 1800 }),
    error: `stripe said: ${PLANTED.stripeKey} / ${PLANTED.restrictedKey} / ${PLANTED.webhookSecret} / client secret ${PLANTED.clientSecret}`,
    inputs: 1,
  };
  const attempt = (n: number, exchanges: ExchangeRecord[]): AttemptDetail => ({
    attemptId: String(500 + n),
    jobId: '42',
    leadId: LEAD.id,
    leadLabel: 'Jane Doe-Smith',
    leadEmail: 'jane.doe@acme-widgets.com',
    attempt: n,
    status: 'failed',
    startedAt: `2026-11-2${n}T10:00:00.000Z`,
    finishedAt: `2026-11-2${n}T10:00:01.000Z`,
    durationMs: 1000,
    errorCode: 'property_missing',
    errorTitle: ERROR_REFERENCE.property_missing.title,
    errorMessage: error.message,
    failedStep: 'contact',
    contactId: null,
    companyId: null,
    listResult: null,
    nextAttemptAt: null,
    cancelReason: null,
    steps: steps('failed', error, null),
    error,
    sent: { contact: ours.properties, company: null, listId: null },
    batchId: `batch-${n}`,
    batchSize: exchanges[0]?.inputs ?? 1,
    exchanges,
    links: { contact: null, company: null, list: null },
  });
  return {
    jobId: '42',
    leadId: LEAD.id,
    leadLabel: 'Jane Doe-Smith',
    leadEmail: 'jane.doe@acme-widgets.com',
    state: 'failed',
    origin: 'manual',
    attempts: 2,
    failures: 0,
    nextAttemptAt: null,
    createdAt: '2026-11-21T09:59:59.000Z',
    updatedAt: '2026-11-22T10:00:01.000Z',
    finishedAt: '2026-11-22T10:00:01.000Z',
    error,
    cancelReason: null,
    stateReason: null,
    contactId: null,
    companyId: null,
    listResult: null,
    steps: steps('failed', error, null),
    attemptDetails: [attempt(1, [secretsExchange, batchExchange, isolated]), attempt(2, [isolated])],
    links: { contact: null, company: null, list: null },
  };
}

export function bundleSourcesFixture(overrides: Partial<BundleSources> = {}): BundleSources {
  return {
    bundleId: 'bndl_test_0001',
    createdAt: '2026-11-23T12:00:00.000Z',
    note: 'Jane (jane.doe@acme-widgets.com) never shows up in HubSpot.',
    mask: false,
    app: APP,
    os: { platform: 'linux', release: '6.1.0', arch: 'x64', description: 'Linux 6.1 (x64)' },
    workspace: { id: 'ws1', name: 'Acme client', kind: 'hubspot', createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z' },
    connection: { state: 'connected', authKind: 'private_app', portalId: 48151623, uiDomain: 'app.hubspot.com', scopes: ['crm.objects.contacts.write', 'crm.lists.write'] },
    job: failedJobFixture(),
    lead: LEAD,
    fields: FIELDS,
    settings: settingsFixture(),
    retentionDays: 30,
    catalogue: { contacts: { fetchedAt: '2026-11-20T00:00:00.000Z', properties: CONTACT_PROPERTIES }, companies: { fetchedAt: '2026-11-20T00:00:00.000Z', properties: COMPANY_PROPERTIES } },
    list: null,
    ...overrides,
  };
}
