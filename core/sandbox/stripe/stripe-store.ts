import type { Db } from '../../store/database.ts';
import type { RangeFilter } from './stripe-params.ts';

export type ObjectType = 'customer' | 'product' | 'price' | 'coupon' | 'subscription' | 'invoice' | 'discount' | 'event';

/** A Stripe object in API shape, as stored (never expanded). */
export interface StripeObject {
  id: string;
  object: string;
  created?: number;
  [field: string]: unknown;
}

export interface StoredRecord {
  type: ObjectType;
  object: StripeObject;
  deleted: boolean;
  seq: number;
}

type Column = 'customer' | 'parent' | 'status' | 'lookup';

export interface Condition {
  column: Column;
  /** `like` patterns escape `%`, `_` and the backslash itself with a backslash. */
  op: '=' | '!=' | 'in' | 'not in' | 'like';
  value: string | readonly string[];
}

export interface ListQuery {
  conditions?: Condition[];
  created?: RangeFilter;
  /** Further filtering for parameters without a column; applied while walking the index in order. */
  filter?: (object: StripeObject) => boolean;
  limit: number;
  startingAfter?: Position;
  endingBefore?: Position;
}

export interface Position {
  created: number;
  seq: number;
}

export interface ListPage {
  data: StripeObject[];
  hasMore: boolean;
}

interface Row {
  seq: number;
  id: string;
  type: ObjectType;
  created: number;
  deleted: number;
  body: string;
}

const parseBody = (body: string): StripeObject => JSON.parse(body) as StripeObject;

/** The indexed columns of each type: what lists filter on, and when renewals are due. */
function columnsFor(type: ObjectType, o: StripeObject): { customer: string | null; parent: string | null; status: string | null; lookup: string | null; periodEnd: number | null } {
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null);
  switch (type) {
    case 'customer':
      return { customer: null, parent: null, status: null, lookup: str(o.email), periodEnd: null };
    case 'price':
      return { customer: null, parent: str(o.product), status: o.active ? 'active' : 'inactive', lookup: str(o.lookup_key), periodEnd: null };
    case 'product':
      return { customer: null, parent: null, status: o.active ? 'active' : 'inactive', lookup: null, periodEnd: null };
    case 'subscription': {
      const items = (o.items as { data: Array<{ current_period_end: number }> }).data;
      const periodEnd = items.length > 0 ? Math.min(...items.map((i) => i.current_period_end)) : null;
      return { customer: str(o.customer), parent: null, status: str(o.status), lookup: null, periodEnd };
    }
    case 'invoice':
      return { customer: str(o.customer), parent: str((o.parent as { subscription_details?: { subscription?: unknown } } | null)?.subscription_details?.subscription), status: str(o.status), lookup: null, periodEnd: null };
    case 'discount':
      return { customer: str(o.customer), parent: str(o.subscription), status: null, lookup: null, periodEnd: null };
    case 'event':
      return { customer: null, parent: null, status: null, lookup: str(o.type), periodEnd: null };
    case 'coupon':
      return { customer: null, parent: null, status: null, lookup: null, periodEnd: null };
  }
}

