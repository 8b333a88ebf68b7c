import { batchReadObjects, type CrmObject, listObjectsPage, type ObjectPage, searchObjects, type SearchFilter, type SearchPage } from '../hubspot/crm-objects.ts';
import { listMembershipsPage } from '../hubspot/crm-metadata.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import { isoAt } from '../ports/clock.ts';
import { lastModifiedProperty } from './mirror-store.ts';
import { chunkProperties } from './property-chunks.ts';
import { reconcile } from './reconcile.ts';
import { throwIfCancelled } from './retry.ts';
import type { StreamContext, StreamDefinition, StreamResult } from './stream.ts';

/** Records per list page (HubSpot's maximum) and per search page. */
const LIST_LIMIT = 100;
const SEARCH_LIMIT = 200;
const BATCH_READ_MAX = 100;

interface FullCheckpoint {
  mode: 'full';
  /** The run whose listing marks records as seen (kept across an interruption). */
  seenRun: number;
  /** Becomes the cursor when the full run completes. */
  startedAt: number;
  phase: 'live' | 'archived';
  after?: string;
  /** The full listing goes through search (a start date is set) rather than the list endpoint. */
  viaSearch?: { from: number; lastId: string };
  /** Id ranges listed side by side; each resumes from its own `after`. */
  partitions?: Partition[];
}

interface Partition {
  after: string;
  /** Exclusive upper id of the range; null for the last one. */
  below: number | null;
  done: boolean;
}

/** Ranges listed concurrently in a large full sync: the server prepares one page while this process stores another. */
const PARTITIONS = 4;
/** Below this many ids, one sequential listing is as fast. */
const PARTITION_MIN_SPAN = 20_000;

interface IncrementalCheckpoint {
  mode: 'incremental';
  from: number;
  to: number;
  lastId: string;
  phase?: 'search' | 'archived';
  after?: string;
}

type StreamCheckpoint = FullCheckpoint | IncrementalCheckpoint;

export interface CrmObjectStreamOptions {
  name: string;
  objectType: string;
  label: string;
  scopes: string[];
  /** Properties the first chunk always carries (what list rows and labels need). */
  firstProperties?: string[];
}

/**
 * A HubSpot CRM object type, mirrored:
 *
 * - **Full**: the list endpoint, 100 at a time by `after`, with every property of the catalogue —
 *   in chunks of ≤ 15,000 URL characters; the first chunk rides on the list call and the others
 *   are read by id through batch read (properties in the body), merged by id. Then the archived
 *   list (deletes), then live local records the listing never saw are marked deleted.
 * - **Incremental**: search on the last-modified property from the saved cursor minus the lookback
 *   window (never before the start date) up to the run's start, keyset-paged by `hs_object_id`
 *   inside that fixed window — so no query ever reaches the 10,000-result cap, any number of records
 *   may share one timestamp, and records modified during paging can't shift offsets. The cursor
 *   moves to the window's end only when the whole window is stored.
 * - Every stored page saves the checkpoint in the same transaction: an interrupted run resumes from it.
 */
