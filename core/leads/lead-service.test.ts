import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lead, LeadPage, LeadsChanged, LeadSortField } from '../contract/leads.ts';
import { createTestServices, type TestServices } from '../../test/harness/services.ts';

let t: TestServices;
let workspaceId: string;
let changes: LeadsChanged[];

const call = async <T = unknown>(method: string, input: unknown): Promise<T> => {
  const result = await t.services.router.handle(method, input, { client: 'test' });
  if (!result.ok) throw Object.assign(new Error(result.error.message), { data: result.error });
  return result.value as T;
};
const fail = async (method: string, input: unknown) => {
  const result = await t.services.router.handle(method, input, { client: 'test' });
  if (result.ok) throw new Error(`${method} should have failed`);
  return result.error;
};

beforeEach(async () => {
  t = createTestServices();
  workspaceId = (await call<{ id: string }>('workspaces.create', { name: 'Acme' })).id;
  changes = [];
  t.services.events.subscribe((event, payload) => {
    if (event === 'leads.onDidChange') changes.push(payload as LeadsChanged);
  });
});
afterEach(() => t.cleanup());

describe('lead CRUD', () => {
  it('creates, reads, updates only the given fields, and deletes, emitting a change each time', async () => {
    const created = await call<Lead>('leads.create', { workspaceId, values: { firstName: '  Ann ', email: 'ann@acme.example', company: 'Acme' } });
    expect(created).toMatchObject({ firstName: 'Ann', email: 'ann@acme.example', company: 'Acme', problems: [], importId: null });
    t.clock.advance(60_000);
    const updated = await call<Lead>('leads.update', { workspaceId, id: created.id, values: { jobTitle: 'CTO' } });
    expect(updated).toMatchObject({ firstName: 'Ann', company: 'Acme', jobTitle: 'CTO' });
    expect(updated.updatedAt > created.updatedAt).toBe(true);
    expect(await call('leads.get', { workspaceId, id: created.id })).toEqual(updated);
    await call('leads.delete', { workspaceId, id: created.id });
    expect(await fail('leads.get', { workspaceId, id: created.id })).toMatchObject({ code: 'not_found' });
    expect(changes.map((c) => [c.kind, c.ids, c.bulk, c.workspaceId])).toEqual([
      ['created', [created.id], false, workspaceId],
      ['updated', [created.id], false, workspaceId],
      ['deleted', [created.id], false, workspaceId],
    ]);
  });

  it('saves a lead with problems and says what is wrong with each field', async () => {
    const lead = await call<Lead>('leads.create', {
      workspaceId,
      values: { firstName: 'x'.repeat(300), email: 'bob@', phone: '555-1234', website: 'not a site' },
    });
    expect(lead.problems.map((p) => [p.field, p.code])).toEqual([
      ['firstName', 'too_long'],
      ['email', 'invalid_email'],
      ['phone', 'invalid_phone'],
      ['website', 'invalid_website'],
    ]);
    expect(lead.problems[2]!.message).toMatch(/country code/);
    // A default country makes national numbers valid; fixing a value clears its flag.
    await call('leads.updateSettings', { workspaceId, defaultCountry: 'US' });
    const fixed = await call<Lead>('leads.update', { workspaceId, id: lead.id, values: { phone: '(415) 555-0123', email: 'bob@example.com' } });
    expect(fixed.problems.map((p) => p.code)).toEqual(['too_long', 'invalid_website']);
    expect(await call('leads.validate', { workspaceId, values: { email: 'fine@example.com', website: 'https://ok.example/path' } })).toEqual({ problems: [] });
  });

  it('refuses an empty lead, values over 65,536 characters and unknown custom fields, naming the field', async () => {
    expect(await fail('leads.create', { workspaceId, values: { firstName: '   ' } })).toMatchObject({ code: 'validation', message: expect.stringMatching(/at least one value/) });
    expect(await fail('leads.create', { workspaceId, values: { notes: 'x'.repeat(65_537) } })).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/^values\.notes: /),
    });
    expect(await fail('leads.create', { workspaceId, values: { custom: { shoe_size: '42' } } })).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/custom\.shoe_size/),
    });
    expect(await fail('leads.get', { workspaceId, id: 'abc' })).toMatchObject({ code: 'not_found' });
  });
});

