import { z } from 'zod';
import { Id, IsoTime } from './common.ts';
import { defineEvents, defineMethods } from './define.ts';
import { ErrorCode } from './errors.ts';
import { CustomField, Lead } from './leads.ts';
import { HubSpotList, MappingProperty, PushSettings } from './mapping.ts';
import { AttemptDetail, ExchangeRecord, JobError, JobState, JobSummary, RecordLinks, SentProperties, StepName, StepOutcome } from './push.ts';
import { WorkspaceKind } from './workspaces.ts';

/**
 * Report an issue, import a bundle, replay, and before/after comparisons (SPEC §4).
 * `core/support/README.md` documents the bundle format; `support-bundle.schema.json` beside it is the
 * JSON Schema generated from `SupportBundle` below.
 */

export const SUPPORT_BUNDLE_FORMAT = 'syncdesk-support-bundle';
export const SUPPORT_BUNDLE_VERSION = 1;
/** A bundle larger than this is refused on import (a job's attempts with 64 KB bodies stay far below). */
export const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

/** An exchange as a bundle carries it: batch calls keep only this lead's inputs and results. */
export const BundleExchange = ExchangeRecord.extend({
  /** Inputs and results of other leads (batch-mates) taken out of the bodies. */
  otherItemsRemoved: z.number().int().min(0),
});
export type BundleExchange = z.infer<typeof BundleExchange>;

export const BundleAttempt = AttemptDetail.extend({ exchanges: z.array(BundleExchange) });
export type BundleAttempt = z.infer<typeof BundleAttempt>;

export const BundleJob = JobSummary.extend({ attemptDetails: z.array(BundleAttempt), links: RecordLinks });
export type BundleJob = z.infer<typeof BundleJob>;

export const SupportBundle = z.object({
  format: z.literal(SUPPORT_BUNDLE_FORMAT),
  version: z.literal(SUPPORT_BUNDLE_VERSION),
  bundleId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  createdAt: IsoTime,
  /** What the operator said happened (masked like the rest when `masked`). */
  note: z.string().max(5000),
  /** Names, emails, phones and free text were replaced by stable placeholders. */
  masked: z.boolean(),
  app: z.object({
    name: z.string(),
    version: z.string(),
    host: z.string(),
    versions: z.object({ node: z.string(), electron: z.string().optional(), sqlite: z.string() }),
  }),
  os: z.object({ platform: z.string(), release: z.string(), arch: z.string(), description: z.string() }),
  workspace: z.object({ id: Id, name: z.string(), kind: WorkspaceKind }),
  /** The HubSpot connection when the bundle was written (never its credentials). */
  connection: z.object({
    state: z.string().nullable(),
    authKind: z.string().nullable(),
    portalId: z.number().int().nullable(),
    uiDomain: z.string().nullable(),
    scopes: z.array(z.string()),
  }),
  job: BundleJob,
  lead: z.object({
    /** The lead as it is now (null: deleted since). */
    values: Lead.nullable(),
    /** The workspace's custom lead fields (replays recreate them). */
    fields: z.array(CustomField),
  }),
  settings: z.object({ push: PushSettings, retentionDays: z.number().int().nullable() }),
  /** The portal's definitions of the properties the mapping and the job touch, from the catalogue. */
  properties: z.object({
    contacts: z.array(MappingProperty),
    companies: z.array(MappingProperty),
    fetchedAt: IsoTime.nullable(),
    /** Names the mapping or the job use that the catalogue doesn't know (deleted, mistyped, never read). */
    unknown: z.array(z.object({ objectType: z.enum(['contacts', 'companies']), name: z.string() })),
  }),
  /** The list of the list step, as the catalogue of lists knew it. */
  list: HubSpotList.nullable(),
});
export type SupportBundle = z.infer<typeof SupportBundle>;

// ---------- comparisons (replay beside the original, edit and replay before/after) ----------

export const OutcomeSide = z.object({
  /** The attempt compared (null: the job has no attempt yet). */
  attemptId: z.string().nullable(),
  attempt: z.number().int().nullable(),
  state: JobState,
  at: IsoTime.nullable(),
  error: JobError.nullable(),
});
export type OutcomeSide = z.infer<typeof OutcomeSide>;

export const StepComparison = z.object({
  step: StepName,
  before: z.object({ outcome: StepOutcome, label: z.string(), hubspotId: z.string().nullable(), error: JobError.nullable() }),
  after: z.object({ outcome: StepOutcome, label: z.string(), hubspotId: z.string().nullable(), error: JobError.nullable() }),
  /** The outcome or the error code differs. */
  changed: z.boolean(),
});
export type StepComparison = z.infer<typeof StepComparison>;