export function crmObjectStream(options: CrmObjectStreamOptions): StreamDefinition {
  const { name, objectType } = options;
  const lastModified = lastModifiedProperty(objectType);

  return {
    name,
    provider: 'hubspot',
    label: options.label,
    objectType,
    scopes: options.scopes,
    async run(ctx) {
      const gateway = await ctx.hubspot();
      const state = ctx.store.stream(name);
      const checkpoint = ctx.checkpoint.get<StreamCheckpoint>();
      const names = ctx.catalogue.propertyNames(ctx.workspaceId, objectType);
      const chunks = names.length > 0 ? chunkProperties(names, 15_000, [...(options.firstProperties ?? []), lastModified, 'hs_object_id']) : [[]];
      const io = createIo(ctx, gateway, objectType, chunks, name);
      const scoped = objectType === 'companies' && ctx.settings.companyListId ? ctx.settings.companyListId : null;

      if (checkpoint?.mode === 'full' || state.cursor === null || ctx.requested === 'full') {
        const resumed = checkpoint?.mode === 'full';
        const cp: FullCheckpoint = resumed ? checkpoint : { mode: 'full', seenRun: ctx.runId, startedAt: ctx.clock.now(), phase: 'live' };
        const startMs = ctx.settings.startDate ? Date.parse(ctx.settings.startDate) : null;
        if (cp.phase === 'live') {
          if (scoped) await fullScoped(ctx, io, cp, scoped);
          else if (startMs !== null) await fullViaSearch(ctx, io, cp, startMs);
          else await fullViaPartitions(ctx, io, cp);
          cp.phase = 'archived';
          cp.after = undefined;
          ctx.checkpoint.save(cp);
        }
        await sweepArchived(ctx, io, cp, { insertUnknown: !scoped && startMs === null });
        // Only a complete listing may conclude that what it didn't see is gone (or out of scope).
        const unseen = await ctx.store.unseenLive(objectType, cp.seenRun);
        // With a start date, only what the listing covered can be missing: records modified since it
        // (a last-modified time only grows, so such a record is listed unless it is gone). Older ones stay.
        const inScope = startMs === null ? null : ctx.store.liveIds(objectType, startMs);
        const missing = inScope ? unseen.filter((id) => inScope.has(id)) : unseen;
        const now = ctx.clock.now();
        ctx.store.db.transaction(() => {
          if (scoped) ctx.counter.add({ deleted: ctx.store.removeRecords(objectType, unseen) });
          else ctx.counter.add({ deleted: ctx.store.markDeleted(objectType, missing.map((id) => ({ id })), 'missing', { runId: ctx.runId, now }) });
          ctx.store.updateStream(name, { cursor: cp.startedAt, last_full_at: isoAt(now), last_archived_at: isoAt(now), checkpoint: null });
        })();
        ctx.shared.set(`mode:${objectType}`, 'full');
        await reconcile(ctx, gateway, objectType, { listId: scoped, startMs }).catch((error: unknown) => {
          ctx.logger.warn('reconciliation failed', { objectType, error });
        });
        return { mode: 'full', cursor: cp.startedAt, resumed } satisfies StreamResult;
      }

      const resumed = checkpoint?.mode === 'incremental';
      const lookbackMs = ctx.settings.lookbackMinutes * 60_000;
      const startMs = ctx.settings.startDate ? Date.parse(ctx.settings.startDate) : 0;
      const cp: IncrementalCheckpoint = resumed
        ? checkpoint
        : { mode: 'incremental', from: Math.max(state.cursor! - lookbackMs, startMs), to: ctx.clock.now(), lastId: '0', phase: 'search' };
      const members = scoped ? await scopedMembers(ctx, gateway, scoped) : null;
      if ((cp.phase ?? 'search') === 'search') {
        await searchWindow(ctx, io, cp, members);
        cp.phase = 'archived';
        ctx.checkpoint.save(cp);
      }
      if (members) {
        // New members whose records didn't change in the window: read them by id.
        const missing = [...members].filter((id) => !ctx.store.hasRecord(objectType, id));
        for (let i = 0; i < missing.length; i += BATCH_READ_MAX) {
          const objects = await io.readByIds(missing.slice(i, i + BATCH_READ_MAX));
          await io.store(objects, null, undefined);
        }
        const outside = [...ctx.store.liveIds(objectType)].filter((id) => !members.has(id));
        ctx.counter.add({ deleted: ctx.store.removeRecords(objectType, outside) });
      }
      const sweepDue = !state.last_archived_at || ctx.clock.now() - Date.parse(state.last_archived_at) >= ctx.settings.archivedSweepHours * 3_600_000;
      if (sweepDue) await sweepArchived(ctx, io, cp, { insertUnknown: false });
      const now = ctx.clock.now();
      ctx.store.updateStream(name, { cursor: cp.to, last_incremental_at: isoAt(now), checkpoint: null, ...(sweepDue ? { last_archived_at: isoAt(now) } : {}) });
      ctx.shared.set(`mode:${objectType}`, 'incremental');
      return { mode: 'incremental', cursor: cp.to, resumed } satisfies StreamResult;
    },
  };
}

