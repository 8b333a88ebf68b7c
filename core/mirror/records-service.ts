import { readProperties } from '../catalogue/catalogue.ts';
import type { CurrencyAmount, RecordDetail, RecordObjectType, RecordRow } from '../contract/mirror.ts';
import { AppError } from '../errors.ts';
import { isoAt } from '../ports/clock.ts';
import type { Db } from '../store/database.ts';
import type { StoredRecord } from './mirror-store.ts';

const encodeCursor = (label: string, id: string) => Buffer.from(JSON.stringify([label, id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // fall through
  }
  throw new AppError('validation', 'That page cursor is not one this list gave out. Start from the first page.');
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

interface OwnerRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
}
const ownerName = (o: OwnerRow) => `${o.first_name ?? ''} ${o.last_name ?? ''}`.trim() || o.email || `Owner ${o.id}`;

/** Per currency sums of integer minor-unit strings. */
export function sumByCurrency(amounts: Iterable<{ currency: string; mrrMinor: string | number | bigint }>): CurrencyAmount[] {
  const totals = new Map<string, bigint>();
  for (const a of amounts) totals.set(a.currency, (totals.get(a.currency) ?? 0n) + BigInt(a.mrrMinor));
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, total]) => ({ currency, mrrMinor: total.toString() }));
}

