import { describe, expect, it } from 'vitest';
import type { Transform } from '../contract/mapping.ts';
import { isFreeMailDomain } from './free-mail.ts';
import { applyTransforms, domainOf, parseDate, splitName, type TransformContext } from './transforms.ts';

const ctx: TransformContext = { defaultCountry: null, propertyType: null };
const run = (value: string, transforms: Transform[], context: Partial<typeof ctx> = {}) => applyTransforms(value, transforms, { ...ctx, ...context });

describe('transforms', () => {
  it('trims and lower-cases, in the order given', () => {
    expect(run('  Ada@Example.COM ', [{ kind: 'trim' }, { kind: 'lowercase' }])).toEqual({ value: 'ada@example.com', warnings: [] });
    expect(run('  MIXED ', [{ kind: 'lowercase' }]).value).toBe('  mixed ');
    expect(run('x', []).value).toBe('x');
  });

  it('splits full names into first and last parts', () => {
    expect(splitName('Ada Lovelace')).toEqual({ first: 'Ada', last: 'Lovelace' });
    expect(splitName('  Mary   Ann  Smith ')).toEqual({ first: 'Mary Ann', last: 'Smith' });
    expect(splitName('Lovelace, Ada')).toEqual({ first: 'Ada', last: 'Lovelace' });
    expect(splitName('Ludwig van Beethoven')).toEqual({ first: 'Ludwig', last: 'van Beethoven' });
    expect(splitName('Maria de la Cruz')).toEqual({ first: 'Maria', last: 'de la Cruz' });
    expect(splitName('Martin Luther King Jr.')).toEqual({ first: 'Martin Luther', last: 'King Jr.' });
    expect(splitName('Sammy Davis, Jr.')).toEqual({ first: 'Sammy', last: 'Davis Jr.' });
    expect(splitName('Cher')).toEqual({ first: 'Cher', last: '' });
    expect(splitName('')).toEqual({ first: '', last: '' });
    expect(run('Grace Hopper', [{ kind: 'splitName', part: 'first' }]).value).toBe('Grace');
    expect(run('Grace Hopper', [{ kind: 'splitName', part: 'last' }]).value).toBe('Hopper');
  });

  it('writes phone numbers as E.164 with the default country, and warns instead of guessing', () => {
    const e164: Transform[] = [{ kind: 'phoneE164' }];
    expect(run('(415) 555-0123', e164, { defaultCountry: 'US' })).toEqual({ value: '+14155550123', warnings: [] });
    expect(run('030 1234567', e164, { defaultCountry: 'DE' }).value).toBe('+49301234567');
    expect(run('+44 20 7946 0958', e164).value).toBe('+442079460958');
    expect(run('0044 20 7946 0958', e164).value).toBe('+442079460958');
    expect(run('+1 415 555 0123 ext. 42', e164).value).toBe('+14155550123 ext. 42');
    const noCountry = run('(415) 555-0123', e164);
    expect(noCountry.value).toBe('(415) 555-0123');
    expect(noCountry.warnings[0]).toMatch(/no country code and no default country/);
    const tooShort = run('+1 555', e164, { defaultCountry: 'US' });
    expect(tooShort.value).toBe('+1 555');
    expect(tooShort.warnings[0]).toMatch(/too few or too many digits/);
    expect(run('', e164, { defaultCountry: 'US' })).toEqual({ value: '', warnings: [] });
  });

  it('reads dates in the usual spellings and writes the target property type\'s format', () => {
    const date = (order: 'auto' | 'dmy' | 'mdy' | 'ymd' = 'auto'): Transform[] => [{ kind: 'date', order }];
    expect(run('2026-03-31', date()).value).toBe('2026-03-31');
    expect(run('2026/3/9', date()).value).toBe('2026-03-09');
    expect(run('31.03.2026', date()).value).toBe('2026-03-31');
    expect(run('03.04.2026', date()).value).toBe('2026-04-03');
    expect(run('03/31/2026', date()).value).toBe('2026-03-31');
    expect(run('31/03/2026', date()).value).toBe('2026-03-31');
    expect(run('03/04/2026', date('mdy')).value).toBe('2026-03-04');
    expect(run('03/04/2026', date('dmy')).value).toBe('2026-04-03');
    expect(run('04/04/2026', date()).value).toBe('2026-04-04');
    expect(run('31 March 2026', date()).value).toBe('2026-03-31');
    expect(run('Mar 31st, 2026', date()).value).toBe('2026-03-31');
    expect(run('1774915200000', date()).value).toBe('2026-03-31');
    // A datetime property gets an instant; a date without time is midnight UTC; zones are honoured.
    expect(run('2026-03-31', date(), { propertyType: 'datetime' }).value).toBe('2026-03-31T00:00:00.000Z');
    expect(run('2026-03-31T14:05:00+02:00', date(), { propertyType: 'datetime' }).value).toBe('2026-03-31T12:05:00.000Z');
    expect(run('2026-03-31 14:05', date(), { propertyType: 'datetime' }).value).toBe('2026-03-31T14:05:00.000Z');
    // A date property keeps the date as written.
    expect(run('2026-03-31T23:30:00-05:00', date(), { propertyType: 'date' }).value).toBe('2026-03-31');

    const ambiguous = run('03/04/2026', date());
    expect(ambiguous.value).toBe('03/04/2026');
    expect(ambiguous.warnings[0]).toMatch(/set the date order/);
    expect(run('2026-02-30', date()).warnings[0]).toMatch(/isn't a date/);
    expect(run('31/03/2026', date('mdy')).warnings[0]).toMatch(/isn't a date/);
    expect(run('31/03/2026', date('ymd')).warnings[0]).toMatch(/doesn't start with the year/);
    expect(run('next tuesday', date()).warnings).toHaveLength(1);
    expect('error' in parseDate('2026-03-31T25:00', 'auto')).toBe(true);
  });

  it('takes the bare domain of a web or email address', () => {
    expect(domainOf('https://www.Acme.com/about?x=1')).toBe('acme.com');
    expect(domainOf('acme.co.uk')).toBe('acme.co.uk');
    expect(domainOf('http://shop.acme.com:8080')).toBe('shop.acme.com');
    expect(domainOf('ada@Acme.com')).toBe('acme.com');
    expect(domainOf('www2.acme.com')).toBe('acme.com');
    expect(domainOf('not a site')).toBeNull();
    expect(domainOf('localhost')).toBeNull();
    expect(run('https://www.acme.com', [{ kind: 'domain' }]).value).toBe('acme.com');
    expect(run('acme', [{ kind: 'domain' }]).warnings[0]).toMatch(/doesn't name a web domain/);
  });

  it('maps dropdown values ignoring case and spaces, with each fallback', () => {
    const map = (fallback: { mode: 'keep' | 'empty' | 'value'; value: string }): Transform[] => [
      { kind: 'valueMap', entries: [{ from: 'Yes', to: 'true' }, { from: 'no', to: 'false' }, { from: 'Ünïcode', to: 'u' }], fallback },
    ];
    expect(run('  YES ', map({ mode: 'keep', value: '' })).value).toBe('true');
    expect(run('No', map({ mode: 'keep', value: '' })).value).toBe('false');
    expect(run('U\u0308ni\u0308code', map({ mode: 'keep', value: '' })).value).toBe('u');
    expect(run('maybe', map({ mode: 'keep', value: '' })).value).toBe('maybe');
    expect(run('maybe', map({ mode: 'empty', value: '' })).value).toBe('');
    expect(run('maybe', map({ mode: 'value', value: 'false' })).value).toBe('false');
    // An empty lead value stays empty: a fallback never invents a value.
    expect(run('', map({ mode: 'value', value: 'false' })).value).toBe('');
    const blankEntry: Transform[] = [{ kind: 'valueMap', entries: [{ from: '', to: 'unknown' }], fallback: { mode: 'keep', value: '' } }];
    expect(run('', blankEntry).value).toBe('unknown');
  });
});

describe('free-mail domains', () => {
  it('knows the big providers and their country variants, and not company domains', () => {
    for (const domain of ['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.fr', 'yahoo.co.uk', 'icloud.com', 'gmx.de', 'web.de', 'proton.me', 'qq.com', 'mail.ru', 'mailinator.com']) {
      expect(isFreeMailDomain(domain), domain).toBe(true);
    }
    expect(isFreeMailDomain('GMAIL.COM.')).toBe(true);
    expect(isFreeMailDomain('eu.mail.yahoo.com')).toBe(true);
    for (const domain of ['acme.com', 'hubspot.com', 'stripe.com', 'acme.co.uk', 'co.uk', 'example-corp.io']) {
      expect(isFreeMailDomain(domain), domain).toBe(false);
    }
  });
});
