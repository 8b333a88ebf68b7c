// npm run bench:leads — imports a generated 100,000-row CSV through the contract (upload in
// chunks, preview, commit) and prints rows/s end to end, the longest event-loop block during the
// import, and list/search/sort page latency at 100k leads. Figures, not assertions.
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { IMPORT_CHUNK_BYTES, type ImportPreview, type ImportStatus } from '../../core/contract/leads.ts';
import { createTestServices } from '../harness/services.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const t = createTestServices();
const call = async <T>(method: string, input: unknown): Promise<T> => {
  const result = await t.services.router.handle(method, input, { client: 'bench' });
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
};

function generateCsv(file: string, rows: number) {
  const first = ['Anna', 'Bob', 'Carla', 'Dieter', 'Émile', 'Fatima', 'Günther', 'Hiro', 'Ivan', 'Julia', 'Kofi', 'Léa', 'Mateo', 'Nora'];
  const last = ['Berg', 'Ng', 'Núñez', 'Okafor', 'Müller', 'Smith', 'Rossi', 'Dubois', 'Kowalski', 'Tanaka', 'Olsen', 'García'];
  const companies = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne'];
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const lines = ['First Name,Last Name,E-mail,Phone,Company,Job Title,Website,Notes,Lead Source'];
  for (let i = 0; i < rows; i++) {
    const f = first[rnd(first.length)]!;
    const l = last[rnd(last.length)]!;
    const c = `${companies[rnd(companies.length)]} ${rnd(5000)}`;
    const email = i % 97 === 0 ? `broken-${i}` : `${f.toLowerCase()}.${l.toLowerCase()}${i}@example${rnd(300)}.com`;
    const phone = `+1 415 555 ${String(rnd(10000)).padStart(4, '0')}`;
    const notes = i % 5 === 0 ? `"Met at booth ${rnd(200)}, wants a call back\nabout pricing"` : '';
    lines.push(`${f},${l},${email},${phone},"${c}, Inc.",Engineer ${rnd(50)},https://example${rnd(300)}.com,${notes},fair-${rnd(10)}`);
  }
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const workspace = await call<{ id: string }>('workspaces.create', { name: 'Bench' });
const file = path.join(t.dataDir, 'bench.csv');
generateCsv(file, ROWS);
const bytes = fs.readFileSync(file);
console.log(`CSV: ${ROWS.toLocaleString('en-US')} rows, ${(bytes.length / 1e6).toFixed(1)} MB`);

const loop = monitorEventLoopDelay({ resolution: 1 });
let longestGap = 0;
let last = performance.now();
const probe = setInterval(() => {
  const now = performance.now();
  longestGap = Math.max(longestGap, now - last - 5);
  last = now;
}, 5);

const started = performance.now();
loop.enable();
const { importId } = await call<{ importId: string }>('leads.importBegin', { workspaceId: workspace.id, fileName: 'bench.csv', size: bytes.length });
for (let offset = 0; offset < bytes.length; offset += IMPORT_CHUNK_BYTES) {
  await call('leads.importChunk', { importId, offset, data: bytes.subarray(offset, offset + IMPORT_CHUNK_BYTES).toString('base64') });
}
const uploaded = performance.now();
const preview = await call<ImportPreview>('leads.importPreview', { importId });
await call<ImportStatus>('leads.importCommit', { importId, settings: preview.settings, assignments: preview.assignments });
// A list call while the import runs: how long does the operator wait?
const during: number[] = [];
const sampler = setInterval(() => {
  const at = performance.now();
  void call('leads.list', { workspaceId: workspace.id, limit: 100 }).then(() => during.push(performance.now() - at));
}, 100);
const status = await t.services.leadImports.settled(importId);
clearInterval(sampler);
const finished = performance.now();
loop.disable();
clearInterval(probe);

const seconds = (finished - started) / 1000;
console.log(`import: ${status.state}, ${status.imported.toLocaleString('en-US')} imported, ${status.flagged.toLocaleString('en-US')} flagged`);
console.log(`import end to end (upload + preview + import): ${Math.round(status.rowsDone / seconds).toLocaleString('en-US')} rows/s (${seconds.toFixed(1)} s; upload ${((uploaded - started) / 1000).toFixed(1)} s)`);
console.log(`longest event-loop block during the import: ${Math.max(loop.max / 1e6, longestGap).toFixed(0)} ms (p99 delay ${(loop.percentile(99) / 1e6).toFixed(0)} ms)`);
const finishedLine = t.logger.lines.find((l) => l.includes('lead import finished'));
if (finishedLine) {
  const { longestSliceMs, longestIndexMs } = JSON.parse(finishedLine) as { longestSliceMs: number; longestIndexMs: number };
  console.log(`  of which: longest import transaction ${longestSliceMs} ms, longest sort-index rebuild ${longestIndexMs} ms`);
}
if (during.length > 0) console.log(`leads.list while importing: p95 ${percentile(during, 0.95).toFixed(0)} ms over ${during.length} calls`);

const timings: Array<[string, unknown]> = [
  ['first page (newest first)', { limit: 100 }],
  ['sort by company, first page', { sort: { field: 'company', direction: 'asc' }, limit: 100 }],
  ['sort by last name desc, first page', { sort: { field: 'lastName', direction: 'desc' }, limit: 100 }],
  ['jump to row 50,000 (offset, sort by email)', { sort: { field: 'email', direction: 'asc' }, limit: 100, offset: 50_000 }],
  ['search "example12" (many matches)', { search: 'example12', limit: 100 }],
  ['search one email', { search: 'anna.berg4242@', limit: 100 }],
  ['search phone digits "5550123"', { search: '5550123', limit: 100 }],
  ['search + sort by company', { search: 'müller', sort: { field: 'company', direction: 'asc' }, limit: 100 }],
  ['flagged only, sort by last name', { flaggedOnly: true, sort: { field: 'lastName', direction: 'asc' }, limit: 100 }],
];
console.log(`\nlist latency at ${status.imported.toLocaleString('en-US')} leads (30 runs each, through the router):`);
for (const [label, input] of timings) {
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    const at = performance.now();
    await call('leads.list', { workspaceId: workspace.id, ...(input as object) });
    samples.push(performance.now() - at);
  }
  console.log(`  ${label.padEnd(44)} p50 ${percentile(samples, 0.5).toFixed(1).padStart(6)} ms   p95 ${percentile(samples, 0.95).toFixed(1).padStart(6)} ms`);
}
// Keyset paging deep into a sort: 20 consecutive pages.
{
  const samples: number[] = [];
  let after: string | undefined;
  for (let i = 0; i < 20; i++) {
    const at = performance.now();
    const page = await call<{ next?: string }>('leads.list', { workspaceId: workspace.id, sort: { field: 'company', direction: 'asc' }, limit: 100, after });
    samples.push(performance.now() - at);
    after = page.next;
  }
  console.log(`  ${'keyset pages 2-21, sort by company'.padEnd(44)} p50 ${percentile(samples, 0.5).toFixed(1).padStart(6)} ms   p95 ${percentile(samples, 0.95).toFixed(1).padStart(6)} ms`);
}
t.cleanup();