/** Storage for the simulated account: objects, API keys and idempotent results. */
export function createStripeStore(db: Db) {
  const insertObject = db.prepare(
    `insert into stripe_objects (id, type, created, deleted, customer, parent, status, lookup, period_end, body)
     values (@id, @type, @created, 0, @customer, @parent, @status, @lookup, @periodEnd, @body)`,
  );
  const updateObject = db.prepare(
    `update stripe_objects set customer = @customer, parent = @parent, status = @status, lookup = @lookup, period_end = @periodEnd, body = @body where id = @id`,
  );
  const markDeleted = db.prepare('update stripe_objects set deleted = 1 where id = ?');
  const selectById = db.prepare<[string], Row>('select seq, id, type, created, deleted, body from stripe_objects where id = ?');
  const selectAllOfType = db.prepare<[string], Row>('select seq, id, type, created, deleted, body from stripe_objects where type = ? order by created desc, seq desc');
  const selectDuePeriods = db.prepare<[number, number], Row>(
    `select seq, id, type, created, deleted, body from stripe_objects
     where type = 'subscription' and period_end is not null and period_end <= ? and deleted = 0 order by period_end, seq limit ?`,
  );
  const deleteOldEvents = db.prepare("delete from stripe_objects where type = 'event' and deleted = 0 and created < ?");
  const selectByLookup = db.prepare<[string, string], Row>('select seq, id, type, created, deleted, body from stripe_objects where type = ? and lookup = ? and deleted = 0 order by seq limit 1');

  const toRecord = (row: Row): StoredRecord => ({ type: row.type, object: parseBody(row.body), deleted: row.deleted === 1, seq: row.seq });

  /** `created` orders lists; objects without one (discounts) pass their start time. */
  function insert(type: ObjectType, object: StripeObject, created?: number): void {
    const at = created ?? object.created;
    if (at === undefined) throw new Error(`${object.id} has no creation time`);
    insertObject.run({ id: object.id, type, created: at, body: JSON.stringify(object), ...columnsFor(type, object) });
  }

  /** Events arrive already serialised (see StripeEnv.emit). */
  const insertEventRow = db.prepare("insert into stripe_objects (id, type, created, deleted, lookup, body) values (?, 'event', ?, 0, ?, ?)");
  function insertEvent(id: string, created: number, eventType: string, body: string): void {
    insertEventRow.run(id, created, eventType, body);
  }

  function save(type: ObjectType, object: StripeObject): void {
    updateObject.run({ id: object.id, body: JSON.stringify(object), ...columnsFor(type, object) });
  }

  function get(id: string): StoredRecord | undefined {
    const row = selectById.get(id);
    return row ? toRecord(row) : undefined;
  }

  function position(id: string, type: ObjectType): Position | undefined {
    const row = selectById.get(id);
    return row && row.type === type ? { created: row.created, seq: row.seq } : undefined;
  }

  const listStatements = new Map<string, { all(...params: unknown[]): unknown[] }>();

  /** Newest first, by (created, seq); cursors are positions of objects of the same type. */
  function list(type: ObjectType, query: ListQuery): ListPage {
    const backwards = query.endingBefore !== undefined;
    const clauses = ['type = ?', 'deleted = 0'];
    const params: unknown[] = [type];
    for (const c of query.conditions ?? []) {
      if (c.op === 'in' || c.op === 'not in') {
        const values = c.value as readonly string[];
        if (values.length === 0) {
          if (c.op === 'in') return { data: [], hasMore: false };
          continue;
        }
        clauses.push(`${c.column} ${c.op} (${values.map(() => '?').join(', ')})`);
        params.push(...values);
      } else {
        if (c.op === '!=') clauses.push(`(${c.column} is null or ${c.column} != ?)`);
        else if (c.op === 'like') clauses.push(`${c.column} like ? escape '\\'`);
        else clauses.push(`${c.column} = ?`);
        params.push(c.value);
      }
    }
    const { gt, gte, lt, lte } = query.created ?? {};
    const bounds: Array<[string, number | undefined]> = [['>', gt], ['>=', gte], ['<', lt], ['<=', lte]];
    for (const [op, bound] of bounds) {
      if (bound === undefined) continue;
      clauses.push(`created ${op} ?`);
      params.push(bound);
    }
    let cursor = backwards ? query.endingBefore : query.startingAfter;
    const batch = query.filter ? Math.max(query.limit + 1, 200) : query.limit + 1;
    const order = backwards ? 'created asc, seq asc' : 'created desc, seq desc';
    const compare = backwards ? '>' : '<';
    const sqlWith = (withCursor: boolean) =>
      `select seq, id, type, created, deleted, body from stripe_objects where ${clauses.join(' and ')}${
        withCursor ? ` and (created ${compare} ? or (created = ? and seq ${compare} ?))` : ''
      } order by ${order} limit ?`;
    const found: Row[] = [];
    for (;;) {
      const sql = sqlWith(cursor !== undefined);
      let statement = listStatements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        listStatements.set(sql, statement);
      }
      const rows = statement.all(...params, ...(cursor ? [cursor.created, cursor.created, cursor.seq] : []), batch) as Row[];
      for (const row of rows) {
        if (query.filter && !query.filter(parseBody(row.body))) continue;
        found.push(row);
        if (found.length > query.limit) break;
      }
      if (found.length > query.limit || rows.length < batch) break;
      const last = rows.at(-1)!;
      cursor = { created: last.created, seq: last.seq };
    }
    const hasMore = found.length > query.limit;
    const page = found.slice(0, query.limit);
    if (backwards) page.reverse();
    return { data: page.map((row) => parseBody(row.body)), hasMore };
  }

  return {
    insert,
    insertEvent,
    save,
    get,
    position,
    list,
    markDeleted: (id: string) => void markDeleted.run(id),
    findByLookup: (type: ObjectType, lookup: string): StripeObject | undefined => {
      const row = selectByLookup.get(type, lookup);
      return row ? toRecord(row).object : undefined;
    },
    /** Every record of a type, deleted included, newest first. */
    all: (type: ObjectType): StoredRecord[] => selectAllOfType.all(type).map(toRecord),
    /** Subscriptions whose current period ended at or before `nowSeconds`, oldest first. */
    dueSubscriptions: (nowSeconds: number, limit: number): StripeObject[] => selectDuePeriods.all(nowSeconds, limit).map((r) => toRecord(r).object),
    /** Drops events created before `cutoffSeconds` (Stripe keeps 30 days). */
    expireEvents: (cutoffSeconds: number): number => deleteOldEvents.run(cutoffSeconds).changes,
    clear: () => {
      db.exec('delete from stripe_objects; delete from stripe_keys; delete from stripe_idempotency;');
    },
  };
}
export type StripeStore = ReturnType<typeof createStripeStore>;
