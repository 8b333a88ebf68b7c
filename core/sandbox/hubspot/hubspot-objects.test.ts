import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specs } from '../../../test/harness/openapi.ts';
import { startTestSandbox, type TestSandbox } from '../../../test/harness/hubspot-sandbox.ts';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.stop();
});

const objects = specs.objects();
const contactsSpec = specs.contacts();

/** The SDK throws ApiException {code, body, headers}; this returns it for assertions. */
async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: any; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: number; body: any; headers: Record<string, string> };
  }
  throw new Error('expected the call to fail');
}

describe('CRM objects: single-record routes', () => {
  it('creates a contact (201) with the SDK and reads it back by id and by email', async () => {
    const hs = sb.client();
    const created = await hs.crm.contacts.basicApi.create({ properties: { email: 'Ada@Example.com', firstname: 'Ada', lifecyclestage: 'lead' }, associations: [] });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada', hs_object_id: created.id, hs_email_domain: 'example.com' });
    expect(created.createdAt).toBeInstanceOf(Date);

    const raw = await sb.call('GET', `/crm/v3/objects/contacts/${created.id}`);
    expect(raw.status).toBe(200);
    objects.response('GET', '/crm/v3/objects/{objectType}/{objectId}', 200, raw.body);
    expect(Object.keys(raw.body.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
    expect(raw.body.properties.lastname).toBeNull();
    expect(raw.headers.get('x-hubspot-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(raw.headers.get('content-type')).toBe('application/json;charset=utf-8');

    const byEmail = await hs.crm.contacts.basicApi.getById('ADA@example.com', ['phone', 'nope'], undefined, undefined, false, 'email');
    expect(byEmail.id).toBe(created.id);
    expect(byEmail.properties).toHaveProperty('phone', null);
    expect(byEmail.properties).not.toHaveProperty('nope');
  });

  it('answers a non-numeric id with the "usually numeric" 404 and an unknown id with OBJECT_NOT_FOUND', async () => {
    const res = await sb.call('GET', '/crm/v3/objects/contacts/someone%40example.com');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Object not found.  objectId are usually numeric.');
    expect(res.body.context).toEqual({ id: ['someone%40example.com'] });
    expect(res.headers.get('x-hubspot-correlation-id')).toBe(res.body.correlationId);
    objects.response('GET', '/crm/v3/objects/{objectType}/{objectId}', 404, res.body);
    const missing = await apiError(sb.client().crm.contacts.basicApi.getById('999999999'));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
  });

  it('lists with limit, after = next id, paging link, properties as repeated keys or a comma list', async () => {
    const hs = sb.client();
    const made = await hs.crm.companies.batchApi.create({
      inputs: Array.from({ length: 12 }, (_, i) => ({ properties: { name: `Paging Co ${i}`, domain: `paging${i}.example.com` }, associations: [] })),
    });
    expect(made.results).toHaveLength(12);
    const first = await sb.call('GET', '/crm/v3/objects/companies?limit=5&properties=name&properties=industry');
    objects.response('GET', '/crm/v3/objects/{objectType}', 200, first.body);
    expect(first.body.results).toHaveLength(5);
    expect(Object.keys(first.body.results[0].properties).sort()).toEqual(['createdate', 'hs_lastmodifieddate', 'hs_object_id', 'industry', 'name']);
    const next = first.body.paging.next;
    expect(Number(next.after)).toBe(Number(first.body.results[4].id) + 1);
    expect(next.link).toContain(`after=${next.after}`);
    const second = await sb.call('GET', `/crm/v3/objects/companies?limit=5&after=${next.after}&properties=name,domain`);
    expect(Number(second.body.results[0].id)).toBeGreaterThan(Number(first.body.results[4].id));
    expect(second.body.results[0].properties).toHaveProperty('domain');
    const defaults = await sb.call('GET', '/crm/v3/objects/companies');
    expect(defaults.body.results).toHaveLength(10);
    expect((await sb.call('GET', '/crm/v3/objects/companies?limit=101')).status).toBe(400);
    // The SDK's getAll pages through everything with limit 100.
    const all = await hs.crm.companies.getAll();
    expect(all.length).toBeGreaterThanOrEqual(12);
  });

  it('serves 0-1 / CONTACT aliases and the dated path', async () => {
    for (const alias of ['0-1', 'CONTACT', 'contact']) expect((await sb.call('GET', `/crm/v3/objects/${alias}?limit=1`)).status).toBe(200);
    expect((await sb.call('GET', '/crm/objects/2026-03/contacts?limit=1')).status).toBe(200);
    const bad = await sb.call('GET', '/crm/v3/objects/widgets');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('Unable to infer object type from: widgets');
  });

  it('updates with PATCH, "" clears, and archive is 204 and idempotent', async () => {
    const hs = sb.client();
    const c = await hs.crm.contacts.basicApi.create({ properties: { email: 'clear@example.com', phone: '123', jobtitle: 'CTO' }, associations: [] });
    const updated = await hs.crm.contacts.basicApi.update(c.id, { properties: { phone: '', jobtitle: 'CEO' } });
    expect(updated.properties.phone).toBeUndefined();
    expect(updated.properties.jobtitle).toBe('CEO');
    expect(new Date(updated.properties.lastmodifieddate!).getTime()).toBeGreaterThanOrEqual(new Date(c.properties.lastmodifieddate!).getTime());
    const byEmail = await sb.call('PATCH', '/crm/v3/objects/contacts/clear%40example.com?idProperty=email', { body: { properties: { city: 'Oslo' } } });
    expect(byEmail.status).toBe(200);
    objects.response('PATCH', '/crm/v3/objects/{objectType}/{objectId}', 200, byEmail.body);
    contactsSpec.response('PATCH', '/crm/v3/objects/contacts/{contactId}', 200, byEmail.body);
    expect(byEmail.body.properties.city).toBe('Oslo');
    const byId = await sb.call('PATCH', `/crm/v3/objects/contacts/${c.id}`, { body: { properties: { jobtitle: 'CFO' } } });
    expect(byId.status).toBe(200);
    objects.response('PATCH', '/crm/v3/objects/{objectType}/{objectId}', 200, byId.body);
    const archive = await sb.call('DELETE', `/crm/v3/objects/contacts/${c.id}`);
    expect(archive.status).toBe(204);
    objects.response('DELETE', '/crm/v3/objects/{objectType}/{objectId}', 204, archive.body);
    contactsSpec.response('DELETE', '/crm/v3/objects/contacts/{contactId}', 204, archive.body);
    expect((await sb.call('DELETE', `/crm/v3/objects/contacts/${c.id}`)).status).toBe(204);
    expect((await sb.call('DELETE', '/crm/v3/objects/contacts/987654321')).status).toBe(204);
    expect((await sb.call('GET', `/crm/v3/objects/contacts/${c.id}`)).status).toBe(404);
    const archived = await sb.call('GET', `/crm/v3/objects/contacts/${c.id}?archived=true`);
    expect(archived.body).toMatchObject({ archived: true });
    expect(archived.body.archivedAt).toBeDefined();
    const listArchived = await sb.call('GET', '/crm/v3/objects/contacts?archived=true&limit=100');
    expect(listArchived.body.results.map((r: { id: string }) => r.id)).toContain(c.id);
    // The email is free again once the contact is archived.
    expect((await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { email: 'clear@example.com' } } })).status).toBe(201);
  });
});

describe('CRM objects: validation and uniqueness', () => {
  it('lists every invalid property, in the message JSON and in errors[]', async () => {
    const res = await sb.call('POST', '/crm/v3/objects/contacts', {
      body: { properties: { email: 'example.lcom', testproperty: 'x', lifecyclestage: 'Customer', num_associated_deals: '3', hs_buying_role: 'CHAMPION;NOPE' } },
    });
    expect(res.status).toBe(400);
    contactsSpec.response('POST', '/crm/v3/objects/contacts', 400, res.body);
    expect(res.body.category).toBe('VALIDATION_ERROR');
    expect(res.body.message.startsWith('Property values were not valid: [')).toBe(true);
    const legacy = JSON.parse(res.body.message.slice('Property values were not valid: '.length));
    expect(legacy.map((p: { error: string }) => p.error).sort()).toEqual(['INVALID_EMAIL', 'INVALID_OPTION', 'INVALID_OPTION', 'PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE']);
    expect(legacy.find((p: { name: string }) => p.name === 'testproperty')).toMatchObject({ isValid: false, message: 'Property "testproperty" does not exist', portalId: sb.portal.portalId });
    expect(legacy.find((p: { name: string }) => p.name === 'email').message).toBe('Email address example.lcom is invalid');
    expect(res.body.errors).toHaveLength(5);
    expect(res.body.errors[0]).toMatchObject({ code: expect.any(String), context: { propertyName: [expect.any(String)] } });
    expect(res.body.errors.find((e: { code: string }) => e.code === 'INVALID_OPTION').message).toMatch(/^Customer was not one of the allowed options: \[subscriber, lead/);
    expect(Object.keys(res.body)).toEqual(['status', 'message', 'correlationId', 'errors', 'category']);
  });

  it('checks numbers, dates at midnight, datetimes, booleans and string length', async () => {
    const hs = sb.client();
    await hs.crm.properties.coreApi.create('contacts', { name: 'renewal_date', label: 'Renewal date', type: 'date' as never, fieldType: 'date' as never, groupName: 'contactinformation' });
    await hs.crm.properties.coreApi.create('contacts', { name: 'vip', label: 'VIP', type: 'bool' as never, fieldType: 'booleancheckbox' as never, groupName: 'contactinformation' });
    const bad = await sb.call('POST', '/crm/v3/objects/deals', { body: { properties: { dealname: 'D', amount: '1,000', closedate: 'soon' } } });
    expect(bad.body.errors.map((e: { code: string }) => e.code).sort()).toEqual(['INVALID_INTEGER', 'INVALID_LONG']);
    const date = await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { renewal_date: '1606768561954', vip: 'yes', website: 'x'.repeat(65_537) } } });
    const byName = Object.fromEntries(date.body.errors.map((e: { code: string; message: string; context: { propertyName: string[] } }) => [e.context.propertyName[0], e]));
    expect(byName.renewal_date).toMatchObject({ code: 'INVALID_DATE', message: '1606768561954 is at 20:36:1.954 UTC, not midnight!' });
    expect(byName.vip.code).toBe('INVALID_BOOLEAN');
    expect(byName.website.code).toBe('VALUE_TOO_LONG');
    const good = await hs.crm.contacts.basicApi.create({ properties: { renewal_date: '2025-05-01', vip: 'TRUE', email: 'dates@example.com' }, associations: [] });
    expect(good.properties.renewal_date).toBe('1746057600000');
    expect(good.properties.vip).toBe('true');
    const deal = await hs.crm.deals.basicApi.create({ properties: { dealname: 'Big', amount: '1500.50', closedate: '1700000000000', pipeline: 'default', dealstage: 'qualifiedtobuy' }, associations: [] });
    expect(deal.properties.closedate).toBe('2023-11-14T22:13:20.000Z');
  });

  it('accepts multi-checkbox values that are all options, and appends with a leading ";"', async () => {
    const hs = sb.client();
    const c = await hs.crm.contacts.basicApi.create({ properties: { email: 'roles@example.com', hs_buying_role: 'CHAMPION;END_USER' }, associations: [] });
    const appended = await hs.crm.contacts.basicApi.update(c.id, { properties: { hs_buying_role: ';BUDGET_HOLDER' } });
    expect(appended.properties.hs_buying_role).toBe('CHAMPION;END_USER;BUDGET_HOLDER');
  });

  it('moves lifecyclestage only forward unless cleared first', async () => {
    const hs = sb.client();
    const c = await hs.crm.contacts.basicApi.create({ properties: { email: 'stage@example.com', lifecyclestage: 'customer' }, associations: [] });
    const back = await hs.crm.contacts.basicApi.update(c.id, { properties: { lifecyclestage: 'lead' } });
    expect(back.properties.lifecyclestage).toBe('customer');
    await hs.crm.contacts.basicApi.update(c.id, { properties: { lifecyclestage: '' } });
    const again = await hs.crm.contacts.basicApi.update(c.id, { properties: { lifecyclestage: 'lead' } });
    expect(again.properties.lifecyclestage).toBe('lead');
  });

  it('refuses duplicate emails (primary or additional, any case) with 409 and takes-another-email updates with 400', async () => {
    const hs = sb.client();
    const a = await hs.crm.contacts.basicApi.create({ properties: { email: 'dup@example.com', hs_additional_emails: 'alias@example.com' }, associations: [] });
    const dup = await apiError(hs.crm.contacts.basicApi.create({ properties: { email: 'DUP@example.com' }, associations: [] }));
    expect(dup.code).toBe(409);
    contactsSpec.response('POST', '/crm/v3/objects/contacts', 409, dup.body);
    objects.response('POST', '/crm/v3/objects/{objectType}', 409, dup.body);
    expect(dup.body).toEqual({ status: 'error', message: `Contact already exists. Existing ID: ${a.id}`, correlationId: dup.headers['x-hubspot-correlation-id'], category: 'CONFLICT' });
    expect((await apiError(hs.crm.contacts.basicApi.create({ properties: { email: 'Alias@Example.com' }, associations: [] }))).body.message).toBe(`Contact already exists. Existing ID: ${a.id}`);
    const b = await hs.crm.contacts.basicApi.create({ properties: { email: 'other@example.com' }, associations: [] });
    const taken = await sb.call('PATCH', `/crm/v3/objects/contacts/${b.id}`, { body: { properties: { email: 'alias@example.com' } } });
    expect(taken.status).toBe(400);
    expect(taken.body.message).toBe(
      `Cannot set PropertyValueCoordinates{portalId=${sb.portal.portalId}, objectTypeId=ObjectTypeId{legacyObjectType=CONTACT}, propertyName=email, value=alias@example.com} on ${b.id}. ${a.id} already has that value.`,
    );
    // email EQ in search also finds the contact by its additional email.
    const found = await hs.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ' as never, value: 'ALIAS@example.com' }] }], sorts: [], properties: [], limit: 10, after: '0' });
    expect(found.results.map((r) => r.id)).toEqual([a.id]);
  });

  it('refuses malformed JSON, unknown routes and wrong methods with HubSpot-shaped JSON', async () => {
    const malformed = await sb.call('POST', '/crm/v3/objects/contacts', { raw: '{"properties": {x}}', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^Invalid input JSON on line 1, column \d+/);
    objects.response('POST', '/crm/v3/objects/{objectType}', 400, malformed.body);
    const unknown = await sb.call('GET', '/crm/v3/nothing/here');
    expect(unknown.status).toBe(404);
    objects.response('GET', '/crm/v3/objects/{objectType}', 404, unknown.body);
    const method = await sb.call('PUT', '/crm/v3/objects/contacts');
    expect(method.status).toBe(405);
    expect(method.body.category).toBe('VALIDATION_ERROR');
    expect(method.headers.get('x-hubspot-correlation-id')).toBe(method.body.correlationId);
  });
});

