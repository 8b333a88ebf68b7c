import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../../test/harness/hubspot-sandbox.ts';
import { type PrivateKeyring, startPrivateKeyring } from '../../../test/harness/keyring.ts';
import { makeTempDir } from '../../../test/harness/temp-dir.ts';

/**
 * `syncdesk push` and `syncdesk jobs` as real processes against a sandbox portal, with secrets in a
 * private keychain shared across processes — including a push SIGKILLed mid-batch and resumed.
 */

const cli = path.resolve(import.meta.dirname, '..', 'syncdesk.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv, stdin?: string): { child: ChildProcess; done: Promise<Run>; stderr: () => string } {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.end(stdin ?? '');
  const done = new Promise<Run>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}
const run = (args: string[], env: NodeJS.ProcessEnv, stdin?: string) => spawnCli(args, env, stdin).done;

let sandbox: TestSandbox;
let keyring: PrivateKeyring | null;
const temp = makeTempDir('syncdesk-push-cli-');

beforeAll(async () => {
  // Free tier with limits on: the budget paces the push, so a kill lands mid-run (and mid-batch).
  sandbox = await startTestSandbox({ seed: 0, limits: true, tier: 'free' });
  keyring = await startPrivateKeyring();
}, 60_000);
afterAll(async () => {
  await sandbox.stop();
  await keyring?.stop();
  temp.cleanup();
});

interface Workspace {
  id: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  listId: string;
}

