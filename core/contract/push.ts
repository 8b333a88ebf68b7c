import { z } from 'zod';
import { Id, IsoTime } from './common.ts';
import { defineEvents, defineMethods } from './define.ts';
import { ErrorCode } from './errors.ts';
import { CsvPiece, LeadFilter } from './leads.ts';

/**
 * Push jobs and Sync History (SPEC §4, §5). Every push of a lead is a job with the steps
 * contact → company → list; every run of a job is an attempt, and the attempts are the history.
 * `core/push/README.md` explains the engine behind these shapes.
 */

// ---------- states ----------

/**
 * A job's state. `retrying` has `nextAttemptAt`; `waiting_for_network` and `paused_reauthorize`
 * keep their place and resume by themselves (no attempt is spent while waiting).
 */
export const JOB_STATES = [
  'queued',
  'running',
  'retrying',
  'succeeded',
  'succeeded_with_warnings',
  'failed',
  'cancelled',
  'waiting_for_network',
  'paused_reauthorize',
] as const;
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

/** States a job leaves only by being run, retried, resumed or cancelled. */
export const PENDING_JOB_STATES = ['queued', 'retrying', 'waiting_for_network', 'paused_reauthorize'] as const satisfies readonly JobState[];
/** States a job never leaves by itself (Retry and a new push start it again). */
export const FINAL_JOB_STATES = ['succeeded', 'succeeded_with_warnings', 'failed', 'cancelled'] as const satisfies readonly JobState[];

export const JOB_STATE_LABELS: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  retrying: 'Retrying',
  succeeded: 'Succeeded',
  succeeded_with_warnings: 'Succeeded with warnings',
  failed: 'Failed',
  cancelled: 'Cancelled',
  waiting_for_network: 'Waiting for network',
  paused_reauthorize: 'Paused (reauthorize)',
};

/**
 * How one attempt ended. `retrying`: it failed on a 429 or a transient failure and the job was
 * requeued (it counts toward the retry schedule); `interrupted`: it did not finish (the app stopped,
 * the network dropped, or the connection needs reauthorizing) and does not count as an attempt.
 */
export const ATTEMPT_STATUSES = ['running', 'succeeded', 'succeeded_with_warnings', 'failed', 'retrying', 'cancelled', 'interrupted'] as const;
export const AttemptStatus = z.enum(ATTEMPT_STATUSES);

/** How Sync History words an attempt's status (the table, the job detail, the CSV export). */
export const ATTEMPT_STATUS_LABELS: Record<(typeof ATTEMPT_STATUSES)[number], string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  succeeded_with_warnings: 'With warnings',
  failed: 'Failed',
  retrying: 'Retried',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};
export type AttemptStatus = z.infer<typeof AttemptStatus>;

/** Why a job ended `cancelled` without anything being sent. */
export const CancelReason = z.enum(['excluded_by_filter', 'cancelled_by_user', 'lead_deleted', 'superseded']);
export type CancelReason = z.infer<typeof CancelReason>;

export const CANCEL_REASON_LABELS: Record<CancelReason, string> = {
  excluded_by_filter: 'Excluded by filter',
  cancelled_by_user: 'Cancelled',
  lead_deleted: 'Lead deleted',
  superseded: 'Replaced by a newer push',
};

// ---------- steps ----------

export const StepName = z.enum(['contact', 'company', 'list']);
export type StepName = z.infer<typeof StepName>;

/**
 * What a step did. contact: created / updated (an upsert that found the email, or the phone
 * fallback's match). company: created / matched_by_domain / matched_by_name, then associated;
 * `none` when the lead names no company, `off` when Company Mapping is off. list: added /
 * already_member / skipped_dynamic; `none` when no list is chosen. `not_run`: an earlier step failed.
 */
export const StepOutcome = z.enum([
  'pending',
  'created',
  'updated',
  'matched_by_domain',
  'matched_by_name',
  'added',
  'already_member',
  'skipped_dynamic',
  'none',
  'off',
  'not_run',
  'failed',
]);
export type StepOutcome = z.infer<typeof StepOutcome>;

