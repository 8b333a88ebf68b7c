import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { sandboxGateway } from '../../test/harness/sandbox-gateway.ts';
import { createServicesWithHubSpot, type ServicesWithHubSpot } from '../../test/harness/services-with-hubspot.ts';
import type { Services } from '../app/create-services.ts';
import type { MappingRow, PushSettings, PushSettingsInput } from '../contract/mapping.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { defaultPushSettings } from './default-settings.ts';

let sandbox: TestSandbox;
let gateway: HubSpotGateway;

beforeAll(async () => {
  sandbox = await startTestSandbox({ seed: 20 });
  gateway = sandboxGateway(sandbox);
}, 60_000);
afterAll(async () => {
  gateway.close();
  await sandbox.stop();
});

let core: ServicesWithHubSpot;
let services: Services;
let workspaceId: string;
let call: ServicesWithHubSpot['call'];
let failure: ServicesWithHubSpot['failure'];

beforeEach(() => {
  core = createServicesWithHubSpot(gateway);
  ({ services, call, failure } = core);
  workspaceId = services.workspaces.create({ name: 'Acme', kind: 'hubspot' }).id;
});
afterEach(() => core.cleanup());
const connect = (value: boolean) => core.setConnected(value);

const row = (id: string, source: MappingRow['source'], property: string, extra: Partial<MappingRow> = {}): MappingRow => ({
  id,
  source,
  property,
  enabled: true,
  transforms: [],
  updateRule: 'overwrite',
  ...extra,
});
const withRows = (rows: MappingRow[], patch: Partial<PushSettingsInput> = {}): PushSettings => ({ ...defaultPushSettings(), contact: { rows: [...defaultPushSettings().contact.rows, ...rows] }, ...patch }) as PushSettings;

function planField() {
  services.leads.createField({ workspaceId, label: 'Plan', key: 'plan', type: 'dropdown', options: ['Free', 'Pro', 'Platinum'] });
  services.leads.createField({ workspaceId, label: 'Seats', key: 'seats', type: 'number', options: [] });
  services.leads.createField({ workspaceId, label: 'Trial start', key: 'trial', type: 'date', options: [] });
}

