import { AppError } from '../errors.ts';
import { getList, listMembershipsPage, listOwners, listPipelines, type Owner, searchAllLists } from '../hubspot/crm-metadata.ts';
import { isoAt } from '../ports/clock.ts';
import type { StreamContext, StreamDefinition, StreamResult } from './stream.ts';

const done = (ctx: StreamContext, name: string): StreamResult => {
  ctx.store.updateStream(name, { last_full_at: isoAt(ctx.clock.now()), checkpoint: null });
  return { mode: 'full', cursor: null };
};

/** Replaces a small table with what HubSpot returned, counting new, changed and removed rows. */
function replaceRows(ctx: StreamContext, table: string, rows: Array<{ key: string; data: string; write: () => void }>, keyColumn: string, where = '', dataColumn = 'data'): void {
  const existing = new Map(
    (ctx.store.db.prepare(`select ${keyColumn} as k, ${dataColumn} as data from ${table} ${where}`).all() as Array<{ k: string; data: string }>).map((r) => [r.k, r.data]),
  );
  let created = 0;
  let updated = 0;
  ctx.store.db.transaction(() => {
    ctx.store.db.exec(`delete from ${table} ${where}`);
    for (const row of rows) {
      row.write();
      const before = existing.get(row.key);
      if (before === undefined) created++;
      else if (before !== row.data) updated++;
      existing.delete(row.key);
    }
  })();
  ctx.counter.add({ fetched: rows.length, created, updated, deleted: existing.size });
}

/** Property definitions of every mirrored object type, into the catalogue (runs first: the object streams read its names). */
export function propertiesStream(objectTypes: readonly string[]): StreamDefinition {
  return {
    name: 'properties',
    provider: 'hubspot',
    label: 'Properties',
    objectType: null,
    scopes: objectTypes.map((t) => `crm.schemas.${t}.read`),
    async run(ctx) {
      const gateway = await ctx.hubspot();
      const result = await ctx.catalogue.refreshWith(ctx.store.db, gateway, objectTypes, { signal: ctx.signal });
      const fetched = result.refreshed.reduce((n, r) => n + r.count, 0);
      ctx.counter.add({ fetched });
      if (result.refreshed.length === 0 && result.skipped[0]) {
        const first = result.skipped[0];
        throw new AppError(first.code, first.message);
      }
      const outcome = done(ctx, 'properties');
      const skipped = result.skipped.map((s) => `${s.objectType} (${s.message})`).join('; ');
      return skipped ? { ...outcome, warning: `Property definitions not refreshed for ${skipped}` } : outcome;
    },
  };
}

export const ownersStream: StreamDefinition = {
  name: 'owners',
  provider: 'hubspot',
  label: 'Owners',
  objectType: null,
  scopes: ['crm.objects.owners.read'],
  async run(ctx) {
    const gateway = await ctx.hubspot();
    const live = await ctx.retry(() => listOwners(gateway, {}, { signal: ctx.signal }));
    const archived = await ctx.retry(() => listOwners(gateway, { archived: true }, { signal: ctx.signal }));
    const insert = ctx.store.db.prepare('insert or replace into mirror_owners (id, email, first_name, last_name, user_id, archived, data) values (?, ?, ?, ?, ?, ?, ?)');
    const rows = [...live, ...archived].map((o: Owner) => {
      const data = JSON.stringify(o);
      return { key: String(o.id), data, write: () => insert.run(String(o.id), o.email ?? null, o.firstName ?? null, o.lastName ?? null, o.userId ?? null, o.archived ? 1 : 0, data) };
    });
    replaceRows(ctx, 'mirror_owners', rows, 'id');
    return done(ctx, 'owners');
  },
};

export function pipelinesStream(objectType: string): StreamDefinition {
  const name = `${objectType.replace(/s$/, '')}_pipelines`;
  return {
    name,
    provider: 'hubspot',
    label: `${objectType[0]!.toUpperCase()}${objectType.slice(1, -1)} pipelines`,
    objectType: null,
    scopes: [`crm.objects.${objectType}.read`],
    async run(ctx) {
      const gateway = await ctx.hubspot();
      const pipelines = await ctx.retry(() => listPipelines(gateway, objectType, { signal: ctx.signal }));
      const insert = ctx.store.db.prepare('insert or replace into mirror_pipelines (object_type, id, label, display_order, archived, stages) values (?, ?, ?, ?, ?, ?)');
      const rows = pipelines.map((p) => {
        const data = JSON.stringify(p.stages ?? []);
        return { key: p.id, data, write: () => insert.run(objectType, p.id, p.label, p.displayOrder ?? null, p.archived ? 1 : 0, data) };
      });
      // objectType comes from the stream definitions, never from input.
      replaceRows(ctx, 'mirror_pipelines', rows, 'id', `where object_type = '${objectType}'`, 'stages');
      return done(ctx, name);
    },
  };
}

/** Every list's definition, plus the memberships of the lists chosen in settings (and the company scope list). */
export const listsStream: StreamDefinition = {
  name: 'lists',
  provider: 'hubspot',
  label: 'Lists',
  objectType: null,
  scopes: ['crm.lists.read'],
  async run(ctx) {
    const gateway = await ctx.hubspot();
    const call = { signal: ctx.signal };
    const lists = await ctx.retry(() => searchAllLists(gateway, call));
    const insert = ctx.store.db.prepare('insert or replace into mirror_lists (id, name, object_type_id, processing_type, size, data) values (?, ?, ?, ?, ?, ?)');
    const sizeOf = (l: (typeof lists)[number]) => l.size ?? (l.additionalProperties?.hs_list_size ? Number(l.additionalProperties.hs_list_size) : null);
    const rows = lists.map((l) => {
      const data = JSON.stringify({ name: l.name, processingType: l.processingType, size: sizeOf(l) });
      return { key: String(l.listId), data, write: () => insert.run(String(l.listId), l.name, l.objectTypeId, l.processingType, sizeOf(l), data) };
    });
    replaceRows(ctx, 'mirror_lists', rows, 'id');

    const wanted = [...new Set([...ctx.settings.membershipListIds, ...(ctx.settings.companyListId ? [ctx.settings.companyListId] : [])])];
    const insertMember = ctx.store.db.prepare('insert or ignore into mirror_list_members (list_id, record_id) values (?, ?)');
    for (const listId of wanted) {
      if (!lists.some((l) => String(l.listId) === listId)) {
        // Not among the searchable lists (or deleted): ask for it directly, so the error names it.
        await ctx.retry(() => getList(gateway, listId, call));
      }
      const members: string[] = [];
      let after: string | undefined;
      do {
        const page = await ctx.retry(() => listMembershipsPage(gateway, listId, after, call));
        members.push(...page.recordIds);
        after = page.after;
      } while (after);
      ctx.store.db.transaction(() => {
        ctx.store.db.prepare('delete from mirror_list_members where list_id = ?').run(listId);
        for (const id of members) insertMember.run(listId, id);
      })();
      ctx.counter.add({ fetched: members.length });
    }
    return done(ctx, 'lists');
  },
};