type Io = ReturnType<typeof createIo>;

/** Reading pages with every property (chunks merged by id) and storing them with their checkpoint. */
function createIo(ctx: StreamContext, gateway: HubSpotGateway, objectType: string, chunks: string[][], streamName: string) {
  const call = { signal: ctx.signal };
  const [first = [], ...rest] = chunks;

  /** Adds the properties of the other chunks, read by id; records HubSpot no longer has are dropped. */
  async function complete(objects: CrmObject[], archived = false): Promise<CrmObject[]> {
    if (rest.length === 0 || objects.length === 0) return objects;
    const byId = new Map(objects.map((o) => [o.id, { ...o, properties: { ...o.properties } }]));
    const ids = [...byId.keys()];
    const reads = await Promise.all(rest.map((properties) => ctx.retry(() => batchReadObjects(gateway, objectType, { ids, properties, archived }, call))));
    const missing = new Set<string>();
    for (const read of reads) {
      for (const extra of read.results) Object.assign(byId.get(extra.id)?.properties ?? {}, extra.properties);
      for (const id of read.missingIds) missing.add(id);
    }
    return [...byId.values()].filter((o) => !missing.has(o.id));
  }

  return {
    objectType,
    first,
    complete,

    listPage(after: string | undefined, archived = false): Promise<ObjectPage> {
      const properties = archived ? [lastModifiedProperty(objectType)] : first;
      return ctx.retry(() => listObjectsPage(gateway, objectType, { after, limit: LIST_LIMIT, properties, archived }, call));
    },

    search(filters: SearchFilter[]) {
      return ctx.retry(() =>
        searchObjects(gateway, objectType, { filterGroups: [{ filters }], sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], properties: first, limit: SEARCH_LIMIT }, call),
      );
    },

    /** The highest record id (one search call), to split a full listing into id ranges. */
    async highestId(): Promise<number | null> {
      const page = await searchObjects(gateway, objectType, { sorts: [{ propertyName: 'hs_object_id', direction: 'DESCENDING' }], properties: ['hs_object_id'], limit: 1 }, call);
      const id = Number(page.results[0]?.id);
      return Number.isSafeInteger(id) ? id : null;
    },

    /** Every property of these ids (≤ 100), in as many batch reads as there are chunks. */
    async readByIds(ids: string[]): Promise<CrmObject[]> {
      if (ids.length === 0) return [];
      const reads = await Promise.all(chunks.map((properties) => ctx.retry(() => batchReadObjects(gateway, objectType, { ids, properties }, call))));
      const byId = new Map<string, CrmObject>();
      for (const read of reads) {
        for (const o of read.results) {
          const existing = byId.get(o.id);
          if (existing) Object.assign(existing.properties, o.properties);
          else byId.set(o.id, { ...o, properties: { ...o.properties } });
        }
      }
      return [...byId.values()];
    },

    /** Stores a page and the stream's checkpoint after it in one transaction (off this thread), and counts. */
    async store(objects: CrmObject[], seenRun: number | null, checkpoint: unknown): Promise<void> {
      const result = await ctx.writer.write({
        objectType,
        objects,
        runId: ctx.runId,
        seenRun,
        now: ctx.clock.now(),
        ...(checkpoint === undefined ? {} : { checkpoint: { stream: streamName, value: checkpoint } }),
      });
      ctx.counter.add({ fetched: objects.length, ...result });
    },
  };
}

/**
 * A large full listing in id ranges paged side by side. The list endpoint's `after` is the next
 * record's id (hubspot-api-facts §9), so a range can start anywhere; if a response ever shows it
 * isn't (ids below the range's start), the listing falls back to one sequential pass. Small
 * portals, and runs resumed from a sequential checkpoint, page sequentially.
 */
