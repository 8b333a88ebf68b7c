import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted HubSpot for the mirror's unit tests: just the read endpoints the mirror calls, with
 * the behaviours it must survive — the 10,000-result search cap (400 past it), URLs over 15,000
 * characters (414), archived records only on `archived=true`, per-type 403 MISSING_SCOPES, and a
 * hook to fail or slow any request. Behaviour against the full simulated portal is tested with
 * the sandbox; this keeps edge cases small and fast.
 */
export interface FakeRecord {
  id: number;
  type: string;
  properties: Record<string, string>;
  updatedAt: number;
  archived?: boolean;
}

export interface FakeHubSpot {
  url: string;
  records: Map<string, FakeRecord>;
  properties: Record<string, string[]>;
  associations: Array<{ from: string; fromId: number; to: string; toId: number; typeId: number }>;
  lists: Array<{ listId: string; name: string; objectTypeId: string; processingType: string; members: number[] }>;
  /** Types whose reads answer 403 MISSING_SCOPES. */
  deniedTypes: Set<string>;
  requests: Array<{ method: string; path: string; url: string; body: unknown }>;
  /** Records modified less than this long ago (by `now`) are not yet visible to search. */
  searchLagMs: number;
  now: () => number;
  /** Return a response to short-circuit a request (faults), or undefined to serve it. */
  intercept?: (req: { method: string; path: string; body: unknown; count: number }) => { status: number; body: unknown } | undefined;
  put(record: Omit<FakeRecord, 'updatedAt'> & { updatedAt?: number }): FakeRecord;
  close(): Promise<void>;
}

