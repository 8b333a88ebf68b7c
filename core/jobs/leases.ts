import crypto from 'node:crypto';
import os from 'node:os';
import type { Db } from '../store/database.ts';
import { statement } from './statements.ts';

/**
 * Who holds a lease: `<host>/<pid>/<random>`. The host and pid let a restarted process on the same
 * machine see at once that a lease's holder is gone (it was killed) instead of waiting for expiry.
 */
export function newLeaseOwner(): string {
  return `${os.hostname()}/${process.pid}/${crypto.randomBytes(4).toString('hex')}`;
}

/**
 * False only when the holder certainly no longer runs: same host, and its process is gone. Another
 * host's holder, or an unreadable owner, counts as alive (its lease expires by itself).
 */
export function isLeaseOwnerAlive(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LeaseOptions {
  now: number;
  durationMs: number;
  isAlive?: (owner: string) => boolean;
}

/**
 * Takes or renews a named lease in a workspace database. Returns null when it is ours now, or the
 * current holder when another live process has it. Runs in its own immediate transaction, so two
 * processes can't both win.
 */
export function acquireLease(db: Db, name: string, owner: string, options: LeaseOptions): string | null {
  const isAlive = options.isAlive ?? isLeaseOwnerAlive;
  return db.transaction(() => {
    const row = statement(db, 'select owner, expires_at from push_leases where name = ?').get(name) as { owner: string; expires_at: number } | undefined;
    if (row && row.owner !== owner && row.expires_at > options.now && isAlive(row.owner)) return row.owner;
    statement(db, 'insert into push_leases (name, owner, expires_at) values (?, ?, ?) on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at').run(
      name,
      owner,
      options.now + options.durationMs,
    );
    return null;
  }).immediate();
}

export function releaseLease(db: Db, name: string, owner: string): void {
  statement(db, 'delete from push_leases where name = ? and owner = ?').run(name, owner);
}