describe('custom fields', () => {
  it('defines typed fields, validates their values, and removes values with the field', async () => {
    const size = await call<{ key: string }>('leads.createField', { workspaceId, label: 'Company size', type: 'number' });
    const tier = await call<{ key: string }>('leads.createField', { workspaceId, label: 'Tier', type: 'dropdown', options: ['Gold', 'Silver'] });
    const since = await call<{ key: string }>('leads.createField', { workspaceId, label: 'Customer since', type: 'date' });
    expect([size.key, tier.key, since.key]).toEqual(['company_size', 'tier', 'customer_since']);
    expect(await fail('leads.createField', { workspaceId, label: 'tier', type: 'text' })).toMatchObject({ code: 'conflict' });
    expect(await fail('leads.createField', { workspaceId, label: 'Email', type: 'text' })).toMatchObject({ code: 'conflict' });

    const lead = await call<Lead>('leads.create', {
      workspaceId,
      values: { firstName: 'Ann', custom: { company_size: 'many', tier: 'gold', customer_since: '31.02.2024' } },
    });
    // The dropdown value snaps to its option's spelling.
    expect(lead.custom).toEqual({ company_size: 'many', tier: 'Gold', customer_since: '31.02.2024' });
    expect(lead.problems.map((p) => [p.field, p.code])).toEqual([
      ['company_size', 'invalid_number'],
      ['customer_since', 'invalid_date'],
    ]);
    await call('leads.deleteField', { workspaceId, key: 'company_size' });
    const after = await call<Lead>('leads.get', { workspaceId, id: lead.id });
    expect(after.custom).toEqual({ tier: 'Gold', customer_since: '31.02.2024' });
    expect(after.problems.map((p) => p.field)).toEqual(['customer_since']);
    expect((await call<Array<{ key: string }>>('leads.listFields', { workspaceId })).map((f) => f.key)).toEqual(['tier', 'customer_since']);
  });
});

