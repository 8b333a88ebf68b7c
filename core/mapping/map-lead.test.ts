import { describe, expect, it } from 'vitest';
import { COMPANY_PROPERTIES, CONTACT_PROPERTIES, property } from '../../test/harness/mapping-catalogue.ts';
import { type MappingRow, PushSettings, type PushSettingsInput } from '../contract/mapping.ts';
import { defaultPushSettings } from './default-settings.ts';
import { createLeadMapper, type MappableLead, mapLead, type MappingCatalogue, resolveWrites } from './map-lead.ts';

const catalogue: MappingCatalogue = { contacts: CONTACT_PROPERTIES, companies: COMPANY_PROPERTIES };

function lead(values: Partial<MappableLead> = {}): MappableLead {
  return {
    id: '1',
    firstName: '',
    lastName: '',
    email: '',
    phone: '',
    company: '',
    jobTitle: '',
    website: '',
    notes: '',
    source: '',
    owner: '',
    custom: {},
    ...values,
  };
}

const ADA = lead({
  firstName: ' Ada ',
  lastName: 'Lovelace',
  email: ' Ada@Analytical.Engines ',
  phone: '(415) 555-0123',
  company: 'Analytical Engines',
  jobTitle: 'Countess',
  website: 'https://www.analytical.engines/about',
  notes: 'Met at the demo.',
});

const row = (id: string, source: MappingRow['source'], prop: string, extra: Partial<MappingRow> = {}): MappingRow => ({
  id,
  source,
  property: prop,
  enabled: true,
  transforms: [],
  updateRule: 'overwrite',
  ...extra,
});

/** Default settings with some parts replaced. */
function settings(patch: Partial<PushSettingsInput> = {}): PushSettings {
  return PushSettings.parse({ ...defaultPushSettings(), ...patch });
}

const withContactRows = (rows: MappingRow[], patch: Partial<PushSettingsInput> = {}) => settings({ contact: { rows }, ...patch });

describe('mapLead with the default settings', () => {
  it('maps every standard field onto its contact property, notes into message, with transforms applied', () => {
    const mapped = mapLead(ADA, defaultPushSettings(), catalogue, { defaultCountry: 'US' });
    expect(mapped.skip).toEqual([]);
    expect(mapped.problems).toEqual([]);
    expect(Object.fromEntries(mapped.contact.properties.map((p) => [p.property, p.value]))).toEqual({
      email: 'ada@analytical.engines',
      firstname: 'Ada',
      lastname: 'Lovelace',
      phone: '+14155550123',
      company: 'Analytical Engines',
      jobtitle: 'Countess',
      website: 'https://www.analytical.engines/about',
      message: 'Met at the demo.',
    });
    expect(mapped.contact.properties.find((p) => p.property === 'message')).toEqual({ property: 'message', value: 'Met at the demo.', updateRule: 'overwrite', rowId: 'notes', source: 'notes' });
    expect(mapped.identity).toEqual({ email: 'ada@analytical.engines', phone: '+14155550123' });
    expect(mapped.company).toEqual({
      properties: [
        { property: 'name', value: 'Analytical Engines', updateRule: 'overwrite', rowId: 'company-name', source: 'company' },
        { property: 'domain', value: 'analytical.engines', updateRule: 'overwrite', rowId: 'company-domain', source: 'website' },
      ],
      match: { domain: 'analytical.engines', domainSource: 'mapping', name: 'Analytical Engines' },
    });
  });

  it('is deterministic and leaves its inputs untouched', () => {
    const s = defaultPushSettings();
    const before = JSON.stringify([ADA, s, catalogue]);
    const first = mapLead(ADA, s, catalogue, { defaultCountry: 'US' });
    const second = createLeadMapper(s, catalogue, { defaultCountry: 'US' })(ADA);
    expect(second).toEqual(first);
    expect(JSON.stringify([ADA, s, catalogue])).toBe(before);
  });

  it('never writes empty values: an empty lead field does not clear HubSpot', () => {
    const mapped = mapLead(lead({ email: 'a@b.co', firstName: '   ' }), defaultPushSettings(), catalogue);
    expect(mapped.contact.properties.map((p) => p.property)).toEqual(['email']);
  });
});

