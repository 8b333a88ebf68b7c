import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specs } from '../../../test/harness/openapi.ts';
import { startTestSandbox, type TestSandbox } from '../../../test/harness/hubspot-sandbox.ts';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox({ seed: 200 });
});
afterAll(async () => {
  await sb.stop();
});

describe('Properties API', () => {
  const spec = specs.properties();

  it('lists every property without paging, with HubSpot-defined metadata', async () => {
    const res = await sb.call('GET', '/crm/v3/properties/contacts');
    spec.response('GET', '/crm/v3/properties/{objectType}', 200, res.body);
    expect(res.body.paging).toBeUndefined();
    const byName = Object.fromEntries(res.body.results.map((p: { name: string }) => [p.name, p]));
    expect(byName.lifecyclestage).toMatchObject({ type: 'enumeration', hubspotDefined: true, modificationMetadata: { readOnlyValue: false } });
    expect(byName.lifecyclestage.options.map((o: { value: string }) => o.value)).toEqual(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']);
    expect(byName.hs_object_id.modificationMetadata.readOnlyValue).toBe(true);
    expect(byName.num_associated_deals).toMatchObject({ calculated: true });
    expect(byName.plan_interest).toMatchObject({ type: 'enumeration', fieldType: 'select', hubspotDefined: false });
    // Owner options are the portal's owners.
    expect(byName.hubspot_owner_id.options).toHaveLength(8);
    const companies = await sb.client().crm.properties.coreApi.getAll('companies');
    expect(companies.results.find((p) => p.name === 'stripe_customer_id')).toMatchObject({ type: 'string', hasUniqueValue: true });
  });

  it('creates (201) with type/fieldType validation, updates, archives; created properties become writable', async () => {
    const bad = await sb.call('POST', '/crm/v3/properties/contacts', { body: { name: 'x_bad', label: 'X', type: 'number', fieldType: 'select', groupName: 'contactinformation' } });
    expect(bad.status).toBe(400);
    spec.response('POST', '/crm/v3/properties/{objectType}', 400, bad.body);
    const created = await sb.call('POST', '/crm/v3/properties/contacts', {
      body: { name: 'favourite_colour', label: 'Favourite colour', type: 'enumeration', fieldType: 'radio', groupName: 'contactinformation', options: [{ label: 'Red', value: 'red', hidden: false }] },
    });
    expect(created.status).toBe(201);
    spec.response('POST', '/crm/v3/properties/{objectType}', 201, created.body);
    const conflict = await sb.call('POST', '/crm/v3/properties/contacts', { body: created.body });
    expect(conflict.status).toBe(409);
    spec.response('POST', '/crm/v3/properties/{objectType}', 409, conflict.body);
    expect(conflict.body).toMatchObject({ status: 'error', correlationId: conflict.headers.get('x-hubspot-correlation-id') });
    const write = await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { favourite_colour: 'blue' } } });
    expect(write.body.errors[0].code).toBe('INVALID_OPTION');
    const patched = await sb.client().crm.properties.coreApi.update('contacts', 'favourite_colour', {
      options: [
        { label: 'Red', value: 'red', hidden: false, displayOrder: 0 },
        { label: 'Blue', value: 'blue', hidden: false, displayOrder: 1 },
      ],
    });
    expect(patched.options.map((o) => o.value)).toEqual(['red', 'blue']);
    const got = await sb.call('GET', '/crm/v3/properties/contacts/favourite_colour');
    expect(got.status).toBe(200);
    spec.response('GET', '/crm/v3/properties/{objectType}/{propertyName}', 200, got.body);
    expect(got.body).toMatchObject({ name: 'favourite_colour', type: 'enumeration', fieldType: 'radio', groupName: 'contactinformation' });
    expect((await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { favourite_colour: 'blue' } } })).status).toBe(201);
    expect((await sb.call('DELETE', '/crm/v3/properties/contacts/favourite_colour')).status).toBe(204);
    expect((await sb.call('GET', '/crm/v3/properties/contacts/favourite_colour')).status).toBe(404);
    expect((await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { favourite_colour: 'blue' } } })).body.errors[0].code).toBe('PROPERTY_DOESNT_EXIST');
    expect((await sb.call('DELETE', '/crm/v3/properties/contacts/email')).status).toBe(400);
    const missing = await sb.call('GET', '/crm/v3/properties/contacts/no_such_property');
    expect(missing.status).toBe(404);
    spec.response('GET', '/crm/v3/properties/{objectType}/{propertyName}', 404, missing.body);
    const groups = await sb.call('GET', '/crm/v3/properties/contacts/groups');
    spec.response('GET', '/crm/v3/properties/{objectType}/groups', 200, groups.body);
    expect(groups.body.results.map((g: { name: string }) => g.name)).toContain('contactinformation');
    const group = await sb.call('POST', '/crm/v3/properties/contacts/groups', { body: { name: 'billing_details', label: 'Billing details', displayOrder: 3 } });
    expect(group.status).toBe(201);
    spec.response('POST', '/crm/v3/properties/{objectType}/groups', 201, group.body);
    expect(group.body).toEqual({ name: 'billing_details', label: 'Billing details', displayOrder: 3, archived: false });
    const groupAgain = await sb.call('POST', '/crm/v3/properties/contacts/groups', { body: { name: 'billing_details', label: 'Again' } });
    expect(groupAgain.status).toBe(409);
    spec.response('POST', '/crm/v3/properties/{objectType}/groups', 409, groupAgain.body);
  });
});

