import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactValue, registerSecret } from './redact.ts';

describe('redact', () => {
  it('removes credential shapes it never saw', () => {
    const text = [
      'token pat-na1-91fcccbc-3740-4d08-9d10-e31c947d8db1',
      'refresh na1-aaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      'stripe rk_test_51HxYzAbCdEf sk_live_abcdef123456',
      'Authorization: Bearer abc.def.ghi-jkl',
      '{"access_token":"xyz123","client_secret":"s3cr3t","name":"kept"}',
      'grant_type=refresh_token&refresh_token=na1-x&client_secret=abc&client_id=visible',
    ].join('\n');
    const out = redact(text);
    for (const secret of ['91fcccbc', 'eeeeeeeeeeee', 'rk_test_51', 'sk_live_abc', 'abc.def.ghi', 'xyz123', 's3cr3t', 'client_secret=abc']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('"name":"kept"');
    expect(out).toContain('client_id=visible');
    expect(out).toContain(REDACTED);
  });

  it('removes values registered as secrets wherever they appear', () => {
    registerSecret('my-custom-oauth-access-value');
    expect(redact('x my-custom-oauth-access-value y')).toBe(`x ${REDACTED} y`);
  });

  it('blanks secret-looking keys in nested values and leaves the rest', () => {
    const value = { portalId: 123, auth: { accessToken: 'abc', refresh_token: 'def' }, headers: [{ Authorization: 'Bearer q' }], note: 'ok' };
    expect(redactValue(value)).toEqual({
      portalId: 123,
      auth: { accessToken: REDACTED, refresh_token: REDACTED },
      headers: [{ Authorization: REDACTED }],
      note: 'ok',
    });
  });
});
