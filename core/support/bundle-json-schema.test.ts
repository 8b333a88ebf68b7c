import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { bundleSourcesFixture } from '../../test/harness/support-fixtures.ts';
import { buildSupportBundle } from './build-bundle.ts';
import { supportBundleJsonSchema } from './bundle-json-schema.ts';

const file = path.join(import.meta.dirname, 'support-bundle.schema.json');

describe('support-bundle.schema.json', () => {
  it('is the JSON Schema of the bundle contract (regenerate: UPDATE_BUNDLE_SCHEMA=1 npx vitest run core/support/bundle-json-schema.test.ts)', () => {
    const generated = `${JSON.stringify(supportBundleJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_BUNDLE_SCHEMA) fs.writeFileSync(file, generated);
    expect(fs.readFileSync(file, 'utf8')).toBe(generated);
  });

  it('accepts the bundles Syncdesk writes and refuses a damaged one', () => {
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')) as object);
    for (const mask of [false, true]) {
      const bundle = JSON.parse(JSON.stringify(buildSupportBundle(bundleSourcesFixture({ mask })))) as Record<string, unknown>;
      expect(validate(bundle), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
    const damaged = JSON.parse(JSON.stringify(buildSupportBundle(bundleSourcesFixture()))) as { job: { state: string } };
    damaged.job.state = 'exploded';
    expect(validate(damaged)).toBe(false);
  });
});