describe('Associations v4', () => {
  const spec = specs.associations();

  it('creates default and labelled associations, lists them with numeric toObjectId, deletes them', async () => {
    const hs = sb.client();
    const contact = await hs.crm.contacts.basicApi.create({ properties: { email: 'v4@example.com' }, associations: [] });
    const [a, b] = (await hs.crm.companies.batchApi.create({ inputs: [{ properties: { name: 'A' }, associations: [] }, { properties: { name: 'B' }, associations: [] }] })).results;
    const def = await sb.call('PUT', `/crm/v4/objects/contacts/${contact.id}/associations/default/companies/${a!.id}`);
    expect(def.status).toBe(200);
    spec.response('PUT', '/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}', 200, def.body);
    expect(def.body.results[0].associationSpec).toEqual({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 });
    const labelled = await sb.call('PUT', `/crm/v4/objects/contacts/${contact.id}/associations/companies/${b!.id}`, { body: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] });
    expect(labelled.status).toBe(201);
    spec.response('PUT', '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}', 201, labelled.body);
    expect(labelled.body).toMatchObject({ fromObjectTypeId: '0-1', fromObjectId: Number(contact.id), toObjectTypeId: '0-2', toObjectId: Number(b!.id), labels: ['Primary'] });
    const page = await sb.call('GET', `/crm/v4/objects/contact/${contact.id}/associations/company`);
    spec.response('GET', '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}', 200, page.body);
    // The first company became primary, then B took the primary label; one primary at a time.
    expect(page.body.results).toEqual([
      { toObjectId: Number(a!.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }] },
      {
        toObjectId: Number(b!.id),
        associationTypes: [
          { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' },
          { category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
        ],
      },
    ]);
    const inverse = await hs.crm.associations.v4.basicApi.getPage('companies', b!.id, 'contacts');
    expect(inverse.results[0]!.associationTypes.map((t) => t.typeId).sort()).toEqual([2, 280]);
    const wrong = await sb.call('PUT', `/crm/v4/objects/contacts/${contact.id}/associations/companies/${b!.id}`, { body: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] });
    expect(wrong.status).toBe(400);
    spec.response('PUT', '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}', 400, wrong.body);
    const noRecord = await sb.call('GET', '/crm/v4/objects/contacts/88888888/associations/companies');
    expect(noRecord.status).toBe(404);
    spec.response('GET', '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}', 404, noRecord.body);
    expect((await sb.call('DELETE', `/crm/v4/objects/contacts/${contact.id}/associations/companies/${b!.id}`)).status).toBe(204);
    expect((await hs.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies')).results).toHaveLength(1);
  });

  it('batch associates, creates, reads (207 for missing) and archives', async () => {
    const hs = sb.client();
    const deals = (await hs.crm.deals.batchApi.create({ inputs: [{ properties: { dealname: 'D1' }, associations: [] }, { properties: { dealname: 'D2' }, associations: [] }] })).results;
    const contacts = (await hs.crm.contacts.batchApi.create({ inputs: [{ properties: { email: 'bd1@example.com' }, associations: [] }] })).results;
    const assoc = await sb.call('POST', '/crm/v4/associations/deals/contacts/batch/associate/default', { body: { inputs: deals.map((d) => ({ from: { id: d.id }, to: { id: contacts[0]!.id } })) } });
    spec.response('POST', '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default', 200, assoc.body);
    expect(assoc.body.results).toHaveLength(2);
    const create = await sb.call('POST', '/crm/v4/associations/deals/contacts/batch/create', {
      body: { inputs: [{ from: { id: deals[0]!.id }, to: { id: contacts[0]!.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }] },
    });
    expect(create.status).toBe(201);
    spec.response('POST', '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create', 201, create.body);
    const read = await sb.call('POST', '/crm/v4/associations/deals/contacts/batch/read', { body: { inputs: [{ id: deals[0]!.id }, { id: '77777777' }] } });
    expect(read.status).toBe(207);
    spec.response('POST', '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read', 207, read.body);
    expect(read.body.results[0]).toEqual({ from: { id: deals[0]!.id }, to: [{ toObjectId: Number(contacts[0]!.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }] }] });
    expect(read.body.errors[0].context).toEqual({ fromObjectId: ['77777777'], fromObjectType: ['0-3'], toObjectType: ['0-1'] });
    const tooMany = await sb.call('POST', '/crm/v4/associations/deals/contacts/batch/read', { body: { inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(i) })) } });
    expect(tooMany.status).toBe(400);
    const archive = await sb.call('POST', '/crm/v4/associations/deals/contacts/batch/archive', { body: { inputs: [{ from: { id: deals[0]!.id }, to: [{ id: contacts[0]!.id }] }] } });
    expect(archive.status).toBe(204);
    spec.response('POST', '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive', 204, archive.body);
    expect((await hs.crm.associations.v4.basicApi.getPage('deals', deals[0]!.id, 'contacts')).results).toEqual([]);
  });
});

