// npm run bench:mapping — inline problems over 100,000 leads (one query per mapped field), and
// mapLead throughput. Prints figures; not a test.
import { createServices } from '../../core/app/create-services.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { emptyRecord } from '../../core/leads/lead-service.ts';
import { startTestSandbox } from '../harness/hubspot-sandbox.ts';
import { sandboxGateway } from '../harness/sandbox-gateway.ts';
import { makeTempDir } from '../harness/temp-dir.ts';

const LEADS = Number(process.env.LEADS ?? 100_000);
const sandbox = await startTestSandbox({ seed: 10 });
const gateway = sandboxGateway(sandbox);
const temp = makeTempDir('syncdesk-bench-mapping-');
const services = createServices({ dataDir: temp.dir, host: 'test', secrets: createMemorySecretStore(), preferences: createMemoryPreferences(), logger: createMemoryLogger(), hubspot: async () => gateway });
try {
  const { id } = services.workspaces.create({ name: 'Bench', kind: 'hubspot' });
  services.leads.updateSettings(id, { defaultCountry: 'US' });
  services.leads.createField({ workspaceId: id, label: 'Plan', key: 'plan', type: 'dropdown', options: ['Starter', 'Professional', 'Platinum'] });
  services.leads.createField({ workspaceId: id, label: 'Seats', key: 'seats', type: 'number', options: [] });
  const { db, store } = services.leads.open(id);
  const plans = ['Starter', 'Professional', 'Platinum', 'Gold'];
  let started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < LEADS; i++) {
      const lead = emptyRecord();
      lead.firstName = `First${i}`;
      lead.lastName = `Last${i % 977}`;
      lead.email = `lead${i}@company${i % 5000}.example`;
      lead.phone = `(415) 555-${String(i % 10_000).padStart(4, '0')}`;
      lead.company = `Company ${i % 5000}`;
      lead.website = `https://company${i % 5000}.example`;
      lead.source = i % 3 ? 'webinar' : 'fair';
      lead.custom = { plan: plans[i % 4]!, seats: i % 50 ? String(i % 200) : 'many' };
      store.insert(lead, [], '2026-01-01T00:00:00.000Z');
    }
  })();
  console.log(`inserted ${LEADS.toLocaleString('en-US')} leads in ${Math.round(performance.now() - started)} ms`);
  await services.mapping.refreshProperties(id);
  const base = services.mapping.get(id).settings;
  const settings = {
    ...base,
    contact: {
      rows: [
        ...base.contact.rows,
        { id: 'plan', source: 'custom.plan', property: 'plan_interest', enabled: true, transforms: [], updateRule: 'overwrite' as const },
        { id: 'seats', source: 'custom.seats', property: 'num_notes', enabled: true, transforms: [], updateRule: 'overwrite' as const },
        { id: 'src', source: 'source', property: 'newsletter_opt_in', enabled: true, transforms: [{ kind: 'valueMap' as const, entries: [{ from: 'webinar', to: 'true' }], fallback: { mode: 'keep' as const, value: '' } }], updateRule: 'overwrite' as const },
      ],
    },
  };
  for (let run = 1; run <= 3; run++) {
    const check = services.mapping.check(id, settings);
    console.log(`inline problems over ${check.leadCount.toLocaleString('en-US')} leads: ${check.tookMs} ms (${check.problems.length} problems: ${check.problems.map((p) => p.kind).join(', ')})`);
  }
  const { map } = services.mapping.mapper(id);
  const leads = services.leads.list({ workspaceId: id, sort: { field: 'createdAt', direction: 'asc' }, limit: 500 }).items;
  started = performance.now();
  let mapped = 0;
  while (performance.now() - started < 2000) {
    for (const lead of leads) map(lead);
    mapped += leads.length;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`mapLead (default mapping + 3 rows, phone E.164, company keys): ${Math.round(mapped / seconds).toLocaleString('en-US')} leads/s`);
} finally {
  services.close();
  gateway.close();
  await sandbox.stop();
  temp.cleanup();
}
