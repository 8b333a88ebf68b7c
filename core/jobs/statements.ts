import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database.ts';

const caches = new WeakMap<Db, Map<string, Statement>>();
const MAX_CACHED = 500;

/**
 * A prepared statement for this SQL on this database, prepared once: the queue and history run
 * the same few statements for every batch and page, and preparing is a large share of their cost.
 * (History queries vary with their filters, so the cache is bounded.)
 */
export function statement(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) {
    if (cache.size >= MAX_CACHED) cache.clear();
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}

/** Pages each search index may merge per call: a few milliseconds of work. */
const MERGE_PAGES = 64;

/**
 * Merges the push search indexes a bounded step (their automerge is off, migration jobs#4): called
 * after each batch claim and each prune chunk, so segments never pile up and no single write ever
 * pays for a big merge. Does nothing while no level holds enough segments to merge.
 */
export function mergeSearch(db: Db): void {
  statement(db, `insert into push_attempts_search (push_attempts_search, rank) values ('merge', ${MERGE_PAGES})`).run();
  statement(db, `insert into push_jobs_search (push_jobs_search, rank) values ('merge', ${MERGE_PAGES})`).run();
}
