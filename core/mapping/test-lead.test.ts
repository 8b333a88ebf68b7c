import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { sandboxGateway } from '../../test/harness/sandbox-gateway.ts';
import { createServicesWithHubSpot, type ServicesWithHubSpot } from '../../test/harness/services-with-hubspot.ts';
import type { MappingRow, PushSettings, TestLeadReport } from '../contract/mapping.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { defaultPushSettings } from './default-settings.ts';
import { recordUrl, testEmail } from './test-lead.ts';

let sandbox: TestSandbox;
let gateway: HubSpotGateway;
let ownerId: string;

beforeAll(async () => {
  sandbox = await startTestSandbox({ seed: 20 });
  gateway = sandboxGateway(sandbox);
  const owners = await sandbox.client().crm.owners.ownersApi.getPage();
  ownerId = owners.results[0]!.id;
}, 60_000);
afterAll(async () => {
  gateway.close();
  await sandbox.stop();
});

let core: ServicesWithHubSpot;
let workspaceId: string;
beforeEach(() => {
  core = createServicesWithHubSpot(gateway);
  workspaceId = core.services.workspaces.create({ name: 'Acme', kind: 'hubspot' }).id;
  core.services.leads.createField({ workspaceId, label: 'Plan', key: 'plan', type: 'dropdown', options: ['Starter', 'Professional', 'Platinum'] });
});
afterEach(() => core.cleanup());

const row = (id: string, source: MappingRow['source'], property: string, extra: Partial<MappingRow> = {}): MappingRow => ({ id, source, property, enabled: true, transforms: [], updateRule: 'overwrite', ...extra });
const PLAN_MAP = { kind: 'valueMap' as const, entries: [{ from: 'Starter', to: 'starter' }, { from: 'Professional', to: 'professional' }], fallback: { mode: 'keep' as const, value: '' } };

async function saveRows(rows: MappingRow[], patch: Partial<PushSettings> = {}) {
  const base = defaultPushSettings();
  await core.call('mapping.save', { workspaceId, settings: { ...base, contact: { rows: [...base.contact.rows, ...rows] }, ...patch } });
}

/** The contact as the sandbox holds it (archived ones included). */
async function sandboxContact(id: string): Promise<{ archived: boolean; properties: Record<string, string | null> }> {
  const all = await sandbox.call<{ results: Array<{ id: string; archived: boolean; properties: Record<string, string | null> }> }>('GET', '/__sandbox/state/contacts', { token: null });
  const found = all.body.results.find((c) => c.id === id);
  if (!found) throw new Error(`no contact ${id} in the sandbox`);
  return found;
}

const byProperty = (report: TestLeadReport) => Object.fromEntries(report.properties.map((p) => [`${p.object === 'company' ? 'company:' : ''}${p.property}`, p]));

