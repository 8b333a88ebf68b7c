/**
 * Benchmark of the Stripe sandbox: seeds a large account, then times list pages through the real
 * stripe-node client, next to the same pages on a small account, so "lists don't slow down with
 * 50,000 customers" is a measured figure.
 *
 *   npm run bench:stripe-sandbox            # ~50,000 customers (84,000 companies)
 *   npm run bench:stripe-sandbox -- 20000   # companies to seed
 */
import fs from 'node:fs';
import path from 'node:path';
import type Stripe from 'stripe';
import { type StripeSandbox, startStripeSandbox } from '../harness/stripe-sandbox.ts';
import { seededRandom } from '../../core/sandbox/seeded-random.ts';

const companiesWanted = Number(process.argv[2] ?? 84_000);

async function seed(sandbox: StripeSandbox, count: number): Promise<{ customers: number; ms: number }> {
  const random = seededRandom(2026);
  const started = performance.now();
  let customers = 0;
  // In chunks, so each transaction stays a reasonable size.
  for (let from = 0; from < count; from += 5000) {
    const companies = Array.from({ length: Math.min(5000, count - from) }, (_, i) => ({ id: String(from + i), name: `Company ${from + i}`, domain: `company-${from + i}.example` }));
    customers += sandbox.provider.seed({ companies, random }).length;
  }
  return { customers, ms: performance.now() - started };
}

async function timed(runs: number, call: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  const samples: number[] = [];
  await call(); // warm the statement cache and the connection
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.floor(samples.length * 0.95)]! };
}

async function measure(sandbox: StripeSandbox): Promise<Record<string, { median: number; p95: number }>> {
  const stripe: Stripe = sandbox.client();
  const state = sandbox.provider.state('customers') as Stripe.Customer[];
  const middle = state[Math.floor(state.length / 2)]!;
  const sample = state[Math.floor(state.length / 3)]!;
  const subscriptions = await stripe.subscriptions.list({ limit: 1, customer: sample.id, status: 'all' });
  const subscriptionId = subscriptions.data[0]?.id;
  const dayAgo = Math.floor(sandbox.server.clock.now() / 1000) - 86_400;
  const runs = 30;
  return {
    'customers: first page of 100': await timed(runs, () => stripe.customers.list({ limit: 100 })),
    'customers: page of 100 from the middle': await timed(runs, () => stripe.customers.list({ limit: 100, starting_after: middle.id })),
    'customers: page of 100 backwards from the middle': await timed(runs, () => stripe.customers.list({ limit: 100, ending_before: middle.id })),
    'customers: by email': await timed(runs, () => stripe.customers.list({ email: sample.email! })),
    'subscriptions: first page of 100, expand data.customer': await timed(runs, () => stripe.subscriptions.list({ limit: 100, status: 'all', expand: ['data.customer'] })),
    'subscriptions: of one customer': await timed(runs, () => stripe.subscriptions.list({ customer: sample.id, status: 'all' })),
    'invoices: of one subscription': await timed(runs, () => stripe.invoices.list(subscriptionId ? { subscription: subscriptionId } : { limit: 1 })),
    'events: 100 since a day ago (created[gte])': await timed(runs, () => stripe.events.list({ limit: 100, created: { gte: dayAgo } })),
    'events: 100 of type customer.created': await timed(runs, () => stripe.events.list({ limit: 100, type: 'customer.created' })),
    'events: 100 of types[] subscription created/deleted': await timed(runs, () => stripe.events.list({ limit: 100, types: ['customer.subscription.created', 'customer.subscription.deleted'] })),
  };
}

const small = await startStripeSandbox();
const large = await startStripeSandbox();
try {
  const smallSeed = await seed(small, 1500);
  console.log(`small account: ${smallSeed.customers} customers seeded in ${(smallSeed.ms / 1000).toFixed(1)} s`);
  const largeSeed = await seed(large, companiesWanted);
  large.server.db.pragma('wal_checkpoint(TRUNCATE)');
  const file = path.join(path.dirname(large.server.db.name), 'sandbox.db');
  const events = large.provider.state('events')!.length;
  console.log(
    `large account: ${largeSeed.customers} customers, ${events} events seeded in ${(largeSeed.ms / 1000).toFixed(1)} s ` +
      `(${((largeSeed.ms / largeSeed.customers) * 1000).toFixed(0)} µs a customer); sandbox.db ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`,
  );
  const [a, b] = [await measure(small), await measure(large)];
  console.log(`\n${'page (through stripe-node over loopback HTTP)'.padEnd(58)} ${'small: median / p95 ms'.padStart(24)} ${'large: median / p95 ms'.padStart(24)}`);
  for (const label of Object.keys(a)) {
    const f = (t: { median: number; p95: number }) => `${t.median.toFixed(1)} / ${t.p95.toFixed(1)}`;
    console.log(`${label.padEnd(58)} ${f(a[label]!).padStart(24)} ${f(b[label]!).padStart(24)}`);
  }
  const started = performance.now();
  let pages = 0;
  const stripe = large.client();
  let page = await stripe.customers.list({ limit: 100 });
  for (pages = 1; page.has_more; pages++) page = await stripe.customers.list({ limit: 100, starting_after: page.data.at(-1)!.id });
  const ms = performance.now() - started;
  console.log(`\nfull re-list of customers, 100 a page: ${pages} pages in ${(ms / 1000).toFixed(1)} s (${(ms / pages).toFixed(1)} ms a page)`);
} finally {
  await small.close();
  await large.close();
}