describe('Lists v3', () => {
  const spec = specs.lists();

  it('creates a MANUAL list, adds and removes members with HubSpot\'s field names, and pages memberships', async () => {
    const hs = sb.client();
    const created = await sb.call('POST', '/crm/v3/lists', { body: { name: 'Webinar attendees', objectTypeId: '0-1', processingType: 'MANUAL' } });
    expect(created.status).toBe(200);
    spec.response('POST', '/crm/v3/lists', 200, created.body);
    const listId = created.body.list.listId;
    const dup = await sb.call('POST', '/crm/v3/lists', { body: { name: 'webinar attendees', objectTypeId: '0-1', processingType: 'MANUAL' } });
    expect(dup.status).toBe(400);
    spec.response('POST', '/crm/v3/lists', 400, dup.body);
    expect(dup.body).toMatchObject({ category: 'VALIDATION_ERROR', subCategory: 'ILS.DUPLICATE_LIST_NAMES' });
    const ids = (await hs.crm.contacts.basicApi.getPage(5)).results.map((c) => c.id);
    const add = await sb.call('PUT', `/crm/v3/lists/${listId}/memberships/add`, { body: [ids[0], ids[1], '99999999'] });
    spec.response('PUT', '/crm/v3/lists/{listId}/memberships/add', 200, add.body);
    expect(add.body).toEqual({ recordsIdsAdded: [ids[0], ids[1]], recordIdsRemoved: [], recordIdsMissing: ['99999999'] });
    // Already-members appear in neither list.
    const again = await hs.crm.lists.membershipsApi.add(listId, [ids[0]!, ids[2]!]);
    expect(again).toMatchObject({ recordsIdsAdded: [ids[2]], recordIdsMissing: [] });
    const both = await hs.crm.lists.membershipsApi.addAndRemove(listId, { recordIdsToAdd: [ids[3]!], recordIdsToRemove: [ids[0]!] });
    expect(both).toMatchObject({ recordsIdsAdded: [ids[3]], recordIdsRemoved: [ids[0]] });
    const page = await sb.call('GET', `/crm/v3/lists/${listId}/memberships?limit=2`);
    spec.response('GET', '/crm/v3/lists/{listId}/memberships', 200, page.body);
    expect(page.body.total).toBe(3);
    expect(page.body.results).toHaveLength(2);
    const rest = await hs.crm.lists.membershipsApi.getPage(listId, page.body.paging.next.after);
    expect(rest.results.map((r) => r.recordId)).toEqual([ids[3]]);
    const records = await sb.call('GET', `/crm/v3/lists/records/0-1/${ids[1]}/memberships`);
    spec.response('GET', '/crm/v3/lists/records/{objectTypeId}/{recordId}/memberships', 200, records.body);
    expect(records.body.results.map((r: { listId: string }) => r.listId)).toContain(listId);
    expect((await hs.crm.lists.listsApi.getByName('Webinar attendees', '0-1')).list.listId).toBe(listId);
    expect((await hs.crm.lists.listsApi.getAll([listId])).lists).toHaveLength(1);
    const found = await sb.call('POST', '/crm/v3/lists/search', { body: { query: 'webinar', processingTypes: ['MANUAL'], offset: 0, additionalProperties: [] } });
    spec.response('POST', '/crm/v3/lists/search', 200, found.body);
    expect(found.body).toMatchObject({ total: 1, hasMore: false });
    expect(found.body.lists[0].additionalProperties.hs_list_size).toBe('3');
    const removed = await sb.call('PUT', `/crm/v3/lists/${listId}/memberships/remove`, { body: [ids[3], ids[4], '99999999'] });
    expect(removed.status).toBe(200);
    spec.response('PUT', '/crm/v3/lists/{listId}/memberships/remove', 200, removed.body);
    expect(removed.body).toEqual({ recordsIdsAdded: [], recordIdsRemoved: [ids[3]], recordIdsMissing: ['99999999'] });
    expect((await sb.call('GET', `/crm/v3/lists/${listId}/memberships`)).body.total).toBe(2);
    expect((await sb.call('DELETE', `/crm/v3/lists/${listId}`)).status).toBe(204);
    const gone = await sb.call('GET', `/crm/v3/lists/${listId}`);
    expect(gone.status).toBe(404);
    spec.response('GET', '/crm/v3/lists/{listId}', 404, gone.body);
  });

  it('computes DYNAMIC membership from the filter and refuses manual changes to it', async () => {
    const created = await sb.client().crm.lists.listsApi.create({
      name: 'Evangelists',
      objectTypeId: '0-1',
      processingType: 'DYNAMIC',
      filterBranch: {
        filterBranchType: 'OR',
        filterBranchOperator: 'OR',
        filters: [],
        filterBranches: [
          { filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [], filters: [{ filterType: 'PROPERTY', property: 'lifecyclestage', operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['evangelist'], includeObjectsWithNoValueSet: false } }] },
        ],
      } as never,
    });
    const listId = created.list.listId;
    const state = (await sb.call('GET', '/__sandbox/state/contacts', { token: null })).body.results as Array<{ id: string; archived: boolean; properties: Record<string, string> }>;
    const expected = state.filter((r) => !r.archived && r.properties.lifecyclestage === 'evangelist').length;
    expect(expected).toBeGreaterThan(0);
    expect((await sb.call('GET', `/crm/v3/lists/${listId}`)).body.list.size).toBe(expected);
    const members = await sb.call('GET', `/crm/v3/lists/${listId}/memberships?limit=250`);
    expect(members.body.total).toBe(expected);
    // A record that starts matching joins at once.
    const c = await sb.client().crm.contacts.basicApi.create({ properties: { email: 'newfan@example.com', lifecyclestage: 'evangelist' }, associations: [] });
    expect((await sb.call('GET', `/crm/v3/lists/${listId}`)).body.list.size).toBe(expected + 1);
    expect((await sb.call('GET', `/crm/v3/lists/records/0-1/${c.id}/memberships`)).body.results.map((r: { listId: string }) => r.listId)).toContain(listId);
    const refused = await sb.call('PUT', `/crm/v3/lists/${listId}/memberships/add`, { body: [c.id] });
    expect(refused.status).toBe(400);
    expect(refused.body.subCategory).toMatch(/^ListError\./);
    spec.response('PUT', '/crm/v3/lists/{listId}/memberships/add', 400, refused.body);
    const seededDynamic = await sb.client().crm.lists.listsApi.getByName('Customers', '0-1', true);
    expect(seededDynamic.list.processingType).toBe('DYNAMIC');
  });
});

