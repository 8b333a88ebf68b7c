// npm run bench:push — the push engine against the sandbox portal, each sandbox its own process.
//  1. 10,000 leads with company and list steps at the `pro` tier (190 calls per 10 s), limits on:
//     calls per lead, calls/s against the allowed rate, 429s, elapsed against the bound the limits imply.
//  2. The per-lead calls of a naive one-job-one-lead design on the same kind of data (counted, not timed).
//  3. 10% injected 5xx/429/resets: every lead ends succeeded, nothing duplicated (asserted on the sandbox's
//     state). The retry schedule's waits are skipped by a virtual clock; the schedule itself is unchanged.
// Prints figures; exits 1 if the fault run loses or duplicates anything.
import { Client } from '@hubspot/api-client';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createServices } from '../../core/app/create-services.ts';
import type { JobState } from '../../core/contract/push.ts';
import { createHubSpotGateway, type HubSpotGateway } from '../../core/hubspot/hubspot-gateway.ts';
import { createRequestBudget } from '../../core/hubspot/request-budget.ts';
import { limitsFor } from '../../core/hubspot/tiers.ts';
import { emptyRecord } from '../../core/leads/lead-service.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { makeTempDir } from '../harness/temp-dir.ts';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '10000' },
    companies: { type: 'string', default: '2000' },
    'naive-leads': { type: 'string', default: '500' },
    'fault-leads': { type: 'string', default: '3000' },
    'fault-rate': { type: 'string', default: '0.1' },
  },
});
const LEADS = Number(values.leads);
const COMPANIES = Number(values.companies);
const cli = path.resolve(import.meta.dirname, '..', '..', 'core', 'cli', 'syncdesk.ts');
const TOKEN = 'pat-na1-0b0e0c0d-0000-4000-8000-0000000bec45';
const temp = makeTempDir('syncdesk-bench-push-');
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Sandbox {
  url: string;
  admin(route: string, body?: unknown, method?: string): Promise<any>;
  stop(): void;
}

