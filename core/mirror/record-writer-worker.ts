import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database.ts';
import { createMirrorStore } from './mirror-store.ts';
import { type WritePage, writePage } from './record-writer.ts';

// The record writer's thread (see record-writer.ts): one connection, pages in arrival order.
const db = openDatabase((workerData as { file: string }).file);
// A sync writes tens of megabytes: checkpoint the WAL into the database every ~40 MB instead of
// every 4 MB (each checkpoint rewrites pages just written), and keep 16 MB of the indexes in cache
// (32 MB gained no speed and cost peak RSS; the target is < 400 MB for the whole process).
// Durability is unchanged (synchronous stays NORMAL).
db.pragma('wal_autocheckpoint = 10000');
db.pragma('cache_size = -16384');
const store = createMirrorStore(db);
let broken: { message: string; code?: string } | undefined;

parentPort!.on('message', (message: { id: number; page: WritePage }) => {
  if (broken) {
    parentPort!.postMessage({ id: message.id, error: broken });
    return;
  }
  try {
    parentPort!.postMessage({ id: message.id, result: writePage(store, message.page) });
  } catch (error) {
    broken = { message: (error as Error).message, code: (error as { code?: string }).code };
    parentPort!.postMessage({ id: message.id, error: broken });
  }
});
