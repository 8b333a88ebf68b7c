import { ASSOCIATION_BATCH_MAX, readAssociations } from '../hubspot/crm-associations.ts';
import { throwIfCancelled } from './retry.ts';
import type { StreamDefinition } from './stream.ts';

interface AssociationCheckpoint {
  /** `all`: every live record of the `from` type (full); `run`: those the run `runId` stored. */
  scope: 'all' | 'run';
  runId: number;
  lastId: string;
}

/**
 * Associations from one object type to another (v4 batch read, 1,000 records a call). Full runs
 * read them for every live record; incremental runs only for the records this run stored (the
 * search API returns no associations). Each record's associations to the type are replaced whole.
 */
export function associationStream(options: { name: string; from: string; to: string; label: string; scopes: string[] }): StreamDefinition {
  return {
    name: options.name,
    provider: 'hubspot',
    label: options.label,
    objectType: null,
    scopes: options.scopes,
    async run(ctx) {
      const gateway = await ctx.hubspot();
      const state = ctx.store.stream(options.name);
      const resumed = ctx.checkpoint.get<AssociationCheckpoint>();
      const full = ctx.requested === 'full' || state.last_full_at === null || ctx.shared.get(`mode:${options.from}`) === 'full';
      const cp: AssociationCheckpoint = resumed ?? { scope: full ? 'all' : 'run', runId: ctx.runId, lastId: '' };
      for (;;) {
        const ids = ctx.store.liveIdsAfter(options.from, cp.lastId, ASSOCIATION_BATCH_MAX, cp.scope === 'run' ? cp.runId : undefined);
        if (ids.length === 0) break;
        const found = await ctx.retry(() => readAssociations(gateway, options.from, options.to, ids, { signal: ctx.signal }));
        throwIfCancelled(ctx.signal);
        cp.lastId = ids[ids.length - 1]!;
        ctx.store.db.transaction(() => {
          const written = ctx.store.replaceAssociations(options.from, options.to, found);
          ctx.counter.add({ fetched: written });
          ctx.checkpoint.save(cp);
        })();
      }
      const now = new Date(ctx.clock.now()).toISOString();
      ctx.store.updateStream(options.name, { checkpoint: null, ...(cp.scope === 'all' ? { last_full_at: now } : { last_incremental_at: now }) });
      return { mode: cp.scope === 'all' ? 'full' : 'incremental', cursor: null, resumed: resumed !== undefined };
    },
  };
}