describe('rows', () => {
  it('carries each row\'s update rule, skips disabled rows, and reads custom fields', () => {
    const s = withContactRows([
      row('e', 'email', 'email', { updateRule: 'neverOverwrite' }),
      row('f', 'firstName', 'firstname', { updateRule: 'fillIfEmpty' }),
      row('l', 'lastName', 'lastname', { enabled: false }),
      row('p', 'custom.plan', 'plan_interest', { transforms: [{ kind: 'lowercase' }] }),
    ]);
    const mapped = mapLead(lead({ email: 'a@b.co', firstName: 'Ada', lastName: 'L', custom: { plan: 'PRO' } }), s, catalogue);
    expect(mapped.contact.properties.map((p) => [p.property, p.value, p.updateRule])).toEqual([
      ['email', 'a@b.co', 'neverOverwrite'],
      ['firstname', 'Ada', 'fillIfEmpty'],
      ['plan_interest', 'pro', 'overwrite'],
    ]);
    expect(mapped.problems).toEqual([]);
  });

  it('uses a later row for the same property only when the earlier ones are empty', () => {
    const s = withContactRows([row('e', 'email', 'email'), row('m', 'custom.mobile', 'phone'), row('p', 'phone', 'phone')]);
    const withMobile = mapLead(lead({ email: 'a@b.co', phone: '+1 415 555 0000', custom: { mobile: '+1 415 555 1111' } }), s, catalogue);
    expect(withMobile.contact.properties.filter((p) => p.property === 'phone')).toEqual([{ property: 'phone', value: '+1 415 555 1111', updateRule: 'overwrite', rowId: 'm', source: 'custom.mobile' }]);
    const withoutMobile = mapLead(lead({ email: 'a@b.co', phone: '+1 415 555 0000' }), s, catalogue);
    expect(withoutMobile.contact.properties.find((p) => p.property === 'phone')?.rowId).toBe('p');
  });

  it('splits a full name held in one field into first and last name rows', () => {
    const s = withContactRows([
      row('e', 'email', 'email'),
      row('first', 'custom.full_name', 'firstname', { transforms: [{ kind: 'splitName', part: 'first' }] }),
      row('last', 'custom.full_name', 'lastname', { transforms: [{ kind: 'splitName', part: 'last' }] }),
    ]);
    const mapped = mapLead(lead({ email: 'g@navy.mil', custom: { full_name: 'Grace Brewster Hopper' } }), s, catalogue);
    expect(mapped.contact.properties.slice(1).map((p) => p.value)).toEqual(['Grace Brewster', 'Hopper']);
  });

  it('formats dates for the target property type and maps dropdown values', () => {
    const s = withContactRows([
      row('e', 'email', 'email'),
      row('d', 'custom.trial', 'trial_start_date', { transforms: [{ kind: 'date', order: 'dmy' }] }),
      row('t', 'custom.demo', 'last_demo_at', { transforms: [{ kind: 'date', order: 'auto' }] }),
      row('n', 'custom.news', 'newsletter_opt_in', { transforms: [{ kind: 'valueMap', entries: [{ from: 'yes', to: 'true' }, { from: 'no', to: 'false' }], fallback: { mode: 'empty', value: '' } }] }),
    ]);
    const mapped = mapLead(lead({ email: 'a@b.co', custom: { trial: '02/03/2026', demo: '2026-03-02 15:30', news: 'Yes' } }), s, catalogue);
    expect(mapped.contact.properties.map((p) => p.value)).toEqual(['a@b.co', '2026-03-02', '2026-03-02T15:30:00.000Z', 'true']);
    expect(mapped.problems).toEqual([]);
    const unknown = mapLead(lead({ email: 'a@b.co', custom: { news: 'perhaps' } }), s, catalogue);
    expect(unknown.contact.properties.map((p) => p.property)).toEqual(['email']);
  });
});

