import type { Db } from '../../store/database.ts';
import { type ApiRoute, noContent, ok, queryBool, queryLimit, queryList, readJson, readObject } from './hubspot-api-kit.ts';
import { fail, validationError } from './hubspot-errors.ts';
import { objectTypeById, type ObjectType } from './hubspot-object-types.ts';
import type { Search, SearchFilter } from './hubspot-search.ts';

interface ListRow {
  list_id: number;
  portal_id: number;
  name: string;
  object_type_id: string;
  processing_type: 'MANUAL' | 'DYNAMIC' | 'SNAPSHOT';
  filter_branch: string | null;
  list_version: number;
  created_by: string;
  created_at: number;
  updated_at: number;
  filters_updated_at: number;
  deleted_at: number | null;
}

interface Branch {
  filterBranchType?: string;
  filterBranches?: Branch[];
  filters?: Array<{ filterType?: string; property?: string; operation?: { operationType?: string; operator?: string; value?: unknown; values?: unknown[] } }>;
}

const PROCESSING_TYPES = ['MANUAL', 'DYNAMIC', 'SNAPSHOT'];
const iso = (ms: number) => new Date(ms).toISOString();

/** A list filter → the search filter it means. The sandbox supports property filters; others are refused. */
function toSearchFilter(filter: NonNullable<Branch['filters']>[number]): SearchFilter {
  const unsupported = (): never =>
    validationError(`The sandbox supports PROPERTY list filters with IS_EQUAL_TO, IS_NOT_EQUAL_TO, IS_ANY_OF, IS_NONE_OF, CONTAINS, IS_KNOWN, IS_UNKNOWN and number comparisons; got ${JSON.stringify(filter)}.`, {
      subCategory: 'ListError.FILTER_NOT_SUPPORTED',
    });
  if (filter?.filterType !== 'PROPERTY' || typeof filter.property !== 'string' || !filter.operation) return unsupported();
  const { operator, value, values } = filter.operation;
  const propertyName = filter.property;
  const list = Array.isArray(values) ? values.map(String) : undefined;
  switch (operator) {
    case 'IS_EQUAL_TO':
      return list ? { propertyName, operator: 'IN', values: list } : { propertyName, operator: 'EQ', value: String(value) };
    case 'IS_NOT_EQUAL_TO':
      return list ? { propertyName, operator: 'NOT_IN', values: list } : { propertyName, operator: 'NEQ', value: String(value) };
    case 'IS_ANY_OF':
    case 'IS_EXACTLY':
      return { propertyName, operator: 'IN', values: list ?? [String(value)] };
    case 'IS_NONE_OF':
    case 'IS_NOT_EXACTLY':
      return { propertyName, operator: 'NOT_IN', values: list ?? [String(value)] };
    case 'CONTAINS':
      return { propertyName, operator: 'CONTAINS_TOKEN', value: `*${String(list?.[0] ?? value)}*` };
    case 'IS_KNOWN':
      return { propertyName, operator: 'HAS_PROPERTY' };
    case 'IS_UNKNOWN':
      return { propertyName, operator: 'NOT_HAS_PROPERTY' };
    case 'IS_GREATER_THAN':
      return { propertyName, operator: 'GT', value: String(value) };
    case 'IS_GREATER_THAN_OR_EQUAL_TO':
      return { propertyName, operator: 'GTE', value: String(value) };
    case 'IS_LESS_THAN':
      return { propertyName, operator: 'LT', value: String(value) };
    case 'IS_LESS_THAN_OR_EQUAL_TO':
      return { propertyName, operator: 'LTE', value: String(value) };
    default:
      return unsupported();
  }
}

/** `OR` of `AND`s of filters (the shape HubSpot's UI saves) → search filter groups. */
function toFilterGroups(branch: Branch): Array<{ filters: SearchFilter[] }> {
  if (branch.filterBranchType === 'AND' && !branch.filterBranches?.length) return [{ filters: (branch.filters ?? []).map(toSearchFilter) }];
  if (branch.filterBranchType !== 'OR' || (branch.filters?.length ?? 0) > 0) {
    validationError('The sandbox supports a filterBranch of type OR whose filterBranches are AND branches of property filters.', { subCategory: 'ListError.FILTER_NOT_SUPPORTED' });
  }
  return (branch.filterBranches ?? []).map((child) => {
    if (child.filterBranchType !== 'AND' || child.filterBranches?.length) {
      validationError('The sandbox supports AND branches of property filters inside the OR branch.', { subCategory: 'ListError.FILTER_NOT_SUPPORTED' });
    }
    return { filters: (child.filters ?? []).map(toSearchFilter) };
  });
}

