import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CrmObject } from '../hubspot/crm-objects.ts';
import type { Db } from '../store/database.ts';
import type { MirrorStore } from './mirror-store.ts';

export interface WritePage {
  objectType: string;
  objects: CrmObject[];
  runId: number;
  seenRun: number | null;
  now: number;
  /** Saved in the same transaction as the records: the stream's position after this page. */
  checkpoint?: { stream: string; value: unknown };
}

/**
 * Where pages of records are written. Pages go in order, each with its checkpoint in one
 * transaction; after a failed write every later one is refused, so no checkpoint can ever claim
 * a page that wasn't stored.
 */
export interface RecordWriter {
  write(page: WritePage): Promise<{ created: number; updated: number }>;
  close(): Promise<void>;
}

/** Writes a page in the given store: the shared transaction body of both writers. */
export function writePage(store: MirrorStore, page: WritePage): { created: number; updated: number } {
  return store.db.transaction(() => {
    const counts = store.storeRecords(page.objectType, page.objects, { runId: page.runId, seenRun: page.seenRun, now: page.now });
    if (page.checkpoint) store.updateStream(page.checkpoint.stream, { checkpoint: JSON.stringify(page.checkpoint.value) });
    return counts;
  })();
}

/**
 * The worker's entry: the source file when core runs from source (CLI, `syncdesk serve`, tests), or
 * the bundle's `record-writer-worker.js` beside the Electron main bundle (electron.vite.config.ts).
 */
const WORKER_URL = [new URL('./record-writer-worker.ts', import.meta.url), new URL('./record-writer-worker.js', import.meta.url)].find(
  (url) => url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)),
);

/** A build that ships no worker entry writes inline instead. */
export const workerWriterAvailable = (): boolean => WORKER_URL !== undefined;

/** On this thread (tests, in-memory databases). */
export function createInlineWriter(store: MirrorStore): RecordWriter {
  let broken: unknown;
  return {
    async write(page) {
      if (broken) throw broken;
      try {
        return writePage(store, page);
      } catch (error) {
        broken = error;
        throw error;
      }
    },
    async close() {},
  };
}

/**
 * On a worker thread with its own connection to the workspace file: JSON to rows, the indexes and
 * the commit (most of a full sync's CPU) stay off the thread that serves the UI, and overlap with
 * the HTTP of the next page. SQLite's WAL lets the host keep reading meanwhile.
 */
export function createWorkerWriter(db: Db): RecordWriter {
  if (!WORKER_URL) throw new Error('the record writer worker is not part of this build');
  const worker = new Worker(WORKER_URL, {
    workerData: { file: db.name },
    // A page is ~100 records: a small heap keeps the writer's memory flat through a 200k-record sync.
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 },
  });
  worker.unref();
  let nextId = 1;
  let broken: Error | undefined;
  const pending = new Map<number, { resolve(value: { created: number; updated: number }): void; reject(error: Error): void }>();
  const failAll = (error: Error) => {
    broken ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (message: { id: number; result?: { created: number; updated: number }; error?: { message: string; code?: string } }) => {
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.error) {
      const error = Object.assign(new Error(message.error.message), { code: message.error.code });
      failAll(error);
      entry.reject(error);
    } else entry.resolve(message.result!);
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`the record writer stopped (exit ${code})`)));
  return {
    write(page) {
      if (broken) return Promise.reject(broken);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, page });
      }).finally(() => {
        if (pending.size === 0) worker.unref();
      }) as Promise<{ created: number; updated: number }>;
    },
    async close() {
      await worker.terminate();
    },
  };
}
