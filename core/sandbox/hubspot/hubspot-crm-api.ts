import type { Db } from '../../store/database.ts';
import { type ApiCall, type ApiRoute, batchEnvelope, noContent, objectScopes, objectTypeParam, ok, queryBool, queryLimit, queryList, readInputs, readJson, readObject } from './hubspot-api-kit.ts';
import { type Associations, type AssociationType, associationType, defaultTypeId } from './hubspot-associations.ts';
import { DEFAULT_DEAL_STAGES, type PropertyDefinition } from './hubspot-default-properties.ts';
import { fail, standardError, validationError } from './hubspot-errors.ts';
import { type ObjectType, resolveObjectType } from './hubspot-object-types.ts';
import { type Portal, utcOffsetMs } from './hubspot-portals.ts';
import type { PropertyCatalog } from './hubspot-properties.ts';
import type { RateLimiter } from './hubspot-rate-limits.ts';
import type { Records } from './hubspot-records.ts';

const schemaScopes = (raw: string | undefined, access: 'read' | 'write') => {
  const type = raw === undefined ? undefined : resolveObjectType(raw);
  if (!type) return [];
  // Reading property definitions is allowed with the object's read scope too.
  return access === 'read' ? [`crm.schemas.${type.name}.read`, `crm.objects.${type.name}.read`] : [`crm.schemas.${type.name}.write`];
};