describe('push settings', () => {
  it('starts from sensible defaults and lists the lead fields rows can read', async () => {
    planField();
    const state = await call('mapping.get', { workspaceId });
    expect(state.saved).toBe(false);
    expect(state.settings.contact.rows.map((r) => `${r.source}→${r.property}`)).toEqual([
      'email→email',
      'firstName→firstname',
      'lastName→lastname',
      'phone→phone',
      'company→company',
      'jobTitle→jobtitle',
      'website→website',
      'notes→message',
    ]);
    expect(state.settings.company).toMatchObject({ enabled: true, onFailure: 'skip' });
    expect(state.settings.company.rows.map((r) => `${r.source}→${r.property}`)).toEqual(['company→name', 'website→domain']);
    expect(state.settings.advanced).toEqual({ dedupeContacts: true, syncWithoutEmail: false, phoneFallback: false, autoSync: false });
    expect(state.settings.filter).toEqual({ enabled: false, match: 'all', rules: [] });
    expect(state.settings.list).toEqual({ listId: null, listName: null, processingType: null });
    expect(state.sources.find((s) => s.ref === 'email')).toEqual({ ref: 'email', label: 'Email', type: 'email', options: [] });
    expect(state.sources.find((s) => s.ref === 'custom.plan')).toEqual({ ref: 'custom.plan', label: 'Plan', type: 'dropdown', options: ['Free', 'Pro', 'Platinum'] });
  });

  it('saves, reads back, exposes Auto-Sync to the push engine and announces the change', async () => {
    planField();
    const settings = withRows([row('plan', 'custom.plan', 'plan_interest')], { advanced: { dedupeContacts: false, syncWithoutEmail: true, phoneFallback: true, autoSync: true } });
    const saved = await call('mapping.save', { workspaceId, settings });
    expect(saved.saved).toBe(true);
    expect(saved.updatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect((await call('mapping.get', { workspaceId })).settings).toEqual(saved.settings);
    expect(services.mapping.settings(workspaceId).advanced.autoSync).toBe(true);
    expect(core.events.find((e) => e.event === 'mapping.onDidChange')?.payload).toMatchObject({ workspaceId, settings: { advanced: { autoSync: true } } });
  });

  it('refuses bad settings with an error that names the tab and the row, and keeps what was saved', async () => {
    planField();
    const unknownField = await failure('mapping.save', { workspaceId, settings: withRows([row('x', 'custom.colour', 'favourite_colour')]) });
    expect(unknownField).toMatchObject({ code: 'validation', message: 'Field Mapping, row 9 (custom.colour → favourite_colour), source: there is no custom lead field "colour" in this workspace.' });
    const duplicateId = await failure('mapping.save', { workspaceId, settings: withRows([row('email', 'custom.plan', 'plan_interest')]) });
    expect(duplicateId.message).toBe('Field Mapping, row 9 (custom.plan → plan_interest), id: the row id "email" is already used by Field Mapping, row 1 (email → email).');
    const map = { kind: 'valueMap' as const, entries: [{ from: 'Pro', to: 'pro' }, { from: ' pro ', to: 'pro' }], fallback: { mode: 'keep' as const, value: '' } };
    expect((await failure('mapping.save', { workspaceId, settings: withRows([row('plan', 'custom.plan', 'plan_interest', { transforms: [map] })]) })).message).toMatch(/^Field Mapping, row 9 .*the value map lists " pro " twice\.$/);
    const noValue = await failure('mapping.save', { workspaceId, settings: { ...defaultPushSettings(), filter: { enabled: true, match: 'all', rules: [{ field: 'source', op: 'equals', value: ' ' }] } } });
    expect(noValue.message).toBe('Inclusion filter, rule 1, value: give a value to compare with (or use "is empty").');
    expect((await call('mapping.get', { workspaceId })).saved).toBe(false);
  });

  it('validates through the service with the same row-naming messages (the CLI path)', () => {
    expect(() => services.mapping.save(workspaceId, { contact: { rows: [{ id: 'a', source: 'emial', property: 'email' }] } })).toThrow(
      /^Field Mapping, row 1 \(emial → email\), source: Use a standard lead field/,
    );
    expect(() => services.mapping.save(workspaceId, { contact: { rows: [{ id: 'a', source: 'email', property: '' }] } })).toThrow(/^Field Mapping, row 1 \(email → \), property: Choose a HubSpot property\.$/);
    expect(() => services.mapping.save(workspaceId, { company: { onFailure: 'explode' } })).toThrow(/^Company Mapping, onFailure: /);
  });
});

describe('properties and inline problems', () => {
  it('reads the portal\'s definitions on refresh, and says it is not connected when it is not', async () => {
    const before = await call('mapping.properties', { workspaceId });
    expect(before.contacts).toEqual({ objectType: 'contacts', fetchedAt: null, properties: [] });
    const view = await call('mapping.refreshProperties', { workspaceId });
    expect(view.contacts.fetchedAt).toBe('2026-01-01T00:00:00.000Z');
    const plan = view.contacts.properties.find((p) => p.name === 'plan_interest')!;
    expect(plan).toMatchObject({ label: 'Plan interest', type: 'enumeration', readOnly: false });
    expect(plan.options.map((o) => o.value)).toEqual(['starter', 'professional', 'enterprise']);
    expect(view.contacts.properties.find((p) => p.name === 'hs_email_domain')?.readOnly).toBe(true);
    expect(view.companies.properties.some((p) => p.name === 'domain')).toBe(true);
    connect(false);
    expect(await failure('mapping.refreshProperties', { workspaceId })).toMatchObject({ code: 'not_connected' });
  });

  it('flags unknown and read-only properties, mismatched types and the leads\' values a dropdown would refuse', async () => {
    planField();
    for (const [plan, seats, trial] of [
      ['Pro', '3', '2026-01-05'],
      ['Pro', '1,200', '05.01.2026'],
      ['Platinum', '2', ''],
      ['Platinum', '', ''],
      ['Free', 'many', ''],
    ]) {
      services.leads.create(workspaceId, { email: `${plan}${seats}@acme.com`, custom: { plan: plan!, seats: seats!, trial: trial! } });
    }
    const settings = withRows([
      row('plan', 'custom.plan', 'plan_interest'),
      row('plan-label', 'custom.plan', 'Plan Interest'),
      row('domain', 'website', 'hs_email_domain'),
      row('seats', 'custom.seats', 'trial_start_date'),
      row('trial', 'custom.trial', 'trial_start_date'),
      row('news', 'source', 'newsletter_opt_in'),
    ]);
    const unknown = await call('mapping.check', { workspaceId, settings });
    expect(unknown.problems.map((p) => [p.tab, p.kind])).toEqual([
      ['contact', 'properties_unknown'],
      ['contact', 'duplicate_property'],
      ['company', 'properties_unknown'],
    ]);
    expect(unknown.leadCount).toBe(5);

    await call('mapping.refreshProperties', { workspaceId });
    const check = await call('mapping.check', { workspaceId, settings });
    const byRow = Object.fromEntries(check.problems.filter((p) => p.rowId).map((p) => [`${p.rowId}:${p.kind}`, p]));
    expect(Object.keys(byRow).sort()).toEqual(['domain:read_only_property', 'plan-label:unknown_property', 'plan:invalid_options', 'seats:type_mismatch', 'trial:duplicate_property', 'trial:type_mismatch']);
    expect(byRow['plan:invalid_options']).toMatchObject({
      tab: 'contact',
      severity: 'error',
      code: 'invalid_value',
      values: [{ value: 'Platinum', count: 2 }, { value: 'Pro', count: 2 }, { value: 'Free', count: 1 }],
      affectedLeads: 5,
      message: '5 leads have values that aren\'t options of Plan interest: "Platinum" (2), "Pro" (2), "Free" (1).',
    });
    expect(byRow['plan-label:unknown_property']).toMatchObject({ code: 'property_missing', suggestion: { property: 'plan_interest', label: 'Plan interest' }, fix: 'Map to plan_interest.' });
    expect(byRow['domain:read_only_property']).toMatchObject({ code: 'invalid_value', message: 'Email Domain (hs_email_domain) is read-only: HubSpot refuses writes to it.' });
    // A number field onto a date property: the leads' numbers are what a push would meet.
    expect(byRow['seats:type_mismatch']).toMatchObject({
      severity: 'error',
      message: '4 leads have values that Trial start date (a date) would refuse: "1,200" (1), "2" (1), "3" (1), "many" (1).',
      fix: 'Add the Date format transform, or fix the leads.',
    });
    // The trial dates: one isn't YYYY-MM-DD (no Date format transform yet).
    expect(byRow['trial:type_mismatch']).toMatchObject({ severity: 'error', values: [{ value: '05.01.2026', count: 1 }], affectedLeads: 1 });
    // No lead has a source, so the bool property finds nothing to refuse.
    expect(check.problems.some((p) => p.rowId === 'news')).toBe(false);

    // A value map and the Date format transform fix them.
    const fixed = withRows([
      row('plan', 'custom.plan', 'plan_interest', { transforms: [{ kind: 'valueMap', entries: [{ from: 'Platinum', to: 'enterprise' }, { from: 'Pro', to: 'professional' }, { from: 'Free', to: 'starter' }], fallback: { mode: 'keep', value: '' } }] }),
      row('trial', 'custom.trial', 'trial_start_date', { transforms: [{ kind: 'date', order: 'dmy' }] }),
    ]);
    expect((await call('mapping.check', { workspaceId, settings: fixed })).problems).toEqual([]);
  });

  it('warns about a mapping without email, a deleted custom field and a dynamic list', async () => {
    planField();
    await call('mapping.save', { workspaceId, settings: withRows([row('plan', 'custom.plan', 'message'), row('seats', 'custom.seats', 'newsletter_opt_in')]) });
    services.leads.deleteField(workspaceId, 'plan');
    await call('mapping.refreshProperties', { workspaceId });
    const settings = (await call('mapping.get', { workspaceId })).settings;
    settings.contact.rows = settings.contact.rows.filter((r) => r.property !== 'email');
    settings.list = { listId: '2', listName: 'Customers', processingType: 'DYNAMIC' };
    const { problems } = await call('mapping.check', { workspaceId, settings });
    const kinds = problems.map((p) => [p.tab, p.kind, p.rowId]);
    // No lead has seats yet: the field's declared type is all there is to go by.
    expect(problems.find((p) => p.rowId === 'seats')).toMatchObject({ severity: 'warning', message: 'Seats is a number field, but Newsletter opt-in is a true/false property.' });
    expect(kinds).toEqual([
      ['contact', 'unknown_field', 'plan'],
      ['contact', 'duplicate_property', 'plan'],
      ['contact', 'type_mismatch', 'seats'],
      ['contact', 'no_email_mapping', null],
      ['lists', 'dynamic_list', null],
    ]);
  });

  it('previews what a lead becomes with the current definitions', async () => {
    await call('mapping.refreshProperties', { workspaceId });
    await call('leads.updateSettings', { workspaceId, defaultCountry: 'US' });
    const lead = services.leads.create(workspaceId, { firstName: 'Ada', email: 'Ada@Acme.com', phone: '(415) 555-0123', company: 'Acme' });
    const preview = await call('mapping.preview', { workspaceId, leadId: lead.id });
    expect(preview.identity).toEqual({ email: 'ada@acme.com', phone: '+14155550123' });
    expect(preview.company?.match).toEqual({ domain: 'acme.com', domainSource: 'email', name: 'Acme' });
    expect(preview.skip).toEqual([]);
    const { map } = services.mapping.mapper(workspaceId);
    expect(map(lead)).toEqual(preview);
  });
});

describe('lists', () => {
  it('reads the portal\'s contact lists, flags dynamic ones and keeps them for offline use', async () => {
    expect(await call('mapping.lists', { workspaceId })).toEqual({ fetchedAt: null, lists: [] });
    const view = await call('mapping.lists', { workspaceId, refresh: true });
    expect(view.fetchedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(view.lists.map((l) => [l.name, l.processingType, l.static])).toEqual([
      ['Customers', 'DYNAMIC', false],
      ['Newsletter subscribers', 'MANUAL', true],
    ]);
    expect(view.lists.every((l) => typeof l.size === 'number')).toBe(true);
    connect(false);
    expect(await call('mapping.lists', { workspaceId })).toEqual(view);
    expect(await failure('mapping.lists', { workspaceId, refresh: true })).toMatchObject({ code: 'not_connected' });
  });
});
