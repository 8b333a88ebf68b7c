// Measures the sandbox over HTTP with the real SDK: seeding, list paging, batch upserts, search.
// The sandbox runs as its own process (`syncdesk sandbox`), as it does for the app and for tests.
// Run: npm run bench:sandbox [-- --contacts 200000]. Prints figures; asserts nothing.
import { Client } from '@hubspot/api-client';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeTempDir } from '../harness/temp-dir.ts';

const { values } = parseArgs({
  options: { contacts: { type: 'string', default: '200000' }, pages: { type: 'string', default: '1000' }, batches: { type: 'string', default: '200' } },
});
const contacts = Number(values.contacts);
const temp = makeTempDir('syncdesk-bench-');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const token = 'pat-na1-0b0e0c0d-0000-4000-8000-00000000be9c';
const cli = path.resolve(import.meta.dirname, '..', '..', 'core', 'cli', 'syncdesk.ts');

const started = performance.now();
const child = spawn(process.execPath, [cli, 'sandbox', '--data', temp.dir, '--seed', String(contacts), '--token', token, '--no-limits', '--json', '--exit-on-stdin-close'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
try {
  const info = await new Promise<{ url: string; seeded: { companies: number; deals: number; ms: number } }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const startSeconds = (performance.now() - started) / 1000;
  console.log(
    `seed: ${fmt(contacts)} contacts (+${fmt(info.seeded.companies)} companies, ${fmt(info.seeded.deals)} deals, associations, lists) in ${(info.seeded.ms / 1000).toFixed(1)} s; ` +
      `\`syncdesk sandbox --seed ${contacts}\` ready in ${startSeconds.toFixed(1)} s`,
  );
  const hs = new Client({ accessToken: token, basePath: info.url, numberOfApiCallRetries: 0 });
  const properties = ['email', 'firstname', 'lastname', 'lifecyclestage', 'company'];

  /** Pages contacts from `after` (an id, as list paging is) with the SDK; returns records read. */
  const pageFrom = async (after: string | undefined, pages: number) => {
    let records = 0;
    for (let i = 0; i < pages; i++) {
      const page = await hs.crm.contacts.basicApi.getPage(100, after, properties);
      records += page.results.length;
      after = page.paging?.next?.after;
      if (!after) break;
    }
    return records;
  };
  await pageFrom(undefined, 50); // warm-up

  const pages = Math.min(Number(values.pages), Math.floor(contacts / 100));
  let t = performance.now();
  let records = await pageFrom(undefined, pages);
  let seconds = (performance.now() - t) / 1000;
  console.log(`list pages, one SDK client paging sequentially (limit 100, 5 properties): ${fmt(records / seconds)} records/s (${(seconds * 1000 / pages).toFixed(1)} ms/page)`);

  // A mirror can split the id space (`after` is a record id) and page the parts concurrently.
  const first = Number((await hs.crm.contacts.basicApi.getPage(1)).results[0]!.id);
  const streams = 4;
  t = performance.now();
  const counts = await Promise.all(Array.from({ length: streams }, (_, s) => pageFrom(String(first + s * Math.ceil(contacts / streams) * 1.25), Math.ceil(pages / streams))));
  records = counts.reduce((a, b) => a + b, 0);
  seconds = (performance.now() - t) / 1000;
  console.log(`list pages, ${streams} concurrent SDK streams over id ranges: ${fmt(records / seconds)} records/s`);

  const existing = (await hs.crm.contacts.basicApi.getPage(100, undefined, ['email'])).results.map((r) => r.properties.email!);
  const batches = Number(values.batches);
  let written = 0;
  t = performance.now();
  for (let b = 0; b < batches; b++) {
    const inputs = Array.from({ length: 100 }, (_, i) => {
      const email = i % 2 === 0 ? existing[i]! : `bench-${b}-${i}@bench.example.com`;
      return { id: email, idProperty: 'email', properties: { firstname: `B${b}`, lastname: `Run ${i}`, jobtitle: 'Benchmarker', lifecyclestage: 'lead', phone: '+1 555 0100' } };
    });
    written += (await hs.crm.contacts.batchApi.upsert({ inputs })).results.length;
  }
  seconds = (performance.now() - t) / 1000;
  console.log(`batch upserts, one SDK client (100 inputs by email, half new): ${fmt(written / seconds)} records/s (${(seconds * 1000 / batches).toFixed(1)} ms/batch)`);

  t = performance.now();
  let found = 0;
  let offset = '0';
  let searches = 0;
  for (; searches < 50; searches++) {
    const page = await hs.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE' as never, value: '0' }] }],
      sorts: ['lastmodifieddate'],
      properties: ['email'],
      limit: 200,
      after: offset,
    });
    found += page.results.length;
    if (!page.paging?.next?.after) break;
    offset = page.paging.next.after;
  }
  seconds = (performance.now() - t) / 1000;
  console.log(`search pages (lastmodifieddate GTE, sorted, limit 200, total over ${fmt(contacts)} matches): ${(seconds * 1000 / searches).toFixed(1)} ms/page, ${fmt(found / seconds)} records/s`);
} finally {
  child.stdin.end();
  await new Promise((resolve) => child.on('exit', resolve));
  temp.cleanup();
}
