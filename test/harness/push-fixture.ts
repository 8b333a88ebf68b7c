import type { LeadValues } from '../../core/contract/leads.ts';
import type { MappingRow, PushSettings } from '../../core/contract/mapping.ts';
import type { JobState } from '../../core/contract/push.ts';
import type { HubSpotGateway } from '../../core/hubspot/hubspot-gateway.ts';
import { newLeaseOwner } from '../../core/jobs/leases.ts';
import { defaultPushSettings } from '../../core/mapping/default-settings.ts';
import type { BatchOutcome } from '../../core/push/push-engine.ts';
import type { TestSandbox } from './hubspot-sandbox.ts';
import { createServicesWithHubSpot, type ServicesWithHubSpot } from './services-with-hubspot.ts';

export interface SandboxRecord {
  id: string;
  archived: boolean;
  properties: Record<string, string | null>;
}

export const mappingRow = (id: string, source: MappingRow['source'], property: string, extra: Partial<MappingRow> = {}): MappingRow => ({
  id,
  source,
  property,
  enabled: true,
  transforms: [],
  updateRule: 'overwrite',
  ...extra,
});

export interface PushFixture extends ServicesWithHubSpot {
  workspaceId: string;
  owner: string;
  /** Saves push settings: the defaults with `patch` applied (deep for advanced/company/list). */
  saveSettings(patch?: { contactRows?: MappingRow[]; extraRows?: MappingRow[]; company?: Partial<PushSettings['company']>; list?: Partial<PushSettings['list']>; advanced?: Partial<PushSettings['advanced']>; filter?: PushSettings['filter'] }): Promise<PushSettings>;
  lead(values: LeadValues): string;
  /** Runs one batch (claims whatever is due now). */
  step(): Promise<BatchOutcome>;
  /** Runs batches (as the runner does) until none is claimed; returns every batch's outcome. */
  drain(max?: number): Promise<BatchOutcome[]>;
  job(jobId: string): Promise<Awaited<ReturnType<ServicesWithHubSpot['call']>>>;
  stateOf(jobId: string): JobState;
  contacts(): Promise<SandboxRecord[]>;
  companies(): Promise<SandboxRecord[]>;
  /** Member record ids of a sandbox list. */
  members(listId: string): Promise<string[]>;
}

/** Core on a test sandbox with one workspace (manual clock): the push engine driven batch by batch. */
export function createPushFixture(sandbox: TestSandbox, gateway: HubSpotGateway, options: { nameCulprits?: boolean } = {}): PushFixture {
  const core = createServicesWithHubSpot(gateway, options.nameCulprits === undefined ? {} : { push: { nameCulprits: options.nameCulprits } });
  const workspaceId = core.services.workspaces.create({ name: 'Acme', kind: 'hubspot' }).id;
  const owner = newLeaseOwner();
  const state = async (type: string) => (await sandbox.call<{ results: SandboxRecord[] }>('GET', `/__sandbox/state/${type}`, { token: null })).body.results.filter((r) => !r.archived);
  return {
    ...core,
    workspaceId,
    owner,
    async saveSettings(patch = {}) {
      const base = defaultPushSettings();
      const settings: PushSettings = {
        ...base,
        contact: { rows: [...(patch.contactRows ?? base.contact.rows), ...(patch.extraRows ?? [])] },
        company: { ...base.company, ...patch.company },
        list: { ...base.list, ...patch.list },
        advanced: { ...base.advanced, ...patch.advanced },
        filter: patch.filter ?? base.filter,
      };
      return (await core.call('mapping.save', { workspaceId, settings })).settings;
    },
    lead: (values) => core.services.leads.create(workspaceId, values).id,
    step: () => core.services.pushEngine.runBatch(workspaceId, owner),
    async drain(max = 200) {
      const outcomes: BatchOutcome[] = [];
      for (let i = 0; i < max; i++) {
        const outcome = await core.services.pushEngine.runBatch(workspaceId, owner);
        if (outcome.claimed === 0) return outcomes;
        outcomes.push(outcome);
      }
      throw new Error(`the queue did not drain in ${max} batches`);
    },
    job: (jobId) => core.call('push.job', { workspaceId, jobId }) as never,
    stateOf: (jobId) => core.services.pushEngine.storesFor(workspaceId).jobs.get(Number(jobId))!.state,
    contacts: () => state('contacts'),
    companies: () => state('companies'),
    async members(listId) {
      const client = sandbox.client();
      const ids: string[] = [];
      let after: string | undefined;
      do {
        const page = await client.crm.lists.membershipsApi.getPage(listId, after, undefined, 250);
        ids.push(...page.results.map((r) => String(r.recordId)));
        after = page.paging?.next?.after;
      } while (after);
      return ids;
    },
  };
}
