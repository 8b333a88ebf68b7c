import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { specs } from '../../../test/harness/openapi.ts';
import { startTestSandbox, type TestSandbox } from '../../../test/harness/hubspot-sandbox.ts';
import { nextMidnight, utcOffsetMs } from './hubspot-portals.ts';
import { TIER_LIMITS } from './hubspot-rate-limits.ts';

const objects = specs.objects();
let sb: TestSandbox;
beforeEach(async () => {
  sb = await startTestSandbox({ limits: true, tier: 'starter' });
});
afterEach(async () => {
  await sb.stop();
});

describe('rate limits', () => {
  it('sends every X-HubSpot-RateLimit header for private apps, counting down', async () => {
    const first = await sb.call('GET', '/crm/v3/objects/contacts');
    const second = await sb.call('GET', '/crm/v3/objects/contacts');
    expect(Object.fromEntries([...first.headers].filter(([k]) => k.startsWith('x-hubspot-ratelimit')))).toEqual({
      'x-hubspot-ratelimit-daily': '250000',
      'x-hubspot-ratelimit-daily-remaining': '249999',
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-max': '100',
      'x-hubspot-ratelimit-remaining': '99',
      'x-hubspot-ratelimit-secondly': '10',
      'x-hubspot-ratelimit-secondly-remaining': '9',
    });
    expect(second.headers.get('x-hubspot-ratelimit-remaining')).toBe('98');
    expect(second.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('249998');
  });

  it('refuses the 101st call in ten seconds with TEN_SECONDLY_ROLLING, then recovers as the window rolls', async () => {
    let last;
    for (let i = 0; i < 100; i++) last = await sb.call('GET', '/crm/v3/objects/contacts?limit=1');
    expect(last!.status).toBe(200);
    expect(last!.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    const refused = await sb.call('GET', '/crm/v3/objects/contacts?limit=1');
    expect(refused.status).toBe(429);
    objects.response('GET', '/crm/v3/objects/{objectType}', 429, refused.body);
    expect(refused.body).toMatchObject({ status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(refused.headers.get('x-hubspot-correlation-id')).toBe(refused.body.correlationId);
    // The SDK (no retries configured) surfaces the 429 with its body and headers.
    const sdk = await sb.client().crm.contacts.basicApi.getPage(1).catch((e: unknown) => e as { code: number; body: { policyName: string }; headers: Record<string, string> });
    expect(sdk).toMatchObject({ code: 429, body: { policyName: 'TEN_SECONDLY_ROLLING' } });
    await sb.call('POST', '/__sandbox/clock', { body: { advanceMs: 10_001 }, token: null });
    expect((await sb.call('GET', '/crm/v3/objects/contacts?limit=1')).status).toBe(200);
  });

  it('uses each tier\'s numbers and a daily limit that resets at the portal\'s midnight', async () => {
    for (const [tier, max, daily] of [
      ['pro', '190', '650000'],
      ['enterprise', '190', '1000000'],
      ['addon', '250', '2000000'],
    ] as const) {
      const { body } = await sb.admin('tokens', { tier });
      const res = await sb.call('GET', '/crm/v3/objects/contacts', { token: body.token });
      expect([res.headers.get('x-hubspot-ratelimit-max'), res.headers.get('x-hubspot-ratelimit-daily')]).toEqual([max, daily]);
    }
    const usage = await sb.call('GET', '/account-info/v3/api-usage/daily/private-apps');
    specs.accountInfo().response('GET', '/account-info/v3/api-usage/daily/private-apps', 200, usage.body);
    expect(usage.body.results[0]).toMatchObject({ name: 'private-apps-api-calls-daily', usageLimit: 2_000_000, currentUsage: 4, fetchStatus: 'SUCCESS' });
    expect(Date.parse(usage.body.results[0].resetsAt)).toBe(nextMidnight('US/Eastern', Date.parse(usage.body.results[0].collectedAt)));
  });

  it('refuses with policyName DAILY once the portal\'s daily total is used, searches included, until the portal\'s midnight', async () => {
    // 250,000 calls would take minutes; shrink the starter tier's daily limit for this test only.
    const saved = TIER_LIMITS.starter.daily;
    TIER_LIMITS.starter.daily = 3;
    try {
      let last;
      for (let i = 0; i < 3; i++) last = await sb.call('GET', '/crm/v3/objects/contacts?limit=1');
      expect(last!.status).toBe(200);
      expect(last!.headers.get('x-hubspot-ratelimit-daily')).toBe('3');
      expect(last!.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
      const refused = await sb.call('GET', '/crm/v3/objects/contacts?limit=1');
      expect(refused.status).toBe(429);
      objects.response('GET', '/crm/v3/objects/{objectType}', 429, refused.body);
      expect(refused.body).toMatchObject({
        status: 'error',
        message: 'You have reached your daily limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'DAILY',
        category: 'RATE_LIMITS',
        correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(refused.headers.get('x-hubspot-correlation-id')).toBe(refused.body.correlationId);
      // The ten-second window is far from used up: the daily policy is what refused.
      await sb.call('POST', '/__sandbox/clock', { body: { advanceMs: 10_001 }, token: null });
      const search = await sb.call('POST', '/crm/v3/objects/contacts/search', { body: {} });
      expect(search.status).toBe(429);
      objects.response('POST', '/crm/v3/objects/{objectType}/search', 429, search.body);
      expect(search.body.policyName).toBe('DAILY');
      const sdk = await sb.client().crm.contacts.basicApi.getPage(1).catch((e: unknown) => e as { code: number; body: { policyName: string } });
      expect(sdk).toMatchObject({ code: 429, body: { policyName: 'DAILY' } });
      // A new day starts at midnight in the portal's time zone (US/Eastern).
      const { now } = (await sb.call('GET', '/__sandbox/health', { token: null })).body as { now: number };
      await sb.call('POST', '/__sandbox/clock', { body: { now: nextMidnight('US/Eastern', now) + 1_000 }, token: null });
      const fresh = await sb.call('GET', '/crm/v3/objects/contacts?limit=1');
      expect(fresh.status).toBe(200);
      expect(fresh.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('2');
    } finally {
      TIER_LIMITS.starter.daily = saved;
    }
  });

  it('switches off with the admin route (and --no-limits), keeping the headers', async () => {
    await sb.admin('settings', { limits: false });
    let status = 0;
    for (let i = 0; i < 120; i++) status = (await sb.call('GET', '/crm/v3/objects/contacts?limit=1')).status;
    expect(status).toBe(200);
  });

  it('computes time-zone offsets and midnights with daylight saving', () => {
    expect(utcOffsetMs('US/Eastern', Date.parse('2026-01-15T12:00:00Z'))).toBe(-5 * 3_600_000);
    expect(utcOffsetMs('US/Eastern', Date.parse('2026-07-15T12:00:00Z'))).toBe(-4 * 3_600_000);
    expect(new Date(nextMidnight('US/Eastern', Date.parse('2026-07-15T12:00:00Z'))).toISOString()).toBe('2026-07-16T04:00:00.000Z');
  });
});

describe('injected faults', () => {
  it('answers injected 429 and 5xx with HubSpot-shaped bodies and a correlation id', async () => {
    await sb.call('POST', '/__sandbox/faults', { token: null, body: { rules: [{ route: '/crm/v3/objects/contacts/batch/*', sequence: [429, 503, 200] }] } });
    const batch = () => sb.call('POST', '/crm/v3/objects/contacts/batch/read', { body: { inputs: [], properties: [], propertiesWithHistory: [] } });
    const first = await batch();
    expect(first.status).toBe(429);
    expect(first.body.policyName).toBe('TEN_SECONDLY_ROLLING');
    const second = await batch();
    expect(second.status).toBe(503);
    objects.response('POST', '/crm/v3/objects/{objectType}/batch/read', 503, second.body);
    expect(second.headers.get('x-hubspot-correlation-id')).toBe(second.body.correlationId);
    expect((await batch()).status).toBe(200);
    await sb.call('POST', '/__sandbox/faults', { token: null, body: { rules: [{ route: '/crm/v3/objects/*/search', sequence: [429] }] } });
    expect((await sb.call('POST', '/crm/v3/objects/contacts/search', { body: {} })).body.message).toBe('You have reached your secondly limit.');
  });
});