/**
 * Lists v3. MANUAL and SNAPSHOT lists keep their members in `hs_list_members`; a DYNAMIC list's
 * membership is computed from its filterBranch on every read, so it follows record changes at once
 * (HubSpot re-evaluates "continuously"; real lists lag a little).
 */
export function createLists(db: Db, search: Search, now: () => number) {
  const getStmt = db.prepare('select * from hs_lists where list_id = ? and portal_id = ?');
  const memberStmt = db.prepare('select 1 from hs_list_members where list_id = ? and record_id = ?').pluck();
  const addStmt = db.prepare('insert or ignore into hs_list_members (list_id, record_id, added_at) values (?, ?, ?)');
  const removeStmt = db.prepare('delete from hs_list_members where list_id = ? and record_id = ?');
  const recordExists = db.prepare('select 1 from hs_objects where id = ? and portal_id = ? and type = ? and archived = 0').pluck();

  const condition = (list: ListRow) => {
    const type = objectTypeById(list.object_type_id)!;
    const groups = list.filter_branch ? toFilterGroups(JSON.parse(list.filter_branch) as Branch) : [];
    return { type, cond: search.condition(list.portal_id, type, groups) ?? { sql: '0', params: [] } };
  };

  const lists = {
    get(portalId: number, listId: number, includeDeleted = false): ListRow | undefined {
      const row = getStmt.get(listId, portalId) as ListRow | undefined;
      return row && (includeDeleted || row.deleted_at === null) ? row : undefined;
    },
    size(list: ListRow): number {
      if (list.processing_type !== 'DYNAMIC') return db.prepare('select count(*) from hs_list_members where list_id = ?').pluck().get(list.list_id) as number;
      const { type, cond } = condition(list);
      return db.prepare(`select count(*) from hs_objects o where o.portal_id = ? and o.type = ? and o.archived = 0 and ${cond.sql}`).pluck().get(list.portal_id, type.id, ...cond.params) as number;
    },
    view(list: ListRow, includeFilters: boolean) {
      const view: Record<string, unknown> = {
        listId: String(list.list_id),
        listVersion: list.list_version,
        name: list.name,
        objectTypeId: list.object_type_id,
        processingStatus: 'COMPLETE',
        processingType: list.processing_type,
        createdAt: iso(list.created_at),
        createdById: list.created_by,
        updatedAt: iso(list.updated_at),
        updatedById: list.created_by,
        filtersUpdatedAt: iso(list.filters_updated_at),
        size: lists.size(list),
      };
      if (list.deleted_at !== null) view.deletedAt = iso(list.deleted_at);
      if (includeFilters && list.filter_branch) view.filterBranch = JSON.parse(list.filter_branch);
      return view;
    },

    create(portalId: number, input: Record<string, unknown>, userId: number): ListRow {
      const name = input.name;
      if (typeof name !== 'string' || name.trim() === '') validationError('A list needs a "name".');
      const type = objectTypeById(String(input.objectTypeId));
      if (!type) {
        validationError(`The objectTypeId ${String(input.objectTypeId)} provided for the list is not valid for this portal.`, { subCategory: 'ListError.INVALID_OBJECT_TYPE_FOR_LIST' });
      }
      const processingType = String(input.processingType);
      if (!PROCESSING_TYPES.includes(processingType)) validationError(`processingType must be one of ${PROCESSING_TYPES.join(', ')}; got ${processingType}.`, { subCategory: 'ListError.INVALID_PROCESSING_TYPE' });
      const taken = db.prepare('select 1 from hs_lists where portal_id = ? and lower(name) = lower(?) and deleted_at is null').pluck().get(portalId, name);
      // UNCONFIRMED message; the category and subCategory are captured (hubspot-api-facts §6.1).
      if (taken) validationError(`A list named "${name}" already exists. List names must be unique.`, { subCategory: 'ILS.DUPLICATE_LIST_NAMES' });
      const branch = input.filterBranch as Branch | undefined;
      if (processingType !== 'MANUAL' && !branch) validationError(`A ${processingType} list needs a "filterBranch".`, { subCategory: 'ListError.MISSING_FILTER_BRANCH' });
      if (branch) toFilterGroups(branch);
      const at = now();
      const listId = Number(
        db
          .prepare(
            'insert into hs_lists (portal_id, name, object_type_id, processing_type, filter_branch, list_version, created_by, created_at, updated_at, filters_updated_at, deleted_at) values (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, null)',
          )
          .run(portalId, name, type.id, processingType, branch ? JSON.stringify(branch) : null, String(userId), at, at, at).lastInsertRowid,
      );
      const list = lists.get(portalId, listId)!;
      if (processingType === 'SNAPSHOT') {
        // Filters apply once, at creation; afterwards the list is managed by hand.
        const { cond } = condition(list);
        db.prepare(`insert into hs_list_members (list_id, record_id, added_at) select ?, o.id, ? from hs_objects o where o.portal_id = ? and o.type = ? and o.archived = 0 and ${cond.sql}`).run(
          listId,
          at,
          portalId,
          type.id,
          ...cond.params,
        );
      }
      return list;
    },

    /** Members with their join time, by record id (or join order), with HubSpot's paging. */
    members(list: ListRow, order: 'id' | 'joined', after: number, limit: number): { rows: Array<{ id: number; at: number }>; total: number } {
      if (list.processing_type === 'DYNAMIC') {
        const { type, cond } = condition(list);
        const rows = db
          .prepare(`select o.id as id, max(o.created_at, ?) as at from hs_objects o where o.portal_id = ? and o.type = ? and o.archived = 0 and o.id >= ? and ${cond.sql} order by o.id limit ?`)
          .all(list.filters_updated_at, list.portal_id, type.id, after, ...cond.params, limit + 1) as Array<{ id: number; at: number }>;
        return { rows, total: lists.size(list) };
      }
      const sql =
        order === 'id'
          ? 'select record_id as id, added_at as at from hs_list_members where list_id = ? and record_id >= ? order by record_id limit ?'
          : 'select record_id as id, added_at as at from hs_list_members where list_id = ? order by added_at, record_id limit ? offset ?';
      const rows = (order === 'id' ? db.prepare(sql).all(list.list_id, after, limit + 1) : db.prepare(sql).all(list.list_id, limit + 1, after)) as Array<{ id: number; at: number }>;
      return { rows, total: lists.size(list) };
    },

    change(list: ListRow, add: string[], remove: string[]) {
      if (list.processing_type === 'DYNAMIC') {
        // UNCONFIRMED status and body (hubspot-api-facts §6.1).
        validationError(`List ${list.list_id} is a DYNAMIC list. List membership endpoints can only be used on MANUAL or SNAPSHOT list processing types.`, {
          subCategory: 'ListError.MEMBERSHIP_CHANGE_NOT_ALLOWED_FOR_PROCESSING_TYPE',
        });
      }
      const type = objectTypeById(list.object_type_id) as ObjectType;
      const at = now();
      const result = { recordsIdsAdded: [] as string[], recordIdsRemoved: [] as string[], recordIdsMissing: [] as string[] };
      const exists = (id: string) => /^\d+$/.test(id) && recordExists.get(Number(id), list.portal_id, type.id) !== undefined;
      db.transaction(() => {
        for (const raw of add) {
          const id = String(raw);
          if (!exists(id)) result.recordIdsMissing.push(id);
          else if (memberStmt.get(list.list_id, Number(id)) === undefined) {
            addStmt.run(list.list_id, Number(id), at);
            result.recordsIdsAdded.push(id);
          }
          // Already a member: in neither list (there is no "already member" field).
        }
        for (const raw of remove) {
          const id = String(raw);
          if (!exists(id)) result.recordIdsMissing.push(id);
          else if (removeStmt.run(list.list_id, Number(id)).changes > 0) result.recordIdsRemoved.push(id);
        }
        if (result.recordsIdsAdded.length || result.recordIdsRemoved.length) db.prepare('update hs_lists set updated_at = ? where list_id = ?').run(at, list.list_id);
      })();
      return result;
    },

    /** The lists a record is in, dynamic ones evaluated now. */
    recordLists(portalId: number, type: ObjectType, recordId: number) {
      const out: Array<{ listId: string; listVersion: number; firstAddedTimestamp: string; lastAddedTimestamp: string; isPublicList: boolean }> = [];
      const all = db.prepare('select * from hs_lists where portal_id = ? and object_type_id = ? and deleted_at is null order by list_id').all(portalId, type.id) as ListRow[];
      for (const list of all) {
        let at: number | undefined;
        if (list.processing_type === 'DYNAMIC') {
          const { cond } = condition(list);
          const hit = db.prepare(`select max(o.created_at, ?) from hs_objects o where o.id = ? and o.archived = 0 and ${cond.sql}`).pluck().get(list.filters_updated_at, recordId, ...cond.params) as
            | number
            | null
            | undefined;
          at = hit ?? undefined;
        } else at = db.prepare('select added_at from hs_list_members where list_id = ? and record_id = ?').pluck().get(list.list_id, recordId) as number | undefined;
        if (at !== undefined) out.push({ listId: String(list.list_id), listVersion: list.list_version, firstAddedTimestamp: iso(at), lastAddedTimestamp: iso(at), isPublicList: true });
      }
      return out;
    },
  };
  return lists;
}
export type Lists = ReturnType<typeof createLists>;

