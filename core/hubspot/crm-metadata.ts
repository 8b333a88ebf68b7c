import type { CallOptions, HubSpotGateway } from './hubspot-gateway.ts';

/** A property definition as `GET /crm/v3/properties/{type}` returns it (hubspot-api-facts §4). */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName?: string;
  description?: string;
  options?: Array<{ label: string; value: string; description?: string; displayOrder?: number; hidden?: boolean }>;
  displayOrder?: number;
  calculated?: boolean;
  externalOptions?: boolean;
  hasUniqueValue?: boolean;
  hidden?: boolean;
  hubspotDefined?: boolean;
  formField?: boolean;
  archived?: boolean;
  referencedObjectType?: string;
  modificationMetadata?: { archivable?: boolean; readOnlyDefinition?: boolean; readOnlyValue?: boolean; readOnlyOptions?: boolean };
  updatedAt?: string;
}

/** Every property of an object type, in one response (the Properties API has no paging). */
export async function listProperties(gateway: HubSpotGateway, objectType: string, options: CallOptions = {}): Promise<PropertyDefinition[]> {
  const body = await gateway.request<{ results?: PropertyDefinition[] }>(`properties.${objectType}`, { method: 'GET', path: `/crm/v3/properties/${encodeURIComponent(objectType)}` }, options);
  return body?.results ?? [];
}

export interface Owner {
  id: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  userId?: number | null;
  archived?: boolean;
  teams?: Array<{ id: string; name: string; primary?: boolean }>;
  createdAt?: string;
  updatedAt?: string;
}

/** `GET /crm/v3/owners`, all pages (owners are few). */
export async function listOwners(gateway: HubSpotGateway, input: { archived?: boolean } = {}, options: CallOptions = {}): Promise<Owner[]> {
  const owners: Owner[] = [];
  let after: string | undefined;
  do {
    const qs: Record<string, string> = { limit: '100' };
    if (after) qs.after = after;
    if (input.archived) qs.archived = 'true';
    const body = await gateway.request<{ results?: Owner[]; paging?: { next?: { after?: string } } }>('owners.list', { method: 'GET', path: '/crm/v3/owners', qs }, options);
    owners.push(...(body?.results ?? []));
    after = body?.paging?.next?.after;
  } while (after);
  return owners;
}

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  archived?: boolean;
  metadata?: Record<string, string>;
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  archived?: boolean;
  stages: PipelineStage[];
}

export async function listPipelines(gateway: HubSpotGateway, objectType: string, options: CallOptions = {}): Promise<Pipeline[]> {
  const body = await gateway.request<{ results?: Pipeline[] }>(`pipelines.${objectType}`, { method: 'GET', path: `/crm/v3/pipelines/${encodeURIComponent(objectType)}` }, options);
  return body?.results ?? [];
}

export interface HubSpotList {
  listId: string;
  name: string;
  objectTypeId: string;
  processingType: string;
  size?: number;
  updatedAt?: string;
  additionalProperties?: Record<string, string>;
}

/** Every list, through `POST /crm/v3/lists/search` (the v3 Lists API has no plain listing), 500 at a time. */
export async function searchAllLists(gateway: HubSpotGateway, options: CallOptions = {}): Promise<HubSpotList[]> {
  const lists: HubSpotList[] = [];
  let offset = 0;
  for (;;) {
    const body = await gateway.request<{ lists?: HubSpotList[]; hasMore?: boolean; offset?: number }>(
      'lists.search',
      { method: 'POST', path: '/crm/v3/lists/search', body: { count: 500, offset, query: '' } },
      options,
    );
    const page = body?.lists ?? [];
    lists.push(...page);
    if (!body?.hasMore || page.length === 0) return lists;
    offset = body.offset ?? offset + page.length;
  }
}

/** One list's definition, or undefined when HubSpot says it doesn't exist. */
export async function getList(gateway: HubSpotGateway, listId: string, options: CallOptions = {}): Promise<HubSpotList> {
  const body = await gateway.request<{ list: HubSpotList }>('lists.get', { method: 'GET', path: `/crm/v3/lists/${encodeURIComponent(listId)}` }, options);
  return body.list;
}

/** `GET /crm/v3/lists/{id}/memberships`, one page of up to 250 record ids (ordered by id). */
export async function listMembershipsPage(
  gateway: HubSpotGateway,
  listId: string,
  after: string | undefined,
  options: CallOptions = {},
): Promise<{ recordIds: string[]; after?: string }> {
  const qs: Record<string, string> = { limit: '250' };
  if (after) qs.after = after;
  const body = await gateway.request<{ results?: Array<{ recordId: string }>; paging?: { next?: { after?: string } } }>(
    'lists.memberships',
    { method: 'GET', path: `/crm/v3/lists/${encodeURIComponent(listId)}/memberships`, qs },
    options,
  );
  const next = body?.paging?.next?.after;
  const recordIds = (body?.results ?? []).map((r) => String(r.recordId));
  return next ? { recordIds, after: next } : { recordIds };
}

export interface AccountDetails {
  portalId: number;
  timeZone: string;
  companyCurrency?: string;
  uiDomain?: string;
  dataHostingLocation?: string;
}

export async function getAccountDetails(gateway: HubSpotGateway, options: CallOptions = {}): Promise<AccountDetails> {
  return gateway.request<AccountDetails>('account.details', { method: 'GET', path: '/account-info/v3/details' }, options);
}
