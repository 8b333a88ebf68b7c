import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupportBundle } from '../contract/support.ts';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { createPushFixture, mappingRow, type PushFixture } from '../../test/harness/push-fixture.ts';
import { sandboxGateway } from '../../test/harness/sandbox-gateway.ts';
import { createServicesWithHubSpot, type ServicesWithHubSpot } from '../../test/harness/services-with-hubspot.ts';

/**
 * The whole support loop with the real engine and the real SDK: a push fails in the customer's
 * portal (a mapping names a property that doesn't exist), the operator writes a bundle, a support
 * agent on another Syncdesk imports it and replays it against a sandbox portal seeded from the
 * bundle's definitions (the failure reproduces), creates the property there, replays again (fixed).
 */
describe('replay of a support bundle against the sandbox', () => {
  let customerPortal: TestSandbox;
  let customer: PushFixture;
  let agent: ServicesWithHubSpot;
  let jobId: string;

  beforeAll(async () => {
    customerPortal = await startTestSandbox({ seed: 5 });
    customer = createPushFixture(customerPortal, sandboxGateway(customerPortal));
    // The agent's own machine: nothing connected; replays bring their own sandbox portal.
    agent = createServicesWithHubSpot(sandboxGateway(customerPortal));
    agent.setConnected(false);
  });
  afterAll(async () => {
    customer?.cleanup();
    agent?.cleanup();
    await customerPortal?.close();
  });

  it('exports the failed job, reproduces it in a seeded sandbox portal, and succeeds once the property exists', async () => {
    customer.services.leads.createField({ workspaceId: customer.workspaceId, label: 'Plan', key: 'plan', type: 'dropdown', options: ['Starter', 'Professional'] });
    await customer.saveSettings({
      extraRows: [
        // A custom dropdown that exists in the customer's portal (seeded): the replay portal must get it, options included.
        mappingRow('plan', 'custom.plan', 'plan_interest', { transforms: [{ kind: 'lowercase' }] }),
        // A typo'd property: the failure to reproduce.
        mappingRow('tier', 'source', 'plan_tier'),
      ],
      company: { enabled: false },
    });
    const leadId = customer.lead({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.example', source: 'Webinar', custom: { plan: 'Professional' } });
    const pushed = await customer.call('push.leads', { workspaceId: customer.workspaceId, target: { kind: 'ids', ids: [leadId] } });
    jobId = pushed.jobIds[0]!;
    await customer.drain();
    const failed = await customer.call('push.job', { workspaceId: customer.workspaceId, jobId });
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('property_missing');

    const exported = await customer.call('support.exportBundle', { workspaceId: customer.workspaceId, jobId, mask: true, note: 'Ada never reaches HubSpot' });
    expect(exported.fileName).toMatch(/^syncdesk-bundle-job\d+-\d{4}-\d{2}-\d{2}-masked\.json$/);
    const bundle = JSON.parse(exported.text) as SupportBundle;
    expect(bundle.properties.contacts.find((p) => p.name === 'plan_interest')?.options.length).toBeGreaterThan(1);
    expect(bundle.properties.unknown).toContainEqual({ objectType: 'contacts', name: 'plan_tier' });
    expect(exported.text).not.toContain('ada@analytical.example');
    expect(exported.text).not.toContain('Lovelace');
    expect(exported.text).not.toContain(customerPortal.token);

    // The agent imports it (twice: stored once) and replays it against a sandbox portal of its own.
    const imported = await agent.call('support.importBundle', { fileName: exported.fileName, text: exported.text });
    await agent.call('support.importBundle', { fileName: exported.fileName, text: exported.text });
    expect((await agent.call('support.bundles', {})).items.map((b) => b.bundleId)).toEqual([imported.bundleId]);
    expect(imported).toMatchObject({ state: 'failed', errorCode: 'property_missing', masked: true, attempts: 1 });

    const replay = await agent.call('support.replay', { bundleId: imported.bundleId, target: { kind: 'sandbox' }, waitMs: 30_000 });
    expect(replay.seeded.properties).toContain('contact.plan_interest');
    expect(replay.comparison.verdict).toBe('reproduced');
    expect(replay.comparison.after.error?.code).toBe('property_missing');
    expect(replay.comparison.summary).toContain("Mapped property doesn't exist");
    const contactStep = replay.comparison.steps.find((s) => s.step === 'contact')!;
    expect(contactStep).toMatchObject({ before: { outcome: 'failed' }, after: { outcome: 'failed' }, changed: false });
    // The replay is a real job in its own workspace, pushed by the same engine.
    const replayed = await agent.call('push.job', { workspaceId: replay.workspaceId, jobId: replay.jobId });
    expect(replayed.origin).toBe('replay');
    expect(replayed.leadEmail).toBe('person1@analytical.example');

    // HubSpot-side validation behaves as in the customer's portal: the dropdown was created with its options.
    const gateway = await agent.services.support.replayGateway(replay.workspaceId);
    const planInterest = await gateway.call('read', (client) => client.crm.properties.coreApi.getByName('contacts', 'plan_interest'));
    expect(planInterest.options.map((o) => o.value)).toEqual(expect.arrayContaining(['professional']));

    // The fix: create the missing property in the replay's portal, and replay again.
    await gateway.call('create', (client) => client.crm.properties.coreApi.create('contacts', { name: 'plan_tier', label: 'Plan tier', type: 'string' as never, fieldType: 'text' as never, groupName: 'contactinformation' }));
    const again = await agent.call('support.replayAgain', { replayId: replay.replayId, waitMs: 30_000 });
    expect(again.comparison.verdict).toBe('fixed');
    expect(again.comparison.after.state).toBe('succeeded');
    expect(again.comparison.steps.find((s) => s.step === 'contact')).toMatchObject({ before: { outcome: 'failed' }, after: { outcome: 'created' }, changed: true });
    expect(again.comparison.properties).toContainEqual(expect.objectContaining({ object: 'contact', property: 'plan_tier', before: null, after: 'Webinar' }));

    const view = await agent.call('support.bundle', { bundleId: imported.bundleId });
    expect(view.replays.map((r) => r.comparison.verdict)).toEqual(['fixed']);
  }, 90_000);

  it('does not create a property HubSpot told the original push is missing, even when the bundle has its (stale) definition', async () => {
    const client = customerPortal.client();
    await client.crm.properties.coreApi.create('contacts', { name: 'score_v2', label: 'Score v2', type: 'string' as never, fieldType: 'text' as never, groupName: 'contactinformation' });
    await customer.call('mapping.refreshProperties', { workspaceId: customer.workspaceId });
    // Deleted in the portal after Syncdesk read the definitions: only HubSpot's answer tells.
    await client.crm.properties.coreApi.archive('contacts', 'score_v2');
    await customer.saveSettings({ extraRows: [mappingRow('score', 'source', 'score_v2')], company: { enabled: false } });
    const leadId = customer.lead({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@navy.example', source: 'Fair' });
    const pushed = await customer.call('push.leads', { workspaceId: customer.workspaceId, target: { kind: 'ids', ids: [leadId] } });
    await customer.drain();
    const job = await customer.call('push.job', { workspaceId: customer.workspaceId, jobId: pushed.jobIds[0]! });
    expect(job.error).toMatchObject({ code: 'property_missing', response: expect.stringContaining('HTTP 400') });

    const exported = await customer.call('support.exportBundle', { workspaceId: customer.workspaceId, jobId: job.jobId, mask: false, note: '' });
    expect((JSON.parse(exported.text) as SupportBundle).properties.contacts.map((p) => p.name)).toContain('score_v2');
    const imported = await agent.call('support.importBundle', { fileName: 'b.json', text: exported.text });
    const replay = await agent.call('support.replay', { bundleId: imported.bundleId, target: { kind: 'sandbox' }, waitMs: 30_000 });
    expect(replay.seeded.withheld).toEqual(['contact.score_v2']);
    expect(replay.seeded.properties).not.toContain('contact.score_v2');
    expect(replay.comparison.verdict).toBe('reproduced');
    expect(replay.comparison.after.error?.code).toBe('property_missing');
  }, 90_000);

  it('refuses a replay into a workspace that does not exist, and leaves nothing behind', async () => {
    const [bundle] = (await agent.call('support.bundles', {})).items;
    const before = (await agent.call('workspaces.list', {})).workspaces.length;
    const error = await agent.failure('support.replay', { bundleId: bundle!.bundleId, target: { kind: 'workspace', workspaceId: 'w-nope' } });
    expect(error.code).toBe('not_found');
    expect((await agent.call('workspaces.list', {})).workspaces).toHaveLength(before);
  });

  it('edit and replay: after fixing the mapping row the error names, the retried job is compared with the failed attempt', async () => {
    await customer.saveSettings({ extraRows: [mappingRow('tier', 'source', 'plan_tier')], company: { enabled: false } });
    const leadId = customer.lead({ firstName: 'Edsger', lastName: 'Dijkstra', email: 'edsger@tue.example', source: 'Letter' });
    const pushed = await customer.call('push.leads', { workspaceId: customer.workspaceId, target: { kind: 'ids', ids: [leadId] } });
    const failedJob = pushed.jobIds[0]!;
    await customer.drain();
    expect((await customer.call('push.job', { workspaceId: customer.workspaceId, jobId: failedJob })).error?.code).toBe('property_missing');
    // Nothing to compare before a second attempt.
    expect((await customer.failure('support.compareAttempts', { workspaceId: customer.workspaceId, jobId: failedJob })).code).toBe('conflict');

    // The edit: the row now writes to a property the portal has; then the replay (a retry through the same engine).
    await customer.saveSettings({ extraRows: [mappingRow('tier', 'source', 'jobtitle')], company: { enabled: false } });
    await customer.call('push.retry', { workspaceId: customer.workspaceId, jobId: failedJob });
    await customer.drain();
    const comparison = await customer.call('support.compareAttempts', { workspaceId: customer.workspaceId, jobId: failedJob });
    expect(comparison.verdict).toBe('fixed');
    expect(comparison).toMatchObject({ before: { state: 'failed', error: { code: 'property_missing' } }, after: { state: 'succeeded', error: null } });
    expect(comparison.steps.find((s) => s.step === 'contact')).toMatchObject({ before: { outcome: 'failed' }, after: { outcome: 'created' }, changed: true });
    expect(comparison.properties).toContainEqual(expect.objectContaining({ object: 'contact', property: 'jobtitle', before: null, after: 'Letter' }));
  }, 60_000);
});