describe('skip reasons', () => {
  it('skips leads without an email unless syncing without one is on', () => {
    const noEmail = lead({ firstName: 'Ada', phone: '+14155550123' });
    expect(mapLead(noEmail, defaultPushSettings(), catalogue).skip.map((s) => s.code)).toEqual(['no_email']);
    expect(mapLead(noEmail, defaultPushSettings(), catalogue).skip[0]!.message).toMatch(/Sync leads without an email/);
    const allowed = settings({ advanced: { syncWithoutEmail: true, phoneFallback: true } });
    const mapped = mapLead(noEmail, allowed, catalogue);
    expect(mapped.skip).toEqual([]);
    expect(mapped.identity).toEqual({ email: null, phone: '+14155550123' });
  });

  it('says so when no enabled row writes the email property at all', () => {
    const s = withContactRows([row('f', 'firstName', 'firstname'), row('e', 'email', 'email', { enabled: false })]);
    const mapped = mapLead(lead({ firstName: 'Ada', email: 'ada@x.io' }), s, catalogue);
    expect(mapped.skip).toEqual([{ code: 'no_email', message: expect.stringMatching(/No enabled mapping writes the email property/) }]);
  });

  it('has nothing to sync when every enabled contact mapping is empty', () => {
    const mapped = mapLead(lead({ source: 'webinar', custom: { x: '1' } }), defaultPushSettings(), catalogue);
    expect(mapped.skip.map((s) => s.code)).toEqual(['no_email', 'nothing_to_sync']);
    const allowed = mapLead(lead({ source: 'webinar' }), settings({ advanced: { syncWithoutEmail: true } }), catalogue);
    expect(allowed.skip.map((s) => s.code)).toEqual(['nothing_to_sync']);
    expect(allowed.skip[0]!.message).toMatch(/Every enabled field mapping is empty/);
  });

  it('excludes leads the inclusion filter does not match, with each operator and AND / OR', () => {
    const base = lead({ email: 'a@b.co', source: 'Webinar 2026', custom: { region: 'EMEA' } });
    const check = (filter: PushSettingsInput['filter']) => mapLead(base, settings({ filter }), catalogue).skip.map((s) => s.code);
    expect(check({ enabled: true, match: 'all', rules: [{ field: 'source', op: 'equals', value: ' webinar 2026 ' }] })).toEqual([]);
    expect(check({ enabled: true, match: 'all', rules: [{ field: 'source', op: 'equals', value: 'webinar' }] })).toEqual(['excluded_by_filter']);
    expect(check({ enabled: true, match: 'all', rules: [{ field: 'source', op: 'contains', value: 'WEBINAR' }] })).toEqual([]);
    expect(check({ enabled: true, match: 'all', rules: [{ field: 'phone', op: 'isEmpty', value: '' }] })).toEqual([]);
    expect(check({ enabled: true, match: 'all', rules: [{ field: 'phone', op: 'isNotEmpty', value: '' }] })).toEqual(['excluded_by_filter']);
    expect(check({ enabled: true, match: 'all', rules: [{ field: 'custom.region', op: 'equals', value: 'emea' }, { field: 'custom.tier', op: 'isNotEmpty', value: '' }] })).toEqual(['excluded_by_filter']);
    expect(check({ enabled: true, match: 'any', rules: [{ field: 'custom.region', op: 'equals', value: 'emea' }, { field: 'custom.tier', op: 'isNotEmpty', value: '' }] })).toEqual([]);
    // Off, or on without rules: everything passes.
    expect(check({ enabled: false, match: 'all', rules: [{ field: 'source', op: 'equals', value: 'nope' }] })).toEqual([]);
    expect(check({ enabled: true, match: 'all', rules: [] })).toEqual([]);
    const message = mapLead(base, settings({ filter: { enabled: true, match: 'any', rules: [{ field: 'source', op: 'equals', value: 'fair' }, { field: 'phone', op: 'isNotEmpty', value: '' }] } }), catalogue).skip[0]!.message;
    expect(message).toBe('Excluded by the inclusion filter: only leads where Source is "fair" or Phone is not empty are pushed.');
  });

  it('lists every reason that applies, filter first', () => {
    const s = settings({ filter: { enabled: true, match: 'all', rules: [{ field: 'source', op: 'isNotEmpty', value: '' }] } });
    expect(mapLead(lead(), s, catalogue).skip.map((r) => r.code)).toEqual(['excluded_by_filter', 'no_email', 'nothing_to_sync']);
  });
});

