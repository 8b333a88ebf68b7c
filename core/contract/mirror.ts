import { z } from 'zod';
import { Id, IsoTime, page, PageRequest } from './common.ts';
import { defineEvents, defineMethods } from './define.ts';
import { AppErrorData, ErrorCode } from './errors.ts';

export const MirrorMode = z.enum(['full', 'incremental']);
export type MirrorMode = z.infer<typeof MirrorMode>;

export const StreamName = z.string().min(1).max(64).regex(/^[a-z0-9_]+$/, 'Stream names are lower-case words joined by underscores.');
export const Provider = z.enum(['hubspot', 'stripe']);
export type Provider = z.infer<typeof Provider>;

export const RunStatus = z.enum(['running', 'succeeded', 'partial', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;
export const RunTrigger = z.enum(['manual', 'schedule', 'cli', 'retry', 'connect']);
export type RunTrigger = z.infer<typeof RunTrigger>;

export const Counts = z.object({
  fetched: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
});
export type Counts = z.infer<typeof Counts>;

export const StreamRunSummary = Counts.extend({
  stream: StreamName,
  provider: Provider,
  /** What the stream actually did: an incremental request on a stream never synced runs a full one. */
  mode: z.enum(['full', 'incremental', 'resync']),
  status: z.enum(['succeeded', 'skipped', 'failed', 'cancelled']),
  durationMs: z.number().int(),
  /** The stream's cursor after the run (HubSpot: last-modified time everything up to is stored). */
  cursor: IsoTime.nullable(),
  /** Skipped streams say why (a missing scope names it). */
  warning: z.string().optional(),
  error: AppErrorData.optional(),
  /** Resumed from a checkpoint an earlier, interrupted run left. */
  resumed: z.boolean().optional(),
});
export type StreamRunSummary = z.infer<typeof StreamRunSummary>;

export const MirrorRun = Counts.extend({
  id: z.number().int(),
  mode: z.enum(['full', 'incremental', 'resync']),
  trigger: RunTrigger,
  status: RunStatus,
  startedAt: IsoTime,
  finishedAt: IsoTime.nullable(),
  durationMs: z.number().int().nullable(),
  errorCount: z.number().int(),
  streams: z.array(StreamRunSummary),
  message: z.string().nullable(),
});
export type MirrorRun = z.infer<typeof MirrorRun>;

export const RunError = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  at: IsoTime,
  stream: z.string(),
  provider: Provider,
  objectType: z.string().nullable(),
  recordId: z.string().nullable(),
  code: ErrorCode,
  message: z.string(),
  /** The provider's response body (redacted, bounded). */
  response: z.string().nullable(),
  retriedAt: IsoTime.nullable(),
  retryStatus: z.string().nullable(),
});
export type RunError = z.infer<typeof RunError>;

export const StreamState = z.object({
  name: StreamName,
  provider: Provider,
  label: z.string(),
  objectType: z.string().nullable(),
  lastFullAt: IsoTime.nullable(),
  lastIncrementalAt: IsoTime.nullable(),
  cursor: IsoTime.nullable(),
  lastStatus: z.string().nullable(),
  lastWarning: z.string().nullable(),
  lastError: z.string().nullable(),
  /** An interrupted run left a checkpoint: the next run continues from it. */
  resumable: z.boolean(),
  /** Local rows (live ones for CRM records). */
  count: z.number().int(),
});
export type StreamState = z.infer<typeof StreamState>;

export const Drift = z.object({
  objectType: z.string(),
  at: IsoTime,
  localCount: z.number().int(),
  remoteCount: z.number().int(),
  /** In HubSpot but not here (checked only when cheap: small portals). */
  missingIds: z.array(z.string()),
  /** Here but no longer in HubSpot. */
  extraIds: z.array(z.string()),
});
export type Drift = z.infer<typeof Drift>;

export const StalenessWarning = z.object({ kind: z.enum(['incremental', 'full']), message: z.string() });

export const MirrorStatus = z.object({
  workspaceId: Id,
  running: MirrorRun.nullable(),
  lastIncrementalAt: IsoTime.nullable(),
  lastFullAt: IsoTime.nullable(),
  warnings: z.array(StalenessWarning),
  streams: z.array(StreamState),
  /** Object types whose last reconciliation found local and HubSpot counts apart. */
  drift: z.array(Drift),
  nextIncrementalAt: IsoTime.nullable(),
  nextFullAt: IsoTime.nullable(),
  portalTimeZone: z.string().nullable(),
});
export type MirrorStatus = z.infer<typeof MirrorStatus>;