export function listRoutes(db: Db, lists: Lists): ApiRoute[] {
  const read = () => ['crm.lists.read'];
  const write = () => ['crm.lists.write'];
  function notFound(id: string): never {
    return fail(404, `List ${id} does not exist.`, 'OBJECT_NOT_FOUND', { subCategory: 'ListError.LIST_DOES_NOT_EXIST' });
  }
  const find = (portalId: number, raw: string | undefined) => {
    const id = Number(raw);
    return (Number.isInteger(id) && lists.get(portalId, id)) || notFound(String(raw));
  };
  const idArray = (body: unknown): string[] => {
    if (!Array.isArray(body)) validationError('The body must be a JSON array of record ids, e.g. ["123","456"].');
    return (body as unknown[]).map(String);
  };
  const membershipPage = (list: Parameters<Lists['members']>[0], order: 'id' | 'joined', q: URLSearchParams) => {
    const limit = queryLimit(q, 100, 250);
    const after = Number(q.get('after') ?? 0) || 0;
    const { rows, total } = lists.members(list, order, after, limit);
    const body: Record<string, unknown> = { results: rows.slice(0, limit).map((r) => ({ recordId: String(r.id), membershipTimestamp: iso(r.at) })), total };
    if (rows.length > limit) body.paging = { next: { after: order === 'id' ? String(rows[limit]!.id) : String(after + limit) } };
    return ok(body);
  };

  return [
    {
      method: 'POST',
      path: '/crm/v3/lists',
      scopes: write,
      handler(call) {
        const list = lists.create(call.portal.portalId, readObject(call.req), call.auth.userId);
        return ok({ list: lists.view(list, true) });
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/lists',
      scopes: read,
      handler(call) {
        const ids = queryList(call.req.query, 'listIds') ?? [];
        const found = ids.map((id) => lists.get(call.portal.portalId, Number(id))).filter((l) => l !== undefined);
        return ok({ lists: found.map((l) => lists.view(l, queryBool(call.req.query, 'includeFilters'))) });
      },
    },
    {
      method: 'POST',
      path: '/crm/v3/lists/search',
      scopes: read,
      handler(call) {
        const body = readObject(call.req);
        const count = body.count === undefined ? 20 : Number(body.count);
        if (!Number.isInteger(count) || count < 1 || count > 500) validationError('count must be an integer from 1 to 500.');
        const offset = Number(body.offset ?? 0) || 0;
        const query = typeof body.query === 'string' ? body.query.toLowerCase() : '';
        const types = Array.isArray(body.processingTypes) ? (body.processingTypes as string[]) : undefined;
        const ids = Array.isArray(body.listIds) ? (body.listIds as unknown[]).map(String) : undefined;
        const rows = (db.prepare('select * from hs_lists where portal_id = ? and deleted_at is null order by list_id').all(call.portal.portalId) as Parameters<Lists['view']>[0][]).filter(
          (l) =>
            (!query || l.name.toLowerCase().includes(query)) &&
            (!types || types.includes(l.processing_type)) &&
            (!ids || ids.includes(String(l.list_id))) &&
            (typeof body.objectTypeId !== 'string' || l.object_type_id === body.objectTypeId),
        );
        const page = rows.slice(offset, offset + count).map((l) => {
          const { filterBranch: _f, ...view } = lists.view(l, false);
          return { ...view, additionalProperties: { hs_list_size: String(view.size), hs_list_reference_count: '0' } };
        });
        return ok({ lists: page, hasMore: offset + count < rows.length, offset: offset + page.length, total: rows.length });
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/lists/object-type-id/:objectTypeId/name/:listName',
      scopes: read,
      handler(call) {
        const name = decodeURIComponent(call.params.listName!);
        const row = db.prepare('select list_id from hs_lists where portal_id = ? and object_type_id = ? and lower(name) = lower(?) and deleted_at is null').pluck().get(
          call.portal.portalId,
          decodeURIComponent(call.params.objectTypeId!),
          name,
        ) as number | undefined;
        if (row === undefined) notFound(name);
        return ok({ list: lists.view(lists.get(call.portal.portalId, row)!, queryBool(call.req.query, 'includeFilters')) });
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/lists/records/:objectTypeId/:recordId/memberships',
      scopes: read,
      handler(call) {
        const type = objectTypeById(decodeURIComponent(call.params.objectTypeId!));
        if (!type) validationError(`Unknown objectTypeId ${call.params.objectTypeId}`, { subCategory: 'ListError.INVALID_OBJECT_TYPE_FOR_LIST' });
        const results = lists.recordLists(call.portal.portalId, type, Number(call.params.recordId));
        return ok({ results, total: results.length });
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/lists/:listId',
      scopes: read,
      handler: (call) => ok({ list: lists.view(find(call.portal.portalId, call.params.listId), queryBool(call.req.query, 'includeFilters')) }),
    },
    {
      method: 'DELETE',
      path: '/crm/v3/lists/:listId',
      scopes: write,
      handler(call) {
        const list = find(call.portal.portalId, call.params.listId);
        db.prepare('update hs_lists set deleted_at = ? where list_id = ?').run(call.now, list.list_id);
        return noContent();
      },
    },
    {
      method: 'PUT',
      path: '/crm/v3/lists/:listId/restore',
      scopes: write,
      handler(call) {
        const list = lists.get(call.portal.portalId, Number(call.params.listId), true) ?? notFound(String(call.params.listId));
        db.prepare('update hs_lists set deleted_at = null where list_id = ?').run(list.list_id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/lists/:listId/memberships',
      scopes: read,
      handler: (call) => membershipPage(find(call.portal.portalId, call.params.listId), 'id', call.req.query),
    },
    {
      method: 'GET',
      path: '/crm/v3/lists/:listId/memberships/join-order',
      scopes: read,
      handler: (call) => membershipPage(find(call.portal.portalId, call.params.listId), 'joined', call.req.query),
    },
    {
      method: 'PUT',
      path: '/crm/v3/lists/:listId/memberships/add',
      scopes: write,
      handler: (call) => ok(lists.change(find(call.portal.portalId, call.params.listId), idArray(readJson(call.req)), [])),
    },
    {
      method: 'PUT',
      path: '/crm/v3/lists/:listId/memberships/remove',
      scopes: write,
      handler: (call) => ok(lists.change(find(call.portal.portalId, call.params.listId), [], idArray(readJson(call.req)))),
    },
    {
      method: 'PUT',
      path: '/crm/v3/lists/:listId/memberships/add-and-remove',
      scopes: write,
      handler(call) {
        const body = readObject(call.req);
        return ok(lists.change(find(call.portal.portalId, call.params.listId), idArray(body.recordIdsToAdd ?? []), idArray(body.recordIdsToRemove ?? [])));
      },
    },
    {
      method: 'DELETE',
      path: '/crm/v3/lists/:listId/memberships',
      scopes: write,
      handler(call) {
        const list = find(call.portal.portalId, call.params.listId);
        lists.change(list, [], []);
        db.prepare('delete from hs_list_members where list_id = ?').run(list.list_id);
        return noContent();
      },
    },
  ];
}
