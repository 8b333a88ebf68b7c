import type { Db } from '../../store/database.ts';
import {
  type ApiCall,
  type ApiRoute,
  batchEnvelope,
  noContent,
  objectScopes,
  objectTypeParam,
  ok,
  queryBool,
  queryLimit,
  queryList,
  readInputs,
  readObject,
} from './hubspot-api-kit.ts';
import { ASSOCIATION_TYPES, type Associations, type AssociationType } from './hubspot-associations.ts';
import { errorBody, fail, HubSpotError, propertyValuesBody, standardError, validationError } from './hubspot-errors.ts';
import { type ObjectType, resolveObjectType } from './hubspot-object-types.ts';
import type { CrmRecord, PropertySelection, RecordRow, Records, SimplePublicObject } from './hubspot-records.ts';
import type { Search, SearchRequest } from './hubspot-search.ts';

const BATCH_MAX = 100;
const HISTORY_BATCH_MAX = 50;
const LIST_MAX = 100;

interface CreateInput {
  properties?: unknown;
  associations?: Array<{ to?: { id?: unknown }; types?: unknown }>;
  objectWriteTraceId?: string;
}
interface UpdateInput {
  id?: unknown;
  idProperty?: string;
  properties?: unknown;
  objectWriteTraceId?: string;
}