const LAST_MODIFIED = (type: string) => (type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate');

export async function startFakeHubSpot(options: { now?: () => number } = {}): Promise<FakeHubSpot> {
  const fake = {
    records: new Map<string, FakeRecord>(),
    properties: {
      contacts: ['email', 'firstname', 'lastname', 'company', 'lastmodifieddate', 'createdate', 'hs_object_id'],
      companies: ['name', 'domain', 'hs_lastmodifieddate', 'createdate', 'hs_object_id', 'stripe_customer_id'],
      deals: ['dealname', 'amount', 'dealstage', 'hs_lastmodifieddate', 'createdate', 'hs_object_id'],
    } as Record<string, string[]>,
    associations: [] as FakeHubSpot['associations'],
    lists: [] as FakeHubSpot['lists'],
    deniedTypes: new Set<string>(),
    requests: [] as FakeHubSpot['requests'],
    searchLagMs: 0,
    now: options.now ?? (() => Date.now()),
  } as FakeHubSpot;
  let count = 0;

  const render = (r: FakeRecord, names: string[] | null) => {
    const lm = LAST_MODIFIED(r.type);
    const system: Record<string, string> = { hs_object_id: String(r.id), [lm]: new Date(r.updatedAt).toISOString(), createdate: '2025-01-01T00:00:00.000Z' };
    const wanted = names ?? Object.keys(r.properties);
    const properties: Record<string, string | null> = { ...system };
    for (const n of wanted) if (!(n in system)) properties[n] = r.properties[n] ?? (fake.properties[r.type]?.includes(n) ? null : undefined!);
    for (const k of Object.keys(properties)) if (properties[k] === undefined) delete properties[k];
    return { id: String(r.id), properties, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: system[lm], archived: Boolean(r.archived), ...(r.archived ? { archivedAt: system[lm] } : {}) };
  };
  const ofType = (type: string, archived = false) => [...fake.records.values()].filter((r) => r.type === type && Boolean(r.archived) === archived).sort((a, b) => a.id - b.id);
  const error = (status: number, message: string, category: string, extra: Record<string, unknown> = {}) => ({ status, body: { status: 'error', message, correlationId: '00000000-0000-4000-8000-000000000000', category, ...extra } });

  function handle(method: string, url: URL, body: any): { status: number; body: unknown } {
    const path = url.pathname;
    const q = url.searchParams;
    if (url.toString().length > 15_000 + 200) return { status: 414, body: 'URI Too Long' };
    let m = /^\/crm\/v3\/objects\/(\w+)(\/.*)?$/.exec(path);
    if (m) {
      const type = m[1]!;
      if (fake.deniedTypes.has(type)) {
        return error(403, "This app hasn't been granted all required scopes to make this call.", 'MISSING_SCOPES', {
          errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [`crm.objects.${type}.read`] } }],
        });
      }
      const rest = m[2] ?? '';
      if (method === 'GET' && rest === '') {
        const limit = Number(q.get('limit') ?? 10);
        const after = Number(q.get('after') ?? 0);
        const names = q.get('properties')?.split(',') ?? null;
        const all = ofType(type, q.get('archived') === 'true').filter((r) => r.id >= after);
        const page = all.slice(0, limit);
        const next = all[limit];
        return { status: 200, body: { results: page.map((r) => render(r, names)), ...(next ? { paging: { next: { after: String(next.id) } } } : {}) } };
      }
      if (method === 'POST' && rest === '/batch/read') {
        const archived = q.get('archived') === 'true';
        const found = (body.inputs as Array<{ id: string }>).map((i) => fake.records.get(`${type}:${i.id}`)).filter((r): r is FakeRecord => !!r && Boolean(r.archived) === archived);
        const missing = (body.inputs as Array<{ id: string }>).map((i) => i.id).filter((id) => !found.some((r) => String(r.id) === id));
        const results = found.map((r) => render(r, body.properties?.length ? body.properties : null));
        return missing.length
          ? { status: 207, body: { status: 'COMPLETE', results, numErrors: 1, errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some objects', context: { ids: missing } }] } }
          : { status: 200, body: { status: 'COMPLETE', results } };
      }
      if (method === 'POST' && rest === '/search') {
        const offset = Number(body.after ?? 0);
        if (offset >= 10_000) return error(400, 'The search API can only return the first 10000 results of a query.', 'VALIDATION_ERROR');
        const filters = (body.filterGroups?.[0]?.filters ?? []) as Array<{ propertyName: string; operator: string; value: string }>;
        const valueOf = (r: FakeRecord, name: string) => (name === 'hs_object_id' ? r.id : name === LAST_MODIFIED(type) ? r.updatedAt : Number(r.properties[name]));
        const visibleUntil = fake.now() - fake.searchLagMs;
        const matches = ofType(type).filter((r) =>
          r.updatedAt <= visibleUntil &&
          filters.every((f) => {
            const v = valueOf(r, f.propertyName);
            const x = Number(f.value);
            return f.operator === 'GTE' ? v >= x : f.operator === 'LTE' ? v <= x : f.operator === 'GT' ? v > x : f.operator === 'LT' ? v < x : f.operator === 'EQ' ? v === x : true;
          }),
        );
        const limit = body.limit ?? 10;
        const page = matches.slice(offset, offset + limit);
        const next = offset + page.length;
        return { status: 200, body: { total: matches.length, results: page.map((r) => render(r, body.properties?.length ? body.properties : null)), ...(next < matches.length ? { paging: { next: { after: String(next) } } } : {}) } };
      }
    }
    m = /^\/crm\/v3\/properties\/(\w+)$/.exec(path);
    if (m && fake.deniedTypes.has(m[1]!)) {
      return error(403, "This app hasn't been granted all required scopes to make this call.", 'MISSING_SCOPES', { errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [`crm.schemas.${m[1]}.read`] } }] });
    }
    if (m && method === 'GET') {
      const names = fake.properties[m[1]!] ?? [];
      return { status: 200, body: { results: names.map((name, i) => ({ name, label: name.replace(/_/g, ' '), type: 'string', fieldType: 'text', groupName: 'info', description: '', options: [], displayOrder: i, hubspotDefined: !name.startsWith('custom'), modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: name === 'hs_object_id' } })) } };
    }
    m = /^\/crm\/v4\/associations\/(\w+)\/(\w+)\/batch\/read$/.exec(path);
    if (m && method === 'POST') {
      const [, from, to] = m;
      const results = (body.inputs as Array<{ id: string }>)
        .map((i) => ({ id: i.id, to: fake.associations.filter((a) => a.from === from && a.to === to && String(a.fromId) === i.id) }))
        .filter((r) => r.to.length > 0)
        .map((r) => ({ from: { id: r.id }, to: r.to.map((a) => ({ toObjectId: a.toId, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: a.typeId, label: null }] })) }));
      return { status: 200, body: { status: 'COMPLETE', results } };
    }
    if (path === '/crm/v3/owners') return { status: 200, body: { results: q.get('archived') === 'true' ? [] : [{ id: '7', email: 'owner@example.com', firstName: 'Olive', lastName: 'Owner', userId: 1, archived: false }] } };
    if (path === '/crm/v3/pipelines/deals') return { status: 200, body: { results: [{ id: 'default', label: 'Sales Pipeline', displayOrder: 0, archived: false, stages: [{ id: 'closedwon', label: 'Closed won', displayOrder: 0 }] }] } };
    if (path === '/crm/v3/lists/search') return { status: 200, body: { lists: fake.lists.map(({ members, ...l }) => ({ ...l, size: members.length })), hasMore: false, offset: fake.lists.length, total: fake.lists.length } };
    m = /^\/crm\/v3\/lists\/(\w+)\/memberships$/.exec(path);
    if (m) {
      const list = fake.lists.find((l) => l.listId === m![1]);
      if (!list) return error(404, 'List does not exist.', 'OBJECT_NOT_FOUND');
      return { status: 200, body: { results: [...list.members].sort((a, b) => a - b).map((id) => ({ recordId: String(id), membershipTimestamp: '2025-01-01T00:00:00.000Z' })), total: list.members.length } };
    }
    if (path === '/account-info/v3/details') return { status: 200, body: { portalId: 1234, timeZone: 'Europe/Paris', companyCurrency: 'EUR', uiDomain: 'app.hubspot.com', dataHostingLocation: 'eu1' } };
    return error(404, `No route for ${method} ${path}`, 'OBJECT_NOT_FOUND');
  }

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const body = raw ? JSON.parse(raw) : undefined;
      fake.requests.push({ method: req.method!, path: url.pathname, url: req.url!, body });
      count++;
      const response = fake.intercept?.({ method: req.method!, path: url.pathname, body, count }) ?? handle(req.method!, url, body);
      res.writeHead(response.status, { 'Content-Type': typeof response.body === 'string' ? 'text/plain' : 'application/json;charset=utf-8' });
      res.end(typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.put = (record) => {
    const full = { ...record, updatedAt: record.updatedAt ?? fake.now() };
    fake.records.set(`${record.type}:${record.id}`, full);
    return full;
  };
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return fake;
}
