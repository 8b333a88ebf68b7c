import crypto from 'node:crypto';
import type { CustomField } from '../contract/leads.ts';
import type { MappedProperty, MappingProperty, PropertyProblem, PushSettings, TestLeadReport, TestPropertyResult } from '../contract/mapping.ts';
import { AppError, isAppError } from '../errors.ts';
import type { ValueProblem } from '../hubspot/classify-error.ts';
import { HUBSPOT_API_BASE, type HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import type { MappableLead } from './inclusion-filter.ts';
import { fetchPropertyDefinitions } from './live-properties.ts';
import { createLeadMapper } from './map-lead.ts';

/** The built-in lead Send test lead uses when no lead is chosen. */
export function sampleLead(fields: readonly CustomField[]): MappableLead {
  const custom: Record<string, string> = {};
  for (const field of fields) {
    if (field.type === 'number') custom[field.key] = '42';
    else if (field.type === 'date') custom[field.key] = '2026-03-31';
    else if (field.type === 'dropdown') custom[field.key] = field.options[0] ?? '';
    else custom[field.key] = `Sample ${field.label}`;
  }
  return {
    id: 'sample',
    firstName: 'Ada',
    lastName: 'Lovelace (test)',
    email: 'ada.lovelace@example.com',
    phone: '+1 415 555 0123',
    company: 'Syncdesk Test Company',
    jobTitle: 'Test lead',
    website: 'https://example.com',
    notes: 'Created by Syncdesk\u2019s Send test lead. Safe to delete.',
    source: 'Syncdesk test',
    owner: '',
    custom,
  };
}

/** `syncdesk-test+<10 hex>@example.com`: recognisable, unique, and never anyone's real address. */
export function testEmail(random: () => string = () => crypto.randomBytes(5).toString('hex')): string {
  return `syncdesk-test+${random()}@example.com`;
}

export interface PortalInfo {
  portalId: number;
  uiDomain: string | null;
}

/** The record's page in HubSpot's UI; null for a portal that has no UI (the sandbox). */
export function recordUrl(gateway: Pick<HubSpotGateway, 'baseUrl'>, portal: PortalInfo | null, contactId: string): string | null {
  if (!portal) return null;
  const host = new URL(gateway.baseUrl).hostname;
  if (!host.endsWith('.hubapi.com') && gateway.baseUrl !== HUBSPOT_API_BASE) return null;
  return `https://${portal.uiDomain ?? 'app.hubspot.com'}/contacts/${portal.portalId}/record/0-1/${contactId}`;
}

/** Portal id and UI host from account info; null when it can't be read (a missing scope). */
export async function readPortalInfo(gateway: HubSpotGateway): Promise<PortalInfo | null> {
  try {
    const details = await gateway.request<{ portalId?: number; uiDomain?: string }>('account.details', { method: 'GET', path: '/account-info/v3/details' });
    return typeof details?.portalId === 'number' ? { portalId: details.portalId, uiDomain: details.uiDomain ?? null } : null;
  } catch {
    return null;
  }
}

export interface TestLeadInput {
  gateway: HubSpotGateway;
  settings: PushSettings;
  lead: MappableLead;
  leadId: string | null;
  leadLabel: string;
  defaultCountry: string | null;
  runId: string;
  at: string;
  email: string;
  now(): number;
  portal(gateway: HubSpotGateway): Promise<PortalInfo | null>;
}

/**
 * Send test lead: the saved mapping checked against the portal's live definitions (read fresh,
 * not from the catalogue) and proven with a disposable contact. The lead's values go through
 * mapLead with those definitions; the contact gets the test address instead of any real email;
 * properties the definitions already refuse are reported and left out; when HubSpot still refuses
 * some, they are reported with HubSpot's own message and the create is sent again without them,
 * so the rest is still proven. Company rows are checked against the live company definitions but
 * no company is created. Nothing local is changed.
 */
export async function runTestLead(input: TestLeadInput): Promise<TestLeadReport> {
  const { gateway, settings } = input;
  const started = input.now();
  const report = (rest: Omit<TestLeadReport, 'runId' | 'at' | 'leadId' | 'leadLabel' | 'email' | 'durationMs' | 'deletedAt'>): TestLeadReport => ({
    runId: input.runId,
    at: input.at,
    leadId: input.leadId,
    leadLabel: input.leadLabel,
    email: input.email,
    deletedAt: null,
    durationMs: Math.max(0, Math.round(input.now() - started)),
    ...rest,
  });

  const contactDefs = await fetchPropertyDefinitions(gateway, 'contacts');
  const companyDefs = settings.company.enabled && settings.company.rows.some((r) => r.enabled) ? await fetchPropertyDefinitions(gateway, 'companies') : null;
  const mapped = createLeadMapper(settings, { contacts: contactDefs, companies: companyDefs ?? [] }, { defaultCountry: input.defaultCountry })(input.lead);

  // The real lead's address never leaves this computer: every value holding it gets the test address.
  const realEmail = (mapped.identity.email ?? input.lead.email).trim().toLowerCase();
  const scrub = (value: string) => (realEmail && value.toLowerCase().includes(realEmail) ? value.replace(new RegExp(escapeRegExp(realEmail), 'gi'), input.email) : value);
  const contactProperties: MappedProperty[] = mapped.contact.properties.filter((p) => p.property !== 'email').map((p) => ({ ...p, value: scrub(p.value) }));
  const emailRow = settings.contact.rows.find((r) => r.enabled && r.property.trim() === 'email');
  contactProperties.unshift({ property: 'email', value: input.email, updateRule: 'overwrite', rowId: emailRow?.id ?? null, source: emailRow?.source ?? null });

  const labelOf = (defs: readonly MappingProperty[] | null, name: string) => defs?.find((d) => d.name === name)?.label ?? null;
  const results = new Map<string, TestPropertyResult>();
  const localErrors = new Map<string, PropertyProblem>();
  const warnings = new Map<string, string>();
  for (const problem of mapped.problems) {
    if (problem.object !== 'contact') continue;
    if (problem.severity === 'error') {
      if (!localErrors.has(problem.property)) localErrors.set(problem.property, problem);
    } else warnings.set(problem.property, problem.message);
  }
  for (const p of contactProperties) {
    const problem = p.property === 'email' ? undefined : localErrors.get(p.property);
    results.set(p.property, {
      object: 'contact',
      property: p.property,
      label: labelOf(contactDefs, p.property),
      rowId: p.rowId,
      source: p.source,
      value: p.value,
      status: problem ? 'problem' : 'skipped',
      code: problem ? problem.code : null,
      message: problem ? problem.message : null,
      origin: problem ? 'definition' : 'none',
    });
  }

  let toSend = contactProperties.filter((p) => results.get(p.property)!.status !== 'problem');
  let attempts = 0;
  let contactId: string | null = null;
  let error: TestLeadReport['error'] = null;
  while (attempts < 2) {
    attempts++;
    const properties = Object.fromEntries(toSend.map((p) => [p.property, p.value]));
    try {
      const created = await gateway.call('contacts.create.test', (client) => client.crm.contacts.basicApi.create({ properties, associations: [] }));
      contactId = created.id;
      for (const p of toSend) {
        const result = results.get(p.property)!;
        result.status = 'ok';
        result.origin = 'hubspot';
        result.message = warnings.get(p.property) ?? null;
      }
      break;
    } catch (raw) {
      const failure = isAppError(raw) ? raw : new AppError('internal', 'The test contact could not be created.', { cause: raw });
      const refused = refusedProperties(failure);
      const refusedNames = new Set(refused.map((r) => r.property));
      const retryable = attempts === 1 && refused.length > 0 && !refusedNames.has('email');
      for (const r of refused) {
        const result = results.get(r.property);
        if (!result) continue;
        result.status = 'problem';
        result.code = r.code === 'PROPERTY_DOESNT_EXIST' ? 'property_missing' : 'invalid_value';
        result.message = r.message;
        result.origin = 'hubspot';
      }
      if (!retryable) {
        error = { code: failure.code, message: failure.message };
        break;
      }
      toSend = toSend.filter((p) => !refusedNames.has(p.property));
    }
  }

  for (const p of mapped.company?.properties ?? []) {
    if (p.rowId === null) continue; // match keys: not a mapping the operator wrote
    const problem = mapped.problems.find((x) => x.object === 'company' && x.property === p.property && x.severity === 'error');
    const warning = mapped.problems.find((x) => x.object === 'company' && x.property === p.property && x.severity === 'warning');
    results.set(`company:${p.property}`, {
      object: 'company',
      property: p.property,
      label: labelOf(companyDefs, p.property),
      rowId: p.rowId,
      source: p.source,
      value: p.value,
      status: problem ? 'problem' : 'ok',
      code: problem?.code ?? null,
      message: problem?.message ?? warning?.message ?? null,
      origin: 'definition',
    });
  }

  const list = settings.list.listId ? await checkList(gateway, settings.list.listId, settings.list.listName) : null;
  const properties = [...results.values()];
  const refusedCount = properties.filter((p) => p.status === 'problem').length;
  const portal = contactId ? await input.portal(gateway) : null;
  const sent = properties.filter((p) => p.object === 'contact' && p.status === 'ok').length;
  return report({
    result: contactId === null ? 'failed' : refusedCount > 0 ? 'problems' : 'passed',
    message:
      contactId === null
        ? `No test contact could be created: ${error?.message ?? 'HubSpot refused it.'}`
        : refusedCount > 0
          ? `Created a test contact with ${plural(sent, 'property')}; ${plural(refusedCount, 'mapping')} would fail: ${properties
              .filter((p) => p.status === 'problem')
              .map((p) => (p.object === 'company' ? `company ${p.property}` : p.property))
              .join(', ')}.`
          : `Every mapping works: a test contact was created with ${plural(sent, 'property')}.`,
    contactId,
    recordUrl: contactId ? recordUrl(gateway, portal, contactId) : null,
    portalId: portal?.portalId ?? null,
    properties,
    list,
    skip: mapped.skip,
    attempts,
    error,
  });
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : word === 'property' ? 'properties' : `${word}s`}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The properties HubSpot named in a refusal (the gateway's classification keeps them in details.problems). */
function refusedProperties(error: AppError): ValueProblem[] {
  const problems = error.details?.problems;
  return Array.isArray(problems) ? (problems as ValueProblem[]).filter((p) => typeof p?.property === 'string') : [];
}

async function checkList(gateway: HubSpotGateway, listId: string, name: string | null): Promise<NonNullable<TestLeadReport['list']>> {
  try {
    const { list } = await gateway.call('lists.get', (client) => client.crm.lists.listsApi.getById(listId));
    const dynamic = list.processingType === 'DYNAMIC';
    return {
      listId,
      name: list.name,
      status: dynamic ? 'dynamic' : 'ok',
      message: dynamic ? `"${list.name}" is a dynamic list: pushed contacts can't be added to it.` : `Pushed contacts will be added to "${list.name}".`,
    };
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') return { listId, name, status: 'missing', message: `The list ${name ? `"${name}" ` : ''}(${listId}) no longer exists in HubSpot. Choose another on the Lists tab.` };
    return { listId, name, status: 'unchecked', message: `The list could not be checked: ${isAppError(error) ? error.message : 'unexpected error'}` };
  }
}