describe('listing', () => {
  const FIRST = ['Anna', 'bob', 'Émile', 'Zoë', 'carla', '', 'Dieter'];
  const COMPANIES = ['Acme', 'globex', '', 'Initech', 'Müller GmbH', 'acme'];

  async function seed(n: number): Promise<Lead[]> {
    const leads: Lead[] = [];
    for (let i = 0; i < n; i++) {
      t.clock.advance(1000);
      leads.push(
        await call<Lead>('leads.create', {
          workspaceId,
          values: {
            firstName: FIRST[i % FIRST.length]!,
            lastName: `Lee${(i * 7) % 13}`,
            email: i % 9 === 0 ? 'broken' : `user${i}@example${i % 4}.com`,
            company: COMPANIES[i % COMPANIES.length]!,
            phone: i % 5 === 0 ? '' : `+1 415 555 ${String(1000 + i)}`,
          },
        }),
      );
    }
    return leads;
  }

  async function walk(input: Record<string, unknown>, limit = 7): Promise<Lead[]> {
    const out: Lead[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await call<LeadPage>('leads.list', { workspaceId, limit, ...input, ...(after ? { after } : {}) });
      out.push(...page.items);
      if (!page.next) break;
      after = page.next;
    }
    return out;
  }

  const key = (lead: Lead, field: LeadSortField) => (field === 'createdAt' ? Number(lead.id) : field === 'updatedAt' ? lead.updatedAt : lead[field]);

  /** The order the list promises: blanks last, case-insensitive, ties by id, in the asked direction. */
  function expected(leads: Lead[], field: LeadSortField, direction: 'asc' | 'desc'): string[] {
    const sign = direction === 'asc' ? 1 : -1;
    return [...leads]
      .sort((a, b) => {
        const va = key(a, field);
        const vb = key(b, field);
        if (typeof va === 'string' && typeof vb === 'string') {
          if ((va === '') !== (vb === '')) return va === '' ? 1 : -1;
          const la = va.toLowerCase();
          const lb = vb.toLowerCase();
          if (la !== lb) return la < lb ? -sign : sign;
        } else if (va !== vb) {
          return (va < vb ? -1 : 1) * sign;
        }
        return (Number(a.id) - Number(b.id)) * sign;
      })
      .map((l) => l.id);
  }

  it.each([
    ['firstName', 'asc'],
    ['firstName', 'desc'],
    ['company', 'asc'],
    ['company', 'desc'],
    ['phone', 'asc'],
    ['createdAt', 'desc'],
    ['updatedAt', 'asc'],
  ] as const)('pages through every lead exactly once sorted by %s %s, blanks last', async (field, direction) => {
    const leads = await seed(40);
    const walked = await walk({ sort: { field, direction } });
    expect(walked.map((l) => l.id)).toEqual(expected(leads, field, direction));
  });

  it('jumps to an offset in the same order as keyset paging, across the blank section', async () => {
    const leads = await seed(30);
    const order = expected(leads, 'company', 'asc');
    for (const offset of [0, 3, 20, 24, 27, 29]) {
      const page = await call<LeadPage>('leads.list', { workspaceId, sort: { field: 'company', direction: 'asc' }, limit: 4, offset });
      expect(page.items.map((l) => l.id)).toEqual(order.slice(offset, offset + 4));
      expect(page.total).toBe(30);
    }
  });

  it('searches name, email, company and phone by word prefix, accents ignored, all words required', async () => {
    await seed(21);
    const names = async (search: string) => (await walk({ search, sort: { field: 'createdAt', direction: 'asc' } }, 50)).map((l) => `${l.firstName}|${l.company}`);
    expect(await names('emile')).toEqual(['Émile|', 'Émile|Initech', 'Émile|Müller GmbH']);
    expect(await names('muller')).toHaveLength(3);
    expect(await names('initech emile')).toEqual(['Émile|Initech']);
    expect((await walk({ search: 'user1@example1' }, 50)).map((l) => l.email)).toEqual(['user1@example1.com']);
    expect((await walk({ search: '(415) 555-1004' }, 50)).map((l) => l.phone)).toEqual(['+1 415 555 1004']);
    expect((await walk({ search: '4155551004' }, 50)).map((l) => l.phone)).toEqual(['+1 415 555 1004']);
    expect(await names('nobody-matches-this')).toEqual([]);
    const page = await call<LeadPage>('leads.list', { workspaceId, search: 'example1', limit: 2 });
    expect(page.total).toBe(4); // i = 1, 5, 13, 17 (9 has a broken email)
  });

  it('filters to flagged leads and combines the filter with search and sort', async () => {
    const leads = await seed(30);
    const flagged = leads.filter((l) => l.problems.length > 0);
    expect(flagged.length).toBeGreaterThan(0);
    const walked = await walk({ flaggedOnly: true, sort: { field: 'lastName', direction: 'asc' } });
    expect(walked.map((l) => l.id)).toEqual(expected(flagged, 'lastName', 'asc'));
    const page = await call<LeadPage>('leads.list', { workspaceId, flaggedOnly: true, search: 'broken', limit: 100 });
    expect(page.items.every((l) => l.email === 'broken')).toBe(true);
    expect(page.total).toBe(leads.filter((l) => l.email === 'broken').length);
  });

  it('refuses a cursor from another sort instead of misreading it', async () => {
    await seed(10);
    const page = await call<LeadPage>('leads.list', { workspaceId, sort: { field: 'company', direction: 'asc' }, limit: 3 });
    expect(await fail('leads.list', { workspaceId, sort: { field: 'email', direction: 'asc' }, after: page.next })).toMatchObject({ code: 'validation' });
    expect(await fail('leads.list', { workspaceId, after: 'garbage' })).toMatchObject({ code: 'validation' });
  });
});

describe('bulk delete', () => {
  it('deletes by ids and everything matching a search except unticked ids, in change events', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push((await call<Lead>('leads.create', { workspaceId, values: { firstName: i % 2 ? 'Odd' : 'Even', lastName: String(i) } })).id);
    }
    changes = [];
    expect(await call('leads.deleteMany', { workspaceId, target: { kind: 'ids', ids: [ids[0], ids[1], '999999'] } })).toEqual({ deleted: 2 });
    const keep = ids[3]!;
    expect(await call('leads.deleteMany', { workspaceId, target: { kind: 'matching', filter: { search: 'odd' }, exceptIds: [keep] } })).toEqual({ deleted: 4 });
    const left = await call<LeadPage>('leads.list', { workspaceId, limit: 100, sort: { field: 'createdAt', direction: 'asc' } });
    expect(left.items.map((l) => `${l.firstName}${l.lastName}`)).toEqual(['Even2', 'Odd3', 'Even4', 'Even6', 'Even8', 'Even10']);
    expect(changes.map((c) => [c.kind, c.ids.length, c.bulk])).toEqual([
      ['deleted', 2, true],
      ['deleted', 4, true],
    ]);
  });
});