describe('Send test lead', () => {
  it('creates a disposable contact from a lead\'s values, under a test address, and reports every property ok', async () => {
    await core.call('leads.updateSettings', { workspaceId, defaultCountry: 'US' });
    await saveRows([row('plan', 'custom.plan', 'plan_interest', { transforms: [PLAN_MAP] })]);
    const lead = core.services.leads.create(workspaceId, {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navy.example',
      phone: '(415) 555-0123',
      company: 'Navy',
      jobTitle: 'Rear Admiral',
      website: 'https://navy.example',
      notes: 'Contact grace@navy.example about COBOL.',
      custom: { plan: 'Professional' },
    });
    const before = core.services.leads.get(workspaceId, lead.id);

    const report = await core.call('mapping.sendTestLead', { workspaceId, leadId: lead.id });
    expect(report).toMatchObject({ result: 'passed', leadId: lead.id, leadLabel: 'Grace Hopper', attempts: 1, error: null, deletedAt: null, portalId: 48151623, recordUrl: null, list: null, skip: [] });
    expect(report.email).toMatch(/^syncdesk-test\+[0-9a-f]{10}@example\.com$/);
    expect(report.message).toBe('Every mapping works: a test contact was created with 9 properties.');
    const results = byProperty(report);
    expect(Object.keys(results)).toEqual(['email', 'firstname', 'lastname', 'phone', 'company', 'jobtitle', 'website', 'message', 'plan_interest', 'company:name', 'company:domain']);
    expect(report.properties.filter((p) => p.object === 'contact').every((p) => p.status === 'ok' && p.origin === 'hubspot')).toBe(true);
    expect(results.plan_interest).toMatchObject({ value: 'professional', label: 'Plan interest', rowId: 'plan', source: 'custom.plan' });
    expect(results['company:domain']).toMatchObject({ status: 'ok', value: 'navy.example', origin: 'definition' });

    // In HubSpot: the test address, never the lead's own, even inside other values.
    const contact = await sandboxContact(report.contactId!);
    expect(contact.properties).toMatchObject({ email: report.email, firstname: 'Grace', phone: '+14155550123', plan_interest: 'professional' });
    expect(contact.properties.message).toBe(`Contact ${report.email} about COBOL.`);
    expect(JSON.stringify(contact)).not.toContain('grace@navy.example');
    // The lead is untouched, and no company was created.
    expect(core.services.leads.get(workspaceId, lead.id)).toEqual(before);
    const companies = await sandbox.call<{ results: Array<{ properties: Record<string, string> }> }>('GET', '/__sandbox/state/companies', { token: null });
    expect(companies.body.results.some((c) => c.properties.domain === 'navy.example')).toBe(false);

    // Recorded for the Overview, and announced.
    const runs = await core.call('mapping.testRuns', { workspaceId });
    expect(runs.runs).toEqual([expect.objectContaining({ runId: report.runId, result: 'passed', contactId: report.contactId, problemCount: 0, deletedAt: null })]);
    expect(core.events.some((e) => e.event === 'mapping.onDidRunTest')).toBe(true);
    expect(await core.call('mapping.testRun', { workspaceId, runId: report.runId })).toEqual(report);
  });

  it('uses the built-in sample lead when none is chosen', async () => {
    const report = await core.call('mapping.sendTestLead', { workspaceId });
    expect(report).toMatchObject({ result: 'passed', leadId: null, leadLabel: 'Sample lead' });
    const contact = await sandboxContact(report.contactId!);
    expect(contact.properties).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace (test)', email: report.email });
  });

  it('reports a value that is not a dropdown option, a missing property and a read-only one, and still proves the rest', async () => {
    await saveRows([row('plan', 'custom.plan', 'plan_interest', { transforms: [PLAN_MAP] }), row('label', 'jobTitle', 'Job Function'), row('ro', 'website', 'hs_email_domain')]);
    const lead = core.services.leads.create(workspaceId, { firstName: 'Ada', email: 'ada@acme.example', jobTitle: 'CTO', website: 'acme.example', custom: { plan: 'Platinum' } });
    const report = await core.call('mapping.sendTestLead', { workspaceId, leadId: lead.id });
    expect(report.result).toBe('problems');
    expect(report.message).toBe('Created a test contact with 4 properties; 3 mappings would fail: plan_interest, Job Function, hs_email_domain.');
    const results = byProperty(report);
    expect(results.plan_interest).toMatchObject({ status: 'problem', code: 'invalid_value', origin: 'definition', value: 'Platinum' });
    expect(results.plan_interest!.message).toMatch(/^"Platinum" isn't one of the options of Plan interest \(starter, professional, enterprise\)/);
    expect(results['Job Function']).toMatchObject({ status: 'problem', code: 'property_missing', origin: 'definition' });
    expect(results.hs_email_domain).toMatchObject({ status: 'problem', code: 'invalid_value', message: "Email Domain (hs_email_domain) is read-only; its value can't be set." });
    expect(results.firstname).toMatchObject({ status: 'ok' });
    const contact = await sandboxContact(report.contactId!);
    expect(contact.properties.firstname).toBe('Ada');
    expect(contact.properties.plan_interest ?? null).toBeNull();
    expect((await core.call('mapping.testRuns', { workspaceId })).runs[0]).toMatchObject({ result: 'problems', problemCount: 3 });
  });

  it('when HubSpot itself refuses a property, reports its message and creates the contact without it', async () => {
    // Owners' options aren't in the definitions, so only HubSpot can say an owner id is wrong.
    await saveRows([row('owner', 'owner', 'hubspot_owner_id')]);
    const bad = core.services.leads.create(workspaceId, { firstName: 'Ada', email: 'ada@acme.example', owner: '999999' });
    const report = await core.call('mapping.sendTestLead', { workspaceId, leadId: bad.id });
    expect(report).toMatchObject({ result: 'problems', attempts: 2, error: null });
    expect(byProperty(report).hubspot_owner_id).toMatchObject({ status: 'problem', code: 'invalid_value', origin: 'hubspot', message: '999999 is not a valid owner id' });
    expect(byProperty(report).firstname).toMatchObject({ status: 'ok', origin: 'hubspot' });
    expect((await sandboxContact(report.contactId!)).properties.firstname).toBe('Ada');

    const good = core.services.leads.create(workspaceId, { firstName: 'Bo', email: 'bo@acme.example', owner: ownerId });
    const ok = await core.call('mapping.sendTestLead', { workspaceId, leadId: good.id });
    expect(ok).toMatchObject({ result: 'passed', attempts: 1 });
  });

  it('checks the list the contacts would join, and says so when it is dynamic', async () => {
    const lists = await core.call('mapping.lists', { workspaceId, refresh: true });
    const dynamic = lists.lists.find((l) => !l.static)!;
    await saveRows([], { list: { listId: dynamic.listId, listName: dynamic.name, processingType: dynamic.processingType } } as Partial<PushSettings>);
    const report = await core.call('mapping.sendTestLead', { workspaceId });
    expect(report.list).toEqual({ listId: dynamic.listId, name: 'Customers', status: 'dynamic', message: '"Customers" is a dynamic list: pushed contacts can\'t be added to it.' });
  });

  it('deletes (archives) the test contact when asked, once', async () => {
    const report = await core.call('mapping.sendTestLead', { workspaceId });
    core.clock.advance(60_000);
    const run = await core.call('mapping.deleteTestContact', { workspaceId, runId: report.runId });
    expect(run).toMatchObject({ runId: report.runId, deletedAt: '2026-01-01T00:01:00.000Z' });
    expect((await sandboxContact(report.contactId!)).archived).toBe(true);
    expect((await core.call('mapping.testRun', { workspaceId, runId: report.runId })).deletedAt).toBe('2026-01-01T00:01:00.000Z');
    // Again: nothing more to do, and no error.
    expect((await core.call('mapping.deleteTestContact', { workspaceId, runId: report.runId })).deletedAt).toBe('2026-01-01T00:01:00.000Z');
    expect(await core.failure('mapping.deleteTestContact', { workspaceId, runId: 'tnope' })).toMatchObject({ code: 'not_found' });
  });

  it('records a run that could not create a contact, with HubSpot\'s error', async () => {
    await sandbox.admin('faults', { rules: [{ route: '/crm/v3/objects/contacts', method: 'POST', sequence: [503] }] });
    try {
      const report = await core.call('mapping.sendTestLead', { workspaceId });
      expect(report).toMatchObject({ result: 'failed', contactId: null, attempts: 1, error: { code: 'hubspot_unavailable' } });
      expect(report.message).toMatch(/^No test contact could be created: HubSpot is unavailable right now \(HTTP 503\)\./);
      expect((await core.call('mapping.testRuns', { workspaceId })).runs[0]).toMatchObject({ result: 'failed' });
      expect(await core.failure('mapping.deleteTestContact', { workspaceId, runId: report.runId })).toMatchObject({ code: 'conflict' });
    } finally {
      await sandbox.admin('faults', { rules: [] });
    }
  });

  it('needs a connection, and says so', async () => {
    core.setConnected(false);
    expect(await core.failure('mapping.sendTestLead', { workspaceId })).toMatchObject({ code: 'not_connected' });
    expect((await core.call('mapping.testRuns', { workspaceId })).runs).toEqual([]);
  });
});

describe('test lead helpers', () => {
  it('makes unique test addresses', () => {
    expect(testEmail(() => 'abc')).toBe('syncdesk-test+abc@example.com');
    expect(testEmail()).not.toBe(testEmail());
  });

  it('links to the record in HubSpot\'s UI, and nowhere for a sandbox portal', () => {
    expect(recordUrl({ baseUrl: 'https://api.hubapi.com' }, { portalId: 123, uiDomain: 'app-eu1.hubspot.com' }, '42')).toBe('https://app-eu1.hubspot.com/contacts/123/record/0-1/42');
    expect(recordUrl({ baseUrl: 'https://api.hubapi.com' }, { portalId: 123, uiDomain: null }, '42')).toBe('https://app.hubspot.com/contacts/123/record/0-1/42');
    expect(recordUrl({ baseUrl: 'http://127.0.0.1:4010' }, { portalId: 123, uiDomain: 'app.hubspot.com' }, '42')).toBeNull();
    expect(recordUrl({ baseUrl: 'https://api.hubapi.com' }, null, '42')).toBeNull();
  });
});
