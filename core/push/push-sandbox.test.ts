import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { createPushFixture, mappingRow, type PushFixture } from '../../test/harness/push-fixture.ts';
import { sandboxGateway } from '../../test/harness/sandbox-gateway.ts';
import type { JobDetail } from '../contract/push.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { domainKey, nameKey } from './company-cache.ts';
import { SEARCH_LAG_MS } from './push-batch.ts';

/** The push pipeline against the sandbox portal with the real SDK: what SPEC §4 promises, lead by lead. */

let sandbox: TestSandbox;
let gateway: HubSpotGateway;
let runId = 0;

beforeAll(async () => {
  sandbox = await startTestSandbox({ seed: 5 });
  gateway = sandboxGateway(sandbox, sandbox.token, { instantWaits: true });
}, 60_000);
afterAll(async () => {
  gateway.close();
  await sandbox.stop();
});

let f: PushFixture;
let tag: string;
beforeEach(() => {
  tag = `t${++runId}x${Date.now().toString(36)}`;
});
afterEach(async () => {
  await sandbox.admin('faults', { rules: [] });
  f?.cleanup();
});

const at = (name: string, domain = `${tag}.example`) => `${name}@${domain}`;
const push = async (ids: string[]) => (await f.call('push.leads', { workspaceId: f.workspaceId, target: { kind: 'ids', ids } })).jobIds;
const detail = (jobId: string) => f.call('push.job', { workspaceId: f.workspaceId, jobId }) as Promise<JobDetail>;
const byEmail = async (email: string) => (await f.contacts()).filter((c) => c.properties.email === email);
const createProperty = (objectType: string, body: Record<string, unknown>) =>
  sandbox.call('POST', `/crm/v3/properties/${objectType}`, { body: { groupName: objectType === 'contacts' ? 'contactinformation' : 'companyinformation', ...body } });
const createList = async (name: string, processingType: 'MANUAL' | 'DYNAMIC') => {
  const body: Record<string, unknown> = { name: `${name} ${tag}`, objectTypeId: '0-1', processingType };
  if (processingType === 'DYNAMIC') {
    body.filterBranch = { filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [], filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [], filters: [{ filterType: 'PROPERTY', property: 'lifecyclestage', operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['customer'] } }] }] };
  }
  const created = await sandbox.call<{ list: { listId: string } }>('POST', '/crm/v3/lists', { body });
  expect(created.status).toBe(200);
  return String(created.body.list.listId);
};

