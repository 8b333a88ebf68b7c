import { z } from 'zod';
import { SUPPORT_BUNDLE_VERSION, SupportBundle } from '../contract/support.ts';

/**
 * The JSON Schema of a support bundle, generated from the zod schema the importer checks with, so
 * other tools (a support desk, an editor) can validate bundles too. `support-bundle.schema.json`
 * beside this file is its output; a test keeps the two equal.
 */
export function supportBundleJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SupportBundle, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: `https://syncdesk.invalid/schemas/support-bundle-v${SUPPORT_BUNDLE_VERSION}.json`,
    title: `Syncdesk support bundle, version ${SUPPORT_BUNDLE_VERSION}`,
    description: 'One failed (or puzzling) push job with its attempts and HTTP exchanges, the mapping, the property definitions it touched, the lead and versions. Secrets are always removed; personal data is masked when "masked" is true. See core/support/README.md.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
