import { describe, expect, it } from 'vitest';
import { SupportBundle } from '../contract/support.ts';
import { registerSecret } from '../secrets/redact.ts';
import { bundleSourcesFixture, LEAD, PLANTED } from '../../test/harness/support-fixtures.ts';
import { buildSupportBundle, bundleFileName } from './build-bundle.ts';
import { readSupportBundle } from './read-bundle.ts';

const text = (value: unknown) => JSON.stringify(value);

describe('buildSupportBundle', () => {
  it('holds the job, its attempts with bodies, the settings, the touched property definitions, versions and the connection', () => {
    const bundle = buildSupportBundle(bundleSourcesFixture());
    expect(SupportBundle.safeParse(bundle).success).toBe(true);
    expect(bundle).toMatchObject({ format: 'syncdesk-support-bundle', version: 1, masked: false, workspace: { id: 'ws1' } });
    expect(bundle.connection).toEqual({ state: 'connected', authKind: 'private_app', portalId: 48151623, uiDomain: 'app.hubspot.com', scopes: ['crm.objects.contacts.write', 'crm.lists.write'] });
    expect(bundle.app.version).toBe('0.1.0');
    expect(bundle.os.platform).toBe('linux');
    expect(bundle.job.attemptDetails).toHaveLength(2);
    expect(bundle.job.attemptDetails[0]!.exchanges.map((e) => e.call)).toEqual(['oauth.refresh', 'contacts.batch.upsert', 'contacts.batch.upsert']);
    expect(bundle.job.error?.code).toBe('property_missing');
    expect(bundle.lead.values?.email).toBe(LEAD.email);
    expect(bundle.lead.fields.map((f) => f.key)).toEqual(['plan', 'nickname']);
    expect(bundle.settings.push.contact.rows.at(-1)).toMatchObject({ source: 'custom.plan', property: 'plan_tier' });
    // Only the properties the mapping and the job touch, and the missing one named as unknown.
    const names = bundle.properties.contacts.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['email', 'firstname', 'lastname', 'phone', 'company', 'jobtitle', 'website', 'message']));
    expect(names).not.toContain('plan_interest');
    expect(names).not.toContain('lifecyclestage');
    expect(bundle.properties.companies.map((p) => p.name).sort()).toEqual(['domain', 'name']);
    expect(bundle.properties.unknown).toEqual([{ objectType: 'contacts', name: 'plan_tier' }]);
  });

  it('takes batch-mates out of batch bodies: their inputs, their results and the errors that name only them', () => {
    const bundle = buildSupportBundle(bundleSourcesFixture());
    const batch = bundle.job.attemptDetails[0]!.exchanges[1]!;
    const request = JSON.parse(batch.requestBody!) as { inputs: Array<{ id: string }> };
    expect(request.inputs.map((i) => i.id)).toEqual(['jane.doe@acme-widgets.com']);
    const response = JSON.parse(batch.responseBody!) as { errors: Array<{ code: string }> };
    expect(response.errors.map((e) => e.code)).toEqual(['PROPERTY_DOESNT_EXIST']);
    expect(batch.otherItemsRemoved).toBe(3);
    const all = text(bundle);
    for (const other of ['bob.stone@globex.example', 'carol@initech.example', '+442071838750', 'Nguyen']) expect(all).not.toContain(other);
    // A call that carried only this lead is kept as recorded.
    expect(bundle.job.attemptDetails[0]!.exchanges[2]!.otherItemsRemoved).toBe(0);
  });

  it('removes every secret, even ones planted in exchanges, headers, form bodies, errors and URLs', () => {
    // The SecretStore registers what it holds; a client secret has no shape to recognise otherwise.
    registerSecret(PLANTED.clientSecret);
    for (const mask of [false, true]) {
      const bundle = buildSupportBundle(bundleSourcesFixture({ mask }));
      const all = text(bundle);
      for (const [name, secret] of Object.entries(PLANTED)) expect(all, `${name} survived (mask: ${mask})`).not.toContain(secret);
      expect(all).not.toContain('CJ-planted-access-token');
      expect(all).toContain('[redacted]');
      // The exported file is the same document.
      const reread = readSupportBundle(JSON.stringify(bundle, null, 2));
      for (const secret of Object.values(PLANTED)) expect(text(reread)).not.toContain(secret);
    }
  });

  it('masks names, emails, phones and free text with placeholders that stay consistent across the whole bundle', () => {
    const bundle = buildSupportBundle(bundleSourcesFixture({ mask: true }));
    expect(bundle.masked).toBe(true);
    const all = text(bundle);
    for (const personal of ['Jane', 'jane', 'Doe-Smith', 'Jane.Doe@', 'jane.doe@', '555-0134', '4155550134', 'Berlin fair', 'Head of Procurement', 'Acme Widgets', '"JD"']) {
      expect(all, `${personal} survived masking`).not.toContain(personal);
    }
    const lead = bundle.lead.values!;
    expect(lead.firstName).toBe('Name1');
    expect(lead.lastName).toBe('Name2');
    expect(lead.email).toBe('person1@acme-widgets.com');
    expect(lead.phone).toMatch(/^\+1555010\d{4}$/);
    // Free text keeps its length (HubSpot's length limits still apply on replay).
    expect(lead.notes).toHaveLength(LEAD.notes.length);
    expect(lead.notes).toMatch(/^Text\d+ x+$/);
    // Values HubSpot validates stay as they were.
    expect(lead.custom.plan).toBe('Professional');
    expect(lead.website).toBe('acme-widgets.com');
    // The same person everywhere: job, attempts, sent properties, request bodies and the operator's note.
    expect(bundle.job.leadLabel).toBe('Name1 Name2');
    expect(bundle.job.leadEmail).toBe('person1@acme-widgets.com');
    const sent = bundle.job.attemptDetails[0]!.sent!.contact!;
    expect(sent).toMatchObject({ email: 'person1@acme-widgets.com', firstname: 'Name1', lastname: 'Name2', phone: lead.phone, message: lead.notes, plan_tier: 'Professional' });
    const request = JSON.parse(bundle.job.attemptDetails[1]!.exchanges[0]!.requestBody!) as { inputs: Array<{ id: string; properties: Record<string, string> }> };
    expect(request.inputs[0]).toMatchObject({ id: 'person1@acme-widgets.com', properties: { firstname: 'Name1', phone: lead.phone } });
    expect(bundle.note).toBe('Name1 (person1@acme-widgets.com) never shows up in HubSpot.');
    // Masking never touches keys, property names or the error's words.
    expect(bundle.job.error?.message).toContain('plan_tier');
    expect(bundle.job.error?.title).toBe("Mapped property doesn't exist");
  });

  it('writes a bundle for a job whose lead was deleted', () => {
    const bundle = buildSupportBundle(bundleSourcesFixture({ lead: null, mask: true }));
    expect(bundle.lead.values).toBeNull();
    expect(text(bundle)).not.toContain('jane.doe@');
    expect(text(bundle)).not.toContain('Jane');
  });

  it('names the file after the job and the day', () => {
    const bundle = buildSupportBundle(bundleSourcesFixture({ mask: true }));
    expect(bundleFileName(bundle)).toBe('syncdesk-bundle-job42-2026-11-23-masked.json');
  });
});