describe('CRM objects: batch routes', () => {
  it('batch read returns 207 with one OBJECT_NOT_FOUND error naming every missing id', async () => {
    const hs = sb.client();
    const c = await hs.crm.contacts.basicApi.create({ properties: { email: 'batchread@example.com' }, associations: [] });
    const res = await sb.call('POST', '/crm/v3/objects/contacts/batch/read', { body: { inputs: [{ id: c.id }, { id: '11111111' }, { id: '22222222' }], properties: ['email'], propertiesWithHistory: [] } });
    expect(res.status).toBe(207);
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/read', 207, res.body);
    expect(res.body.numErrors).toBe(1);
    expect(res.body.errors[0]).toMatchObject({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
      context: { ids: ['11111111', '22222222'] },
    });
    const byEmail = await hs.crm.contacts.batchApi.read({ inputs: [{ id: 'batchread@example.com' }], properties: ['email'], propertiesWithHistory: [], idProperty: 'email' });
    expect(byEmail.results[0]!.id).toBe(c.id);
    const ok = await sb.call('POST', '/crm/v3/objects/contacts/batch/read', { body: { inputs: [{ id: c.id }], properties: [], propertiesWithHistory: [] } });
    expect(ok.status).toBe(200);
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/read', 200, ok.body);
  });

  it('batch create fails whole on the first duplicate, or returns 207 per input with objectWriteTraceId', async () => {
    await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { email: 'exists1@example.com' } } });
    await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { email: 'exists2@example.com' } } });
    const before = (await sb.call('GET', '/__sandbox/state/contacts', { token: null })).body.results.length;
    const whole = await sb.call('POST', '/crm/v3/objects/contacts/batch/create', {
      body: { inputs: [{ properties: { email: 'fresh1@example.com' } }, { properties: { email: 'exists1@example.com' } }, { properties: { email: 'exists2@example.com' } }] },
    });
    expect(whole.status).toBe(409);
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/create', 409, whole.body);
    expect(whole.body).toMatchObject({ status: 'error', category: 'CONFLICT', correlationId: whole.headers.get('x-hubspot-correlation-id') });
    expect(whole.body.message).toMatch(/^Contact already exists\. Existing ID: \d+$/);
    expect((await sb.call('GET', '/__sandbox/state/contacts', { token: null })).body.results.length).toBe(before);

    const multi = await sb.call('POST', '/crm/v3/objects/contacts/batch/create', {
      body: {
        inputs: [
          { properties: { email: 'fresh2@example.com' }, objectWriteTraceId: 't1' },
          { properties: { email: 'exists1@example.com' }, objectWriteTraceId: 't2' },
          { properties: { bogus: 'x' }, objectWriteTraceId: 't3' },
        ],
      },
    });
    expect(multi.status).toBe(207);
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/create', 207, multi.body);
    expect(multi.body.results).toHaveLength(1);
    expect(multi.body.results[0]).toMatchObject({ objectWriteTraceId: 't1', properties: { email: 'fresh2@example.com' } });
    expect(multi.body.errors.map((e: { category: string; context: { objectWriteTraceId: string[] } }) => [e.category, e.context.objectWriteTraceId[0]])).toEqual([
      ['CONFLICT', 't2'],
      ['VALIDATION_ERROR', 't3'],
    ]);
    const created = await sb.call('POST', '/crm/v3/objects/contacts/batch/create', { body: { inputs: [{ properties: { email: 'fresh3@example.com' }, associations: [] }] } });
    expect(created.status).toBe(201);
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/create', 201, created.body);
  });

  it('batch update returns written + derived properties, 207 for missing ids, and 400 for one invalid input', async () => {
    const hs = sb.client();
    const a = await hs.crm.contacts.basicApi.create({ properties: { email: 'bu1@example.com', firstname: 'A', city: 'Rome' }, associations: [] });
    const res = await sb.call('POST', '/crm/v3/objects/contacts/batch/update', {
      body: { inputs: [{ id: a.id, properties: { email: 'bu1-new@example.org' } }, { id: '33333333', properties: { firstname: 'x' }, objectWriteTraceId: 'missing-1' }] },
    });
    expect(res.status).toBe(207);
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/update', 207, res.body);
    expect(Object.keys(res.body.results[0].properties).sort()).toEqual(['email', 'hs_email_domain', 'hs_object_id', 'lastmodifieddate']);
    expect(res.body.results[0].properties.hs_email_domain).toBe('example.org');
    expect(res.body.errors[0].context).toEqual({ ids: ['33333333'], objectWriteTraceId: ['missing-1'] });
    const invalid = await sb.call('POST', '/crm/v3/objects/contacts/batch/update', {
      body: { inputs: [{ id: a.id, properties: { firstname: 'Fine' } }, { id: a.id + '', properties: { lifecyclestage: 'nope' } }] },
    });
    expect(invalid.status).toBe(400);
    const single = await sb.call('POST', '/crm/v3/objects/contacts/batch/update', { body: { inputs: [{ id: a.id, properties: { lifecyclestage: 'nope' } }] } });
    expect(single.body.errors[0].code).toBe('INVALID_OPTION');
    expect((await hs.crm.contacts.basicApi.getById(a.id, ['firstname'])).properties.firstname).toBe('A');
  });

  it('upserts by email with the `new` flag, and refuses more than 100 inputs', async () => {
    const hs = sb.client();
    const existing = await hs.crm.contacts.basicApi.create({ properties: { email: 'up1@example.com', firstname: 'Old' }, associations: [] });
    const res = await hs.crm.contacts.batchApi.upsert({
      inputs: [
        { id: 'UP1@example.com', idProperty: 'email', properties: { firstname: 'New' } },
        { id: 'up2@example.com', idProperty: 'email', properties: { firstname: 'Second' } },
      ],
    });
    // The SDK model names the flag `_new`.
    const byEmail = Object.fromEntries(res.results.map((r) => [r.properties.email ?? 'up1@example.com', r]));
    expect(byEmail['up1@example.com']).toMatchObject({ id: existing.id, _new: false, properties: { firstname: 'New' } });
    expect(byEmail['up2@example.com']).toMatchObject({ _new: true, properties: { email: 'up2@example.com', firstname: 'Second' } });
    const raw = await sb.call('POST', '/crm/v3/objects/contacts/batch/upsert', { body: { inputs: [{ id: 'up3@example.com', idProperty: 'email', properties: {} }] } });
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/upsert', 200, raw.body);
    const tooMany = await sb.call('POST', '/crm/v3/objects/contacts/batch/upsert', {
      body: { inputs: Array.from({ length: 101 }, (_, i) => ({ id: `many${i}@example.com`, idProperty: 'email', properties: {} })) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/maximum number of inputs supported in a batch request is 100/);
    const dupes = await sb.call('POST', '/crm/v3/objects/contacts/batch/update', { body: { inputs: [{ id: existing.id, properties: {} }, { id: existing.id, properties: {} }] } });
    expect(dupes.body.message).toMatch(/^Duplicate IDs found in batch input/);
  });

  it('batch archive is 204 even for unknown ids', async () => {
    const c = await sb.client().crm.contacts.basicApi.create({ properties: { email: 'arch@example.com' }, associations: [] });
    const res = await sb.call('POST', '/crm/v3/objects/contacts/batch/archive', { body: { inputs: [{ id: c.id }, { id: '44444444' }] } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/archive', 204, res.body);
    expect((await sb.call('GET', `/crm/v3/objects/contacts/${c.id}`)).status).toBe(404);
  });
});

describe('CRM objects: associations at create time and ?associations=', () => {
  it('creates with associations and returns the v3 primary + unlabeled pair', async () => {
    const hs = sb.client();
    const company = await hs.crm.companies.basicApi.create({ properties: { name: 'Assoc Co', domain: 'assoc.example.com' }, associations: [] });
    const contact = await hs.crm.contacts.basicApi.create({
      properties: { email: 'assoc@example.com' },
      associations: [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 279 }] }],
    });
    const res = await sb.call('GET', `/crm/v3/objects/contacts/${contact.id}?associations=companies`);
    objects.response('GET', '/crm/v3/objects/{objectType}/{objectId}', 200, res.body);
    expect(res.body.associations.companies.results).toEqual([
      { id: company.id, type: 'contact_to_company' },
      { id: company.id, type: 'contact_to_company_unlabeled' },
    ]);
    const none = await sb.call('GET', `/crm/v3/objects/contacts/${contact.id}?associations=deals`);
    expect(none.body.associations).toBeUndefined();
    const invalid = await sb.call('POST', '/crm/v3/objects/contacts', {
      body: { properties: { email: 'assoc2@example.com' }, associations: [{ to: { id: 99999999 }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }] },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toBe('One or more associations are invalid');
  });
});
