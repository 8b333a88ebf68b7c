import { type MappingRow, PushSettings } from '../contract/mapping.ts';

const row = (id: string, source: MappingRow['source'], property: string, transforms: MappingRow['transforms'] = []): MappingRow => ({
  id,
  source,
  property,
  enabled: true,
  transforms,
  updateRule: 'overwrite',
});

/**
 * A new workspace's push settings: the standard lead fields onto HubSpot's standard contact
 * properties (notes into `message`: SPEC §3, notes sync into a property, not note records), the
 * company by name and domain, deduplication on, email-less leads skipped, no list, no filter.
 */
export function defaultPushSettings(): PushSettings {
  return PushSettings.parse({
    contact: {
      rows: [
        row('email', 'email', 'email', [{ kind: 'trim' }, { kind: 'lowercase' }]),
        row('firstname', 'firstName', 'firstname', [{ kind: 'trim' }]),
        row('lastname', 'lastName', 'lastname', [{ kind: 'trim' }]),
        row('phone', 'phone', 'phone', [{ kind: 'phoneE164' }]),
        row('company', 'company', 'company', [{ kind: 'trim' }]),
        row('jobtitle', 'jobTitle', 'jobtitle', [{ kind: 'trim' }]),
        row('website', 'website', 'website', [{ kind: 'trim' }]),
        row('notes', 'notes', 'message'),
      ],
    },
    company: {
      enabled: true,
      rows: [row('company-name', 'company', 'name', [{ kind: 'trim' }]), row('company-domain', 'website', 'domain', [{ kind: 'domain' }])],
      onFailure: 'skip',
    },
  });
}
