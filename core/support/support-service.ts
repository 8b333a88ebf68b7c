import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventBus } from '../app/event-bus.ts';
import type { AppInfo } from '../contract/app.ts';
import type { Lead, LeadValues } from '../contract/leads.ts';
import type { HubSpotList, MappedObjectType, MappingProperty, PushSettings } from '../contract/mapping.ts';
import { FINAL_JOB_STATES, type JobDetail, type JobState } from '../contract/push.ts';
import type { BundleSummary, BundleView, ExportedBundle, OutcomeComparison, ReplayTarget, ReplayView, SupportBundle } from '../contract/support.ts';
import { AppError, isAppError } from '../errors.ts';
import type { HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import type { LeadService } from '../leads/lead-service.ts';
import { fetchPropertyDefinitions } from '../mapping/live-properties.ts';
import type { MappingService } from '../mapping/mapping-service.ts';
import type { HubSpotAccess } from '../mapping/property-catalogue.ts';
import { type Clock, isoAt } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { PushService } from '../push/push-service.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';
import { buildSupportBundle, bundleFileName, type ConnectionFacts } from './build-bundle.ts';
import { compareOutcomes, type Side, stateOfAttempt } from './compare.ts';
import { readSupportBundle } from './read-bundle.ts';
import type { ReplayRecord, ReplayRegistry } from './replay-registry.ts';

export interface SupportServiceDeps {
  /** `<dataDir>/support`: imported bundles and replay records. */
  dir: string;
  workspaces: WorkspaceService;
  leads: LeadService;
  mapping: MappingService;
  push: PushService;
  replays: ReplayRegistry;
  /** HubSpot access as the push engine has it (replay workspaces routed to their portal). */
  hubspot: HubSpotAccess;
  info(): AppInfo;
  /** The connections domain's view of a workspace's HubSpot connection (null: not known). */
  connection?: (workspaceId: string) => ConnectionFacts | null;
  /** Makes sure a push runner works these workspaces' queues (a CLI host has none of its own). */
  ensureRunner(workspaceIds: readonly string[]): void;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** How often a waiting replay looks at its job (default 100 ms). */
  pollMs?: number;
}

interface StoredMeta {
  fileName: string;
  importedAt: string;
  bytes: number;
}

const BUNDLE_ID = /^[A-Za-z0-9_-]{8,64}$/;
const FINAL: ReadonlySet<JobState> = new Set(FINAL_JOB_STATES);
const DEFAULT_GROUP: Record<MappedObjectType, string> = { contacts: 'contactinformation', companies: 'companyinformation' };

const leadValues = (lead: Lead): LeadValues => ({
  firstName: lead.firstName,
  lastName: lead.lastName,
  email: lead.email,
  phone: lead.phone,
  company: lead.company,
  jobTitle: lead.jobTitle,
  website: lead.website,
  notes: lead.notes,
  source: lead.source,
  owner: lead.owner,
  custom: lead.custom,
});

/** Properties HubSpot answered "doesn't exist" for in the original attempts (not the ones Syncdesk stopped before sending). */
function missingInOriginal(bundle: SupportBundle): Set<string> {
  const names = new Set<string>();
  for (const attempt of bundle.job.attemptDetails) {
    const error = attempt.error;
    if (error?.code !== 'property_missing' || error.details.preflight) continue;
    const { property, properties } = error.details;
    if (typeof property === 'string') names.add(property);
    if (Array.isArray(properties)) for (const p of properties) if (typeof p === 'string') names.add(p);
  }
  return names;
}

/** The attempt that decided a job's end: its last one that ran to an end (not interrupted). */
function decisiveAttempt(job: Pick<JobDetail, 'attemptDetails'>) {
  const ended = job.attemptDetails.filter((a) => a.status !== 'interrupted');
  return ended.at(-1) ?? job.attemptDetails.at(-1) ?? null;
}

export type SupportService = ReturnType<typeof createSupportService>;

/**
 * Report an issue (support bundles), Import bundle → Replay, and the before/after comparisons of
 * Edit and replay. A replay is a real push in a replay workspace of its own: the bundle's lead,
 * custom fields and mapping are recreated there, its HubSpot is a fresh sandbox portal seeded with
 * the bundle's property definitions (and list) or the portal of a workspace of the agent's own,
 * and the push engine runs the job exactly as it runs any other.
 */
export function createSupportService(deps: SupportServiceDeps) {
  const { clock, logger, events } = deps;
  const bundlesDir = path.join(deps.dir, 'bundles');
  const pollMs = deps.pollMs ?? 100;

  const bundlePath = (bundleId: string) => {
    if (!BUNDLE_ID.test(bundleId)) throw new AppError('validation', `"${bundleId}" is not a bundle id.`);
    return path.join(bundlesDir, `${bundleId}.json`);
  };
  const metaPath = (bundleId: string) => path.join(bundlesDir, `${bundleId}.meta.json`);

  function readBundle(bundleId: string): { bundle: SupportBundle; meta: StoredMeta } {
    let text: string;
    try {
      text = fs.readFileSync(bundlePath(bundleId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('not_found', `There is no imported bundle ${bundleId}.`);
      throw error;
    }
    const bundle = readSupportBundle(text, `Bundle ${bundleId}`);
    const meta = JSON.parse(fs.readFileSync(metaPath(bundleId), 'utf8')) as StoredMeta;
    return { bundle, meta };
  }

  function summaryOf(bundle: SupportBundle, meta: StoredMeta): BundleSummary {
    const error = bundle.job.error;
    return {
      bundleId: bundle.bundleId,
      createdAt: bundle.createdAt,
      importedAt: meta.importedAt,
      fileName: meta.fileName,
      bytes: meta.bytes,
      masked: bundle.masked,
      note: bundle.note,
      appVersion: bundle.app.version,
      workspaceName: bundle.workspace.name,
      portalId: bundle.connection.portalId,
      leadLabel: bundle.job.leadLabel,
      state: bundle.job.state,
      errorCode: error?.code ?? null,
      errorTitle: error?.title ?? null,
      attempts: bundle.job.attemptDetails.length,
      replays: deps.replays.list().filter((r) => r.bundleId === bundle.bundleId).length,
    };
  }

  function jobOf(workspaceId: string, jobId: string): JobDetail | null {
    try {
      return deps.push.job(workspaceId, jobId);
    } catch (error) {
      if (isAppError(error) && error.code === 'not_found') return null;
      throw error;
    }
  }

  function viewOf(record: ReplayRecord, bundle: SupportBundle): ReplayView {
    const replayed = record.jobId ? jobOf(record.workspaceId, record.jobId) : null;
    const before: Side = { state: bundle.job.state, attempt: decisiveAttempt(bundle.job) };
    const after: Side = replayed ? { state: replayed.state, attempt: replayed.attemptDetails.at(-1) ?? null } : { state: 'queued', attempt: null };
    const { replayId, bundleId, target, targetLabel, workspaceId, jobId, startedAt, seeded } = record;
    return { replayId, bundleId, target, targetLabel, workspaceId, jobId, startedAt, seeded, comparison: compareOutcomes(before, after) };
  }

  async function waitForEnd(workspaceId: string, jobId: string, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const job = jobOf(workspaceId, jobId);
      if (!job || FINAL.has(job.state) || Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Creates the bundle's custom properties (dropdown options included) and its list in a fresh sandbox portal, through HubSpot's own APIs. */
  async function seedSandbox(gateway: HubSpotGateway, bundle: SupportBundle): Promise<{ properties: string[]; withheld: string[]; list: { id: string; name: string } | null }> {
    const created: string[] = [];
    const withheld: string[] = [];
    // What HubSpot itself said the original portal lacks wins over the operator's stored definitions.
    const missing = missingInOriginal(bundle);
    for (const objectType of ['contacts', 'companies'] as const) {
      const wanted = bundle.properties[objectType];
      if (wanted.length === 0) continue;
      const existing = new Set((await fetchPropertyDefinitions(gateway, objectType)).map((p) => p.name));
      for (const definition of wanted) {
        if (existing.has(definition.name)) continue;
        if (missing.has(definition.name)) {
          withheld.push(`${objectType === 'contacts' ? 'contact' : 'company'}.${definition.name}`);
          continue;
        }
        await createProperty(gateway, objectType, definition);
        created.push(`${objectType === 'contacts' ? 'contact' : 'company'}.${definition.name}`);
      }
    }
    let list: { id: string; name: string } | null = null;
    const wantedList = bundle.list ?? (bundle.settings.push.list.listId ? { name: bundle.settings.push.list.listName ?? `List ${bundle.settings.push.list.listId}`, processingType: bundle.settings.push.list.processingType ?? 'MANUAL' } : null);
    if (wantedList) {
      const processingType = wantedList.processingType === 'DYNAMIC' ? 'DYNAMIC' : wantedList.processingType === 'SNAPSHOT' ? 'SNAPSHOT' : 'MANUAL';
      const response = await gateway.call('lists.create.replay', (client) =>
        client.crm.lists.listsApi.create({
          name: wantedList.name,
          objectTypeId: '0-1',
          processingType,
          ...(processingType === 'DYNAMIC'
            ? { filterBranch: { filterBranchType: 'OR', filterBranchOperator: 'OR', filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [], filters: [{ filterType: 'PROPERTY', property: 'lifecyclestage', operation: { operationType: 'MULTISTRING', operator: 'IS_EQUAL_TO', values: ['customer'] } }] }], filters: [] } }
            : {}),
        } as never),
      );
      list = { id: String(response.list.listId), name: response.list.name };
    }
    return { properties: created, withheld, list };
  }

  async function createProperty(gateway: HubSpotGateway, objectType: MappedObjectType, definition: MappingProperty): Promise<void> {
    const body = {
      name: definition.name,
      label: definition.label,
      type: definition.type,
      fieldType: definition.fieldType,
      groupName: definition.groupName ?? DEFAULT_GROUP[objectType],
      ...(definition.description ? { description: definition.description } : {}),
      ...(definition.options.length > 0 ? { options: definition.options.map((o, displayOrder) => ({ label: o.label, value: o.value, hidden: o.hidden, displayOrder })) } : {}),
    };
    try {
      await gateway.call(`properties.create.${objectType}`, (client) => client.crm.properties.coreApi.create(objectType, body as never));
    } catch (error) {
      // A group the sandbox portal doesn't have: the property still matters more than its group.
      if (!(isAppError(error) && body.groupName !== DEFAULT_GROUP[objectType])) throw error;
      await gateway.call(`properties.create.${objectType}`, (client) => client.crm.properties.coreApi.create(objectType, { ...body, groupName: DEFAULT_GROUP[objectType] } as never));
    }
  }

  function workspaceName(bundle: SupportBundle): string {
    const base = `Replay · ${bundle.job.leadLabel || 'lead'} · job ${bundle.job.jobId}`.slice(0, 70);
    const taken = new Set(deps.workspaces.list().workspaces.map((w) => w.name));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base} (${n})`)) return `${base} (${n})`;
  }

  async function replay(bundleId: string, target: ReplayTarget, waitMs: number): Promise<ReplayView> {
    const { bundle } = readBundle(bundleId);
    const lead = bundle.lead.values;
    if (!lead) throw new AppError('unsupported', 'The lead of this job was deleted before the bundle was written, so there is no lead to replay.');
    let targetLabel = 'Sandbox portal';
    if (target.kind === 'workspace') {
      const own = deps.workspaces.get(target.workspaceId);
      if (deps.replays.byWorkspace(own.id)) throw new AppError('validation', `"${own.name}" is itself a replay workspace; choose a workspace connected to a portal of your own.`);
      targetLabel = own.name;
    }

    const workspace = deps.workspaces.create({ name: workspaceName(bundle), kind: 'hubspot' });
    const record: ReplayRecord = {
      replayId: `r${crypto.randomBytes(6).toString('hex')}`,
      bundleId,
      workspaceId: workspace.id,
      target,
      targetLabel,
      jobId: '',
      startedAt: isoAt(clock.now()),
      portalId: null,
      seeded: { properties: [], list: null, withheld: [] },
    };
    try {
      // Registered first: from here on, everything reaching HubSpot for this workspace goes to the target.
      if (target.kind === 'sandbox') {
        const portal = await deps.replays.sandbox.createPortal(`Replay of bundle ${bundleId}`);
        await deps.replays.rememberToken(workspace.id, portal.token);
        record.portalId = portal.portalId;
        record.targetLabel = `Sandbox portal ${portal.portalId}`;
      }
      deps.replays.save(record);

      for (const field of bundle.lead.fields) deps.leads.createField({ workspaceId: workspace.id, label: field.label, key: field.key, type: field.type, options: field.options });
      const replayLead = deps.leads.create(workspace.id, leadValues(lead));

      let settings: PushSettings = bundle.settings.push;
      if (target.kind === 'sandbox') {
        const gateway = await deps.hubspot(workspace.id);
        const seeded = await seedSandbox(gateway, bundle);
        record.seeded = { properties: seeded.properties, list: seeded.list?.name ?? null, withheld: seeded.withheld };
        if (seeded.list) settings = { ...settings, list: { ...settings.list, listId: seeded.list.id } };
      }
      deps.mapping.save(workspace.id, settings);
      try {
        await deps.mapping.refreshProperties(workspace.id);
      } catch (error) {
        logger.info('replay: property definitions not read; HubSpot checks the values', { workspaceId: workspace.id, error: (error as Error).message });
      }

      const pushed = await deps.push.push(workspace.id, { kind: 'ids', ids: [replayLead.id] }, 'replay');
      record.jobId = pushed.jobIds[0]!;
      deps.replays.save(record);
      events.emit('support.onDidChangeBundles', { bundleId });
      logger.info('replay started', { bundleId, replayId: record.replayId, workspaceId: workspace.id, target: target.kind, seeded: record.seeded.properties.length });
    } catch (error) {
      // No half-made replay: its workspace goes with it.
      deps.replays.remove([record.replayId]);
      await deps.workspaces.delete({ id: workspace.id }).catch(() => {});
      throw error;
    }
    deps.ensureRunner([workspace.id]);
    await waitForEnd(workspace.id, record.jobId, waitMs);
    return viewOf(record, bundle);
  }

  return {
    /** Report an issue: the job's support bundle as a file's text. */
    async exportBundle(input: { workspaceId: string; jobId: string; mask: boolean; note: string }): Promise<ExportedBundle> {
      const workspace = deps.workspaces.get(input.workspaceId);
      const job = deps.push.job(input.workspaceId, input.jobId);
      let lead: Lead | null = null;
      try {
        lead = deps.leads.get(input.workspaceId, job.leadId);
      } catch (error) {
        if (!(isAppError(error) && error.code === 'not_found')) throw error;
      }
      const settings = deps.mapping.settings(input.workspaceId);
      const catalogue = deps.mapping.properties(input.workspaceId);
      let list: HubSpotList | null = null;
      if (settings.list.listId) {
        const known = (await deps.mapping.lists(input.workspaceId, false)).lists.find((l) => l.listId === settings.list.listId);
        const processingType = settings.list.processingType ?? 'MANUAL';
        list = known ?? { listId: settings.list.listId, name: settings.list.listName ?? `List ${settings.list.listId}`, processingType, static: processingType !== 'DYNAMIC', size: null };
      }
      const app = deps.info();
      const bundle = buildSupportBundle({
        bundleId: `b${crypto.randomBytes(8).toString('hex')}`,
        createdAt: isoAt(clock.now()),
        note: input.note,
        mask: input.mask,
        app,
        os: { platform: process.platform, release: os.release(), arch: process.arch, description: app.platform },
        workspace,
        connection: deps.connection?.(input.workspaceId) ?? null,
        job,
        lead,
        fields: deps.leads.listFields(input.workspaceId),
        settings,
        retentionDays: deps.push.getSettings(input.workspaceId).retentionDays,
        catalogue: { contacts: catalogue.contacts, companies: catalogue.companies },
        list,
      });
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      logger.info('support bundle written', { workspaceId: input.workspaceId, jobId: input.jobId, masked: input.mask, bytes: Buffer.byteLength(text) });
      return {
        fileName: bundleFileName(bundle),
        text,
        bytes: Buffer.byteLength(text),
        attempts: bundle.job.attemptDetails.length,
        exchanges: bundle.job.attemptDetails.reduce((n, a) => n + a.exchanges.length, 0),
        properties: bundle.properties.contacts.length + bundle.properties.companies.length,
        masked: bundle.masked,
      };
    },

    importBundle(input: { fileName: string; text: string }): BundleSummary {
      const bundle = readSupportBundle(input.text, input.fileName);
      fs.mkdirSync(bundlesDir, { recursive: true });
      const existing = fs.existsSync(bundlePath(bundle.bundleId));
      const meta: StoredMeta = existing ? readBundle(bundle.bundleId).meta : { fileName: path.basename(input.fileName), importedAt: isoAt(clock.now()), bytes: Buffer.byteLength(input.text) };
      if (!existing) {
        fs.writeFileSync(bundlePath(bundle.bundleId), JSON.stringify(bundle));
        fs.writeFileSync(metaPath(bundle.bundleId), JSON.stringify(meta));
        logger.info('support bundle imported', { bundleId: bundle.bundleId, bytes: meta.bytes });
        events.emit('support.onDidChangeBundles', { bundleId: bundle.bundleId });
      }
      return summaryOf(bundle, meta);
    },

    bundles(): { items: BundleSummary[] } {
      let names: string[] = [];
      try {
        names = fs.readdirSync(bundlesDir).filter((n) => n.endsWith('.json') && !n.endsWith('.meta.json'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const items: BundleSummary[] = [];
      for (const name of names) {
        try {
          const { bundle, meta } = readBundle(name.slice(0, -'.json'.length));
          items.push(summaryOf(bundle, meta));
        } catch (error) {
          logger.warn('an imported bundle is unreadable', { file: name, error: (error as Error).message });
        }
      }
      return { items: items.sort((a, b) => b.importedAt.localeCompare(a.importedAt)) };
    },

    bundle(bundleId: string): BundleView {
      const { bundle, meta } = readBundle(bundleId);
      const replays = deps.replays.list().filter((r) => r.bundleId === bundleId && deps.workspaces.list().workspaces.some((w) => w.id === r.workspaceId));
      return { summary: summaryOf(bundle, meta), bundle, replays: replays.map((r) => viewOf(r, bundle)) };
    },

    async deleteBundle(bundleId: string): Promise<{ bundleId: string }> {
      readBundle(bundleId);
      const replays = deps.replays.list().filter((r) => r.bundleId === bundleId);
      for (const r of replays) await deps.workspaces.delete({ id: r.workspaceId }).catch(() => {});
      deps.replays.remove(replays.map((r) => r.replayId));
      fs.rmSync(bundlePath(bundleId), { force: true });
      fs.rmSync(metaPath(bundleId), { force: true });
      events.emit('support.onDidChangeBundles', { bundleId });
      return { bundleId };
    },

    replay,

    async replayAgain(replayId: string, waitMs: number): Promise<ReplayView> {
      const record = deps.replays.get(replayId);
      const { bundle } = readBundle(record.bundleId);
      const job = jobOf(record.workspaceId, record.jobId);
      if (!job) throw new AppError('not_found', 'The replay workspace or its job is gone; replay the bundle again.');
      // The portal may have changed since (a property created to fix it): map against what it has now.
      try {
        await deps.mapping.refreshProperties(record.workspaceId);
      } catch (error) {
        logger.info('replay again: property definitions not read', { workspaceId: record.workspaceId, error: (error as Error).message });
      }
      if (job.state === 'succeeded') {
        const pushed = await deps.push.push(record.workspaceId, { kind: 'ids', ids: [job.leadId] }, 'replay');
        record.jobId = pushed.jobIds[0]!;
        deps.replays.save(record);
      } else if (FINAL.has(job.state)) {
        deps.push.retry(record.workspaceId, record.jobId);
      }
      deps.ensureRunner([record.workspaceId]);
      await waitForEnd(record.workspaceId, record.jobId, waitMs);
      events.emit('support.onDidChangeBundles', { bundleId: record.bundleId });
      return viewOf(record, bundle);
    },

    /** The gateway of a replay workspace (to change its sandbox portal, e.g. create the missing property). */
    async replayGateway(workspaceId: string): Promise<HubSpotGateway> {
      if (!deps.replays.byWorkspace(workspaceId)) throw new AppError('validation', 'This workspace is not a replay.');
      return deps.hubspot(workspaceId);
    },

    replayView(replayId: string): ReplayView {
      const record = deps.replays.get(replayId);
      return viewOf(record, readBundle(record.bundleId).bundle);
    },

    /** Edit and replay: an attempt against a later one (default: the newest against the last one that ended before it). */
    compareAttempts(input: { workspaceId: string; jobId: string; beforeAttemptId?: string | undefined; afterAttemptId?: string | undefined }): OutcomeComparison {
      const job = deps.push.job(input.workspaceId, input.jobId);
      const attempts = job.attemptDetails;
      const find = (id: string) => {
        const attempt = attempts.find((a) => a.attemptId === id);
        if (!attempt) throw new AppError('not_found', `Job ${input.jobId} has no attempt ${id}.`);
        return attempt;
      };
      const after = input.afterAttemptId ? find(input.afterAttemptId) : (attempts.at(-1) ?? null);
      const afterIndex = after ? attempts.indexOf(after) : attempts.length;
      const before = input.beforeAttemptId ? find(input.beforeAttemptId) : ([...attempts.slice(0, afterIndex)].reverse().find((a) => a.status !== 'interrupted' && a.status !== 'running') ?? null);
      if (!before) throw new AppError('conflict', 'This job has no earlier attempt to compare with.');
      const afterState = after && after === attempts.at(-1) ? job.state : after ? stateOfAttempt(after.status) : job.state;
      return compareOutcomes({ state: stateOfAttempt(before.status), attempt: before }, { state: afterState, attempt: after }, { before: 'the previous attempt', after: 'the new attempt' });
    },
  };
}