describe('contacts, companies and lists in batches', () => {
  it('pushes 150 leads in two batches with their companies and the list, with a handful of calls, and Already a member on a second push', async () => {
    f = createPushFixture(sandbox, gateway);
    const listId = await createList('Push', 'MANUAL');
    await f.saveSettings({ list: { listId, listName: 'Push', processingType: 'MANUAL' } });
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) {
      const company = i % 10;
      ids.push(f.lead({ firstName: `L${i}`, lastName: 'Lead', email: at(`lead${i}`, `c${company}.${tag}.example`), company: `Company ${company} ${tag}`, website: `https://c${company}.${tag}.example`, phone: '+14155550100' }));
    }
    const jobIds = await push(ids);
    const outcomes = await f.drain();
    expect(outcomes.map((o) => o.claimed)).toEqual([100, 50]);
    // Batch 1: upsert, company search, company create, associate, list. Batch 2: its companies are known
    // locally (no search), and the mapped values (Overwrite) are written onto them in one batch update.
    expect(outcomes.map((o) => o.calls)).toEqual([5, 4]);
    const states = jobIds.map((id) => f.stateOf(id));
    expect(new Set(states)).toEqual(new Set(['succeeded']));

    const contacts = (await f.contacts()).filter((c) => c.properties.email?.endsWith(`${tag}.example`));
    expect(contacts).toHaveLength(150);
    const companies = (await f.companies()).filter((c) => c.properties.domain?.endsWith(`${tag}.example`));
    expect(companies).toHaveLength(10);
    const members = await f.members(listId);
    for (const c of contacts) expect(members).toContain(c.id);

    const job = await detail(jobIds[0]!);
    expect(job.steps.map((s) => [s.step, s.outcome, s.label])).toEqual([
      ['contact', 'created', 'Created'],
      ['company', 'created', 'Created'],
      ['list', 'added', 'Added'],
    ]);
    expect(job.attemptDetails[0]!.exchanges.map((e) => e.call)).toEqual(['contacts.batch.upsert', 'companies.search', 'companies.batch.create', 'associations.contacts.companies', 'lists.memberships.add']);
    expect(job.attemptDetails[0]!.sent).toMatchObject({ contact: { email: at('lead0', `c0.${tag}.example`), firstname: 'L0' }, company: { name: `Company 0 ${tag}`, domain: `c0.${tag}.example` }, listId });

    // Pushed again: contacts are updated, companies matched (known locally), and the list says Already a member.
    const again = await f.call('push.leads', { workspaceId: f.workspaceId, target: { kind: 'all' } });
    expect(again).toMatchObject({ queued: 150, coalesced: 0 });
    await f.drain();
    const second = await detail(again.jobIds[0]!);
    expect(second.steps.map((s) => s.outcome)).toEqual(['updated', 'matched_by_domain', 'already_member']);
    expect(second.steps[2]!.label).toBe('Already a member');
    expect((await f.contacts()).filter((c) => c.properties.email?.endsWith(`${tag}.example`))).toHaveLength(150);
    expect((await f.companies()).filter((c) => c.properties.domain?.endsWith(`${tag}.example`))).toHaveLength(10);
  });

  it('matches companies by domain, then by name, and finds companies HubSpot already has', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({});
    const existing = await sandbox.client().crm.companies.basicApi.create({ properties: { name: `Known ${tag}`, domain: `known.${tag}.example` }, associations: [] });
    const named = await sandbox.client().crm.companies.basicApi.create({ properties: { name: `Named Only ${tag}` }, associations: [] });
    const [byDomain, byName] = await push([
      f.lead({ email: at('x', `known.${tag}.example`), company: 'Whatever Inc' }),
      f.lead({ email: at('y', 'gmail.com'), company: `named only ${tag}` }),
    ]);
    await f.drain();
    expect(await detail(byDomain!)).toMatchObject({ state: 'succeeded', companyId: existing.id, steps: [{ outcome: 'created' }, { outcome: 'matched_by_domain' }, { outcome: 'none' }] });
    expect(await detail(byName!)).toMatchObject({ state: 'succeeded', companyId: named.id, steps: [{}, { outcome: 'matched_by_name' }, {}] });
    // The company's name is mapped with Overwrite: the matched company now carries the lead's spelling.
    const company = (await f.companies()).find((c) => c.id === existing.id)!;
    expect(company.properties.name).toBe('Whatever Inc');
  });
});

describe("a contact's pushes (the record page sync card)", () => {
  it('lists the jobs that wrote to a HubSpot contact, or whose lead had its email, newest first', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({});
    const ada = f.lead({ firstName: 'Ada', email: at('ada') });
    const [first] = await push([ada]);
    await f.drain();
    const [second] = await push([ada]);
    const [other] = await push([f.lead({ firstName: 'Bob', email: at('bob') })]);
    await f.drain();
    const contactId = (await detail(first!)).contactId!;
    expect(contactId).toBeTruthy();
    const jobsOf = async (hubspotContact: { id: string; email?: string }) =>
      ((await f.call('push.jobs', { workspaceId: f.workspaceId, filter: { hubspotContact }, limit: 10 })) as { items: Array<{ jobId: string }> }).items.map((j) => j.jobId);
    expect(await jobsOf({ id: contactId })).toEqual([second, first]);
    // A contact HubSpot merged or re-created: the email still finds the lead's pushes (any case).
    expect(await jobsOf({ id: '999999999', email: at('ADA').toUpperCase() })).toEqual([second, first]);
    expect(await jobsOf({ id: '999999999' })).toEqual([]);
    expect(await jobsOf({ id: contactId })).not.toContain(other);
  });
});