async function fullViaPartitions(ctx: StreamContext, io: Io, cp: FullCheckpoint): Promise<void> {
  if (!cp.partitions) {
    if (cp.after !== undefined) return fullViaList(ctx, io, cp);
    const first = await io.listPage(undefined);
    const objects = await io.complete(first.results);
    await io.store(objects, cp.seenRun, { ...cp, after: first.after });
    cp.after = first.after;
    if (!first.after) return;
    const newest = await ctx.retry(() => io.highestId()).catch(() => null);
    const start = Number(first.after);
    if (newest === null || !Number.isSafeInteger(start) || newest - start < PARTITION_MIN_SPAN) return fullViaList(ctx, io, cp);
    const step = Math.ceil((newest + 1 - start) / PARTITIONS);
    cp.partitions = Array.from({ length: PARTITIONS }, (_, i) => ({ after: String(start + i * step), below: i === PARTITIONS - 1 ? null : start + (i + 1) * step, done: false }));
    ctx.checkpoint.save(cp);
  }
  const partitions = cp.partitions;
  let fallback = false;
  // When one range fails the others stop at their next page: nothing may store after the stream ends.
  let failed = false;
  const runPartition = async (part: Partition) => {
    const lower = Number(part.after);
    let after: string | undefined = part.after;
    let firstPage = true;
    while (!part.done && !fallback && !failed) {
      const page = await io.listPage(after);
      throwIfCancelled(ctx.signal);
      const ids = page.results.map((o) => Number(o.id));
      if (firstPage && ids.some((id) => id < lower)) {
        fallback = true;
        return;
      }
      firstPage = false;
      const inRange = part.below === null ? page.results : page.results.filter((o) => Number(o.id) < part.below!);
      const reachedEnd = !page.after || (part.below !== null && (inRange.length < page.results.length || Number(page.after) >= part.below));
      const objects = await io.complete(inRange);
      throwIfCancelled(ctx.signal);
      if (failed) return;
      // The in-memory position moves now, so every later page's checkpoint includes it; a failed
      // write refuses all later ones (record-writer.ts), so none can claim a page that wasn't stored.
      part.after = page.after ?? part.after;
      part.done = reachedEnd;
      await io.store(objects, cp.seenRun, { ...cp, partitions: partitions.map((p) => ({ ...p })) });
      after = page.after;
    }
  };
  const outcomes = await Promise.allSettled(
    partitions.map((p) =>
      runPartition(p).catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (rejected) throw rejected.reason;
  if (fallback) {
    ctx.logger.warn('list paging is not by id: listing sequentially', { objectType: io.objectType });
    cp.partitions = undefined;
    cp.after = undefined;
    await fullViaList(ctx, io, cp);
  }
}

/** Pages the list endpoint; the next page is requested while the current one is stored. */
async function fullViaList(ctx: StreamContext, io: Io, cp: FullCheckpoint): Promise<void> {
  const fetchPage = async (after: string | undefined): Promise<{ page: ObjectPage; objects: CrmObject[] }> => {
    const page = await io.listPage(after);
    return { page, objects: await io.complete(page.results) };
  };
  let pending: Promise<{ page: ObjectPage; objects: CrmObject[] }> | null = fetchPage(cp.after);
  while (pending) {
    const { page, objects }: { page: ObjectPage; objects: CrmObject[] } = await pending;
    throwIfCancelled(ctx.signal);
    pending = page.after ? fetchPage(page.after) : null;
    // A failure of the read-ahead surfaces when awaited; never as an unhandled rejection meanwhile.
    pending?.catch(() => {});
    await io.store(objects, cp.seenRun, { ...cp, after: page.after });
    cp.after = page.after;
  }
}

/** Searches [from, to] keyset-paged by id; `members` limits what is stored (list-scoped companies). */
async function searchWindow(
  ctx: StreamContext,
  io: Io,
  cp: { from: number; to: number; lastId: string },
  members: Set<string> | null,
  seenRun: number | null = null,
  save?: (lastId: string) => unknown,
): Promise<void> {
  const lastModified = lastModifiedProperty(io.objectType);
  const fetchPage = async (lastId: string): Promise<{ page: SearchPage; objects: CrmObject[] }> => {
    const page = await io.search([
      { propertyName: lastModified, operator: 'GTE', value: String(cp.from) },
      { propertyName: lastModified, operator: 'LTE', value: String(cp.to) },
      { propertyName: 'hs_object_id', operator: 'GT', value: lastId },
    ]);
    const kept = members ? page.results.filter((o) => members.has(o.id)) : page.results;
    return { page, objects: await io.complete(kept) };
  };
  let pending: Promise<{ page: SearchPage; objects: CrmObject[] }> | null = fetchPage(cp.lastId);
  while (pending) {
    const { page, objects }: { page: SearchPage; objects: CrmObject[] } = await pending;
    throwIfCancelled(ctx.signal);
    const last: string | undefined = page.results[page.results.length - 1]?.id;
    pending = last && page.after ? fetchPage(last) : null;
    pending?.catch(() => {});
    if (last) {
      await io.store(objects, seenRun, save ? save(last) : { ...cp, lastId: last });
      cp.lastId = last;
    }
  }
}

/** A full read with a start date: everything modified since it, through search (the list endpoint can't filter). */
async function fullViaSearch(ctx: StreamContext, io: Io, cp: FullCheckpoint, startMs: number): Promise<void> {
  const window = cp.viaSearch ?? { from: startMs, lastId: '0' };
  const state = { from: window.from, to: cp.startedAt, lastId: window.lastId };
  await searchWindow(ctx, io, state, null, cp.seenRun, (lastId) => ({ ...cp, viaSearch: { from: window.from, lastId } }));
}

/** The company list's members, then those companies by id, 100 at a time. */
async function fullScoped(ctx: StreamContext, io: Io, cp: FullCheckpoint, listId: string): Promise<void> {
  const gateway = await ctx.hubspot();
  let after = cp.after;
  for (;;) {
    const page = await ctx.retry(() => listMembershipsPage(gateway, listId, after, { signal: ctx.signal }));
    for (let i = 0; i < page.recordIds.length; i += BATCH_READ_MAX) {
      const objects = await io.readByIds(page.recordIds.slice(i, i + BATCH_READ_MAX));
      const last = i + BATCH_READ_MAX >= page.recordIds.length;
      await io.store(objects, cp.seenRun, last ? { ...cp, after: page.after } : undefined);
    }
    throwIfCancelled(ctx.signal);
    if (!page.after) return;
    after = page.after;
    cp.after = after;
  }
}

async function scopedMembers(ctx: StreamContext, gateway: HubSpotGateway, listId: string): Promise<Set<string>> {
  const members = new Set<string>();
  let after: string | undefined;
  do {
    const page = await ctx.retry(() => listMembershipsPage(gateway, listId, after, { signal: ctx.signal }));
    for (const id of page.recordIds) members.add(id);
    after = page.after;
  } while (after);
  return members;
}

/**
 * HubSpot's archived records (its recycle bin; search never returns them): marked deleted here.
 * On a full run, archived records never seen before are stored too (as deleted), so the mirror
 * holds everything HubSpot does.
 */
async function sweepArchived(ctx: StreamContext, io: Io, cp: StreamCheckpoint, options: { insertUnknown: boolean }): Promise<void> {
  const objectType = io.objectType;
  let after = cp.phase === 'archived' ? cp.after : undefined;
  for (;;) {
    const page = await io.listPage(after, true);
    throwIfCancelled(ctx.signal);
    const now = ctx.clock.now();
    const known = page.results.filter((o) => ctx.store.hasRecord(objectType, o.id));
    const unknown = options.insertUnknown ? page.results.filter((o) => !ctx.store.hasRecord(objectType, o.id)) : [];
    ctx.store.db.transaction(() => {
      const deleted = ctx.store.markDeleted(objectType, known.map((o) => ({ id: o.id, archivedAt: o.archivedAt ?? null })), 'archived', { runId: ctx.runId, now });
      const inserted = ctx.store.storeRecords(objectType, unknown, { runId: ctx.runId, now });
      ctx.counter.add({ fetched: page.results.length, deleted, created: inserted.created });
      ctx.checkpoint.save({ ...cp, phase: 'archived', after: page.after });
    })();
    if (!page.after) return;
    after = page.after;
  }
}
