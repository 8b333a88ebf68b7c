import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';
import { afterTransientFailure, RETRY_DELAYS_MS } from './retry-schedule.ts';
import type { JobStore } from './job-store.ts';
import { acquireLease, isLeaseOwnerAlive, newLeaseOwner } from './leases.ts';

let t: TestServices;
let jobs: JobStore;
let workspaceId: string;
beforeEach(() => {
  t = createTestServices();
  workspaceId = t.services.workspaces.create({ name: 'Acme', kind: 'hubspot' }).id;
  jobs = t.services.pushEngine.storesFor(workspaceId).jobs;
});
afterEach(() => t.cleanup());

const now = () => t.clock.now();
const claim = (owner = 'me', limit = 100, leaseMs = 60_000) => jobs.claim({ owner, limit, leaseMs, batchId: `b-${Math.random()}`, now: now() });

describe('the retry schedule', () => {
  it('is immediately, +30 s, +2 min, +5 min, then give up', () => {
    expect(RETRY_DELAYS_MS).toEqual([0, 30_000, 120_000, 300_000]);
    expect([1, 2, 3, 4].map((n) => afterTransientFailure(n, 1000))).toEqual([
      { kind: 'retry', at: 1000, retryNumber: 1 },
      { kind: 'retry', at: 31_000, retryNumber: 2 },
      { kind: 'retry', at: 121_000, retryNumber: 3 },
      { kind: 'retry', at: 301_000, retryNumber: 4 },
    ]);
    expect(afterTransientFailure(5, 1000)).toEqual({ kind: 'give_up' });
  });
});

describe('the queue', () => {
  it('claims at most one job per lead and per email, oldest due first, and only what is due', () => {
    const { jobIds } = jobs.enqueue(
      [
        { leadId: 1, label: 'A', email: 'same@x.example' },
        { leadId: 2, label: 'B', email: 'same@x.example' },
        { leadId: 3, label: 'C', email: '' },
        { leadId: 4, label: 'D', email: '' },
      ],
      { origin: 'manual', now: now() },
    );
    jobs.enqueue([{ leadId: 5, label: 'E', email: 'e@x.example' }], { origin: 'manual', now: now(), readyAt: now() + 10_000 });
    const first = claim();
    expect(first.map((j) => j.id)).toEqual([jobIds[0], jobIds[2], jobIds[3]]);
    expect(first.every((j) => j.attemptNumber === 1 && !j.recovered)).toBe(true);
    t.clock.advance(10_000);
    expect(claim().map((j) => j.leadId)).toEqual([2, 5]);
  });

  it('takes over jobs whose lease expired, marking the unfinished attempt interrupted', () => {
    jobs.enqueue([{ leadId: 1, label: 'A', email: 'a@x.example' }], { origin: 'manual', now: now() });
    const [mine] = claim('other-host/1/x', 100, 60_000);
    expect(claim('me')).toHaveLength(0);
    t.clock.advance(60_000);
    const [again] = claim('me');
    expect(again).toMatchObject({ id: mine!.id, recovered: true, attemptNumber: 2 });
    const attempts = t.services.pushEngine.storesFor(workspaceId).history.attemptsOf(mine!.id);
    expect(attempts.map((a) => a.status)).toEqual(['interrupted', 'running']);
  });

  it('gives a job back without spending an attempt, and refuses writes from a holder that lost the lease', () => {
    jobs.enqueue([{ leadId: 1, label: 'A', email: 'a@x.example' }], { origin: 'manual', now: now() });
    const [job] = claim('me');
    jobs.release('me', now(), [job!]);
    expect(jobs.get(job!.id)).toMatchObject({ state: 'queued', attempt_count: 0 });
    const [taken] = claim('me');
    expect(taken!.attemptNumber).toBe(1);
    expect(() => jobs.saveProgress('someone-else', now(), [{ jobId: taken!.id, progress: taken! }])).toThrow(/no longer held/);
  });
});

describe('the queue lease', () => {
  it('one live holder at a time; a dead holder on this machine or an expired lease is taken over', () => {
    const { db } = t.services.pushEngine.storesFor(workspaceId);
    const me = newLeaseOwner();
    expect(acquireLease(db, 'queue', me, { now: now(), durationMs: 60_000 })).toBeNull();
    expect(acquireLease(db, 'queue', 'elsewhere/1/a', { now: now(), durationMs: 60_000 })).toBe(me);
    const ghost = `${os.hostname()}/2147483646/dead`;
    expect(isLeaseOwnerAlive(ghost)).toBe(false);
    expect(isLeaseOwnerAlive(me)).toBe(true);
    expect(isLeaseOwnerAlive('another-machine/1/x')).toBe(true);
    db.prepare('update push_leases set owner = ? where name = ?').run(ghost, 'queue');
    expect(acquireLease(db, 'queue', me, { now: now(), durationMs: 60_000 })).toBeNull();
    db.prepare('update push_leases set owner = ? where name = ?').run('another-machine/1/x', 'queue');
    t.clock.advance(60_001);
    expect(acquireLease(db, 'queue', me, { now: now(), durationMs: 60_000 })).toBeNull();
  });
});