describe('companies named by several leads of one batch', () => {
  it('a lead that names only the company name gets the company another lead creates with its domain', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({});
    const [withDomain, nameOnly] = await push([
      f.lead({ email: at('a', `shared.${tag}.example`), company: `Shared ${tag}`, website: `https://shared.${tag}.example` }),
      f.lead({ email: at('b', 'gmail.com'), company: `shared ${tag}` }),
    ]);
    await f.drain();
    const a = await detail(withDomain!);
    const b = await detail(nameOnly!);
    expect(a.steps[1]!.outcome).toBe('created');
    expect(b).toMatchObject({ companyId: a.companyId, steps: [{}, { outcome: 'matched_by_name' }, {}] });
    expect((await f.companies()).filter((c) => c.properties.name?.toLowerCase() === `shared ${tag}`.toLowerCase())).toHaveLength(1);
  });
});

describe('update rules against the values HubSpot holds', () => {
  it('Overwrite always writes, Fill if empty only fills, Never overwrite sets on create only, with one batch read', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({
      company: { enabled: false },
      contactRows: [
        mappingRow('email', 'email', 'email', { transforms: [{ kind: 'trim' }, { kind: 'lowercase' }] }),
        mappingRow('first', 'firstName', 'firstname', { updateRule: 'overwrite' }),
        mappingRow('last', 'lastName', 'lastname', { updateRule: 'fillIfEmpty' }),
        mappingRow('title', 'jobTitle', 'jobtitle', { updateRule: 'neverOverwrite' }),
        mappingRow('company', 'company', 'company', { updateRule: 'fillIfEmpty' }),
      ],
    });
    const client = sandbox.client();
    await client.crm.contacts.basicApi.create({ properties: { email: at('old'), firstname: 'Old', lastname: 'Kept', jobtitle: 'Founder' }, associations: [] });
    const [oldJob, newJob] = await push([
      f.lead({ email: at('old'), firstName: 'New', lastName: 'Ignored', jobTitle: 'Intern', company: 'Filled' }),
      f.lead({ email: at('fresh'), firstName: 'Fresh', lastName: 'Person', jobTitle: 'CTO' }),
    ]);
    const [outcome] = await f.drain();
    expect(outcome!.calls).toBe(2);
    const [old] = await byEmail(at('old'));
    expect(old!.properties).toMatchObject({ firstname: 'New', lastname: 'Kept', jobtitle: 'Founder', company: 'Filled' });
    const [fresh] = await byEmail(at('fresh'));
    expect(fresh!.properties).toMatchObject({ firstname: 'Fresh', lastname: 'Person', jobtitle: 'CTO' });
    const job = await detail(oldJob!);
    expect(job.steps[0]!.outcome).toBe('updated');
    expect(job.attemptDetails[0]!.sent!.contact).toEqual({ email: at('old'), firstname: 'New', company: 'Filled' });
    expect(job.attemptDetails[0]!.exchanges.map((e) => e.call)).toEqual(['contacts.batch.read', 'contacts.batch.upsert']);
    expect((await detail(newJob!)).steps[0]!.outcome).toBe('created');
  });
});

