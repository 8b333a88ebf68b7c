// Development preview: Sync History on a console whose workspace pushed real leads through the
// engine into a seeded sandbox portal (some fail), on top of a month of generated history, with
// screenshots in light and dark at 1280×800. Run: npm run build:renderer && node test/e2e/preview-history.ts <out dir>
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { createServices } from '../../core/app/create-services.ts';
import { ConsoleServer } from '../../core/host/console-server.ts';
import { createMemoryLogger } from '../../core/ports/logger.ts';
import { createMemoryPreferences } from '../../core/ports/preferences.ts';
import { createMemorySecretStore } from '../../core/secrets/memory-secret-store.ts';
import { generateHistory } from '../harness/history-data.ts';
import { startTestSandbox } from '../harness/hubspot-sandbox.ts';
import { sandboxGateway } from '../harness/sandbox-gateway.ts';
import { makeTempDir } from '../harness/temp-dir.ts';

const out = path.resolve(process.argv[2] ?? 'test-results/history-preview');
const sandbox = await startTestSandbox({ seed: 30 });
const gateway = sandboxGateway(sandbox);
const temp = makeTempDir();
const services = createServices({ dataDir: temp.dir, host: 'test', secrets: createMemorySecretStore(), preferences: createMemoryPreferences(), logger: createMemoryLogger(), hubspot: async () => gateway });
const ws = services.workspaces.create({ name: 'Acme Consulting', kind: 'hubspot' });
generateHistory(services.workspaces.database(ws.id), { attempts: Number(process.env.ROWS ?? 20_000), days: 31, now: Date.now() - 2 * 3_600_000 });
services.pushEngine.storesFor(ws.id).history.rebuildOutcomeHours();

services.leads.updateSettings(ws.id, { defaultCountry: 'US' });
services.leads.createField({ workspaceId: ws.id, label: 'Plan', key: 'plan', type: 'dropdown', options: ['Starter', 'Professional', 'Gold'] });
const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];
const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Berners-Lee'];
for (let i = 0; i < 40; i++) {
  services.leads.create(ws.id, {
    firstName: first[i % 10]!,
    lastName: last[(i * 3) % 10]!,
    email: i === 7 ? '' : `${first[i % 10]!.toLowerCase()}.${i}@example${i % 4}.com`,
    phone: `(415) 555-01${String(i).padStart(2, '0')}`,
    company: `Example ${i % 4}`,
    website: `example${i % 4}.com`,
    custom: { plan: ['Starter', 'Professional', 'Gold', 'Professional'][i % 4]! },
    source: i % 5 === 1 ? 'Webinar' : '',
  });
}
// A property the stored definitions know but the portal deleted since: HubSpot itself refuses it (with its answer recorded).
await sandbox.client().crm.properties.coreApi.create('contacts', { name: 'lead_score_v2', label: 'Lead score v2', type: 'string' as never, fieldType: 'text' as never, groupName: 'contactinformation' });
await services.mapping.refreshProperties(ws.id);
await sandbox.client().crm.properties.coreApi.archive('contacts', 'lead_score_v2');
const base = services.mapping.get(ws.id).settings;
services.mapping.save(ws.id, {
  ...base,
  contact: {
    rows: [
      ...base.contact.rows,
      { id: 'plan', source: 'custom.plan', property: 'plan_interest', transforms: [{ kind: 'lowercase' }] },
      { id: 'score', source: 'source', property: 'lead_score_v2', transforms: [] },
    ],
  },
});
services.startPush('all');
await services.push.push(ws.id, { kind: 'all' });
for (let i = 0; i < 200 && services.push.progress(ws.id).active; i++) await new Promise((r) => setTimeout(r, 100));

const server = new ConsoleServer({ router: services.router, events: services.events, logger: createMemoryLogger(), rendererDir: path.resolve('out/renderer') });
const address = await server.listen();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(out, name) });
try {
  for (const theme of ['light', 'dark'] as const) {
    await services.router.handle('app.setPreferences', { theme }, { client: 'test' });
    await page.goto(`${address.url}#/w/${ws.id}/history`);
    await page.getByTestId('history-row').first().waitFor();
    await page.waitForTimeout(300);
    await shot(page, `${theme}-1-history.png`);
    await page.getByTestId('history-error').first().hover();
    await page.getByTestId('raw-error-card').locator('.raw-error-title').waitFor();
    await shot(page, `${theme}-2-hover.png`);
    await page.getByRole('searchbox', { name: 'Search history' }).fill(theme === 'light' ? 'grace' : 'frances');
    await page.getByTestId('errors-only').click();
    await page.getByTestId('history-row').first().waitFor();
    await page.waitForTimeout(400);
    await page.getByTestId('history-row').first().click();
    await page.getByTestId('job-detail').getByTestId('attempt').first().waitFor();
    await page.waitForTimeout(200);
    await shot(page, `${theme}-3-detail.png`);
    await page.getByTestId('exchange').first().getByRole('button').click();
    await shot(page, `${theme}-4-exchange.png`);
    await page.getByRole('button', { name: 'Report an issue' }).click();
    await shot(page, `${theme}-5-report.png`);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Edit and replay' }).click();
    await page.getByTestId('edit-replay-dialog').getByTestId('edit-row').waitFor();
    await shot(page, `${theme}-6-edit.png`);
    if (theme === 'light') {
      // Edit and replay for real: point the failing row at a property that exists, replay, see before/after.
      const dialog = page.getByTestId('edit-replay-dialog');
      await dialog.getByRole('button', { name: /^Property of row/ }).click();
      await page.getByRole('searchbox', { name: 'Search properties' }).fill('jobtitle');
      await page.keyboard.press('Enter');
      await dialog.getByRole('button', { name: 'Save the row and replay' }).click();
      await dialog.getByTestId('comparison-verdict').waitFor({ timeout: 30_000 });
      await shot(page, `${theme}-6b-before-after.png`);
    }
    await page.keyboard.press('Escape');
    await page.getByTestId('edit-replay-dialog').waitFor({ state: 'hidden' });
    await page.keyboard.press('Escape');
    await page.getByTestId('job-detail').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('chart-bar').nth(-3).click();
    await page.waitForTimeout(300);
    await shot(page, `${theme}-7-bar.png`);
  }
  // The support side: this workspace's failed job as a bundle, imported and replayed against a seeded sandbox portal.
  const failedJob = services.push.jobs(ws.id, { states: ['failed'], search: 'grace' }, 1).items[0]!;
  const exported = await services.support.exportBundle({ workspaceId: ws.id, jobId: failedJob.jobId, mask: true, note: 'Grace never shows up in HubSpot since we added the lead score.' });
  const imported = services.support.importBundle({ fileName: exported.fileName, text: exported.text });
  await services.support.replay(imported.bundleId, { kind: 'sandbox' }, 30_000);
  for (const theme of ['light', 'dark'] as const) {
    await services.router.handle('app.setPreferences', { theme }, { client: 'test' });
    await page.goto(`${address.url}#/w/${ws.id}/history/bundles`);
    await page.getByTestId('bundle-row').first().waitFor();
    await shot(page, `${theme}-8-bundles.png`);
    await page.goto(`${address.url}#/w/${ws.id}/history/bundles/${imported.bundleId}`);
    await page.getByTestId('replay').first().waitFor();
    await page.waitForTimeout(200);
    await shot(page, `${theme}-9-replay.png`);
    await page.getByTestId('replay').first().scrollIntoViewIfNeeded();
    await shot(page, `${theme}-10-replay-compare.png`);
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
  services.close();
  await sandbox.close();
  temp.cleanup();
}