/** A workspace connected to the sandbox by a private app token from stdin, its mapping saved with a list, and leads imported. */
async function connectedWorkspace(name: string, leads: number, options: { dedupe: boolean; badPlan?: number[] }): Promise<Workspace> {
  const env = keyring!.env;
  const dataDir = path.join(temp.dir, name);
  const json = async (args: string[], stdin?: string) => {
    const result = await run([...args, '--data', dataDir, '--json'], env, stdin);
    if (result.code !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as any;
  };
  const { id } = await json(['workspace', 'create', '--name', name]);
  await json(['connect', 'hubspot', '--workspace', id, '--token-stdin', '--api-base', sandbox.url], `${sandbox.token}\n`);
  const list = await sandbox.call<{ list: { listId: string } }>('POST', '/crm/v3/lists', { body: { name: `CLI ${name}`, objectTypeId: '0-1', processingType: 'MANUAL' } });
  const listId = String(list.body.list.listId);
  const shown = await json(['mapping', 'show', '--workspace', id]);
  const settings = shown.settings;
  settings.advanced.dedupeContacts = options.dedupe;
  settings.list = { listId, listName: `CLI ${name}`, processingType: 'MANUAL' };
  const file = path.join(temp.dir, `${name}-settings.json`);
  fs.writeFileSync(file, JSON.stringify(settings));
  await json(['mapping', 'set', '--workspace', id, '--file', file]);
  const rows = ['First Name,Last Name,Email,Company,Website'];
  for (let i = 0; i < leads; i++) rows.push(`P${i},${name},${name}${i}@c${i % 40}.${name}.example,${name} Co ${i % 40},https://c${i % 40}.${name}.example`);
  const csv = path.join(temp.dir, `${name}.csv`);
  fs.writeFileSync(csv, `${rows.join('\n')}\n`);
  const imported = await json(['leads', 'import', csv, '--workspace', id]);
  expect(imported.imported ?? imported.status?.imported ?? leads).toBe(leads);
  return { id, dataDir, env, listId };
}

async function sandboxState(type: string, name: string) {
  const all = (await sandbox.call<{ results: Array<{ id: string; archived: boolean; properties: Record<string, string | null> }> }>('GET', `/__sandbox/state/${type}`, { token: null })).body.results;
  return all.filter((r) => !r.archived && (type === 'contacts' ? r.properties.email?.startsWith(name) : r.properties.domain?.endsWith(`${name}.example`)));
}

describe('syncdesk push and jobs', () => {
  it('pushes leads by id and all of them with --wait, reports counts, lists jobs and retries the failed ones', async (ctx) => {
    if (!keyring) ctx.skip();
    const ws = await connectedWorkspace('cliflow', 150, { dedupe: true });
    const args = (extra: string[]) => [...extra, '--workspace', ws.id, '--data', ws.dataDir];

    const queuedOnly = await run(args(['push', '--lead', '1', '--lead', '2', '--json']), ws.env);
    expect(queuedOnly.code).toBe(0);
    expect(JSON.parse(queuedOnly.stdout)).toMatchObject({ queued: 2, coalesced: 0 });

    const pushed = spawnCli(args(['push', '--all', '--wait', '--json']), ws.env);
    const result = await pushed.done;
    expect(result.stderr).toContain('Queued 148 jobs (2 leads joined a job already pending).');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ queued: 148, coalesced: 2, counts: { succeeded: 150, failed: 0, queued: 0, running: 0 }, interrupted: false });
    expect(await sandboxState('contacts', 'cliflow')).toHaveLength(150);

    const listed = await run(args(['jobs', 'list', '--status', 'succeeded', '--limit', '200', '--json']), ws.env);
    expect(listed.code).toBe(0);
    const jobs = JSON.parse(listed.stdout).jobs;
    expect(jobs).toHaveLength(150);
    expect(jobs[0]).toMatchObject({ state: 'succeeded', attempts: 1, errorCode: null, contactId: expect.stringMatching(/^\d+$/), companyId: expect.stringMatching(/^\d+$/), list: 'added' });

    const none = await run(args(['jobs', 'retry', '--failed', '--json']), ws.env);
    expect(JSON.parse(none.stdout)).toEqual({ count: 0, retried: 0 });
    const refused = await run(args(['jobs', 'retry', '--job', jobs[0].jobId]), ws.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Push the lead again');
    expect((await run(args(['jobs', 'list', '--status', 'bogus']), ws.env)).code).toBe(2);
    expect((await run(args(['push', '--all', '--lead', '3']), ws.env)).code).toBe(2);
    const human = await run(args(['jobs', 'list', '--limit', '2']), ws.env);
    expect(human.stdout).toMatch(/lead \d+ +Succeeded +1 attempt +contact \d+ company \d+/);

    const csvFile = path.join(ws.dataDir, 'history.csv');
    const exported = await run(args(['jobs', 'export', '--out', csvFile, '--json']), ws.env);
    expect(JSON.parse(exported.stdout)).toEqual({ rows: 150, file: csvFile });
    const csv = fs.readFileSync(csvFile, 'utf8').split('\r\n').filter(Boolean);
    expect(csv[0]).toMatch(/^\uFEFFStarted,Finished,/);
    expect(csv.slice(1).filter((line) => line.includes(',Succeeded,'))).toHaveLength(150);
    expect(fs.existsSync(`${csvFile}.part`)).toBe(false);
    const noFailures = await run(args(['jobs', 'export', '--out', csvFile, '--errors-only', '--json']), ws.env);
    expect(JSON.parse(noFailures.stdout).rows).toBe(0);
    expect((await run(args(['jobs', 'export']), ws.env)).code).toBe(2);
  }, 120_000);

  it('a push killed with SIGKILL mid-batch resumes in a new process: every job done, no contact or company twice', async (ctx) => {
    if (!keyring) ctx.skip();
    const leads = 1500;
    // Dedupe off: contacts are created (not upserted), so a create sent before the kill must be found, not repeated.
    const ws = await connectedWorkspace('killed', leads, { dedupe: false });
    const dbFile = path.join(ws.dataDir, 'workspaces', `${ws.id}.db`);
    const first = spawnCli(['push', '--all', '--wait', '--workspace', ws.id, '--data', ws.dataDir], ws.env);

    // Wait until a good part is done and a batch is in flight (claimed jobs, held by the budget mid-batch).
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    const count = (state: string) => db.prepare('select count(*) from push_jobs where state = ?').pluck().get(state) as number;
    const started = Date.now();
    let midBatch = false;
    while (Date.now() - started < 60_000) {
      if (count('succeeded') >= 400 && count('running') > 0) {
        midBatch = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(midBatch, `no batch in flight; stderr: ${first.stderr()}`).toBe(true);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBeNull();
    const runningAtKill = count('running');
    const succeededAtKill = count('succeeded');
    expect(runningAtKill).toBeGreaterThan(0);
    expect(succeededAtKill).toBeLessThan(leads);
    db.close();

    // A new process resumes the queue: the dead holder's leases are taken over at once.
    const second = await run(['push', '--wait', '--workspace', ws.id, '--data', ws.dataDir, '--json'], ws.env);
    expect(second.code, second.stderr).toBe(0);
    const listed = JSON.parse((await run(['jobs', 'list', '--workspace', ws.id, '--data', ws.dataDir, '--limit', '5000', '--json'], ws.env)).stdout).jobs as Array<{ state: string; contactId: string; attempts: number }>;
    expect(listed).toHaveLength(leads);
    expect(listed.filter((j) => j.state !== 'succeeded')).toEqual([]);
    expect(listed.filter((j) => j.attempts === 2).length).toBeGreaterThanOrEqual(runningAtKill);

    const contacts = await sandboxState('contacts', 'killed');
    expect(contacts).toHaveLength(leads);
    expect(new Set(contacts.map((c) => c.properties.email)).size).toBe(leads);
    expect(new Set(listed.map((j) => j.contactId)).size).toBe(leads);
    const companies = await sandboxState('companies', 'killed');
    expect(companies).toHaveLength(40);
    const members = new Set<string>();
    let after: string | undefined;
    do {
      const page = await sandbox.client().crm.lists.membershipsApi.getPage(ws.listId, after, undefined, 250);
      for (const r of page.results) members.add(String(r.recordId));
      after = page.paging?.next?.after;
    } while (after);
    for (const c of contacts) expect(members.has(c.id)).toBe(true);

    // The interrupted attempts are in the history as such.
    const check = new Database(dbFile, { readonly: true });
    expect(check.prepare(`select count(*) from push_attempts where status = 'interrupted'`).pluck().get()).toBe(runningAtKill);
    check.close();
  }, 180_000);
});