describe('deduplication off and the phone fallback', () => {
  it('creates with dedupe off and refuses existing emails per lead as duplicates, naming the existing contact', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({ company: { enabled: false }, advanced: { dedupeContacts: false } });
    const existing = await sandbox.client().crm.contacts.basicApi.create({ properties: { email: at('taken'), firstname: 'Taken' }, associations: [] });
    const ids = [f.lead({ email: at('taken'), firstName: 'Again' }), ...Array.from({ length: 9 }, (_, i) => f.lead({ email: at(`free${i}`), firstName: `Free${i}` }))];
    const jobIds = await push(ids);
    const [outcome] = await f.drain();
    expect(outcome!.calls).toBe(2); // one read by email, one batch create
    expect(await detail(jobIds[0]!)).toMatchObject({ state: 'failed', error: { code: 'duplicate_contact', details: { existingId: existing.id } } });
    for (const id of jobIds.slice(1)) expect(await detail(id)).toMatchObject({ state: 'succeeded', steps: [{ outcome: 'created' }, {}, {}] });
    expect(await byEmail(at('taken'))).toHaveLength(1);
  });

  it('email-less leads: the phone fallback updates the contact with the phone, or creates one', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({ company: { enabled: false }, advanced: { syncWithoutEmail: true, phoneFallback: true } });
    await f.call('leads.updateSettings', { workspaceId: f.workspaceId, defaultCountry: 'US' });
    const phone = `+1415555${String(runId).padStart(4, '0')}`;
    const match = await sandbox.client().crm.contacts.basicApi.create({ properties: { phone, firstname: 'Phoned' }, associations: [] });
    const [matched, created] = await push([
      f.lead({ firstName: 'Caller', jobTitle: 'Buyer', phone: `(415) 555-${String(runId).padStart(4, '0')}` }),
      f.lead({ firstName: 'Unknown', phone: `+1 212 555 ${String(runId).padStart(4, '0')}` }),
    ]);
    const [outcome] = await f.drain();
    expect(outcome!.calls).toBe(3); // search by phone, update the match, create the other
    expect(await detail(matched!)).toMatchObject({ state: 'succeeded', contactId: match.id, steps: [{ outcome: 'updated' }, {}, {}] });
    const updated = (await f.contacts()).find((c) => c.id === match.id)!;
    expect(updated.properties).toMatchObject({ firstname: 'Caller', jobtitle: 'Buyer' });
    const fresh = await detail(created!);
    expect(fresh).toMatchObject({ state: 'succeeded', steps: [{ outcome: 'created' }, {}, {}] });
    expect(fresh.contactId).not.toBe(match.id);
  });
});

describe('lists', () => {
  it('a dynamic list is skipped without a call; a list that turned dynamic in HubSpot is skipped too', async () => {
    f = createPushFixture(sandbox, gateway);
    const dynamic = await createList('Rules', 'DYNAMIC');
    await f.saveSettings({ company: { enabled: false }, list: { listId: dynamic, listName: 'Rules', processingType: 'DYNAMIC' } });
    const [a] = await push([f.lead({ email: at('dyn1'), firstName: 'Dyn' })]);
    const [first] = await f.drain();
    expect(first!.calls).toBe(1);
    expect((await detail(a!)).steps[2]).toMatchObject({ outcome: 'skipped_dynamic', label: 'Skipped (dynamic list)' });
    expect(f.stateOf(a!)).toBe('succeeded');

    // Stored as static (stale), but HubSpot refuses: same verdict, from HubSpot's answer.
    await f.saveSettings({ company: { enabled: false }, list: { listId: dynamic, listName: 'Rules', processingType: 'MANUAL' } });
    const [b] = await push([f.lead({ email: at('dyn2'), firstName: 'Dyn2' })]);
    await f.drain();
    expect((await detail(b!)).steps[2]).toMatchObject({ outcome: 'skipped_dynamic' });
  });

  it('a list that no longer exists fails the list step only: succeeded with warnings', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({ company: { enabled: false }, list: { listId: '999999', listName: 'Gone', processingType: 'MANUAL' } });
    const [a] = await push([f.lead({ email: at('gone'), firstName: 'Gone' })]);
    await f.drain();
    const job = await detail(a!);
    expect(job.state).toBe('succeeded_with_warnings');
    expect(job.steps[2]).toMatchObject({ outcome: 'failed', label: 'Failed' });
    expect(job.error).toMatchObject({ code: 'not_found' });
    expect(job.contactId).toMatch(/^\d+$/);
  });
});