/** Browsing the mirror offline: pages by key out of SQLite, never whole tables. */
export function createRecordsService(deps: { database(workspaceId: string): Db }) {
  const owners = (db: Db) => new Map((db.prepare('select id, first_name, last_name, email from mirror_owners').all() as OwnerRow[]).map((o) => [o.id, ownerName(o)]));

  return {
    list(
      workspaceId: string,
      input: {
        objectType: RecordObjectType;
        search?: string | undefined;
        deleted: boolean;
        ownerId?: string | undefined;
        property?: { name: string; value: string } | undefined;
        listId?: string | undefined;
        limit: number;
        after?: string | undefined;
      },
    ): { items: RecordRow[]; next?: string; total: number } {
      const db = deps.database(workspaceId);
      const where = ['object_type = ?', 'archived = ?'];
      const params: unknown[] = [input.objectType, input.deleted ? 1 : 0];
      const search = input.search?.trim().toLowerCase();
      if (search) {
        for (const token of search.split(/\s+/).slice(0, 5)) {
          where.push("search like ? escape '\\'");
          params.push(`%${escapeLike(token)}%`);
        }
      }
      if (input.ownerId) {
        where.push('owner_id = ?');
        params.push(input.ownerId);
      }
      if (input.listId) {
        where.push('id in (select record_id from mirror_list_members where list_id = ?)');
        params.push(input.listId);
      }
      if (input.property) {
        if (!/^[A-Za-z0-9_]+$/.test(input.property.name)) throw new AppError('validation', `"${input.property.name}" is not a property name.`);
        where.push('json_extract(properties, ?) = ?');
        params.push(`$.${input.property.name}`, input.property.value);
      }
      const total = db.prepare(`select count(*) from mirror_records where ${where.join(' and ')}`).pluck().get(...params) as number;
      const pageWhere = [...where];
      const pageParams = [...params];
      if (input.after) {
        const [label, id] = decodeCursor(input.after);
        pageWhere.push('(label collate nocase > ? or (label collate nocase = ? and id > ?))');
        pageParams.push(label, label, id);
      }
      const rows = db
        .prepare(`select id, label, subtitle, owner_id, modified_at, archived from mirror_records where ${pageWhere.join(' and ')} order by label collate nocase, id limit ?`)
        .all(...pageParams, input.limit + 1) as Array<{ id: string; label: string; subtitle: string; owner_id: string | null; modified_at: number | null; archived: number }>;
      const names = owners(db);
      const items = rows.slice(0, input.limit).map((r) => ({
        id: r.id,
        objectType: input.objectType,
        label: r.label,
        subtitle: r.subtitle,
        ownerName: r.owner_id ? (names.get(r.owner_id) ?? null) : null,
        updatedAt: r.modified_at === null ? null : isoAt(r.modified_at),
        archived: r.archived === 1,
      }));
      const last = rows.length > input.limit ? rows[input.limit - 1] : undefined;
      return last ? { items, next: encodeCursor(last.label, last.id), total } : { items, total };
    },

    get(workspaceId: string, objectType: RecordObjectType, id: string): RecordDetail {
      const db = deps.database(workspaceId);
      const record = db.prepare('select * from mirror_records where object_type = ? and id = ?').get(objectType, id) as StoredRecord | undefined;
      if (!record) throw new AppError('not_found', `No ${objectType.replace(/s$/, '')} ${id} in the mirror. Run a sync, or resync it from HubSpot.`);
      const values = JSON.parse(record.properties) as Record<string, string | null>;
      const catalogue = new Map(readProperties(db, objectType).properties.map((p) => [p.name, p]));
      const names = owners(db);
      // Stored values hold only what is set; the catalogue lists the empty ones too.
      const properties = [...new Set([...Object.keys(values), ...catalogue.keys()])]
        .map((name) => {
          const def = catalogue.get(name);
          const value = values[name] ?? null;
          let display = value;
          if (value !== null && def) {
            if (def.referencedObjectType === 'OWNER' || name === 'hubspot_owner_id') display = names.get(value) ?? value;
            else if (def.options.length > 0) display = value.split(';').map((v) => def.options.find((o) => o.value === v)?.label ?? v).join(', ');
          }
          return { name, label: def?.label ?? name, value, display, type: def?.type ?? null, groupName: def?.groupName ?? null };
        })
        .sort((a, b) => a.label.localeCompare(b.label));

      const labelOf = db.prepare('select label from mirror_records where object_type = ? and id = ?').pluck();
      const outgoing = db.prepare('select to_type as type, to_id as id, labels from mirror_associations where from_type = ? and from_id = ?').all(objectType, id) as Array<{ type: string; id: string; labels: string }>;
      const incoming = db.prepare('select from_type as type, from_id as id, labels from mirror_associations where to_type = ? and to_id = ?').all(objectType, id) as Array<{ type: string; id: string; labels: string }>;
      const seen = new Set<string>();
      const associations = [...outgoing, ...incoming]
        .filter((a) => ['contacts', 'companies', 'deals'].includes(a.type) && !seen.has(`${a.type}:${a.id}`) && seen.add(`${a.type}:${a.id}`))
        .map((a) => ({ objectType: a.type as RecordObjectType, id: a.id, label: (labelOf.get(a.type, a.id) as string | undefined) ?? null, labels: JSON.parse(a.labels) as string[] }))
        .sort((a, b) => a.objectType.localeCompare(b.objectType) || (a.label ?? '').localeCompare(b.label ?? ''));

      const billing =
        objectType === 'companies'
          ? (
              db
                .prepare(
                  `select l.customer_id, l.method, c.label, json_extract(c.data, '$.email') as email from mirror_links l
                   left join stripe_objects c on c.type = 'customer' and c.id = l.customer_id where l.company_id = ? order by l.customer_id`,
                )
                .all(id) as Array<{ customer_id: string; method: 'property' | 'domain'; label: string | null; email: string | null }>
            ).map((l) => ({
              customerId: l.customer_id,
              name: l.label ?? l.customer_id,
              email: l.email,
              method: l.method,
              mrr: sumByCurrency(db.prepare('select currency, mrr_minor as mrrMinor from stripe_mrr where customer_id = ? and counted = 1').all(l.customer_id) as Array<{ currency: string; mrrMinor: number }>),
            }))
          : [];

      return {
        id,
        objectType,
        label: record.label,
        subtitle: record.subtitle,
        createdAt: record.created_at,
        updatedAt: record.modified_at === null ? null : isoAt(record.modified_at),
        archived: record.archived === 1,
        archivedAt: record.archived_at,
        deletedReason: record.deleted_reason,
        syncedAt: isoAt(record.synced_at),
        properties,
        associations,
        billing,
        mrr: sumByCurrency(billing.flatMap((b) => b.mrr)),
      };
    },

    owners(workspaceId: string) {
      const db = deps.database(workspaceId);
      const rows = db.prepare('select id, first_name, last_name, email from mirror_owners where archived = 0').all() as OwnerRow[];
      return { owners: rows.map((o) => ({ id: o.id, name: ownerName(o), email: o.email })).sort((a, b) => a.name.localeCompare(b.name)) };
    },
  };
}

export type RecordsService = ReturnType<typeof createRecordsService>;