/** The words the history and job detail show for an outcome (list results as SPEC §4 names them). */
export const STEP_OUTCOME_LABELS: Record<StepOutcome, string> = {
  pending: 'Pending',
  created: 'Created',
  updated: 'Updated',
  matched_by_domain: 'Matched by domain',
  matched_by_name: 'Matched by name',
  added: 'Added',
  already_member: 'Already a member',
  skipped_dynamic: 'Skipped (dynamic list)',
  none: 'Nothing to do',
  off: 'Off',
  not_run: 'Not run',
  failed: 'Failed',
};

/** A classified failure: SPEC §4's words for the code, what HubSpot said, and the raw response. */
export const JobError = z.object({
  code: ErrorCode,
  title: z.string(),
  meaning: z.string(),
  fix: z.string(),
  /** Specific to this lead: names the property and value, the scopes, the existing contact. */
  message: z.string(),
  /** property, value, properties, problems[], scopes[], existingId, status, category, correlationId, policy, network. */
  details: z.record(z.string(), z.unknown()),
  /** HubSpot's response as it came (redacted): "HTTP 400 {…}". Null when no call was made. */
  response: z.string().nullable(),
});
export type JobError = z.infer<typeof JobError>;

export const StepResult = z.object({
  step: StepName,
  outcome: StepOutcome,
  /** STEP_OUTCOME_LABELS[outcome], or a warning such as "Failed (skipped: On failure is Skip)". */
  label: z.string(),
  /** The contact's, company's or list's id in HubSpot. */
  hubspotId: z.string().nullable(),
  /** Why it failed (or, for a company step that was skipped after a failure, the warning). */
  error: JobError.nullable(),
  at: IsoTime.nullable(),
});
export type StepResult = z.infer<typeof StepResult>;

/** Where the ids link to in HubSpot's UI; null for the sandbox portal or an unknown portal. */
export const RecordLinks = z.object({
  contact: z.string().nullable(),
  company: z.string().nullable(),
  list: z.string().nullable(),
});
export type RecordLinks = z.infer<typeof RecordLinks>;

// ---------- jobs ----------

export const JobOrigin = z.enum(['manual', 'auto_sync', 'cli', 'replay']);
export type JobOrigin = z.infer<typeof JobOrigin>;

export const JobSummary = z.object({
  jobId: Id,
  leadId: Id,
  /** The lead's name (or company, or email) when the job was queued: deleted leads keep their history. */
  leadLabel: z.string(),
  leadEmail: z.string(),
  state: JobState,
  origin: JobOrigin,
  /** Attempts made (interrupted ones included, see AttemptStatus). */
  attempts: z.number().int(),
  /** Failed attempts that count toward the retry schedule since the job was last (re)queued by hand. */
  failures: z.number().int(),
  /** queued / retrying: when it runs next (null: as soon as a batch is free). */
  nextAttemptAt: IsoTime.nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  finishedAt: IsoTime.nullable(),
  /** failed, retrying, succeeded_with_warnings: the (last) error. */
  error: JobError.nullable(),
  cancelReason: CancelReason.nullable(),
  /** Plain words for waiting_for_network / paused_reauthorize / cancelled. */
  stateReason: z.string().nullable(),
  contactId: z.string().nullable(),
  companyId: z.string().nullable(),
  listResult: StepOutcome.nullable(),
  steps: z.array(StepResult),
});
export type JobSummary = z.infer<typeof JobSummary>;

/** One HTTP exchange with HubSpot, as recorded (bodies redacted and clipped at 64 KB). */
export const ExchangeRecord = z.object({
  exchangeId: Id,
  /** What the engine called it: contacts.batch.upsert, companies.search, lists.add… */
  call: z.string(),
  method: z.string(),
  url: z.string(),
  /** 0 when no response came back (timeout, reset). */
  status: z.number().int(),
  durationMs: z.number().int(),
  at: IsoTime,
  requestBody: z.string().nullable(),
  responseBody: z.string().nullable(),
  error: z.string().nullable(),
  /** How many leads the call carried: batch calls carry batch-mates' data too. */
  inputs: z.number().int(),
});
export type ExchangeRecord = z.infer<typeof ExchangeRecord>;