export const PropertyChange = z.object({
  object: z.enum(['contact', 'company']),
  property: z.string(),
  /** null: not sent. */
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type PropertyChange = z.infer<typeof PropertyChange>;

/**
 * - reproduced: the same end (state and error code) as before;
 * - fixed: it failed (or warned) before and succeeds now;
 * - different: another end (a new error, or it succeeded before and fails now);
 * - pending: the new attempt hasn't finished.
 */
export const Verdict = z.enum(['reproduced', 'fixed', 'different', 'pending']);
export type Verdict = z.infer<typeof Verdict>;

export const OutcomeComparison = z.object({
  verdict: Verdict,
  /** One sentence: "The replay failed the same way: Mapped property doesn't exist (plan_tier)." */
  summary: z.string(),
  before: OutcomeSide,
  after: OutcomeSide,
  steps: z.array(StepComparison),
  /** Properties sent before and after, where they differ (values as sent, after the update rules). */
  properties: z.array(PropertyChange),
  sentBefore: SentProperties.nullable(),
  sentAfter: SentProperties.nullable(),
});
export type OutcomeComparison = z.infer<typeof OutcomeComparison>;

// ---------- imported bundles and replays ----------

export const ReplayTarget = z.discriminatedUnion('kind', [
  /** An embedded sandbox portal of its own, seeded from the bundle's property definitions (and list). */
  z.object({ kind: z.literal('sandbox') }),
  /** The portal a workspace of the agent's own is connected to. */
  z.object({ kind: z.literal('workspace'), workspaceId: Id }),
]);
export type ReplayTarget = z.infer<typeof ReplayTarget>;

export const ReplayView = z.object({
  replayId: Id,
  bundleId: z.string(),
  target: ReplayTarget,
  /** Where the target portal is, in words: "Sandbox portal 48152001" / "Acme (portal 123)". */
  targetLabel: z.string(),
  /** The replay workspace: it holds the lead, the bundle's mapping, the replayed job and its history. */
  workspaceId: Id,
  jobId: Id,
  startedAt: IsoTime,
  /**
   * Properties (and the list) created in the sandbox portal before the replay; `withheld`: definitions
   * the bundle has that were not created because HubSpot told the original push they don't exist
   * (the operator's stored definitions were older than the portal).
   */
  seeded: z.object({ properties: z.array(z.string()), list: z.string().nullable(), withheld: z.array(z.string()).default([]) }),
  comparison: OutcomeComparison,
});
export type ReplayView = z.infer<typeof ReplayView>;

export const BundleSummary = z.object({
  bundleId: z.string(),
  createdAt: IsoTime,
  importedAt: IsoTime,
  fileName: z.string(),
  bytes: z.number().int(),
  masked: z.boolean(),
  note: z.string(),
  appVersion: z.string(),
  workspaceName: z.string(),
  portalId: z.number().int().nullable(),
  leadLabel: z.string(),
  state: JobState,
  errorCode: ErrorCode.nullable(),
  errorTitle: z.string().nullable(),
  attempts: z.number().int(),
  replays: z.number().int(),
});
export type BundleSummary = z.infer<typeof BundleSummary>;

export const BundleView = z.object({
  summary: BundleSummary,
  bundle: SupportBundle,
  replays: z.array(ReplayView),
});
export type BundleView = z.infer<typeof BundleView>;

export const ExportedBundle = z.object({
  fileName: z.string(),
  /** The bundle, pretty-printed JSON. */
  text: z.string(),
  bytes: z.number().int(),
  attempts: z.number().int(),
  exchanges: z.number().int(),
  properties: z.number().int(),
  masked: z.boolean(),
});
export type ExportedBundle = z.infer<typeof ExportedBundle>;

const WorkspaceJob = z.object({ workspaceId: Id, jobId: Id });

export const supportMethods = defineMethods({
  /** Report an issue: one job's support bundle, secrets removed, personal data masked on request. */
  'support.exportBundle': {
    input: WorkspaceJob.extend({ mask: z.boolean().default(false), note: z.string().max(5000).default('') }),
    output: ExportedBundle,
  },
  /** Checks and stores a bundle (the same bundle twice is stored once). A foreign or damaged file is refused with what is wrong. */
  'support.importBundle': {
    input: z.object({ fileName: z.string().max(300).default('bundle.json'), text: z.string().max(MAX_BUNDLE_BYTES) }),
    output: BundleSummary,
  },
  'support.bundles': { input: z.object({}), output: z.object({ items: z.array(BundleSummary) }) },
  'support.bundle': { input: z.object({ bundleId: z.string().max(64) }), output: BundleView },
  'support.deleteBundle': { input: z.object({ bundleId: z.string().max(64) }), output: z.object({ bundleId: z.string() }) },
  /**
   * Replays the bundle's job through the push engine against the target, in a replay workspace of
   * its own, and waits (up to `waitMs`) for it to end: the comparison says whether it reproduced.
   */
  'support.replay': {
    input: z.object({ bundleId: z.string().max(64), target: ReplayTarget, waitMs: z.number().int().min(0).max(600_000).default(60_000) }),
    output: ReplayView,
  },
  /** Runs a replay's job again (after a fix in the replay workspace or the sandbox portal). */
  'support.replayAgain': { input: z.object({ replayId: Id, waitMs: z.number().int().min(0).max(600_000).default(60_000) }), output: ReplayView },
  'support.replayView': { input: z.object({ replayId: Id }), output: ReplayView },
  /**
   * Edit and replay's before/after: an attempt of a job against a later one (defaults: the last
   * failed attempt before the newest, and the newest).
   */
  'support.compareAttempts': {
    input: WorkspaceJob.extend({ beforeAttemptId: Id.optional(), afterAttemptId: Id.optional() }),
    output: OutcomeComparison,
  },
});

export const supportEvents = defineEvents({
  /** Imported bundles or their replays changed. */
  'support.onDidChangeBundles': z.object({ bundleId: z.string() }),
});