describe('property problems', () => {
  const problemsFor = (rows: MappingRow[], values: Partial<MappableLead>) => mapLead(lead({ email: 'a@b.co', ...values }), withContactRows([row('e', 'email', 'email'), ...rows]), catalogue).problems;

  it('names a property that does not exist, suggesting the internal name when its label was typed', () => {
    const [problem] = problemsFor([row('p', 'custom.plan', 'Plan Interest')], { custom: { plan: 'pro' } });
    expect(problem).toEqual({
      object: 'contact',
      rowId: 'p',
      property: 'Plan Interest',
      source: 'custom.plan',
      value: 'pro',
      kind: 'property_missing',
      severity: 'error',
      code: 'property_missing',
      message: 'The contact property "Plan Interest" doesn\'t exist in this HubSpot portal. "Plan interest" is the label of "plan_interest": map to the internal name.',
      suggestion: 'plan_interest',
    });
    expect(problemsFor([row('p', 'custom.plan', 'plan-interest')], { custom: { plan: 'pro' } })[0]!.suggestion).toBe('plan_interest');
    const typo = problemsFor([row('p', 'custom.plan', 'plan_intrest')], { custom: { plan: 'pro' } })[0]!;
    expect(typo.kind).toBe('property_missing');
    expect(typo.suggestion).toBeUndefined();
  });

  it('refuses read-only and calculated properties', () => {
    const problems = problemsFor([row('r', 'website', 'hs_email_domain'), row('c', 'custom.deals', 'num_associated_deals')], { website: 'x.io', custom: { deals: '3' } });
    expect(problems.map((p) => [p.property, p.kind, p.code, p.message])).toEqual([
      ['hs_email_domain', 'read_only', 'invalid_value', "Email Domain (hs_email_domain) is read-only; its value can't be set."],
      ['num_associated_deals', 'read_only', 'invalid_value', "Number of Associated Deals (num_associated_deals) is calculated by HubSpot; its value can't be set."],
    ]);
  });

  it('flags values that are not options of a dropdown, naming the option whose label was used', () => {
    const [wrong] = problemsFor([row('p', 'custom.plan', 'plan_interest')], { custom: { plan: 'Platinum' } });
    expect(wrong).toMatchObject({ kind: 'invalid_option', code: 'invalid_value', value: 'Platinum' });
    expect(wrong!.message).toBe('"Platinum" isn\'t one of the options of Plan interest (free, starter, pro, enterprise).');
    const [label] = problemsFor([row('p', 'custom.plan', 'plan_interest')], { custom: { plan: 'Pro' } });
    expect(label!.message).toMatch(/It matches the option "Pro", whose internal value is "pro": add a value map\./);
    expect(problemsFor([row('b', 'custom.roles', 'hs_buying_role')], { custom: { roles: 'CHAMPION;END_USER' } })).toEqual([]);
    expect(problemsFor([row('b', 'custom.roles', 'hs_buying_role')], { custom: { roles: 'CHAMPION;BOSS' } })[0]!.message).toMatch(/^"BOSS" isn't one of the options/);
    // Owners' options live elsewhere: not checked locally.
    expect(problemsFor([row('o', 'owner', 'hubspot_owner_id')], { owner: '123' })).toEqual([]);
  });

  it('checks numbers, dates, datetimes, booleans, email addresses and length', () => {
    const kinds = (rows: MappingRow[], values: Partial<MappableLead>) => problemsFor(rows, values).map((p) => [p.property, p.kind]);
    const rows = [
      row('n', 'custom.seats', 'seats'),
      row('d', 'custom.trial', 'trial_start_date'),
      row('t', 'custom.demo', 'last_demo_at'),
      row('b', 'custom.news', 'newsletter_opt_in'),
      row('m', 'notes', 'message'),
    ];
    expect(kinds(rows, { custom: { seats: '1,200', trial: '31.03.2026', demo: 'yesterday', news: 'yes' }, notes: 'x'.repeat(65_537) })).toEqual([
      ['seats', 'invalid_number'],
      ['trial_start_date', 'invalid_date'],
      ['last_demo_at', 'invalid_datetime'],
      ['newsletter_opt_in', 'invalid_bool'],
      ['message', 'too_long'],
    ]);
    expect(kinds(rows, { custom: { seats: '1200.5', trial: '2026-03-31', demo: '2026-03-31T10:00:00Z', news: 'TRUE' }, notes: 'ok' })).toEqual([]);
    expect(kinds(rows, { custom: { trial: '1774915200000', demo: '1774951200000' } })).toEqual([]);
    expect(kinds(rows, { custom: { trial: '1774951200000' } })).toEqual([['trial_start_date', 'invalid_date']]);
    expect(kinds(rows, { custom: { trial: '2026-02-30' } })).toEqual([['trial_start_date', 'invalid_date']]);
    const bad = mapLead(lead({ email: 'ada@analytical' }), defaultPushSettings(), catalogue).problems;
    expect(bad.map((p) => [p.property, p.kind])).toEqual([['email', 'invalid_email']]);
  });

  it('keeps a value a transform could not convert, with a warning, and lets the type check speak', () => {
    const rows = [row('d', 'custom.trial', 'trial_start_date', { transforms: [{ kind: 'date', order: 'auto' }] }), row('p', 'phone', 'phone', { transforms: [{ kind: 'phoneE164' }] })];
    const problems = problemsFor(rows, { custom: { trial: '03/04/2026' }, phone: '555 0123' });
    expect(problems.map((p) => [p.property, p.kind, p.severity])).toEqual([
      ['trial_start_date', 'transform_failed', 'warning'],
      ['trial_start_date', 'invalid_date', 'error'],
      ['phone', 'transform_failed', 'warning'],
    ]);
    expect(problems[0]!.message).toMatch(/^trial: "03\/04\/2026" could be/);
  });

  it('checks nothing when the definitions were never read', () => {
    const mapped = mapLead(lead({ email: 'a@b.co', custom: { plan: 'Platinum' } }), withContactRows([row('e', 'email', 'email'), row('p', 'custom.plan', 'Plan Interest')]), { contacts: null, companies: null });
    expect(mapped.problems).toEqual([]);
    expect(mapped.contact.properties).toHaveLength(2);
  });

  it('keeps values with problems in the properties: the caller decides', () => {
    const mapped = mapLead(lead({ email: 'a@b.co', custom: { plan: 'Platinum' } }), withContactRows([row('e', 'email', 'email'), row('p', 'custom.plan', 'plan_interest')]), catalogue);
    expect(mapped.contact.properties.map((p) => p.property)).toEqual(['email', 'plan_interest']);
  });
});

describe('company', () => {
  const companyOnly = (rows: MappingRow[], values: Partial<MappableLead>, patch: Partial<PushSettingsInput> = {}) =>
    mapLead(lead({ email: 'a@b.co', ...values }), settings({ company: { enabled: true, rows, onFailure: 'skip' }, ...patch }), catalogue).company;

  it('is null when the company step is off', () => {
    expect(mapLead(ADA, settings({ company: { enabled: false } }), catalogue).company).toBeNull();
  });

  it('matches by the website\'s domain first, then the email\'s unless it is free mail, then by name', () => {
    expect(companyOnly([], { website: 'https://www.acme.com/x', email: 'ada@other.io', company: 'Acme' })!.match).toEqual({ domain: 'acme.com', domainSource: 'website', name: 'Acme' });
    expect(companyOnly([], { email: 'Ada@Acme.com', company: 'Acme' })!.match).toEqual({ domain: 'acme.com', domainSource: 'email', name: 'Acme' });
    expect(companyOnly([], { email: 'ada@gmail.com', company: 'Acme' })!.match).toEqual({ domain: null, domainSource: null, name: 'Acme' });
    expect(companyOnly([], { email: 'ada@yahoo.co.uk', company: '' })!.match).toEqual({ domain: null, domainSource: null, name: null });
    expect(companyOnly([], { email: 'a@b.co', website: 'not a site', company: '' })!.match).toEqual({ domain: 'b.co', domainSource: 'email', name: null });
  });

  it('adds the match keys as fill-if-empty properties when no row writes them', () => {
    const company = companyOnly([row('ind', 'custom.industry', 'industry')], { email: 'ada@acme.com', company: 'Acme', custom: { industry: 'RETAIL' } })!;
    expect(company.properties).toEqual([
      { property: 'industry', value: 'RETAIL', updateRule: 'overwrite', rowId: 'ind', source: 'custom.industry' },
      { property: 'name', value: 'Acme', updateRule: 'fillIfEmpty', rowId: null, source: null },
      { property: 'domain', value: 'acme.com', updateRule: 'fillIfEmpty', rowId: null, source: null },
    ]);
    expect(companyOnly([], { email: 'ada@gmail.com' })!.properties).toEqual([]);
  });

  it('checks company rows against the company properties', () => {
    const mapped = mapLead(
      lead({ email: 'a@acme.com', company: 'Acme', custom: { size: 'about 50', industry: 'Software' } }),
      settings({ company: { enabled: true, onFailure: 'fail', rows: [row('n', 'company', 'name'), row('s', 'custom.size', 'numberofemployees'), row('i', 'custom.industry', 'industry'), row('x', 'company', 'num_associated_contacts'), row('y', 'company', 'company_slogan')] } }),
      catalogue,
    );
    expect(mapped.problems.map((p) => [p.object, p.property, p.kind])).toEqual([
      ['company', 'numberofemployees', 'invalid_number'],
      ['company', 'industry', 'invalid_option'],
      ['company', 'num_associated_contacts', 'read_only'],
      ['company', 'company_slogan', 'property_missing'],
    ]);
  });

  it('uses a mapped domain value as the first match key', () => {
    const company = companyOnly([row('d', 'custom.corp_site', 'domain', { transforms: [{ kind: 'domain' }] })], { website: 'https://blog.example.org', custom: { corp_site: 'https://www.acme.com' } })!;
    expect(company.match).toMatchObject({ domain: 'acme.com', domainSource: 'mapping' });
  });
});

describe('resolveWrites', () => {
  const props = [
    { property: 'a', value: '1', updateRule: 'overwrite' as const, rowId: 'a', source: null },
    { property: 'b', value: '2', updateRule: 'fillIfEmpty' as const, rowId: 'b', source: null },
    { property: 'c', value: '3', updateRule: 'neverOverwrite' as const, rowId: 'c', source: null },
  ];
  it('writes everything on create', () => {
    expect(resolveWrites(props, null)).toEqual({ a: '1', b: '2', c: '3' });
  });
  it('on update: overwrites, fills only empty values, never touches set-on-create values', () => {
    expect(resolveWrites(props, { a: 'x', b: 'y', c: 'z' })).toEqual({ a: '1' });
    expect(resolveWrites(props, { a: null, b: '', c: null })).toEqual({ a: '1', b: '2' });
    expect(resolveWrites(props, {})).toEqual({ a: '1', b: '2' });
  });
});

describe('definitions from the portal', () => {
  it('handles a property list with unusual types without failing', () => {
    const odd = { contacts: [property('email', 'Email'), property('geo', 'Geo', 'object_coordinates', 'text')], companies: [] };
    const mapped = mapLead(lead({ email: 'a@b.co', custom: { geo: '1,2' } }), withContactRows([row('e', 'email', 'email'), row('g', 'custom.geo', 'geo')]), odd);
    expect(mapped.problems).toEqual([]);
  });
});
