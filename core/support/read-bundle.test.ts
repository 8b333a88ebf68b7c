import { describe, expect, it } from 'vitest';
import { bundleSourcesFixture } from '../../test/harness/support-fixtures.ts';
import { buildSupportBundle } from './build-bundle.ts';
import { readSupportBundle } from './read-bundle.ts';

const valid = () => buildSupportBundle(bundleSourcesFixture());
const refusal = (text: string) => {
  try {
    readSupportBundle(text, 'bundle.json');
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('the file was accepted');
};

describe('readSupportBundle', () => {
  it('reads back what it writes', () => {
    const bundle = valid();
    expect(readSupportBundle(JSON.stringify(bundle, null, 2))).toEqual(bundle);
    // A byte-order mark (a bundle saved by a Windows editor) is fine.
    expect(readSupportBundle(`\uFEFF${JSON.stringify(bundle)}`).bundleId).toBe(bundle.bundleId);
  });

  it('says a file is not JSON, and what it looks like', () => {
    expect(refusal('first,last,email\nJane,Doe,j@x.com')).toMatchObject({ code: 'validation', message: expect.stringMatching(/^bundle\.json isn't a support bundle Syncdesk can read: it isn't JSON \(it looks like a CSV file\)/) });
    expect(refusal('<html><body>oops</body></html>').message).toContain('it looks like HTML or XML');
    expect(refusal('').message).toContain("it isn't JSON");
  });

  it('refuses foreign JSON by its format', () => {
    expect(refusal('[1, 2]').message).toContain('a bundle is a JSON object, and this file holds a JSON array.');
    expect(refusal('{"log": {"version": "1.2", "entries": []}}').message).toMatch(/no "format": "syncdesk-support-bundle" field.*It looks like a HAR file/);
    expect(refusal('{"format": "something-else", "version": 1}').message).toContain('(it says "something-else")');
  });

  it('refuses versions it cannot read', () => {
    expect(refusal(JSON.stringify({ ...valid(), version: 2 })).message).toContain('written by a newer Syncdesk (bundle format version 2); this version reads version 1');
    expect(refusal(JSON.stringify({ ...valid(), version: '1' })).message).toContain('"version" is missing or not a whole number');
  });

  it('names where a damaged bundle is wrong', () => {
    const bundle = valid() as unknown as { job: { attemptDetails: Array<{ status: string }> }; settings?: unknown };
    bundle.job.attemptDetails[0]!.status = 'exploded';
    delete bundle.settings;
    const error = refusal(JSON.stringify(bundle));
    expect(error.message).toContain('it is damaged or was edited by hand');
    expect(error.message).toContain('job.attemptDetails[0].status');
    expect(error.message).toContain('settings');
  });

  it('removes a secret someone typed into a bundle by hand', () => {
    const bundle = valid();
    bundle.note = 'token: pat-na1-11111111-2222-4333-8444-555555555555';
    expect(JSON.stringify(readSupportBundle(JSON.stringify(bundle)))).not.toContain('pat-na1-11111111');
  });
});