describe('company failures', () => {
  async function companyPropertyThatVanishes() {
    const name = `vanishing_${tag}`;
    expect((await createProperty('companies', { name, label: 'Vanishing', type: 'string', fieldType: 'text' })).status).toBe(201);
    return name;
  }

  it('On failure: Skip — the contact syncs and the job ends with a warning', async () => {
    f = createPushFixture(sandbox, gateway);
    const property = await companyPropertyThatVanishes();
    await f.saveSettings({ company: { onFailure: 'skip', rows: [mappingRow('cname', 'company', 'name'), mappingRow('vanish', 'jobTitle', property)] } });
    await f.call('mapping.refreshProperties', { workspaceId: f.workspaceId });
    await sandbox.call('DELETE', `/crm/v3/properties/companies/${property}`);
    const [a] = await push([f.lead({ email: at('skip', 'gmail.com'), company: `Skipco ${tag}`, jobTitle: 'Boss' })]);
    await f.drain();
    const job = await detail(a!);
    expect(job.state).toBe('succeeded_with_warnings');
    expect(job.steps.map((s) => s.outcome)).toEqual(['created', 'failed', 'none']);
    expect(job.steps[1]!.label).toContain('Skip');
    expect(job.error).toMatchObject({ code: 'property_missing', details: { property } });
    expect(await byEmail(at('skip', 'gmail.com'))).toHaveLength(1);
    expect((await f.companies()).some((c) => c.properties.name === `Skipco ${tag}`)).toBe(false);
  });

  it('On failure: Fail sync — the job fails; a problem the definitions show stops it before anything is sent', async () => {
    f = createPushFixture(sandbox, gateway);
    const property = await companyPropertyThatVanishes();
    await f.saveSettings({ company: { onFailure: 'fail', rows: [mappingRow('cname', 'company', 'name'), mappingRow('vanish', 'jobTitle', property)] } });
    await f.call('mapping.refreshProperties', { workspaceId: f.workspaceId });
    await sandbox.call('DELETE', `/crm/v3/properties/companies/${property}`);
    const [a] = await push([f.lead({ email: at('fail', 'gmail.com'), company: `Failco ${tag}`, jobTitle: 'Boss' })]);
    await f.drain();
    const job = await detail(a!);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'property_missing', details: { property } } });
    expect(job.steps.map((s) => s.outcome)).toEqual(['created', 'failed', 'not_run']);

    // Now the definitions know: the next lead fails before any call, its contact untouched.
    await f.call('mapping.refreshProperties', { workspaceId: f.workspaceId });
    const [b] = await push([f.lead({ email: at('fail2', 'gmail.com'), company: `Failco2 ${tag}`, jobTitle: 'Boss' })]);
    const [outcome] = await f.drain();
    expect(outcome!.calls).toBe(0);
    expect(await detail(b!)).toMatchObject({ state: 'failed', error: { code: 'property_missing', details: { preflight: true } } });
    expect(await byEmail(at('fail2', 'gmail.com'))).toHaveLength(0);
  });
});