export const MirrorSettings = z.object({
  /** Scheduled runs while the app runs; off: only Run sync now. */
  scheduleEnabled: z.boolean(),
  incrementalMinutes: z.number().int().min(1).max(1440),
  /** Local hour of the nightly full sync. */
  fullSyncHour: z.number().int().min(0).max(23),
  /** Incremental searches start this long before the saved cursor (search-index lag, clock skew). */
  lookbackMinutes: z.number().int().min(0).max(1440),
  /** Records last modified before this are not mirrored; null: everything. */
  startDate: IsoTime.nullable(),
  /** How often an incremental run also sweeps HubSpot's archived (deleted) records. */
  archivedSweepHours: z.number().int().min(1).max(168),
  /** Mirror only the companies in this HubSpot list; null: all companies. */
  companyListId: z.string().max(32).nullable(),
  /** Lists whose memberships are mirrored too. */
  membershipListIds: z.array(z.string().max(32)).max(20),
  /** Company property holding the Stripe customer id (else the email domain links). */
  stripeLinkProperty: z.string().min(1).max(100),
  /** Count once/repeating coupons in MRR while they apply (Stripe's default: only forever coupons). */
  includeLimitedCoupons: z.boolean(),
});
export type MirrorSettings = z.infer<typeof MirrorSettings>;

export const ResyncResult = z.object({
  provider: Provider,
  objectType: z.string(),
  id: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'deleted']),
});
export type ResyncResult = z.infer<typeof ResyncResult>;

export const MirrorList = z.object({ id: z.string(), name: z.string(), objectTypeId: z.string(), processingType: z.string(), size: z.number().int().nullable() });

const WorkspaceInput = z.object({ workspaceId: Id });

export const mirrorMethods = defineMethods({
  'mirror.status': { input: WorkspaceInput, output: MirrorStatus },
  /** Starts a run in the background (progress arrives as events); refused while one runs. */
  'mirror.run': {
    input: WorkspaceInput.extend({ mode: MirrorMode.default('incremental'), streams: z.array(StreamName).max(50).optional() }),
    output: z.object({ runId: z.number().int() }),
  },
  'mirror.cancel': { input: WorkspaceInput, output: z.object({ cancelled: z.boolean() }) },
  'mirror.runs': { input: WorkspaceInput.extend(PageRequest.shape).extend({ errorsOnly: z.boolean().default(false) }), output: page(MirrorRun) },
  'mirror.errors': { input: WorkspaceInput.extend(PageRequest.shape).extend({ runId: z.number().int().optional() }), output: page(RunError) },
  /** Retry this record: pulls the record of a run-log error fresh from its provider. */
  'mirror.retryError': { input: WorkspaceInput.extend({ errorId: z.number().int() }), output: ResyncResult },
  /** Resync from HubSpot / from Stripe: pulls one record fresh and overwrites the mirrored copy. */
  'mirror.resync': { input: WorkspaceInput.extend({ provider: Provider, objectType: z.string().min(1).max(64), id: z.string().min(1).max(64) }), output: ResyncResult },
  'mirror.getSettings': { input: WorkspaceInput, output: MirrorSettings },
  'mirror.setSettings': { input: WorkspaceInput.extend({ settings: MirrorSettings.partial() }), output: MirrorSettings },
  /** The portal's lists as last mirrored (to choose a company scope or memberships). */
  'mirror.lists': { input: WorkspaceInput, output: z.object({ lists: z.array(MirrorList) }) },
});

