// Measures the mirror end to end (HTTP + JSON + SQLite) against the sandbox running as its own
// process, as it does for the app: a full mirror of N contacts with limits off (records/s, peak
// RSS, event-loop delay of this process), the same under the `pro` tier's limits against the bound
// they imply, and an incremental run after 1% of the records changed (calls per changed record).
// Run: npm run bench:mirror [-- --contacts 200000 --pro-contacts 60000]. Prints figures; asserts nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { makeTempDir } from '../harness/temp-dir.ts';
import { createServices } from '../../core/app/create-services.ts';
import { createManualClock } from '../../core/ports/clock.ts';
import { nullLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { createStaticProviders } from '../../core/mirror/static-providers.ts';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '200000' }, 'pro-contacts': { type: 'string', default: '60000' } } });
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const cli = path.resolve(import.meta.dirname, '..', '..', 'core', 'cli', 'syncdesk.ts');
const token = 'pat-na1-0b0e0c0d-0000-4000-8000-00000000be4c';

async function startSandbox(dir: string, contacts: number, limits: boolean): Promise<{ url: string; child: ChildProcess }> {
  const args = [cli, 'sandbox', '--data', dir, '--seed', String(contacts), '--token', token, '--json', '--exit-on-stdin-close', ...(limits ? ['--tier', 'pro'] : ['--no-limits'])];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  return { url, child };
}

/** CPU seconds a child process has used so far (Linux /proc; null elsewhere). */
function childCpuSeconds(child: ChildProcess): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function stop(child: ChildProcess) {
  child.stdin?.end();
  await new Promise((resolve) => child.once('exit', resolve));
}

function core(url: string, tier: 'unlimited' | 'pro', dataDir: string) {
  const providers = createStaticProviders({ hubspot: { baseUrl: url, token, tier } });
  const clock = createManualClock(Date.now());
  // The real clock: the mirror's windows follow the sandbox's (real) time.
  Object.assign(clock, { now: () => Date.now() });
  const services = createServices({ dataDir, host: 'test', secrets: createMemorySecretStore(), preferences: createMemoryPreferences(), logger: nullLogger, clock, providers });
  const workspaceId = services.workspaces.create({ name: 'Bench', kind: 'sandbox' }).id;
  return { services, providers, workspaceId };
}

async function requestsDuring<T>(providers: ReturnType<typeof createStaticProviders>, fn: () => Promise<T>): Promise<{ result: T; requests: number; seconds: number }> {
  const gateway = await providers.hubspot('bench');
  const before = gateway.budget.snapshot().usedToday;
  const started = performance.now();
  const result = await fn();
  return { result, requests: gateway.budget.snapshot().usedToday - before, seconds: (performance.now() - started) / 1000 };
}