describe('one bad lead never fails its batch-mates', () => {
  async function staleDropdown() {
    const property = `tier_${tag}`;
    const options = ['gold', 'silver', 'bronze', 'iron', 'tin'].map((value, i) => ({ label: value, value, displayOrder: i, hidden: false }));
    expect((await createProperty('contacts', { name: property, label: 'Tier', type: 'enumeration', fieldType: 'select', options })).status).toBe(201);
    return {
      property,
      /** HubSpot drops some options after Syncdesk read the definitions. */
      async drop(values: string[]) {
        const kept = options.filter((o) => !values.includes(o.value));
        expect((await sandbox.call('PATCH', `/crm/v3/properties/contacts/${property}`, { body: { options: kept } })).status).toBe(200);
      },
    };
  }

  async function batchWithBadLeads(nameCulprits: boolean) {
    f = createPushFixture(sandbox, gateway, { nameCulprits });
    const tier = await staleDropdown();
    f.services.leads.createField({ workspaceId: f.workspaceId, label: 'Tier', key: 'tier', type: 'text', options: [] });
    await f.saveSettings({ company: { enabled: false }, extraRows: [mappingRow('tier', 'custom.tier', tier.property)] });
    await f.call('mapping.refreshProperties', { workspaceId: f.workspaceId });
    await tier.drop(['iron', 'tin', 'bronze']);
    const bad = new Map([[17, 'iron'], [58, 'tin'], [91, 'bronze']]);
    const ids = Array.from({ length: 100 }, (_, i) => f.lead({ email: at(`b${i}`), firstName: `B${i}`, custom: { tier: bad.get(i) ?? (i % 2 ? 'gold' : 'silver') } }));
    const jobIds = await push(ids);
    const [outcome] = await f.drain();
    for (const [i, value] of bad) {
      const job = await detail(jobIds[i]!);
      expect(job).toMatchObject({ state: 'failed', error: { code: 'invalid_value', details: { property: tier.property, value } } });
      expect(job.error!.message).toContain(value);
      expect(job.error!.response).toContain('HTTP 400');
    }
    const good = jobIds.filter((_, i) => !bad.has(i));
    for (const id of good) expect(f.stateOf(id)).toBe('succeeded');
    const created = (await f.contacts()).filter((c) => c.properties.email?.endsWith(`${tag}.example`));
    expect(created).toHaveLength(97);
    return outcome!;
  }

  it('splits a refused batch in halves until the 3 bad leads of 100 stand alone (calls near 2·k·log2 n)', async () => {
    const outcome = await batchWithBadLeads(false);
    // 3 bad leads in 100: at most 1 + Σ per level min(2^level, 2k) = 37 calls; log2-like, not 100.
    expect(outcome.calls).toBeGreaterThan(7);
    expect(outcome.calls).toBeLessThanOrEqual(37);
    console.log(`bisection: 3 bad leads in 100 cost ${outcome.calls} calls (${outcome.report!.isolationCalls} spent isolating)`);
  });

  it('sets aside the inputs HubSpot names (one call per bad value) before splitting', async () => {
    const outcome = await batchWithBadLeads(true);
    expect(outcome.calls).toBe(4);
  });

  it('a property HubSpot says does not exist fails every lead writing it, and only those', async () => {
    f = createPushFixture(sandbox, gateway);
    const property = `gone_${tag}`;
    expect((await createProperty('contacts', { name: property, label: 'Gone', type: 'string', fieldType: 'text' })).status).toBe(201);
    await f.saveSettings({ company: { enabled: false }, extraRows: [mappingRow('gone', 'jobTitle', property)] });
    await f.call('mapping.refreshProperties', { workspaceId: f.workspaceId });
    await sandbox.call('DELETE', `/crm/v3/properties/contacts/${property}`);
    const jobIds = await push([f.lead({ email: at('p1'), jobTitle: 'X' }), f.lead({ email: at('p2') }), f.lead({ email: at('p3'), jobTitle: 'Y' })]);
    const [outcome] = await f.drain();
    expect(outcome!.calls).toBe(2);
    expect(await detail(jobIds[0]!)).toMatchObject({ state: 'failed', error: { code: 'property_missing', title: "Mapped property doesn't exist", details: { property } } });
    expect(f.stateOf(jobIds[1]!)).toBe('succeeded');
    expect(await detail(jobIds[2]!)).toMatchObject({ state: 'failed', error: { code: 'property_missing' } });
  });
});