describe('owners, pipelines, account info', () => {
  it('pages owners and filters by email', async () => {
    const spec = specs.owners();
    const page = await sb.call('GET', '/crm/v3/owners?limit=3');
    spec.response('GET', '/crm/v3/owners', 200, page.body);
    expect(page.body.results).toHaveLength(3);
    expect(page.body.paging.next.after).toBeDefined();
    const owner = page.body.results[0];
    expect(owner).toMatchObject({ type: 'PERSON', archived: false, id: expect.stringMatching(/^\d+$/), userId: expect.any(Number) });
    const byEmail = await sb.client().crm.owners.ownersApi.getPage(owner.email.toUpperCase());
    expect(byEmail.results.map((o) => o.id)).toEqual([owner.id]);
    const one = await sb.call('GET', `/crm/v3/owners/${owner.id}`);
    spec.response('GET', '/crm/v3/owners/{ownerId}', 200, one.body);
    const missing = await sb.call('GET', '/crm/v3/owners/1');
    expect(missing.status).toBe(404);
    spec.response('GET', '/crm/v3/owners/{ownerId}', 404, missing.body);
    // hubspot_owner_id only takes owner ids.
    expect((await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { hubspot_owner_id: owner.id } } })).status).toBe(201);
    expect((await sb.call('POST', '/crm/v3/objects/contacts', { body: { properties: { hubspot_owner_id: String(owner.userId) } } })).body.errors[0].code).toBe('INVALID_OWNER_ID');
  });

  it('serves the default deal pipeline with string metadata', async () => {
    const res = await sb.call('GET', '/crm/v3/pipelines/deals');
    specs.pipelines().response('GET', '/crm/v3/pipelines/{objectType}', 200, res.body);
    const pipeline = res.body.results[0];
    expect(pipeline).toMatchObject({ id: 'default', createdAt: '1970-01-01T00:00:00.000Z' });
    expect(pipeline.stages.map((s: { id: string }) => s.id)).toEqual(['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost']);
    expect(pipeline.stages.at(-2).metadata).toEqual({ isClosed: 'true', probability: '1.0' });
    const missing = await sb.call('GET', '/crm/v3/pipelines/deals/nope');
    expect(missing.status).toBe(404);
    specs.pipelines().response('GET', '/crm/v3/pipelines/{objectType}/{pipelineId}', 404, missing.body);
    const sdk = await sb.client().crm.pipelines.pipelinesApi.getAll('deals');
    expect(sdk.results[0]!.stages).toHaveLength(7);
  });

  it('returns all nine account fields', async () => {
    const res = await sb.call('GET', '/account-info/v3/details');
    specs.accountInfo().response('GET', '/account-info/v3/details', 200, res.body);
    expect(res.body).toMatchObject({ portalId: sb.portal.portalId, accountType: 'STANDARD', timeZone: 'US/Eastern', companyCurrency: 'USD', uiDomain: 'app.hubspot.com', dataHostingLocation: 'na1' });
    expect(res.body.utcOffset).toMatch(/^-0[45]:00$/);
    expect(res.body.utcOffsetMilliseconds).toBe(Number(res.body.utcOffset.slice(0, 3)) * 3_600_000);
    const { body: noOauth } = await sb.admin('tokens', { scopes: ['crm.objects.contacts.read'] });
    const denied = await sb.call('GET', '/account-info/v3/details', { token: noOauth.token });
    expect(denied.status).toBe(403);
    specs.accountInfo().response('GET', '/account-info/v3/details', 403, denied.body);
    const sdk = await sb.client().apiRequest({ method: 'GET', path: '/account-info/v3/details' });
    expect(((await sdk.json()) as { portalId: number }).portalId).toBe(sb.portal.portalId);
  });
});