/** What an attempt sent for this lead after the update rules: the properties written. */
export const SentProperties = z.object({
  contact: z.record(z.string(), z.string()).nullable(),
  company: z.record(z.string(), z.string()).nullable(),
  listId: z.string().nullable(),
});
export type SentProperties = z.infer<typeof SentProperties>;

// ---------- history ----------

/** One row of Sync History: one attempt of one job. */
export const HistoryRow = z.object({
  attemptId: Id,
  jobId: Id,
  leadId: Id,
  leadLabel: z.string(),
  leadEmail: z.string(),
  /** 1, 2, …: which attempt of its job. */
  attempt: z.number().int(),
  status: AttemptStatus,
  startedAt: IsoTime,
  finishedAt: IsoTime.nullable(),
  durationMs: z.number().int().nullable(),
  errorCode: ErrorCode.nullable(),
  /** SPEC §4's title for errorCode. */
  errorTitle: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /** The step the error (or the warning) belongs to. */
  failedStep: StepName.nullable(),
  contactId: z.string().nullable(),
  companyId: z.string().nullable(),
  listResult: StepOutcome.nullable(),
  /** retrying: when the next attempt runs. */
  nextAttemptAt: IsoTime.nullable(),
  cancelReason: CancelReason.nullable(),
});
export type HistoryRow = z.infer<typeof HistoryRow>;

export const AttemptDetail = HistoryRow.extend({
  steps: z.array(StepResult),
  error: JobError.nullable(),
  sent: SentProperties.nullable(),
  /** The batch the attempt ran in, how many jobs it held, and the HTTP calls it made for them. */
  batchId: z.string(),
  batchSize: z.number().int(),
  exchanges: z.array(ExchangeRecord),
  links: RecordLinks,
});
export type AttemptDetail = z.infer<typeof AttemptDetail>;

export const JobDetail = JobSummary.extend({
  /** Oldest first. */
  attemptDetails: z.array(AttemptDetail),
  links: RecordLinks,
});
export type JobDetail = z.infer<typeof JobDetail>;

const Search = z.string().trim().max(200);

/** Sync History filters. Every given filter must hold (AND); list values are alternatives (OR). */
export const HistoryFilter = z.object({
  statuses: z.array(AttemptStatus).max(ATTEMPT_STATUSES.length).optional(),
  /** Only attempts that failed (`failed`) or failed and were retried (`retrying`). */
  errorsOnly: z.boolean().optional(),
  /** By error: the title shown is SPEC §4's title of the code. */
  errorCodes: z.array(ErrorCode).max(30).optional(),
  /** Attempts whose error or warning belongs to one of these steps. */
  steps: z.array(StepName).max(3).optional(),
  /** started at ≥ from, < to. */
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  /** Words matched as prefixes in the lead's name and email and the error message. */
  search: Search.optional(),
  leadId: Id.optional(),
  jobId: Id.optional(),
});
export type HistoryFilter = z.infer<typeof HistoryFilter>;