describe('crash safety', () => {
  it('a create sent before a crash is found, not made twice; the taken-over batch resumes under a new holder', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({ company: { enabled: false }, advanced: { dedupeContacts: false } });
    const [jobId] = await push([f.lead({ email: at('crash'), firstName: 'Crash' })]);
    const { jobs } = f.services.pushEngine.storesFor(f.workspaceId);
    // A process claims the job, marks its create as sent, HubSpot makes the contact — and the process dies.
    const dead = 'ghost-host/999999/dead';
    const [claimed] = jobs.claim({ owner: dead, limit: 100, leaseMs: 60_000, batchId: 'b-dead', now: f.clock.now() });
    jobs.saveProgress(dead, f.clock.now(), [{ jobId: claimed!.id, progress: { ...claimed!, contactCreateSentAt: f.clock.now() } }]);
    const made = await sandbox.client().crm.contacts.basicApi.create({ properties: { email: at('crash'), firstname: 'Crash' }, associations: [] });

    // Until the lease expires, nobody else takes the job (another host's holder counts as alive).
    expect((await f.step()).claimed).toBe(0);
    f.clock.advance(60_001);
    await f.drain();
    const job = await detail(jobId!);
    expect(job).toMatchObject({ state: 'succeeded', contactId: made.id, steps: [{ outcome: 'created' }, {}, {}] });
    expect(job.attemptDetails.map((a) => a.status)).toEqual(['interrupted', 'succeeded']);
    expect(await byEmail(at('crash'))).toHaveLength(1);
  });

  it('a company create sent before a crash that search does not show yet waits instead of creating it twice', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({});
    const domain = `lag.${tag}.example`;
    const name = `Lagging ${tag}`;
    const [jobId] = await push([f.lead({ email: at('lag', domain), firstName: 'Lag', company: name, website: `https://${domain}` })]);
    const { jobs, companies } = f.services.pushEngine.storesFor(f.workspaceId);
    // A process on this machine claims the job, marks the company create as sent, HubSpot makes it — and
    // the process dies. HubSpot's search doesn't show the new company for a while.
    await sandbox.admin('settings', { searchLagMs: 1_500 });
    const os = await import('node:os');
    jobs.claim({ owner: `${os.hostname()}/2147483646/lag`, limit: 100, leaseMs: 600_000, batchId: 'b-lag', now: f.clock.now() });
    companies.markCreateSent([domainKey(domain), nameKey(name)], f.clock.now());
    const made = await sandbox.client().crm.companies.basicApi.create({ properties: { name, domain }, associations: [] });
    try {
      await f.drain();
      // Not found by search, sent moments ago: the job waits (not a failure, no retry counted).
      const waiting = await detail(jobId!);
      expect(waiting).toMatchObject({ state: 'queued', failures: 0, companyId: null });
      expect(waiting.stateReason).toContain("isn't in HubSpot's search yet");
      expect((await f.companies()).filter((c) => c.properties.domain === domain)).toHaveLength(1);
      // Search catches up; after the lag window the job looks again and finds it.
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      f.clock.advance(SEARCH_LAG_MS);
      await f.drain();
    } finally {
      await sandbox.admin('settings', { searchLagMs: 0 });
    }
    expect(await detail(jobId!)).toMatchObject({ state: 'succeeded', companyId: made.id });
    expect((await f.companies()).filter((c) => c.properties.domain === domain)).toHaveLength(1);
  });

  it('a holder on this machine that is gone is taken over at once', async () => {
    f = createPushFixture(sandbox, gateway);
    await f.saveSettings({ company: { enabled: false } });
    const [jobId] = await push([f.lead({ email: at('gone-holder'), firstName: 'Ghost' })]);
    const { jobs } = f.services.pushEngine.storesFor(f.workspaceId);
    const os = await import('node:os');
    jobs.claim({ owner: `${os.hostname()}/2147483646/abcd`, limit: 100, leaseMs: 600_000, batchId: 'b-gone', now: f.clock.now() });
    await f.drain();
    expect(f.stateOf(jobId!)).toBe('succeeded');
  });
});