async function startSandbox(name: string, flags: string[]): Promise<Sandbox> {
  const child = spawn(process.execPath, [cli, 'sandbox', '--data', path.join(temp.dir, name), '--token', TOKEN, '--json', '--exit-on-stdin-close', ...flags], { stdio: ['pipe', 'pipe', 'inherit'] });
  const info = await new Promise<{ url: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return {
    url: info.url,
    async admin(route, body, method = 'POST') {
      const res = await fetch(`${info.url}/__sandbox/${route}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }) });
      return res.json();
    },
    stop: () => child.stdin.end(),
  };
}

function gatewayFor(sandbox: Sandbox): HubSpotGateway {
  return createHubSpotGateway({
    baseUrl: sandbox.url,
    tokens: { current: async () => ({ accessToken: TOKEN, kind: 'private_app' }), rejected: async () => false },
    budget: createRequestBudget({ limits: limitsFor('pro', 'private_app'), clock: { now: () => Date.now() } }),
    logger: createMemoryLogger(),
    timeoutMs: 10_000,
  });
}

const lead = (i: number, domain: string) => {
  const record = emptyRecord();
  const c = i % COMPANIES;
  record.firstName = `First${i}`;
  record.lastName = `Last${i % 977}`;
  record.email = `lead${i}@c${c}.${domain}`;
  record.company = `Company ${c} ${domain}`;
  record.website = `https://c${c}.${domain}`;
  record.jobTitle = i % 3 ? 'Buyer' : 'Engineer';
  return record;
};

/** Core with its own data folder whose workspaces reach HubSpot through `gateway`. */
async function coreFor(name: string, gateway: HubSpotGateway, sandbox: Sandbox, leads: number, domain: string, clock?: Clock, runner?: object) {
  const services = createServices({
    dataDir: path.join(temp.dir, `${name}-data`),
    host: 'test',
    secrets: createMemorySecretStore(),
    preferences: createMemoryPreferences(),
    logger: createMemoryLogger(),
    hubspot: async () => gateway,
    ...(clock ? { clock } : {}),
    ...(runner ? { push: { runner } } : {}),
  });
  const { id } = services.workspaces.create({ name, kind: 'hubspot' });
  const { db, store } = services.leads.open(id);
  db.transaction(() => {
    for (let i = 0; i < leads; i++) store.insert(lead(i, domain), [], '2026-01-01T00:00:00.000Z');
  })();
  const list = await (await fetch(`${sandbox.url}/crm/v3/lists`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `Bench ${name}`, objectTypeId: '0-1', processingType: 'MANUAL' }) })).json() as { list: { listId: string } };
  const listId = String(list.list.listId);
  const settings = services.mapping.get(id).settings;
  services.mapping.save(id, { ...settings, list: { listId, listName: `Bench ${name}`, processingType: 'MANUAL' } });
  return { services, workspaceId: id, listId };
}

async function until(done: () => boolean) {
  while (!done()) await new Promise((r) => setTimeout(r, 100));
}

const pending = (c: Record<JobState, number>) => c.queued + c.running + c.retrying + c.waiting_for_network + c.paused_reauthorize;

// ---------------------------------------------------------------------------------------------
// 1. Throughput at the pro tier
// ---------------------------------------------------------------------------------------------
const pro = await startSandbox('pro', ['--tier', 'pro']);
const naiveBox = await startSandbox('nolimits', ['--no-limits']);
let faultFailures = 0;
try {
  const gateway = gatewayFor(pro);
  const { services, workspaceId, listId } = await coreFor('pro', gateway, pro, LEADS, 'bench.example');
  const usage = async () => ((await (await fetch(`${pro.url}/account-info/v3/api-usage/daily/private-apps`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { results: Array<{ currentUsage: number }> }).results[0]!.currentUsage;
  const before = await usage();
  const runner = services.startPush([workspaceId]);
  const started = performance.now();
  await services.push.push(workspaceId, { kind: 'all' });
  await until(() => pending(services.push.progress(workspaceId).counts) === 0);
  const elapsed = (performance.now() - started) / 1000;
  await runner.stop();
  const calls = (await usage()) - before;
  const { db } = services.pushEngine.storesFor(workspaceId);
  const byState = Object.fromEntries((db.prepare('select state, count(*) as n from push_jobs group by state').all() as Array<{ state: string; n: number }>).map((r) => [r.state, r.n]));
  const pushCalls = db.prepare('select count(*) from push_exchanges').pluck().get() as number;
  const throttled = db.prepare('select count(*) from push_exchanges where status = 429').pluck().get() as number;
  const budget = gateway.budget.snapshot();
  const allowed = 190 / 10;
  const bound = calls / allowed;
  const windows = Math.ceil(calls / 190);
  const windowBound = 10 * (windows - 1);
  const byCall = db.prepare('select call, count(*) as n from push_exchanges group by call order by n desc').all() as Array<{ call: string; n: number }>;
  const companies = (await pro.admin('state/companies', undefined, 'GET')).results.filter((c: any) => c.properties.domain?.endsWith('bench.example')).length;
  const listSize = async (url: string, id: string) => ((await (await fetch(`${url}/crm/v3/lists/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { list: { size: number } }).list.size;
  const members = await listSize(pro.url, listId);
  console.log(`\n1. ${fmt(LEADS)} leads, ${fmt(COMPANIES)} companies, list step, sandbox at the pro tier (190 calls / 10 s), limits on`);
  console.log(`   jobs: ${JSON.stringify(byState)}; companies in HubSpot: ${fmt(companies)}; list members: ${fmt(members)}`);
  console.log(`   HubSpot calls: ${fmt(calls)} (${fmt(pushCalls)} by the push steps, ${fmt(calls - pushCalls)} reading property definitions) = ${fmt(calls / LEADS, 4)} calls per lead`);
  console.log(`   by call: ${byCall.map((c) => `${c.call} ${c.n}`).join(', ')}`);
  console.log(`   elapsed ${fmt(elapsed, 1)} s; ${fmt(LEADS / elapsed)} leads/s; ${fmt(calls / elapsed, 2)} calls/s of ${allowed} allowed = ${fmt(calls / elapsed / allowed, 3)}`);
  console.log(`   bound the limits imply: ${fmt(calls)} calls ÷ ${allowed}/s = ${fmt(bound, 1)} s → elapsed is ${fmt(elapsed / bound, 3)}× the bound (rolling-window bound ${windowBound} s: ${windows} windows of 190)`);
  const ats = db.prepare('select at from push_exchanges order by at').pluck().all() as number[];
  console.log(`   engine speed while not held by the budget: first ${Math.min(180, ats.length)} calls in ${fmt((ats[Math.min(179, ats.length - 1)]! - ats[0]!) / 1000, 1)} s`);
  console.log(`   429s: ${throttled} (budget saw ${budget.throttled}; it waited for a slot ${fmt(budget.waits)} times)`);
  services.close();
  gateway.close();

  // -------------------------------------------------------------------------------------------
  // 2. A naive design: one job, one lead, single-object calls (counted on a sample, limits off)
  // -------------------------------------------------------------------------------------------
  const naiveLeads = Number(values['naive-leads']);
  const hs = new Client({ accessToken: TOKEN, basePath: naiveBox.url, numberOfApiCallRetries: 0 });
  const naiveList = await hs.crm.lists.listsApi.create({ name: 'Naive', objectTypeId: '0-1', processingType: 'MANUAL' } as never);
  let naiveCalls = 0;
  const counted = async <T>(fn: () => Promise<T>) => {
    naiveCalls++;
    return fn();
  };
  for (let i = 0; i < naiveLeads; i++) {
    const l = lead(i, 'naive.example');
    const domain = `c${i % COMPANIES}.naive.example`;
    const found = await counted(() => hs.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ' as never, value: l.email }] }], limit: 1 }));
    const properties = { email: l.email, firstname: l.firstName, lastname: l.lastName, company: l.company, jobtitle: l.jobTitle, website: l.website };
    const contact = found.results[0]
      ? await counted(() => hs.crm.contacts.basicApi.update(found.results[0]!.id, { properties }))
      : await counted(() => hs.crm.contacts.basicApi.create({ properties, associations: [] }));
    let company = (await counted(() => hs.crm.companies.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ' as never, value: domain }] }], limit: 1 }))).results[0];
    if (!company) company = (await counted(() => hs.crm.companies.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ' as never, value: l.company }] }], limit: 1 }))).results[0];
    if (!company) company = await counted(() => hs.crm.companies.basicApi.create({ properties: { name: l.company, domain }, associations: [] }));
    await counted(() => hs.crm.associations.v4.basicApi.createDefault('contacts', contact.id, 'companies', company!.id));
    await counted(() => hs.crm.lists.membershipsApi.add(String(naiveList.list.listId), [contact.id]));
  }
  console.log(`\n2. naive one-job-one-lead design (search contact, create/update, search company by domain then name, create, associate, add to list), ${fmt(naiveLeads)} leads of the same shape:`);
  console.log(`   ${fmt(naiveCalls / naiveLeads, 2)} calls per lead (${fmt(naiveCalls)} calls), ${Math.round(naiveCalls / naiveLeads / (calls / LEADS))}× the batched engine; at 19 calls/s ${fmt(LEADS)} leads would take ${fmt((naiveCalls / naiveLeads) * LEADS / 19 / 60, 1)} min`);

  // -------------------------------------------------------------------------------------------
  // 3. Faults: 10% of HubSpot calls answer 5xx, 429 or reset the connection
  // -------------------------------------------------------------------------------------------
  const faultLeads = Number(values['fault-leads']);
  const rate = Number(values['fault-rate']);
  // The runner's clock skips its idle waits (the schedule's 30 s, 2 min, 5 min) instead of sleeping them.
  let skipped = 0;
  const warp: Clock = { now: () => Date.now() + skipped };
  const sleep = async (ms: number) => {
    skipped += Math.max(0, ms);
    await tick();
  };
  const faultGateway = gatewayFor(naiveBox);
  const faulty = await coreFor('faults', faultGateway, naiveBox, faultLeads, 'faults.example', warp, { sleep, pollMs: 1000 });
  await naiveBox.admin('faults', { rules: [{ route: '/crm/**', probability: rate, status: [500, 502, 503, 429, 'reset'] }] });
  const fstart = performance.now();
  const frunner = faulty.services.startPush([faulty.workspaceId]);
  await faulty.services.push.push(faulty.workspaceId, { kind: 'all' });
  await until(() => pending(faulty.services.push.progress(faulty.workspaceId).counts) === 0);
  await frunner.stop();
  await naiveBox.admin('faults', { rules: [] });
  const fdb = faulty.services.pushEngine.storesFor(faulty.workspaceId).db;
  const states = Object.fromEntries((fdb.prepare('select state, count(*) as n from push_jobs group by state').all() as Array<{ state: string; n: number }>).map((r) => [r.state, r.n]));
  const attempts = fdb.prepare('select attempt_count as attempts, count(*) as n from push_jobs group by attempt_count order by 1').all() as Array<{ attempts: number; n: number }>;
  const faultsSeen = fdb.prepare('select status, count(*) as n from push_exchanges where status >= 429 or status = 0 group by status').all() as Array<{ status: number; n: number }>;
  const totalExchanges = fdb.prepare('select count(*) from push_exchanges').pluck().get() as number;
  const contacts = (await naiveBox.admin('state/contacts', undefined, 'GET')).results.filter((c: any) => !c.archived && c.properties.email?.endsWith('faults.example'));
  const fcompanies = (await naiveBox.admin('state/companies', undefined, 'GET')).results.filter((c: any) => !c.archived && c.properties.domain?.endsWith('faults.example'));
  const emails = new Set(contacts.map((c: any) => c.properties.email));
  const domains = new Set(fcompanies.map((c: any) => c.properties.domain));
  const fmembers = await listSize(naiveBox.url, faulty.listId);
  console.log(`\n3. ${fmt(faultLeads)} leads with ${rate * 100}% of HubSpot calls failing (500/502/503/429/reset), limits off, retry waits skipped by the runner's clock (${fmt(skipped / 1000)} s skipped)`);
  console.log(`   jobs: ${JSON.stringify(states)} in ${fmt((performance.now() - fstart) / 1000, 1)} s; attempts per job: ${attempts.map((a) => `${a.attempts}×${a.n}`).join(', ')}`);
  console.log(`   calls ${fmt(totalExchanges)}, faults met: ${faultsSeen.map((f) => `${f.status === 0 ? 'reset' : f.status} ${f.n}`).join(', ')}`);
  console.log(`   in HubSpot: ${fmt(contacts.length)} contacts (${fmt(emails.size)} distinct emails), ${fmt(fcompanies.length)} companies (${fmt(domains.size)} distinct domains), list members ${fmt(fmembers)}`);
  const ok = states.succeeded === faultLeads && contacts.length === faultLeads && emails.size === faultLeads && fcompanies.length === domains.size && domains.size === Math.min(COMPANIES, faultLeads) && fmembers === faultLeads;
  console.log(`   ${ok ? 'OK: every lead succeeded, nothing duplicated, every contact in the list' : 'FAILED: lost or duplicated work'}`);
  if (!ok) faultFailures++;
  faulty.services.close();
  faultGateway.close();
} finally {
  pro.stop();
  naiveBox.stop();
  await new Promise((r) => setTimeout(r, 300));
  temp.cleanup();
}
process.exit(faultFailures ? 1 : 0);
