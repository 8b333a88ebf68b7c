import type { CallOptions, HubSpotGateway } from './hubspot-gateway.ts';

/**
 * CRM object reads (list, search, batch read) as small typed functions over the gateway.
 *
 * They go through `gateway.request` (the SDK's `apiRequest`) rather than the generated typed APIs:
 * the mirror reads hundreds of thousands of records, and the generated models turn every date into
 * a `Date` and copy every object, which costs more than the HTTP itself. The JSON here is exactly
 * HubSpot's: every property value a string or null (hubspot-api-facts §3.2).
 */

export interface CrmObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface ObjectPage {
  results: CrmObject[];
  /** Cursor of the next page; absent on the last. */
  after?: string;
}

interface PagedBody {
  results?: CrmObject[];
  total?: number;
  paging?: { next?: { after?: string } };
}

/** `GET /crm/v3/objects/{type}`: one page, ordered by id. `properties` go comma-separated in the URL. */
export async function listObjectsPage(
  gateway: HubSpotGateway,
  objectType: string,
  input: { after?: string | undefined; limit?: number; properties?: readonly string[]; archived?: boolean },
  options: CallOptions = {},
): Promise<ObjectPage> {
  const qs: Record<string, string> = { limit: String(input.limit ?? 100) };
  if (input.after) qs.after = input.after;
  if (input.properties && input.properties.length > 0) qs.properties = input.properties.join(',');
  if (input.archived) qs.archived = 'true';
  const body = await gateway.request<PagedBody>(`${objectType}.list`, { method: 'GET', path: `/crm/v3/objects/${encodeURIComponent(objectType)}`, qs }, options);
  const after = body?.paging?.next?.after;
  return after ? { results: body.results ?? [], after } : { results: body?.results ?? [] };
}

export interface SearchFilter {
  propertyName: string;
  operator: 'EQ' | 'NEQ' | 'LT' | 'LTE' | 'GT' | 'GTE' | 'BETWEEN' | 'IN' | 'NOT_IN' | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY' | 'CONTAINS_TOKEN' | 'NOT_CONTAINS_TOKEN';
  value?: string;
  values?: string[];
  highValue?: string;
}

export interface SearchRequest {
  filterGroups?: Array<{ filters: SearchFilter[] }>;
  sorts?: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>;
  properties?: readonly string[];
  query?: string;
  limit?: number;
  after?: string;
}

export interface SearchPage extends ObjectPage {
  total: number;
}

/** `POST /crm/v3/objects/{type}/search` (its own 5/s budget; at most 10,000 results per query). */
export async function searchObjects(gateway: HubSpotGateway, objectType: string, request: SearchRequest, options: CallOptions = {}): Promise<SearchPage> {
  const body = await gateway.request<PagedBody>(
    `${objectType}.search`,
    { method: 'POST', path: `/crm/v3/objects/${encodeURIComponent(objectType)}/search`, body: request },
    { ...options, kind: 'search' },
  );
  const after = body?.paging?.next?.after;
  const page = { results: body?.results ?? [], total: body?.total ?? 0 };
  return after ? { ...page, after } : page;
}

export interface BatchReadResult {
  results: CrmObject[];
  /** Ids HubSpot reported as not found (deleted since, or never existed). */
  missingIds: string[];
  /** The raw error entries of a 207, for the run log. */
  errors: Array<{ category?: string; message?: string; context?: Record<string, string[]> }>;
}

/** `POST /crm/v3/objects/{type}/batch/read` (≤ 100 ids): properties go in the body, so wide objects never hit URL limits. */
export async function batchReadObjects(
  gateway: HubSpotGateway,
  objectType: string,
  input: { ids: readonly string[]; properties: readonly string[]; archived?: boolean },
  options: CallOptions = {},
): Promise<BatchReadResult> {
  if (input.ids.length === 0) return { results: [], missingIds: [], errors: [] };
  const body = await gateway.request<{ results?: CrmObject[]; errors?: BatchReadResult['errors'] }>(
    `${objectType}.batchRead`,
    {
      method: 'POST',
      path: `/crm/v3/objects/${encodeURIComponent(objectType)}/batch/read`,
      body: { inputs: input.ids.map((id) => ({ id })), properties: input.properties, propertiesWithHistory: [] },
      ...(input.archived ? { qs: { archived: 'true' } } : {}),
    },
    options,
  );
  const errors = body?.errors ?? [];
  const missingIds = errors.flatMap((e) => (e.category === 'OBJECT_NOT_FOUND' ? (e.context?.ids ?? []) : []));
  return { results: body?.results ?? [], missingIds, errors };
}