export const HistoryPage = z.object({
  items: z.array(HistoryRow),
  /** Keyset cursor for the next (older) page; absent on the last page. */
  next: z.string().optional(),
  /** The portal the record links point at (null: no links, e.g. the sandbox portal). */
  portal: z.object({ portalId: z.number().int(), uiDomain: z.string() }).nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

export const BucketSize = z.enum(['hour', 'day']);
export type BucketSize = z.infer<typeof BucketSize>;

export const OutcomeBucket = z.object({
  /** The bucket's first instant. */
  start: IsoTime,
  succeeded: z.number().int(),
  succeededWithWarnings: z.number().int(),
  failed: z.number().int(),
  /** Attempts that failed transiently and were requeued. */
  retried: z.number().int(),
  cancelled: z.number().int(),
});
export type OutcomeBucket = z.infer<typeof OutcomeBucket>;

/** Which jobs: for the queue view, Cancel and Retry all failed. */
export const JobFilter = z.object({
  states: z.array(JobState).max(JOB_STATES.length).optional(),
  errorCodes: z.array(ErrorCode).max(30).optional(),
  leadIds: z.array(Id).max(1000).optional(),
  /** The pushes of one HubSpot contact (a record page's sync card): jobs that wrote to its id, or whose lead had its email. */
  hubspotContact: z.object({ id: z.string().trim().min(1).max(40), email: z.string().trim().max(320).optional() }).optional(),
  /** Words matched as prefixes in the lead's name and email. */
  search: Search.optional(),
  /** Last updated at ≥ from, < to. */
  from: IsoTime.optional(),
  to: IsoTime.optional(),
});
export type JobFilter = z.infer<typeof JobFilter>;

export const JobPage = z.object({
  items: z.array(JobSummary),
  next: z.string().optional(),
});
export type JobPage = z.infer<typeof JobPage>;

// ---------- progress ----------

/** Counts of the jobs in each state (pending ones now; finished ones since the run began). */
export const StateCounts = z.object(Object.fromEntries(JOB_STATES.map((s) => [s, z.number().int()])) as Record<JobState, z.ZodNumber>);
export type StateCounts = z.infer<typeof StateCounts>;

export const PushProgress = z.object({
  workspaceId: Id,
  at: IsoTime,
  /** A run: from the moment jobs became ready until the queue is idle again. */
  active: z.boolean(),
  runStartedAt: IsoTime.nullable(),
  /** Pending states: jobs now; final states: jobs that finished since the run began. */
  counts: StateCounts,
  /** Jobs finished per second over the last 10 seconds. */
  leadsPerSecond: z.number(),
  /** HubSpot calls per second over the last 10 seconds, and the rate the budget allows. */
  callsPerSecond: z.number(),
  allowedCallsPerSecond: z.number().nullable(),
  /** Seconds until the ready jobs are done at the current rate (null: unknown or idle). */
  etaSeconds: z.number().nullable(),
  /** The earliest time a retrying job runs again. */
  nextAttemptAt: IsoTime.nullable(),
  /** Another Syncdesk process (the desktop app, a CLI) holds this workspace's queue. */
  heldElsewhere: z.boolean(),
});
export type PushProgress = z.infer<typeof PushProgress>;

// ---------- per-lead status (the Leads page column) ----------

export const LeadSyncStatus = z.object({
  leadId: Id,
  jobId: Id,
  state: JobState,
  errorCode: ErrorCode.nullable(),
  errorTitle: z.string().nullable(),
  cancelReason: CancelReason.nullable(),
  contactId: z.string().nullable(),
  updatedAt: IsoTime,
});
export type LeadSyncStatus = z.infer<typeof LeadSyncStatus>;

// ---------- requests ----------

/** Which leads to push. */
export const PushTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ids'), ids: z.array(Id).min(1).max(10_000) }),
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('matching'), filter: LeadFilter.omit({ workspaceId: true }) }),
]);
export type PushTarget = z.infer<typeof PushTarget>;

export const PushResult = z.object({
  /** New jobs. */
  queued: z.number().int(),
  /** Leads that already had a pending job: the push joined it (it sends the lead's values as they are when it runs). */
  coalesced: z.number().int(),
  /** The jobs of the first 100 leads. */
  jobIds: z.array(Id),
});
export type PushResult = z.infer<typeof PushResult>;

export const PushSettingsView = z.object({
  /** Attempts older than this are pruned (SPEC §5: 30 days by default). */
  retentionDays: z.number().int().min(1).max(365),
});
export type PushSettingsView = z.infer<typeof PushSettingsView>;

const Workspace = z.object({ workspaceId: Id });
const PageLimit = z.number().int().min(1).max(500).default(100);