export const ProgressEvent = Counts.extend({
  workspaceId: Id,
  runId: z.number().int(),
  stream: z.string(),
  /** Records per second of this stream so far. */
  perSecond: z.number(),
  elapsedMs: z.number().int(),
  done: z.boolean(),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

export const mirrorEvents = defineEvents({
  /** Per-stream counts during a run, a few times a second at most. */
  'mirror.onDidProgress': ProgressEvent,
  /** A run started or finished, settings changed, or a record was resynced: reload status. */
  'mirror.onDidChange': z.object({ workspaceId: Id, runId: z.number().int().optional(), status: RunStatus.optional() }),
});

// ——— Browse (records) ———

export const RecordObjectType = z.enum(['contacts', 'companies', 'deals']);
export type RecordObjectType = z.infer<typeof RecordObjectType>;

export const RecordRow = z.object({
  id: z.string(),
  objectType: RecordObjectType,
  label: z.string(),
  subtitle: z.string(),
  ownerName: z.string().nullable(),
  updatedAt: IsoTime.nullable(),
  archived: z.boolean(),
});
export type RecordRow = z.infer<typeof RecordRow>;

export const RecordProperty = z.object({
  name: z.string(),
  label: z.string(),
  value: z.string().nullable(),
  /** The option label for dropdowns, the owner's name for owner properties, else the value. */
  display: z.string().nullable(),
  type: z.string().nullable(),
  groupName: z.string().nullable(),
});

export const RecordAssociation = z.object({
  objectType: RecordObjectType,
  id: z.string(),
  /** null when the associated record isn't in the mirror (yet). */
  label: z.string().nullable(),
  labels: z.array(z.string()),
});

export const CurrencyAmount = z.object({ currency: z.string(), mrrMinor: z.string() });
export type CurrencyAmount = z.infer<typeof CurrencyAmount>;

export const LinkedCustomer = z.object({
  customerId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  method: z.enum(['property', 'domain']),
  mrr: z.array(CurrencyAmount),
});

export const RecordDetail = z.object({
  id: z.string(),
  objectType: RecordObjectType,
  label: z.string(),
  subtitle: z.string(),
  createdAt: IsoTime.nullable(),
  updatedAt: IsoTime.nullable(),
  archived: z.boolean(),
  archivedAt: IsoTime.nullable(),
  /** `archived` (HubSpot's recycle bin) or `missing` (gone from HubSpot without a trace). */
  deletedReason: z.string().nullable(),
  syncedAt: IsoTime,
  properties: z.array(RecordProperty),
  associations: z.array(RecordAssociation),
  /** Companies: the Stripe customers linked to it, with their MRR. */
  billing: z.array(LinkedCustomer),
  mrr: z.array(CurrencyAmount),
});
export type RecordDetail = z.infer<typeof RecordDetail>;

export const recordMethods = defineMethods({
  /** Mirrored records, sorted by label, paged by key. `search` matches names, emails and domains. */
  'records.list': {
    input: WorkspaceInput.extend(PageRequest.shape).extend({
      objectType: RecordObjectType,
      search: z.string().max(200).optional(),
      deleted: z.boolean().default(false),
      /** Filters on indexed fields (owner) or any property (equality). */
      ownerId: z.string().max(32).optional(),
      property: z.object({ name: z.string().min(1).max(100), value: z.string().max(500) }).optional(),
      /** Members of a HubSpot list whose memberships the mirror keeps (settings: membershipListIds). */
      listId: z.string().max(32).optional(),
    }),
    output: page(RecordRow).extend({ total: z.number().int() }),
  },
  'records.get': { input: WorkspaceInput.extend({ objectType: RecordObjectType, id: z.string().min(1).max(64) }), output: RecordDetail },
  /** Owners, for the owner filter. */
  'records.owners': { input: WorkspaceInput, output: z.object({ owners: z.array(z.object({ id: z.string(), name: z.string(), email: z.string().nullable() })) }) },
});

// ——— Billing (Stripe) ———

export const BillingCustomer = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  deleted: z.boolean(),
  subscriptions: z.number().int(),
  mrr: z.array(CurrencyAmount),
  company: z.object({ id: z.string(), label: z.string(), method: z.enum(['property', 'domain']) }).nullable(),
});
export type BillingCustomer = z.infer<typeof BillingCustomer>;

export const BillingSubscription = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  status: z.string(),
  currency: z.string(),
  mrrMinor: z.string(),
  counted: z.boolean(),
  reason: z.string().nullable(),
  items: z.array(z.object({ priceId: z.string(), product: z.string().nullable(), quantity: z.number().int(), interval: z.string().nullable() })),
});
export type BillingSubscription = z.infer<typeof BillingSubscription>;

export const BillingSummary = z.object({
  connected: z.boolean(),
  totals: z.array(CurrencyAmount),
  customers: z.number().int(),
  linkedCustomers: z.number().int(),
  subscriptions: z.number().int(),
  countedSubscriptions: z.number().int(),
  lastSyncAt: IsoTime.nullable(),
});
export type BillingSummary = z.infer<typeof BillingSummary>;

export const billingMethods = defineMethods({
  'billing.summary': { input: WorkspaceInput, output: BillingSummary },
  'billing.customers': { input: WorkspaceInput.extend(PageRequest.shape).extend({ search: z.string().max(200).optional() }), output: page(BillingCustomer) },
  'billing.subscriptions': {
    input: WorkspaceInput.extend(PageRequest.shape).extend({ customerId: z.string().max(64).optional() }),
    output: page(BillingSubscription),
  },
});