/** Routes of `/crm/v3/objects/{objectType}`: CRUD, batch and search. */
export function objectRoutes(deps: { db: Db; records: Records; search: Search; associations: Associations; baseUrl: () => string }): ApiRoute[] {
  const { db, records, search, associations } = deps;
  const listStmt = db.prepare('select * from hs_objects where portal_id = ? and type = ? and archived = ? and id >= ? order by id limit ?');

  const selection = (names: string[] | undefined): PropertySelection => (names && names.length ? { kind: 'requested', names } : { kind: 'defaults' });

  /** v3 `?associations=companies` shape: primary and unlabeled appear as two entries. */
  const withAssociations = (object: SimplePublicObject, record: CrmRecord, requested: string[] | undefined): SimplePublicObject => {
    if (!requested?.length) return object;
    const result: Record<string, { results: Array<{ id: string; type: string }> }> = {};
    for (const name of requested) {
      const to = resolveObjectType(name);
      if (!to) continue;
      const entries = associations.list(record.id, to).flatMap((a) => a.types.map((t) => ({ id: String(a.toObjectId), type: t.v3Name })));
      if (entries.length) result[name] = { results: entries };
    }
    return Object.keys(result).length ? { ...object, associations: result } : object;
  };

  // Whether this 404 carries a category is UNCONFIRMED; the spec's Error schema requires one.
  const notFound = (): never => fail(404, 'resource not found', 'OBJECT_NOT_FOUND');

  const findForPath = (call: ApiCall, type: ObjectType, includeArchived: boolean): CrmRecord => {
    const raw = call.params.objectId!;
    const id = decodeURIComponent(raw);
    const idProperty = call.req.query.get('idProperty');
    if (idProperty) return records.findBy(call.portal.portalId, type, idProperty, id) ?? notFound();
    if (!/^\d+$/.test(id)) {
      // Note the two spaces, as captured (hubspot-api-facts §1.9).
      fail(404, 'Object not found.  objectId are usually numeric.', 'OBJECT_NOT_FOUND', { context: { id: [raw] } });
    }
    return records.get(call.portal.portalId, type, Number(id), includeArchived) ?? notFound();
  };

  /** Create-time associations: every target must exist, and the types must fit (400 otherwise, UNCONFIRMED wording). */
  const resolveCreateAssociations = (call: ApiCall, type: ObjectType, input: CreateInput): Array<{ to: CrmRecord; types: AssociationType[] }> => {
    if (input.associations === undefined) return [];
    if (!Array.isArray(input.associations)) validationError('"associations" must be an array.');
    return input.associations.map((a) => {
      const toId = Number(a?.to?.id);
      const specs = Array.isArray(a?.types) ? (a.types as Array<{ associationTypeId?: unknown }>) : [];
      // The target's object type follows from the (directional) association type id.
      const firstTypeId = specs.length ? Number(specs[0]?.associationTypeId) : NaN;
      const targetType = Number.isFinite(firstTypeId) ? associationTargetType(type, firstTypeId) : undefined;
      const target = targetType && Number.isInteger(toId) ? records.get(call.portal.portalId, targetType, toId) : undefined;
      if (!targetType || !target) {
        validationError('One or more associations are invalid', {
          errors: [{ message: `Association to ${String(a?.to?.id)} with type ${String(specs[0]?.associationTypeId)} is invalid: the target doesn't exist or the type doesn't fit.`, code: 'INVALID_ASSOCIATION' }],
        });
      }
      return { to: target, types: associations.resolveTypes(type, targetType, a.types) };
    });
  };

  const conflictBody = (ownerId: number) => errorBody(`Contact already exists. Existing ID: ${ownerId}`, 'CONFLICT');
  /** A write that gives a contact an address another contact holds (hubspot-api-facts §1.2). */
  const coordinatesBody = (portalId: number, email: string, selfId: number, ownerId: number) =>
    errorBody(
      `Cannot set PropertyValueCoordinates{portalId=${portalId}, objectTypeId=ObjectTypeId{legacyObjectType=CONTACT}, propertyName=email, value=${email}} on ${selfId}. ${ownerId} already has that value.`,
      'VALIDATION_ERROR',
    );

  /** Everything a create needs, checked before anything is written. Throws the body HubSpot would send. */
  const prepareCreate = (call: ApiCall, type: ObjectType, input: CreateInput, batchEmails?: Map<string, number>) => {
    if (!input || typeof input !== 'object') validationError('Each input needs a "properties" object.');
    const { written, problems } = records.validate(call.portal.portalId, type, input.properties);
    if (problems.length) throw new HubSpotError({ status: 400, body: propertyValuesBody(problems, call.portal.portalId) });
    if (type.name === 'contacts') {
      const values = Object.fromEntries([...written].filter(([, v]) => v !== ''));
      const conflict = records.emailConflict(call.portal.portalId, values);
      if (conflict) throw new HubSpotError({ status: 409, body: conflictBody(conflict.ownerId) });
      for (const email of [values.email, ...(values.hs_additional_emails?.split(';') ?? [])].filter(Boolean) as string[]) {
        const earlier = batchEmails?.get(email);
        // UNCONFIRMED: a duplicate inside one batch conflicts like an existing contact, naming the id the earlier input would get.
        if (earlier !== undefined) throw new HubSpotError({ status: 409, body: conflictBody(earlier) });
      }
    }
    return { written, links: resolveCreateAssociations(call, type, input) };
  };

  const commitCreate = (call: ApiCall, type: ObjectType, prepared: ReturnType<typeof prepareCreate>, id?: number): CrmRecord => {
    const record = records.insert(call.portal.portalId, type, prepared.written, call.now, id);
    for (const link of prepared.links) associations.add(call.portal.portalId, type, record.id, link.to.type, link.to.id, link.types, call.now);
    return record;
  };

  const prepareUpdate = (call: ApiCall, record: CrmRecord, properties: unknown) => {
    const { written, problems } = records.validate(call.portal.portalId, record.type, properties, record);
    if (problems.length) throw new HubSpotError({ status: 400, body: propertyValuesBody(problems, call.portal.portalId) });
    if (record.type.name === 'contacts' && (written.has('email') || written.has('hs_additional_emails'))) {
      const values = { ...record.values };
      for (const [k, v] of written) if (v === '') delete values[k];
      else values[k] = v;
      const conflict = records.emailConflict(call.portal.portalId, values, record.id);
      if (conflict) throw new HubSpotError({ status: 400, body: coordinatesBody(call.portal.portalId, conflict.email, record.id, conflict.ownerId) });
    }
    return written;
  };

  /** The live record a batch input names (by id, or by its idProperty). */
  const findInput = (call: ApiCall, type: ObjectType, id: string, idProperty: string | undefined): CrmRecord | undefined =>
    idProperty ? records.findBy(call.portal.portalId, type, idProperty, id) : /^\d+$/.test(id) ? records.get(call.portal.portalId, type, Number(id)) : undefined;

  const missingError = (type: ObjectType, ids: string[], traceIds: string[] = []) => {
    const context: Record<string, string[]> = { ids };
    if (traceIds.length) context.objectWriteTraceId = traceIds;
    return standardError('OBJECT_NOT_FOUND', `Could not get some ${type.upper} objects, they may be deleted or not exist. Check that ids are valid.`, context);
  };

  const duplicateIds = (ids: string[]) => {
    const seen = new Set<string>();
    const dupes = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    if (dupes.length) validationError(`Duplicate IDs found in batch input: [${[...new Set(dupes)].join(', ')}]. IDs must be unique`);
  };

  const read = (type: 'read' | 'write') => (p: Record<string, string>) => objectScopes(p.objectType, type);
  const base = '/crm/v3/objects/:objectType';

  return [
    {
      method: 'GET',
      path: base,
      scopes: read('read'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const q = call.req.query;
        const limit = queryLimit(q, 10, LIST_MAX);
        const afterRaw = q.get('after');
        if (afterRaw !== null && afterRaw !== '' && !/^\d+$/.test(afterRaw)) validationError(`Invalid "after": ${afterRaw}. Use the paging.next.after value of the previous page.`);
        const archived = queryBool(q, 'archived');
        const names = queryList(q, 'properties');
        const assocNames = queryList(q, 'associations');
        const rows = listStmt.all(call.portal.portalId, type.id, archived ? 1 : 0, Number(afterRaw || 0), limit + 1) as RecordRow[];
        const wanted = selection(names);
        const page = rows.slice(0, limit).map((row) => {
          const record = records.fromRow(row, type);
          return withAssociations(records.render(record, wanted), record, assocNames);
        });
        const body: Record<string, unknown> = { results: page };
        if (rows.length > limit) {
          const after = String(rows[limit]!.id);
          const link = new URLSearchParams(q);
          link.set('after', after);
          body.paging = { next: { after, link: `${deps.baseUrl()}/crm/v3/objects/${call.params.objectType}?${link.toString()}` } };
        }
        return ok(body);
      },
    },
    {
      method: 'GET',
      path: `${base}/:objectId`,
      scopes: read('read'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const record = findForPath(call, type, queryBool(call.req.query, 'archived'));
        const object = records.render(record, selection(queryList(call.req.query, 'properties')));
        return ok(withAssociations(object, record, queryList(call.req.query, 'associations')));
      },
    },
    {
      method: 'POST',
      path: base,
      scopes: read('write'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const input = readObject(call.req) as CreateInput;
        const prepared = prepareCreate(call, type, input);
        const record = db.transaction(() => commitCreate(call, type, prepared))();
        return ok(records.render(record, { kind: 'all' }), 201);
      },
    },
    {
      method: 'PATCH',
      path: `${base}/:objectId`,
      scopes: read('write'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const record = findForPath(call, type, false);
        const body = readObject(call.req);
        const written = prepareUpdate(call, record, body.properties);
        const updated = db.transaction(() => records.update(record, written, call.now))();
        return ok(records.render(updated.record, { kind: 'all' }));
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:objectId`,
      scopes: read('write'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const id = decodeURIComponent(call.params.objectId!);
        // Deleting is idempotent: unknown ids get 204 too (hubspot-api-facts §1.9).
        const record = /^\d+$/.test(id) ? records.get(call.portal.portalId, type, Number(id)) : undefined;
        if (record) db.transaction(() => records.archive(record, call.now))();
        return noContent();
      },
    },
    {
      method: 'POST',
      path: `${base}/batch/read`,
      scopes: read('read'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const body = readObject(call.req);
        const inputs = readInputs<{ id?: unknown }>(call.req, BATCH_MAX, body);
        const history = Array.isArray(body.propertiesWithHistory) ? (body.propertiesWithHistory as string[]) : [];
        if (history.length && inputs.length > HISTORY_BATCH_MAX) {
          validationError(`The maximum number of inputs supported in a batch request for property histories is ${HISTORY_BATCH_MAX}. Please reduce the number of items and try again`);
        }
        const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
        const archived = queryBool(call.req.query, 'archived');
        const names = Array.isArray(body.properties) ? (body.properties as string[]) : undefined;
        const results: SimplePublicObject[] = [];
        const missing: string[] = [];
        const seen = new Set<number>();
        for (const input of inputs) {
          const id = String(input?.id ?? '');
          const record = idProperty
            ? records.findBy(call.portal.portalId, type, idProperty, id)
            : /^\d+$/.test(id)
              ? records.get(call.portal.portalId, type, Number(id), archived)
              : undefined;
          if (!record || record.archived !== archived) {
            missing.push(id);
            continue;
          }
          if (seen.has(record.id)) continue;
          seen.add(record.id);
          const object = records.render(record, selection(names));
          if (history.length) {
            (object as SimplePublicObject & { propertiesWithHistory?: unknown }).propertiesWithHistory = Object.fromEntries(
              history.map((name) => {
                const value = object.properties[name] ?? record.values[name];
                return [name, value == null ? [] : [{ value, timestamp: new Date(record.updatedAt).toISOString(), sourceType: 'API' }]];
              }),
            );
          }
          results.push(object);
        }
        const errors = missing.length ? [missingError(type, missing)] : [];
        return ok(batchEnvelope(call.now, results, errors), errors.length ? 207 : 200);
      },
    },
    {
      method: 'POST',
      path: `${base}/batch/create`,
      scopes: read('write'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const inputs = readInputs<CreateInput>(call.req, BATCH_MAX);
        // Multi-status only when inputs carry objectWriteTraceId (hubspot-api-facts §3.6); otherwise all or nothing.
        const multiStatus = inputs.some((i) => typeof i?.objectWriteTraceId === 'string');
        const batchEmails = new Map<string, number>();
        const prepared: Array<{ input: CreateInput; plan: ReturnType<typeof prepareCreate>; id: number }> = [];
        const errors: unknown[] = [];
        for (const input of inputs) {
          try {
            const plan = prepareCreate(call, type, input, batchEmails);
            const id = records.nextId();
            const emails = [plan.written.get('email'), ...(plan.written.get('hs_additional_emails')?.split(';') ?? [])];
            for (const email of emails) if (email) batchEmails.set(email, id);
            prepared.push({ input, plan, id });
          } catch (error) {
            if (!multiStatus || !(error instanceof HubSpotError)) throw error;
            const failed = error.response.body as { category: string; message: string; errors?: unknown[] };
            errors.push(
              standardError(failed.category, failed.message, { objectWriteTraceId: [String(input.objectWriteTraceId ?? '')] }, { errors: (failed.errors ?? []) as never[] }),
            );
          }
        }
        const created = db.transaction(() => prepared.map((p) => ({ p, record: commitCreate(call, type, p.plan, p.id) })))();
        const results = created.map(({ p, record }) => {
          const object = records.render(record, { kind: 'all' });
          if (p.input.objectWriteTraceId !== undefined) object.objectWriteTraceId = p.input.objectWriteTraceId;
          return object;
        });
        return ok(batchEnvelope(call.now, results, errors), errors.length ? 207 : 201);
      },
    },
    {
      method: 'POST',
      path: `${base}/batch/update`,
      scopes: read('write'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const inputs = readInputs<UpdateInput>(call.req, BATCH_MAX);
        duplicateIds(inputs.map((i) => String(i?.id ?? '')));
        const missing: string[] = [];
        const traces: string[] = [];
        const plans: Array<{ input: UpdateInput; record: CrmRecord; written: Map<string, string> }> = [];
        const claimed = new Map<string, number>();
        for (const input of inputs) {
          const id = String(input?.id ?? '');
          const record = findInput(call, type, id, input.idProperty);
          if (!record) {
            missing.push(id);
            if (input.objectWriteTraceId) traces.push(input.objectWriteTraceId);
            continue;
          }
          // One invalid input fails the whole batch with its body (the push engine bisects on this);
          // only the first invalid input's problems are listed (UNCONFIRMED).
          const written = prepareUpdate(call, record, input.properties);
          const email = written.get('email');
          if (email) {
            const other = claimed.get(email);
            if (other !== undefined && other !== record.id) throw new HubSpotError({ status: 400, body: coordinatesBody(call.portal.portalId, email, record.id, other) });
            claimed.set(email, record.id);
          }
          plans.push({ input, record, written });
        }
        const updated = db.transaction(() => plans.map((p) => ({ p, ...records.update(p.record, p.written, call.now) })))();
        const results = updated.map(({ p, record, derived }) => {
          const object = records.render(record, { kind: 'written', names: [...p.written.keys(), ...derived] });
          if (p.input.objectWriteTraceId !== undefined) object.objectWriteTraceId = p.input.objectWriteTraceId;
          return object;
        });
        const errors = missing.length ? [missingError(type, missing, traces)] : [];
        return ok(batchEnvelope(call.now, results, errors), errors.length ? 207 : 200);
      },
    },
    {
      method: 'POST',
      path: `${base}/batch/upsert`,
      scopes: read('write'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const inputs = readInputs<UpdateInput>(call.req, BATCH_MAX);
        duplicateIds(inputs.map((i) => `${i?.idProperty ?? ''}:${String(i?.id ?? '').toLowerCase()}`));
        const plans: Array<
          | { input: UpdateInput; kind: 'update'; record: CrmRecord; written: Map<string, string> }
          | { input: UpdateInput; kind: 'create'; plan: ReturnType<typeof prepareCreate>; id: number }
        > = [];
        const batchEmails = new Map<string, number>();
        for (const input of inputs) {
          const idProperty = input?.idProperty;
          if (typeof idProperty !== 'string' || idProperty === '') validationError('Each upsert input needs an "idProperty" naming a unique property (e.g. "email").');
          const id = String(input.id ?? '');
          if (id === '') validationError('Each upsert input needs an "id": the value of its idProperty.');
          const existing = records.findBy(call.portal.portalId, type, idProperty, id);
          const properties = { ...((input.properties as Record<string, unknown>) ?? {}) };
          if (existing) {
            plans.push({ input, kind: 'update', record: existing, written: prepareUpdate(call, existing, properties) });
          } else {
            if (idProperty === 'hs_object_id') validationError(`Can't create a record with a chosen hs_object_id ${id}; upsert by a unique property instead.`);
            if (properties[idProperty] === undefined) properties[idProperty] = id;
            const plan = prepareCreate(call, type, { properties }, batchEmails);
            const newId = records.nextId();
            const email = plan.written.get('email');
            if (email) batchEmails.set(email, newId);
            plans.push({ input, kind: 'create', plan, id: newId });
          }
        }
        const results = db.transaction(() =>
          plans.map((p) => {
            let object: SimplePublicObject;
            if (p.kind === 'update') {
              const { record, derived } = records.update(p.record, p.written, call.now);
              object = { ...records.render(record, { kind: 'written', names: [...p.written.keys(), ...derived] }), new: false };
            } else {
              object = { ...records.render(commitCreate(call, type, p.plan, p.id), { kind: 'all' }), new: true };
            }
            if (p.input.objectWriteTraceId !== undefined) object.objectWriteTraceId = p.input.objectWriteTraceId;
            return object;
          }),
        )();
        return ok(batchEnvelope(call.now, results));
      },
    },
    {
      method: 'POST',
      path: `${base}/batch/archive`,
      scopes: read('write'),
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const inputs = readInputs<{ id?: unknown }>(call.req, BATCH_MAX);
        db.transaction(() => {
          for (const input of inputs) {
            const record = findInput(call, type, String(input?.id ?? ''), undefined);
            if (record) records.archive(record, call.now);
          }
        })();
        return noContent();
      },
    },
    {
      method: 'POST',
      path: `${base}/search`,
      scopes: read('read'),
      search: true,
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const request = readObject(call.req) as SearchRequest;
        const names = Array.isArray(request.properties) ? request.properties.filter((p): p is string => typeof p === 'string') : undefined;
        const found = search.run(call.portal.portalId, type, request, call.now);
        const wanted = selection(names);
        const body: Record<string, unknown> = { total: found.total, results: found.records.map((r) => records.render(r, wanted)) };
        if (found.nextAfter !== undefined) body.paging = { next: { after: found.nextAfter } };
        return ok(body);
      },
    },
  ];
}

/** The object type an association type id points at, from a given type. */
function associationTargetType(from: ObjectType, typeId: number): ObjectType | undefined {
  const toId = ASSOCIATION_TARGETS.get(`${from.id}:${typeId}`);
  return toId ? resolveObjectType(toId) : undefined;
}
const ASSOCIATION_TARGETS = new Map(ASSOCIATION_TYPES.map((t) => [`${t.from}:${t.typeId}`, t.to]));