export const pushMethods = defineMethods({
  /** Queues a push of leads (coalescing into their pending jobs). */
  'push.leads': { input: Workspace.extend({ target: PushTarget }), output: PushResult },
  /** Cancels pending jobs (a running job stops before its next step). */
  'push.cancel': { input: Workspace.extend({ jobIds: z.array(Id).min(1).max(10_000) }), output: z.object({ cancelled: z.number().int() }) },
  /** Queues a failed, cancelled or finished job again now; its attempts go on numbering. */
  'push.retry': { input: Workspace.extend({ jobId: Id }), output: JobSummary },
  /** Retry all failed: `preview` only counts. Only `failed` jobs matching the filter are retried. */
  'push.retryFailed': {
    input: Workspace.extend({ filter: JobFilter.default({}), preview: z.boolean().default(false) }),
    output: z.object({ count: z.number().int(), retried: z.number().int() }),
  },
  /** The queue, newest first. */
  'push.jobs': { input: Workspace.extend({ filter: JobFilter.default({}), limit: PageLimit, after: z.string().max(200).optional() }), output: JobPage },
  'push.job': { input: Workspace.extend({ jobId: Id }), output: JobDetail },
  'push.attempt': { input: Workspace.extend({ attemptId: Id }), output: AttemptDetail },
  /** Sync History, newest first, paged by key. */
  'push.history': { input: Workspace.extend({ filter: HistoryFilter.default({}), limit: PageLimit, after: z.string().max(200).optional() }), output: HistoryPage },
  /** Sync History under a filter as CSV, newest first, in pieces (`next` until the last): UTF-8 with BOM, formula cells neutralised. */
  'push.exportHistoryCsv': { input: Workspace.extend({ filter: HistoryFilter.default({}), after: z.string().max(200).optional() }), output: CsvPiece },
  /** How many history rows match (counted up to `cap`; `capped` when there are more). */
  'push.historyCount': {
    input: Workspace.extend({ filter: HistoryFilter.default({}), cap: z.number().int().min(1).max(1_000_000).default(100_000) }),
    output: z.object({ count: z.number().int(), capped: z.boolean() }),
  },
  /** Outcomes over time for the chart. `timeZone` (IANA) sets where days begin; hours are UTC hours. */
  'push.buckets': {
    input: Workspace.extend({ from: IsoTime, to: IsoTime, size: BucketSize, timeZone: z.string().max(64).default('UTC') }),
    output: z.object({ buckets: z.array(OutcomeBucket) }),
  },
  /** The error codes (with titles and counts) in the history since `from`: the error filter's choices. */
  'push.errorTitles': {
    input: Workspace.extend({ from: IsoTime.optional() }),
    output: z.object({ errors: z.array(z.object({ code: ErrorCode, title: z.string(), count: z.number().int() })) }),
  },
  'push.progress': { input: Workspace, output: PushProgress },
  /** The last job of each lead (the Leads page's sync status column). Leads never pushed are left out. */
  'push.leadStatuses': { input: Workspace.extend({ leadIds: z.array(Id).max(500) }), output: z.object({ statuses: z.array(LeadSyncStatus) }) },
  'push.getSettings': { input: Workspace, output: PushSettingsView },
  'push.saveSettings': { input: Workspace.extend({ settings: PushSettingsView }), output: PushSettingsView },
});

export const pushEvents = defineEvents({
  /**
   * Jobs changed state. `jobs` holds up to 200 of them; `bulk` says more changed than listed (the
   * UI reloads what it shows). `leadIds`: the leads whose sync status changed (up to 500).
   */
  'push.onDidChangeJobs': z.object({
    workspaceId: Id,
    jobs: z.array(JobSummary),
    leadIds: z.array(Id),
    bulk: z.boolean(),
  }),
  /** At most twice a second while a run is active, and once when it ends. */
  'push.onDidProgress': PushProgress,
  /** History rows were added or finished (the open history page refreshes its first page). */
  'push.onDidChangeHistory': z.object({ workspaceId: Id, attempts: z.number().int() }),
});

/** A record's page in HubSpot's UI. */
export function hubspotRecordUrl(portal: { portalId: number; uiDomain: string }, objectTypeId: '0-1' | '0-2', id: string): string {
  return `https://${portal.uiDomain}/contacts/${portal.portalId}/record/${objectTypeId}/${encodeURIComponent(id)}`;
}