/** The Properties API (`/crm/v3/properties/{objectType}`), definitions and groups. */
export function propertyRoutes(catalog: PropertyCatalog, ownerOptions: (portalId: number) => PropertyDefinition['options']): ApiRoute[] {
  const base = '/crm/v3/properties/:objectType';
  const read = (p: Record<string, string>) => schemaScopes(p.objectType, 'read');
  const write = (p: Record<string, string>) => schemaScopes(p.objectType, 'write');
  const present = (portal: Portal, def: PropertyDefinition) =>
    def.referencedObjectType === 'OWNER' ? { ...def, options: ownerOptions(portal.portalId) } : def;
  const group = (g: { name: string; label: string; displayOrder: number; archived: boolean }) => ({ name: g.name, label: g.label, displayOrder: g.displayOrder, archived: g.archived });
  return [
    {
      method: 'GET',
      path: base,
      scopes: read,
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const wanted = queryList(call.req.query, 'properties');
        const defs = catalog.list(call.portal.portalId, type, queryBool(call.req.query, 'archived')).filter((d) => !wanted || wanted.includes(d.name));
        // No paging: every property in one response (hubspot-api-facts §4).
        return ok({ results: defs.map((d) => present(call.portal, d)) });
      },
    },
    {
      method: 'POST',
      path: base,
      scopes: write,
      handler: (call) => ok(catalog.create(call.portal.portalId, objectTypeParam(call.params.objectType), readObject(call.req), call.auth.userId), 201),
    },
    {
      method: 'POST',
      path: `${base}/batch/read`,
      scopes: read,
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const inputs = readInputs<{ name?: string }>(call.req, 100);
        const results = inputs.map((i) => catalog.get(call.portal.portalId, type, String(i?.name))).filter((d): d is PropertyDefinition => d !== undefined);
        const missing = inputs.map((i) => String(i?.name)).filter((n) => !catalog.get(call.portal.portalId, type, n));
        const errors = missing.length ? [standardError('OBJECT_NOT_FOUND', `Could not find properties: ${missing.join(', ')}`, { names: missing })] : [];
        return ok(batchEnvelope(call.now, results.map((d) => present(call.portal, d)), errors), errors.length ? 207 : 200);
      },
    },
    {
      method: 'GET',
      path: `${base}/groups`,
      scopes: read,
      handler: (call) => ok({ results: catalog.groups(call.portal.portalId, objectTypeParam(call.params.objectType)).map(group) }),
    },
    {
      method: 'POST',
      path: `${base}/groups`,
      scopes: write,
      handler: (call) => ok(group(catalog.createGroup(call.portal.portalId, objectTypeParam(call.params.objectType), readObject(call.req))), 201),
    },
    {
      method: 'GET',
      path: `${base}/groups/:groupName`,
      scopes: read,
      handler(call) {
        const found = catalog.group(call.portal.portalId, objectTypeParam(call.params.objectType), decodeURIComponent(call.params.groupName!));
        return found ? ok(group(found)) : fail(404, `Unable to find property group ${call.params.groupName}`, 'OBJECT_NOT_FOUND');
      },
    },
    {
      method: 'PATCH',
      path: `${base}/groups/:groupName`,
      scopes: write,
      handler: (call) => ok(group(catalog.updateGroup(call.portal.portalId, objectTypeParam(call.params.objectType), decodeURIComponent(call.params.groupName!), readObject(call.req)))),
    },
    {
      method: 'DELETE',
      path: `${base}/groups/:groupName`,
      scopes: write,
      handler(call) {
        catalog.archiveGroup(call.portal.portalId, objectTypeParam(call.params.objectType), decodeURIComponent(call.params.groupName!));
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${base}/:propertyName`,
      scopes: read,
      handler(call) {
        const type = objectTypeParam(call.params.objectType);
        const name = decodeURIComponent(call.params.propertyName!);
        const def = queryBool(call.req.query, 'archived') ? catalog.getIncludingArchived(call.portal.portalId, type, name) : catalog.get(call.portal.portalId, type, name);
        return def ? ok(present(call.portal, def)) : fail(404, `Unable to find property ${name}`, 'OBJECT_NOT_FOUND');
      },
    },
    {
      method: 'PATCH',
      path: `${base}/:propertyName`,
      scopes: write,
      handler: (call) =>
        ok(catalog.update(call.portal.portalId, objectTypeParam(call.params.objectType), decodeURIComponent(call.params.propertyName!), readObject(call.req), call.auth.userId)),
    },
    {
      method: 'DELETE',
      path: `${base}/:propertyName`,
      scopes: write,
      handler(call) {
        catalog.archive(call.portal.portalId, objectTypeParam(call.params.objectType), decodeURIComponent(call.params.propertyName!));
        return noContent();
      },
    },
  ];
}

/** Associations v4: per record and batch. */
export function associationRoutes(deps: { db: Db; records: Records; associations: Associations }): ApiRoute[] {
  const { db, records, associations } = deps;
  const scopes = (access: 'read' | 'write') => (p: Record<string, string>) => objectScopes(p.fromObjectType ?? p.objectType, access);

  const idOf = (raw: unknown): number | undefined => {
    const s = String(raw ?? '');
    return /^\d+$/.test(s) ? Number(s) : undefined;
  };
  const mustExist = (portalId: number, type: ObjectType, raw: string) => {
    const id = idOf(decodeURIComponent(raw));
    const record = id === undefined ? undefined : records.get(portalId, type, id);
    if (!record) fail(404, `No ${type.singular} with id ${raw} exists`, 'OBJECT_NOT_FOUND', { context: { id: [raw], objectType: [type.id] } });
    return record;
  };
  const labelsOf = (types: AssociationType[]) => types.map((t) => t.label).filter((l): l is string => l !== null);

  /**
   * Associates each existing pair with its types, in one transaction; pairs with a missing record
   * become one OBJECT_NOT_FOUND error (207) naming the missing ids.
   */
  const associatePairs = <R>(
    call: ApiCall,
    from: ObjectType,
    to: ObjectType,
    pairs: Array<{ from?: { id?: unknown }; to?: { id?: unknown }; types: AssociationType[] }>,
    result: (fromId: number, toId: number, types: AssociationType[]) => R,
  ) => {
    const results: R[] = [];
    const missing: string[] = [];
    db.transaction(() => {
      for (const pair of pairs) {
        const a = idOf(pair.from?.id);
        const b = idOf(pair.to?.id);
        const ra = a === undefined ? undefined : records.get(call.portal.portalId, from, a);
        const rb = b === undefined ? undefined : records.get(call.portal.portalId, to, b);
        if (!ra || !rb) {
          missing.push(String(!ra ? pair.from?.id : pair.to?.id));
          continue;
        }
        associations.add(call.portal.portalId, from, ra.id, to, rb.id, pair.types, call.now);
        results.push(result(ra.id, rb.id, pair.types));
      }
    })();
    const errors = missing.length ? [standardError('OBJECT_NOT_FOUND', 'One or more objects of the association do not exist.', { ids: missing })] : [];
    return { results, errors };
  };
  const typeView = (t: AssociationType) => ({ category: 'HUBSPOT_DEFINED', typeId: t.typeId, label: t.label });

  return [
    {
      method: 'PUT',
      path: '/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId',
      scopes: scopes('write'),
      handler(call) {
        const from = objectTypeParam(call.params.fromObjectType);
        const to = objectTypeParam(call.params.toObjectType);
        const a = mustExist(call.portal.portalId, from, call.params.fromObjectId!);
        const b = mustExist(call.portal.portalId, to, call.params.toObjectId!);
        const typeId = defaultTypeId(from, to);
        if (typeId === undefined) validationError(`No default association between ${from.name} and ${to.name}`);
        db.transaction(() => associations.add(call.portal.portalId, from, a.id, to, b.id, [associationType(typeId)!], call.now))();
        return ok(
          batchEnvelope(call.now, [
            { from: { id: String(a.id) }, to: { id: String(b.id) }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId } },
          ]),
        );
      },
    },
    {
      method: 'PUT',
      path: '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId',
      scopes: scopes('write'),
      handler(call) {
        const from = objectTypeParam(call.params.objectType);
        const to = objectTypeParam(call.params.toObjectType);
        const a = mustExist(call.portal.portalId, from, call.params.objectId!);
        const b = mustExist(call.portal.portalId, to, call.params.toObjectId!);
        const types = associations.resolveTypes(from, to, readJson(call.req));
        db.transaction(() => associations.replaceLabels(call.portal.portalId, from, a.id, to, b.id, types, call.now))();
        // Numbers, as the docs' example shows (the spec says strings; see test/harness/openapi.ts).
        return ok({ fromObjectTypeId: from.id, fromObjectId: a.id, toObjectTypeId: to.id, toObjectId: b.id, labels: associations.labelsBetween(a.id, to, b.id) }, 201);
      },
    },
    {
      method: 'DELETE',
      path: '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId',
      scopes: scopes('write'),
      handler(call) {
        const from = objectTypeParam(call.params.objectType);
        const to = objectTypeParam(call.params.toObjectType);
        const a = idOf(call.params.objectId);
        const b = idOf(call.params.toObjectId);
        if (a !== undefined && b !== undefined && records.get(call.portal.portalId, from, a)) db.transaction(() => associations.removePair(from, a, to, b))();
        return noContent();
      },
    },
    {
      method: 'GET',
      path: '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType',
      scopes: scopes('read'),
      handler(call) {
        const from = objectTypeParam(call.params.objectType);
        const to = objectTypeParam(call.params.toObjectType);
        const record = mustExist(call.portal.portalId, from, call.params.objectId!);
        const limit = queryLimit(call.req.query, 500, 500);
        const after = idOf(call.req.query.get('after')) ?? 0;
        const all = associations.list(record.id, to).filter((a) => a.toObjectId >= after);
        const page = all.slice(0, limit).map((a) => ({ toObjectId: a.toObjectId, associationTypes: a.types.map(typeView) }));
        const body: Record<string, unknown> = { results: page };
        if (all.length > limit) {
          const next = String(all[limit]!.toObjectId);
          body.paging = { next: { after: next, link: `/crm/v4/objects/${call.params.objectType}/${record.id}/associations/${call.params.toObjectType}?after=${next}&limit=${limit}` } };
        }
        return ok(body);
      },
    },
    {
      method: 'POST',
      path: '/crm/v4/associations/:fromObjectType/:toObjectType/batch/associate/default',
      scopes: scopes('write'),
      handler(call) {
        const from = objectTypeParam(call.params.fromObjectType);
        const to = objectTypeParam(call.params.toObjectType);
        const typeId = defaultTypeId(from, to);
        if (typeId === undefined) validationError(`No default association between ${from.name} and ${to.name}`);
        const defaultType = associationType(typeId)!;
        const inputs = readInputs<{ from?: { id?: unknown }; to?: { id?: unknown } }>(call.req, 2000);
        const { results, errors } = associatePairs(call, from, to, inputs.map((i) => ({ ...i, types: [defaultType] })), (a, b) => ({
          from: { id: String(a) },
          to: { id: String(b) },
          associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId },
        }));
        return ok(batchEnvelope(call.now, results, errors), errors.length ? 207 : 200);
      },
    },
    {
      method: 'POST',
      path: '/crm/v4/associations/:fromObjectType/:toObjectType/batch/create',
      scopes: scopes('write'),
      handler(call) {
        const from = objectTypeParam(call.params.fromObjectType);
        const to = objectTypeParam(call.params.toObjectType);
        const inputs = readInputs<{ from?: { id?: unknown }; to?: { id?: unknown }; types?: unknown }>(call.req, 2000);
        const pairs = inputs.map((input) => ({ from: input?.from, to: input?.to, types: associations.resolveTypes(from, to, input?.types) }));
        const { results, errors } = associatePairs(call, from, to, pairs, (a, b, types) => ({ fromObjectTypeId: from.id, fromObjectId: a, toObjectTypeId: to.id, toObjectId: b, labels: labelsOf(types) }));
        return ok(batchEnvelope(call.now, results, errors), errors.length ? 207 : 201);
      },
    },
    {
      method: 'POST',
      path: '/crm/v4/associations/:fromObjectType/:toObjectType/batch/read',
      scopes: scopes('read'),
      handler(call) {
        const from = objectTypeParam(call.params.fromObjectType);
        const to = objectTypeParam(call.params.toObjectType);
        const inputs = readInputs<{ id?: unknown; after?: unknown }>(call.req, 1000);
        const results: unknown[] = [];
        const missing: string[] = [];
        for (const input of inputs) {
          const id = idOf(input?.id);
          const record = id === undefined ? undefined : records.get(call.portal.portalId, from, id);
          const all = record ? associations.list(record.id, to) : [];
          if (all.length === 0) {
            missing.push(String(input?.id ?? ''));
            continue;
          }
          const after = idOf(input.after) ?? 0;
          const rest = all.filter((a) => a.toObjectId >= after);
          const page = rest.slice(0, 500);
          const result: Record<string, unknown> = { from: { id: String(record!.id) }, to: page.map((a) => ({ toObjectId: a.toObjectId, associationTypes: a.types.map(typeView) })) };
          if (rest.length > 500) result.paging = { next: { after: String(rest[500]!.toObjectId) } };
          results.push(result);
        }
        // Records with no associations (or that don't exist) are reported like HubSpot's fixtures show (UNCONFIRMED).
        const errors = missing.map((id) =>
          standardError('OBJECT_NOT_FOUND', `No ${to.singular} is associated with ${from.singular} ${id}.`, { fromObjectId: [id], fromObjectType: [from.id], toObjectType: [to.id] }),
        );
        return ok(batchEnvelope(call.now, results, errors), errors.length ? 207 : 200);
      },
    },
    {
      method: 'POST',
      path: '/crm/v4/associations/:fromObjectType/:toObjectType/batch/archive',
      scopes: scopes('write'),
      handler(call) {
        const from = objectTypeParam(call.params.fromObjectType);
        const to = objectTypeParam(call.params.toObjectType);
        const inputs = readInputs<{ from?: { id?: unknown }; to?: Array<{ id?: unknown }> }>(call.req, 2000);
        db.transaction(() => {
          for (const input of inputs) {
            const a = idOf(input?.from?.id);
            if (a === undefined || !records.get(call.portal.portalId, from, a)) continue;
            for (const target of input.to ?? []) {
              const b = idOf(target?.id);
              if (b !== undefined) associations.removePair(from, a, to, b);
            }
          }
        })();
        return noContent();
      },
    },
    {
      method: 'POST',
      path: '/crm/v4/associations/:fromObjectType/:toObjectType/batch/labels/archive',
      scopes: scopes('write'),
      handler(call) {
        const from = objectTypeParam(call.params.fromObjectType);
        const to = objectTypeParam(call.params.toObjectType);
        const inputs = readInputs<{ from?: { id?: unknown }; to?: { id?: unknown }; types?: unknown }>(call.req, 2000);
        db.transaction(() => {
          for (const input of inputs) {
            const a = idOf(input?.from?.id);
            const b = idOf(input?.to?.id);
            if (a === undefined || b === undefined) continue;
            associations.removeLabels(from, a, to, b, associations.resolveTypes(from, to, input.types));
          }
        })();
        return noContent();
      },
    },
  ];
}

interface OwnerRow {
  id: number;
  portal_id: number;
  email: string;
  first_name: string;
  last_name: string;
  user_id: number | null;
  teams: string;
  archived: number;
  created_at: number;
  updated_at: number;
}

export function ownerView(row: OwnerRow) {
  return {
    id: String(row.id),
    email: row.email,
    type: 'PERSON',
    firstName: row.first_name,
    lastName: row.last_name,
    // Archived owners have userId null (hubspot-api-facts §8.1).
    userId: row.archived ? null : row.user_id,
    userIdIncludingInactive: row.user_id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    archived: row.archived === 1,
    teams: JSON.parse(row.teams) as unknown[],
  };
}

/** Owners, the deal pipeline, account details and daily API usage. */
export function accountRoutes(deps: { db: Db; limiter: RateLimiter; baseUrl: () => string }): ApiRoute[] {
  const { db } = deps;
  const pipeline = () => ({
    id: 'default',
    label: 'Sales Pipeline',
    displayOrder: 0,
    archived: false,
    // Default pipelines and stages are stamped with epoch 0 (hubspot-api-facts §8.2).
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
    stages: DEFAULT_DEAL_STAGES.map((s, i) => ({
      id: s.id,
      label: s.label,
      displayOrder: i,
      archived: false,
      createdAt: new Date(0).toISOString(),
      updatedAt: new Date(0).toISOString(),
      metadata: { isClosed: String(s.isClosed), probability: s.probability },
      writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
    })),
  });
  const pipelineScopes = (p: Record<string, string>) => {
    const type = resolveObjectType(p.objectType ?? '');
    return type ? [`crm.objects.${type.name}.read`, `crm.schemas.${type.name}.read`] : [];
  };
  const dealsOnly = (raw: string | undefined) => {
    const type = objectTypeParam(raw);
    if (type.name !== 'deals') fail(400, `The sandbox has no pipelines for ${type.name}`, 'VALIDATION_ERROR');
  };

  return [
    {
      method: 'GET',
      path: '/crm/v3/owners',
      scopes: () => ['crm.objects.owners.read'],
      handler(call) {
        const q = call.req.query;
        const limit = queryLimit(q, 100, 500);
        const after = Number(q.get('after') ?? 0) || 0;
        const email = q.get('email');
        const rows = db
          .prepare(`select * from hs_owners where portal_id = ? and archived = ? and id >= ? ${email ? 'and lower(email) = lower(?)' : ''} order by id limit ?`)
          .all(...[call.portal.portalId, queryBool(q, 'archived') ? 1 : 0, after, ...(email ? [email] : []), limit + 1]) as OwnerRow[];
        const body: Record<string, unknown> = { results: rows.slice(0, limit).map(ownerView) };
        if (rows.length > limit) {
          const next = String(rows[limit]!.id);
          body.paging = { next: { after: next, link: `${deps.baseUrl()}/crm/v3/owners?after=${next}&limit=${limit}` } };
        }
        return ok(body);
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/owners/:ownerId',
      scopes: () => ['crm.objects.owners.read'],
      handler(call) {
        const q = call.req.query;
        const by = q.get('idProperty') === 'userId' ? 'user_id' : 'id';
        const row = db.prepare(`select * from hs_owners where portal_id = ? and ${by} = ? and archived = ?`).get(call.portal.portalId, Number(call.params.ownerId), queryBool(q, 'archived') ? 1 : 0) as
          | OwnerRow
          | undefined;
        return row ? ok(ownerView(row)) : fail(404, `Owner ${call.params.ownerId} not found`, 'OBJECT_NOT_FOUND');
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/pipelines/:objectType',
      scopes: pipelineScopes,
      handler(call) {
        dealsOnly(call.params.objectType);
        return ok({ results: [pipeline()] });
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/pipelines/:objectType/:pipelineId',
      scopes: pipelineScopes,
      handler(call) {
        dealsOnly(call.params.objectType);
        return call.params.pipelineId === 'default' ? ok(pipeline()) : fail(404, `Unable to find pipeline ${call.params.pipelineId}`, 'OBJECT_NOT_FOUND');
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/pipelines/:objectType/:pipelineId/stages',
      scopes: pipelineScopes,
      handler(call) {
        dealsOnly(call.params.objectType);
        return call.params.pipelineId === 'default' ? ok({ results: pipeline().stages }) : fail(404, `Unable to find pipeline ${call.params.pipelineId}`, 'OBJECT_NOT_FOUND');
      },
    },
    {
      method: 'GET',
      path: '/account-info/v3/details',
      scopes: () => ['oauth'],
      handler(call) {
        const offset = utcOffsetMs(call.portal.timeZone, call.now);
        const abs = Math.abs(offset) / 60_000;
        return ok({
          portalId: call.portal.portalId,
          accountType: 'STANDARD',
          timeZone: call.portal.timeZone,
          companyCurrency: call.portal.currency,
          additionalCurrencies: call.portal.currency === 'USD' ? ['EUR'] : ['USD'],
          utcOffset: `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`,
          utcOffsetMilliseconds: offset,
          uiDomain: 'app.hubspot.com',
          dataHostingLocation: call.portal.hublet,
        });
      },
    },
    {
      method: 'GET',
      path: '/account-info/v3/api-usage/daily/private-apps',
      scopes: () => ['oauth'],
      handler(call) {
        const usage = deps.limiter.usage(call.portal);
        return ok({
          results: [
            {
              name: 'private-apps-api-calls-daily',
              usageLimit: usage.limit,
              currentUsage: usage.used,
              collectedAt: new Date(call.now).toISOString(),
              fetchStatus: 'SUCCESS',
              resetsAt: new Date(usage.resetsAt).toISOString(),
            },
          ],
        });
      },
    },
  ];
}
