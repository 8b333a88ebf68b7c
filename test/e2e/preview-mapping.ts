// Development preview: the Mapping page on a console connected to a seeded sandbox portal, with
// screenshots. Run: node test/e2e/preview-mapping.ts <out dir>. (Until connections land, the only way
// to see a connected workspace in a browser.)
import path from 'node:path';
import { chromium } from '@playwright/test';
import { createServices } from '../../core/app/create-services.ts';
import { ConsoleServer } from '../../core/host/console-server.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { startTestSandbox } from '../harness/hubspot-sandbox.ts';
import { sandboxGateway } from '../harness/sandbox-gateway.ts';
import { makeTempDir } from '../harness/temp-dir.ts';

const out = path.resolve(process.argv[2] ?? 'test-results/mapping-preview');
const sandbox = await startTestSandbox({ seed: 30 });
const gateway = sandboxGateway(sandbox);
const temp = makeTempDir();
const services = createServices({ dataDir: temp.dir, host: 'test', secrets: createMemorySecretStore(), preferences: createMemoryPreferences(), logger: createMemoryLogger(), hubspot: async () => gateway });
const ws = services.workspaces.create({ name: 'Acme Consulting', kind: 'hubspot' });
services.leads.updateSettings(ws.id, { defaultCountry: 'US' });
services.leads.createField({ workspaceId: ws.id, label: 'Plan', key: 'plan', type: 'dropdown', options: ['Starter', 'Professional', 'Platinum'] });
services.leads.createField({ workspaceId: ws.id, label: 'Trial start', key: 'trial', type: 'date', options: [] });
const plans = ['Starter', 'Professional', 'Platinum', 'Gold', 'Professional'];
for (let i = 0; i < 40; i++) {
  services.leads.create(ws.id, { firstName: `Lead${i}`, lastName: 'Example', email: `lead${i}@acme${i % 4}.example`, phone: '(415) 555-01' + String(i).padStart(2, '0'), company: `Acme ${i % 4}`, custom: { plan: plans[i % 5]!, trial: i % 3 ? '2026-03-0' + ((i % 9) + 1) : '03.04.2026' } });
}
await services.mapping.refreshProperties(ws.id);
await services.mapping.lists(ws.id, true);
const base = services.mapping.get(ws.id).settings;
services.mapping.save(ws.id, {
  ...base,
  contact: {
    rows: [
      ...base.contact.rows,
      { id: 'plan', source: 'custom.plan', property: 'Plan Interest', transforms: [] },
      { id: 'plan2', source: 'custom.plan', property: 'plan_interest', transforms: [] },
      { id: 'trial', source: 'custom.trial', property: 'trial_start_date', transforms: [] },
      { id: 'ro', source: 'website', property: 'hs_email_domain', transforms: [] },
    ],
  },
});
const server = new ConsoleServer({ router: services.router, events: services.events, logger: createMemoryLogger(), rendererDir: path.resolve('out/renderer') });
const address = await server.listen();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
try {
  await page.goto(`${address.url}#/w/${ws.id}/mapping`);
  await page.getByTestId('mapping-page').waitFor();
  await page.getByTestId('row-problem').first().waitFor();
  await page.screenshot({ path: path.join(out, '1-field-mapping.png'), fullPage: true });
  await page.getByRole('button', { name: 'Property of row 9' }).click();
  await page.getByRole('searchbox', { name: 'Search properties' }).fill('plan');
  await page.screenshot({ path: path.join(out, '2-picker.png') });
  await page.keyboard.press('Escape');
  await page.getByTestId('mapping-row').nth(9).getByRole('button', { name: 'Map these values' }).click();
  await page.getByTestId('transforms-dialog').waitFor();
  await page.screenshot({ path: path.join(out, '3-transforms.png') });
  await page.getByTestId('transforms-dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('tab', { name: /Company Mapping/ }).click();
  await page.screenshot({ path: path.join(out, '4-company.png'), fullPage: true });
  await page.getByRole('tab', { name: /Lists/ }).click();
  await page.screenshot({ path: path.join(out, '5-lists.png'), fullPage: true });
  await page.getByRole('tab', { name: /Advanced/ }).click();
  await page.getByText('Only push leads that match').click();
  await page.screenshot({ path: path.join(out, '6-advanced.png'), fullPage: true });
  await page.getByRole('button', { name: 'Discard' }).click();
  await page.getByRole('button', { name: 'Send test lead' }).click();
  await page.getByTestId('test-lead-dialog').waitFor();
  await page.getByLabel('One of your leads').check();
  await page.screenshot({ path: path.join(out, '7-test-choose.png') });
  await page.getByTestId('send-test-lead').click();
  await page.getByTestId('test-result').waitFor();
  await page.screenshot({ path: path.join(out, '8-test-report.png'), fullPage: true });
  console.log('screenshots in', out);
} finally {
  await browser.close();
  await server.close();
  services.close();
  gateway.close();
  await sandbox.stop();
  temp.cleanup();
}