// ——— 1. Full mirror, limits off ———
const contacts = Number(values.contacts);
const temp = makeTempDir('syncdesk-bench-mirror-');
console.log(`seeding a sandbox with ${fmt(contacts)} contacts (limits off)…`);
const free = await startSandbox(path.join(temp.dir, 'sandbox-free'), contacts, false);
try {
  const { services, providers, workspaceId } = core(free.url, 'unlimited', path.join(temp.dir, 'app-free'));
  await services.mirror.runAndWait(workspaceId, { mode: 'full', streams: ['properties'], trigger: 'cli' });
  const baseline = process.memoryUsage().rss;
  console.log(`RSS before the run (services open, sandbox in its own process): ${fmt(baseline / 1048576)} MB`);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = process.memoryUsage().rss;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  delay.enable();
  const cpuBefore = process.cpuUsage();
  const sandboxCpuBefore = childCpuSeconds(free.child);
  const loadBefore = os.loadavg()[0]!;
  const full = await requestsDuring(providers, () => services.mirror.runAndWait(workspaceId, { mode: 'full', streams: ['contacts'], trigger: 'cli' }));
  const cpu = process.cpuUsage(cpuBefore);
  const sandboxCpuAfter = childCpuSeconds(free.child);
  delay.disable();
  clearInterval(sampler);
  const stream = full.result.streams[0]!;
  console.log(
    `full mirror of contacts, limits off: ${fmt(stream.fetched)} records in ${full.seconds.toFixed(1)} s = ${fmt(stream.fetched / full.seconds)} records/s ` +
      `(${fmt(full.requests)} requests); peak RSS ${fmt(peakRss / 1048576)} MB (main-thread JS heap ${fmt(peakHeap / 1048576)} MB); event-loop delay p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, ` +
      `p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
  );
  // The machine may be shared: CPU per record says what the mirror costs whatever else runs.
  const mirrorCpu = (cpu.user + cpu.system) / 1e6;
  const sandboxCpu = sandboxCpuBefore !== null && sandboxCpuAfter !== null ? sandboxCpuAfter - sandboxCpuBefore : null;
  console.log(
    `  CPU: the mirror (HTTP client, JSON, SQLite writer thread) ${(mirrorCpu * 1e6 / stream.fetched).toFixed(0)} µs per record` +
      (sandboxCpu !== null ? `, the sandbox ${(sandboxCpu * 1e6 / stream.fetched).toFixed(0)} µs per record` : '') +
      `; ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before the run`,
  );

  const everything = await requestsDuring(providers, () => services.mirror.runAndWait(workspaceId, { mode: 'full', trigger: 'cli' }));
  const total = everything.result.streams.reduce((n, s) => n + s.fetched, 0);
  console.log(
    `full mirror of every stream (contacts, companies, deals, associations, owners, lists…): ${fmt(total)} rows in ${everything.seconds.toFixed(1)} s, ${fmt(everything.requests)} requests`,
  );

  // ——— 3. Incremental after 1% of the records changed ———
  const gateway = await providers.hubspot('bench');
  const ids = (services.workspaces.database(workspaceId).prepare("select id from mirror_records where object_type = 'contacts' order by random() limit ?").pluck().all(Math.round(contacts / 100)) as string[]);
  for (let i = 0; i < ids.length; i += 100) {
    await gateway.request('bench.update', { method: 'POST', path: '/crm/v3/objects/contacts/batch/update', body: { inputs: ids.slice(i, i + 100).map((id) => ({ id, properties: { jobtitle: `Bench ${i}` } })) } });
  }
  const incremental = await requestsDuring(providers, () => services.mirror.runAndWait(workspaceId, { mode: 'incremental', streams: ['contacts'], trigger: 'cli' }));
  const inc = incremental.result.streams[0]!;
  console.log(
    `incremental after ${fmt(ids.length)} contacts changed (1%): ${fmt(incremental.requests)} requests for ${fmt(inc.updated)} updated records ` +
      `(${(incremental.requests / Math.max(1, inc.updated)).toFixed(3)} calls per changed record) in ${incremental.seconds.toFixed(1)} s`,
  );
  providers.close();
  services.close();
} finally {
  await stop(free.child);
}

// ——— 2. Full mirror under the pro tier's limits ———
const proContacts = Number(values['pro-contacts']);
console.log(`seeding a sandbox with ${fmt(proContacts)} contacts (pro tier limits on)…`);
const pro = await startSandbox(path.join(temp.dir, 'sandbox-pro'), proContacts, true);
try {
  const { services, providers, workspaceId } = core(pro.url, 'pro', path.join(temp.dir, 'app-pro'));
  await services.mirror.runAndWait(workspaceId, { mode: 'full', streams: ['properties'], trigger: 'cli' });
  const run = await requestsDuring(providers, () => services.mirror.runAndWait(workspaceId, { mode: 'full', streams: ['contacts'], trigger: 'cli' }));
  const budget = (await providers.hubspot('bench')).budget.snapshot();
  // HubSpot pro: 190 requests per rolling 10 s for a private app. N requests need at least
  // floor((N - 1) / 190) windows after the first burst (search calls, 5/s, are a handful here).
  const bound = Math.floor((run.requests - 1) / 190) * 10;
  console.log(
    `full mirror under pro limits: ${fmt(run.result.streams[0]!.fetched)} records, ${fmt(run.requests)} requests in ${run.seconds.toFixed(1)} s; ` +
      `the 190/10 s limit implies ≥ ${bound.toFixed(1)} s: ${(run.seconds / bound).toFixed(2)}× the bound; 429s seen: ${budget.throttled}`,
  );
  providers.close();
  services.close();
} finally {
  await stop(pro.child);
  temp.cleanup();
}
