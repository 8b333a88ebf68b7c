import { describe, expect, it } from 'vitest';
import { addIntervals, lineAmount } from './stripe-billing-math.ts';
import { FormShapeError, parseStripeForm } from './stripe-form.ts';
import { priceObject } from './stripe-objects.ts';
import { p, readParams } from './stripe-params.ts';

const form = (body: string) => parseStripeForm(new URLSearchParams(body).entries());

describe('bracket parameters', () => {
  it('nests hashes and arrays, indexed or appended, in index order', () => {
    expect(form('items[1][price]=b&items[0][price]=a&items[0][metadata][k]=v&expand[]=x&expand[]=y&created[gte]=5&email=e')).toEqual({
      items: [{ price: 'a', metadata: { k: 'v' } }, { price: 'b' }],
      expand: ['x', 'y'],
      created: { gte: '5' },
      email: 'e',
    });
  });

  it('keeps sparse indexes in order and treats `metadata=` then keys as a fresh hash', () => {
    expect(form('tiers[10][up_to]=inf&tiers[2][up_to]=5')).toEqual({ tiers: [{ up_to: '5' }, { up_to: 'inf' }] });
    expect(form('metadata=&metadata[a]=1')).toEqual({ metadata: { a: '1' } });
    expect(form('metadata=')).toEqual({ metadata: '' });
  });

  it('refuses a name used both as a value and as a hash', () => {
    expect(() => form('customer[id]=1&customer=2')).toThrow(FormShapeError);
    expect(() => form('customer=2&customer[id]=1')).toThrow(FormShapeError);
  });

  it('validates against a spec: unknown names, missing values, integers, enums, empty strings', () => {
    const spec = { name: p.string({ required: true }), count: p.integer({ min: 0 }), kind: p.string({ oneOf: ['a', 'b'] }), note: p.string({ nullable: true }), meta: p.metadata() };
    expect(readParams(spec, form('name=x&count=3&kind=a&note=&meta[k]=&meta[j]=2'))).toEqual({ name: 'x', count: 3, kind: 'a', note: null, meta: { k: null, j: '2' } });
    expect(() => readParams(spec, form('name=x&colour=red'))).toThrow('Received unknown parameter: colour');
    expect(() => readParams(spec, form('count=1'))).toThrow('Missing required param: name.');
    expect(() => readParams(spec, form('name=x&count=1.5'))).toThrow('Invalid integer: 1.5');
    expect(() => readParams(spec, form('name=x&count=-1'))).toThrow('This value must be greater than or equal to 0.');
    expect(() => readParams(spec, form('name=x&kind=c'))).toThrow('Invalid kind: must be one of a or b');
    expect(() => readParams(spec, form('name='))).toThrow(/You passed an empty string for 'name'/);
  });
});

describe('billing math', () => {
  const at = (iso: string) => Date.parse(iso) / 1000;
  const iso = (s: number) => new Date(s * 1000).toISOString();

  it('adds months and years clamped to the month’s end, weeks and days exactly', () => {
    expect(iso(addIntervals(at('2027-01-31T08:00:00Z'), 'month', 1))).toBe('2027-02-28T08:00:00.000Z');
    expect(iso(addIntervals(at('2027-01-31T08:00:00Z'), 'month', 2))).toBe('2027-03-31T08:00:00.000Z');
    expect(iso(addIntervals(at('2028-02-29T00:00:00Z'), 'year', 1))).toBe('2029-02-28T00:00:00.000Z');
    expect(iso(addIntervals(at('2027-12-15T00:00:00Z'), 'month', 3))).toBe('2028-03-15T00:00:00.000Z');
    expect(iso(addIntervals(at('2027-03-01T00:00:00Z'), 'week', 2))).toBe('2027-03-15T00:00:00.000Z');
    expect(iso(addIntervals(at('2027-03-01T00:00:00Z'), 'day', 45))).toBe('2027-04-15T00:00:00.000Z');
  });

  it('prices lines: decimals round half to even; volume, graduated, packages', () => {
    const base = { id: 'price_1', created: 0, active: true, currency: 'usd', lookup_key: null, metadata: {}, nickname: null, product: 'prod_1', recurring: null, type: 'recurring' as const, unit_amount: null, transform_quantity: null };
    const perUnit = priceObject({ ...base, billing_scheme: 'per_unit', tiers_mode: null, unit_amount_decimal: '0.5' });
    expect([1, 3, 5].map((q) => lineAmount(perUnit, q))).toEqual([0, 2, 2]);
    const tiers = [
      { up_to: 2, unit_amount: 100, unit_amount_decimal: '100', flat_amount: 50, flat_amount_decimal: '50' },
      { up_to: null, unit_amount: 10, unit_amount_decimal: '10', flat_amount: null, flat_amount_decimal: null },
    ];
    expect(lineAmount(priceObject({ ...base, billing_scheme: 'tiered', tiers_mode: 'volume', unit_amount_decimal: null, tiers }), 4)).toBe(40);
    expect(lineAmount(priceObject({ ...base, billing_scheme: 'tiered', tiers_mode: 'graduated', unit_amount_decimal: null, tiers }), 4)).toBe(50 + 200 + 20);
    expect(lineAmount(priceObject({ ...base, billing_scheme: 'per_unit', tiers_mode: null, unit_amount_decimal: '300', transform_quantity: { divide_by: 10, round: 'down' } }), 29)).toBe(600);
  });
});
