import { describe, expect, it } from 'vitest';
import { classifyHubSpotError } from './classify-error.ts';

const fail = (code: number, body: unknown, headers: Record<string, string> = {}) => Object.assign(new Error('HTTP-Code'), { code, body, headers });

describe('classifyHubSpotError', () => {
  it('names every missing property from HubSpot\'s documented body', () => {
    const body = {
      status: 'error',
      message:
        'Property values were not valid: [{"isValid":false,"message":"Property \\"testproperty\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"testproperty","localizedErrorMessage":"Property \\"testproperty\\" does not exist","portalId":1},{"isValid":false,"message":"Property \\"other\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"other"}]',
      correlationId: '8a3f6c3a-8296-4002-b0a6-2a06fecf7c0c',
      errors: [{ message: 'Property "testproperty" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['testproperty'] } }],
      category: 'VALIDATION_ERROR',
    };
    const error = classifyHubSpotError(fail(400, body));
    expect(error.code).toBe('property_missing');
    expect(error.details).toMatchObject({ properties: ['testproperty', 'other'], correlationId: '8a3f6c3a-8296-4002-b0a6-2a06fecf7c0c' });
    expect(error.message).toContain('"testproperty", "other"');
    expect(String(error.details?.response)).toContain('HTTP 400');
  });

  it.each([
    ['INVALID_OPTION', 'reports was not one of the allowed options: [PRODUCT_ISSUE, BILLING_ISSUE]', 'hs_ticket_category', 'reports'],
    ['INVALID_EMAIL', 'Email address example.lcom is invalid', 'email', 'example.lcom'],
    ['INVALID_DATE', '1635535865 is at 22:18:55.865 UTC, not midnight!', 'closedate', '1635535865'],
    ['INVALID_INTEGER', 'discount was not a valid number', 'discount', 'discount'],
  ])('names property and value for %s', (code, message, property, value) => {
    const body = {
      status: 'error',
      message: `Property values were not valid: ${JSON.stringify([{ isValid: false, message, error: code, name: property }])}`,
      category: 'VALIDATION_ERROR',
    };
    const error = classifyHubSpotError(fail(400, body));
    expect(error.code).toBe('invalid_value');
    expect(error.details?.problems).toEqual([{ property, code, message, value }]);
    expect(error.message).toContain(`"${property}"`);
  });

  it('reads the existing id from a 409 and from the "already has that value" 400', () => {
    const conflict = classifyHubSpotError(fail(409, { status: 'error', message: 'Contact already exists. Existing ID: 37765128953', category: 'CONFLICT' }));
    expect(conflict).toMatchObject({ code: 'duplicate_contact', details: { existingId: '37765128953' } });
    const taken = classifyHubSpotError(
      fail(400, {
        status: 'error',
        message: 'Cannot set PropertyValueCoordinates{portalId=1, objectTypeId=ObjectTypeId{legacyObjectType=CONTACT}, propertyName=email, value=a@b.com} on 552148386511. 552239500007 already has that value.',
        category: 'VALIDATION_ERROR',
      }),
    );
    expect(taken).toMatchObject({ code: 'duplicate_contact', details: { existingId: '552239500007' } });
  });

  it('lists the scopes a 403 asks for, in both the granular and the older form', () => {
    const granular = classifyHubSpotError(
      fail(403, {
        status: 'error',
        message: "This app hasn't been granted all required scopes to make this call.",
        errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.deals.read', 'crm.schemas.deals.read'] } }],
        category: 'MISSING_SCOPES',
      }),
    );
    expect(granular).toMatchObject({ code: 'missing_scopes', details: { scopes: ['crm.objects.deals.read', 'crm.schemas.deals.read'] } });
    const older = classifyHubSpotError(fail(403, { status: 'error', message: 'x', category: 'MISSING_SCOPES', context: { requiredScopes: ['contacts'] } }));
    expect(older.details?.scopes).toEqual(['contacts']);
  });

  it('treats 401 as expired authorization, 429 as rate limited with its policy, 5xx as unavailable', () => {
    expect(classifyHubSpotError(fail(401, { status: 'error', message: 'The OAuth token used to make this call expired 5 second(s) ago.', category: 'EXPIRED_AUTHENTICATION' })).code).toBe('auth_expired');
    expect(classifyHubSpotError(fail(429, { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' }))).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      details: { policy: 'TEN_SECONDLY_ROLLING' },
    });
    expect(classifyHubSpotError(fail(429, { status: 'error', message: 'You have reached your secondly limit.', category: 'RATE_LIMITS' })).details?.policy).toBe('SEARCH');
    for (const status of [500, 502, 503, 504, 423, 477]) expect(classifyHubSpotError(fail(status, '<html>Bad gateway</html>'))).toMatchObject({ code: 'hubspot_unavailable', retryable: true });
  });

  it('separates being offline from a flaky connection', () => {
    expect(classifyHubSpotError(Object.assign(new Error('getaddrinfo ENOTFOUND api.hubapi.com'), { code: 'ENOTFOUND' })).code).toBe('offline');
    expect(classifyHubSpotError(Object.assign(new Error('socket hang up'), {})).code).toBe('hubspot_unavailable');
    expect(classifyHubSpotError(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })).code).toBe('hubspot_unavailable');
  });

  it('never keeps a token that HubSpot echoed back', () => {
    const error = classifyHubSpotError(fail(401, { status: 'error', message: 'bad token pat-na1-91fcccbc-3740-4d08-9d10-e31c947d8db1', category: 'INVALID_AUTHENTICATION' }));
    expect(String(error.details?.response)).not.toContain('91fcccbc');
  });
});
