import type { AppInfo } from '../contract/app.ts';
import type { CustomField, Lead } from '../contract/leads.ts';
import type { HubSpotList, MappedObjectType, MappingProperty, PushSettings } from '../contract/mapping.ts';
import type { JobDetail } from '../contract/push.ts';
import { SUPPORT_BUNDLE_FORMAT, SUPPORT_BUNDLE_VERSION, SupportBundle } from '../contract/support.ts';
import type { Workspace } from '../contract/workspaces.ts';
import { redactValue } from '../secrets/redact.ts';
import { createMasker } from './mask.ts';
import { type LeadIdentifiers, trimExchange } from './trim-exchange.ts';

/** The HubSpot connection as a bundle describes it (the connections domain's view, never its credentials). */
export interface ConnectionFacts {
  state: string | null;
  authKind: string | null;
  portalId: number | null;
  uiDomain: string | null;
  scopes: string[];
}

export interface StoredDefinitions {
  fetchedAt: string | null;
  properties: MappingProperty[];
}

export interface BundleSources {
  bundleId: string;
  createdAt: string;
  note: string;
  mask: boolean;
  app: AppInfo;
  os: SupportBundle['os'];
  workspace: Workspace;
  connection: ConnectionFacts | null;
  job: JobDetail;
  lead: Lead | null;
  fields: CustomField[];
  settings: PushSettings;
  retentionDays: number | null;
  catalogue: Record<MappedObjectType, StoredDefinitions>;
  list: HubSpotList | null;
}

/**
 * Property names a job touched: every mapped row's property, the company match keys, what each
 * attempt sent, and what its errors name (`details.property`, `details.properties`, `details.problems[].property`).
 */
export function touchedProperties(settings: PushSettings, job: JobDetail): Record<MappedObjectType, Set<string>> {
  const contacts = new Set<string>(['email']);
  const companies = new Set<string>();
  for (const row of settings.contact.rows) contacts.add(row.property);
  if (settings.company.enabled) {
    for (const row of settings.company.rows) companies.add(row.property);
    companies.add('name').add('domain');
  }
  const fromError = (error: { details: Record<string, unknown> } | null | undefined, into: Set<string>) => {
    if (!error) return;
    const { property, properties, problems } = error.details;
    if (typeof property === 'string') into.add(property);
    if (Array.isArray(properties)) for (const p of properties) if (typeof p === 'string') into.add(p);
    if (Array.isArray(problems)) for (const p of problems) if (p && typeof (p as { property?: unknown }).property === 'string') into.add((p as { property: string }).property);
  };
  for (const attempt of job.attemptDetails) {
    for (const name of Object.keys(attempt.sent?.contact ?? {})) contacts.add(name);
    for (const name of Object.keys(attempt.sent?.company ?? {})) companies.add(name);
    for (const step of attempt.steps) fromError(step.error, step.step === 'company' ? companies : contacts);
    fromError(attempt.error, attempt.failedStep === 'company' ? companies : contacts);
  }
  return { contacts, companies };
}

function identifiersOf(job: JobDetail, lead: Lead | null): LeadIdentifiers {
  const emails = new Set<string>();
  const values = new Set<string>();
  const addEmail = (email: string | null | undefined) => {
    if (email && email.includes('@')) emails.add(email.trim().toLowerCase());
  };
  addEmail(job.leadEmail);
  addEmail(lead?.email);
  for (const id of [job.contactId, job.companyId]) if (id) values.add(id);
  for (const attempt of job.attemptDetails) {
    addEmail(attempt.sent?.contact?.email);
    for (const id of [attempt.contactId, attempt.companyId]) if (id) values.add(id);
    for (const step of attempt.steps) if (step.hubspotId && step.step !== 'list') values.add(step.hubspotId);
    const phone = attempt.sent?.contact?.phone;
    if (phone) values.add(phone);
  }
  return { emails: [...emails], values: [...values] };
}

/**
 * Writes one job's support bundle: its attempts with the HTTP exchanges (batch-mates' data taken
 * out), the mapping and push settings, the definitions of the properties it touched, the lead,
 * versions and the connection's portal and scopes. Personal data is masked on request; secrets are
 * always removed (every string passes through `redact`, secret-looking keys are blanked); the result
 * is checked against the bundle schema, so what is written can be read back.
 */
export function buildSupportBundle(sources: BundleSources): SupportBundle {
  const { job, lead, settings } = sources;
  const ids = identifiersOf(job, lead);
  const attempts = job.attemptDetails.map((attempt) => ({ ...attempt, exchanges: attempt.exchanges.map((exchange) => trimExchange(exchange, ids)) }));

  const touched = touchedProperties(settings, job);
  const unknown: SupportBundle['properties']['unknown'] = [];
  const pick = (objectType: MappedObjectType): MappingProperty[] => {
    const stored = sources.catalogue[objectType];
    const byName = new Map(stored.properties.map((p) => [p.name, p]));
    const picked: MappingProperty[] = [];
    for (const name of [...touched[objectType]].sort()) {
      const definition = byName.get(name);
      if (definition) picked.push(definition);
      else unknown.push({ objectType, name });
    }
    return picked;
  };
  const contacts = pick('contacts');
  const companies = pick('companies');
  const fetchedAt = [sources.catalogue.contacts.fetchedAt, sources.catalogue.companies.fetchedAt].filter((t): t is string => t !== null).sort()[0] ?? null;

  let personal = { job: { ...job, attemptDetails: attempts }, lead, note: sources.note, workspaceName: sources.workspace.name };
  if (sources.mask) {
    const masker = createMasker({ lead, fields: sources.fields, settings, leadLabel: job.leadLabel, leadEmail: job.leadEmail, sent: job.attemptDetails.map((a) => a.sent) });
    personal = masker.mask(personal);
  }

  const bundle: SupportBundle = {
    format: SUPPORT_BUNDLE_FORMAT,
    version: SUPPORT_BUNDLE_VERSION,
    bundleId: sources.bundleId,
    createdAt: sources.createdAt,
    note: personal.note,
    masked: sources.mask,
    app: { name: sources.app.name, version: sources.app.version, host: sources.app.host, versions: sources.app.versions },
    os: sources.os,
    workspace: { id: sources.workspace.id, name: sources.workspace.name, kind: sources.workspace.kind },
    connection: sources.connection ?? { state: null, authKind: null, portalId: null, uiDomain: null, scopes: [] },
    job: personal.job,
    lead: { values: personal.lead, fields: sources.fields },
    settings: { push: settings, retentionDays: sources.retentionDays },
    properties: { contacts, companies, fetchedAt, unknown },
    list: sources.list,
  };
  return SupportBundle.parse(redactValue(bundle));
}

/** `syncdesk-bundle-<job>-<yyyy-mm-dd>.json` */
export function bundleFileName(bundle: Pick<SupportBundle, 'job' | 'createdAt' | 'masked'>): string {
  return `syncdesk-bundle-job${bundle.job.jobId}-${bundle.createdAt.slice(0, 10)}${bundle.masked ? '-masked' : ''}.json`;
}
