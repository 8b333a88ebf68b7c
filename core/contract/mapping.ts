import { z } from 'zod';
import { Id, IsoTime } from './common.ts';
import { defineEvents, defineMethods } from './define.ts';
import { ErrorCode } from './errors.ts';
import { STANDARD_LEAD_FIELDS } from './leads.ts';

/**
 * Push settings of a workspace (SPEC §3): how a lead becomes a HubSpot contact (Field Mapping), a
 * company (Company Mapping), a list membership (Lists) and which leads are pushed at all (Advanced
 * config and the inclusion filter). `core/mapping/map-lead.ts` is the one place that applies them.
 */

// ---------- the settings ----------

/** A lead field: a standard field (`email`) or a custom one (`custom.<key>`). */
export const LeadFieldRef = z
  .string()
  .refine(
    (value) => (STANDARD_LEAD_FIELDS as readonly string[]).includes(value) || /^custom\.[a-z][a-z0-9_]{0,49}$/.test(value),
    'Use a standard lead field (firstName, lastName, email, phone, company, jobTitle, website, notes, source, owner) or custom.<key>.',
  );
export type LeadFieldRef = z.infer<typeof LeadFieldRef>;

/**
 * A HubSpot property's internal name. Only its length is checked here: a label typed by mistake
 * ("Plan Interest") is stored and flagged inline with the internal name to use instead.
 */
export const PropertyName = z.string().trim().min(1, 'Choose a HubSpot property.').max(100, 'Keep the property name under 100 characters.');

export const UpdateRule = z.enum(['overwrite', 'fillIfEmpty', 'neverOverwrite']);
export type UpdateRule = z.infer<typeof UpdateRule>;

export const DateOrder = z.enum(['auto', 'ymd', 'dmy', 'mdy']);
export type DateOrder = z.infer<typeof DateOrder>;

export const ValueMapFallback = z.object({
  /** keep: write the lead's value as it is; empty: write nothing; value: write `value`. */
  mode: z.enum(['keep', 'empty', 'value']),
  value: z.string().max(1000).default(''),
});
export type ValueMapFallback = z.infer<typeof ValueMapFallback>;

/** One step of a row's transform pipeline; applied in order to the lead's value. */
export const Transform = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('trim') }),
  z.object({ kind: z.literal('lowercase') }),
  /** "Ada Lovelace" → first: "Ada", last: "Lovelace" (the last word; "van Rossum" style particles stay with it). */
  z.object({ kind: z.literal('splitName'), part: z.enum(['first', 'last']) }),
  /** +14155550123, with the leads' default country for numbers written without a country code. */
  z.object({ kind: z.literal('phoneE164') }),
  /** To HubSpot's format for the target property: date → YYYY-MM-DD (midnight UTC), datetime → ISO 8601. */
  z.object({ kind: z.literal('date'), order: DateOrder.default('auto') }),
  /** A web address or an email address → its bare domain ("https://www.acme.com/x" → "acme.com"). */
  z.object({ kind: z.literal('domain') }),
  /** Lead value → dropdown option value (matched ignoring case and surrounding spaces), with a fallback. */
  z.object({
    kind: z.literal('valueMap'),
    entries: z.array(z.object({ from: z.string().max(1000), to: z.string().max(1000) })).max(500, 'A value map can have at most 500 entries.'),
    fallback: ValueMapFallback.default({ mode: 'keep', value: '' }),
  }),
]);
export type Transform = z.infer<typeof Transform>;
export type TransformKind = Transform['kind'];

export const RowId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'Row ids are 1–40 letters, digits, - or _.');

export const MappingRow = z.object({
  /** Stable id: problems, test results and job records name the row by it. */
  id: RowId,
  source: LeadFieldRef,
  property: PropertyName,
  enabled: z.boolean().default(true),
  transforms: z.array(Transform).max(10, 'A row can have at most 10 transforms.').default([]),
  updateRule: UpdateRule.default('overwrite'),
});
export type MappingRow = z.infer<typeof MappingRow>;

export const CompanyOnFailure = z.enum(['skip', 'fail']);
export type CompanyOnFailure = z.infer<typeof CompanyOnFailure>;

export const CompanySettings = z.object({
  /** Off: pushes have no company step. */
  enabled: z.boolean().default(true),
  rows: z.array(MappingRow).max(200).default([]),
  /** skip: the contact still syncs and the company failure is noted; fail: the whole job fails. */
  onFailure: CompanyOnFailure.default('skip'),
});
export type CompanySettings = z.infer<typeof CompanySettings>;

export const ListSettings = z.object({
  /** The static list (MANUAL or SNAPSHOT) each pushed contact is added to; null: no list step. */
  listId: z.string().regex(/^\d{1,20}$/, 'A HubSpot list id is a number.').nullable().default(null),
  /** Remembered for showing the choice offline. */
  listName: z.string().max(300).nullable().default(null),
  processingType: z.string().max(40).nullable().default(null),
});
export type ListSettings = z.infer<typeof ListSettings>;

export const FilterOperator = z.enum(['equals', 'contains', 'isEmpty', 'isNotEmpty']);
export type FilterOperator = z.infer<typeof FilterOperator>;

export const FilterRule = z.object({
  field: LeadFieldRef,
  op: FilterOperator,
  /** Compared ignoring case and surrounding spaces; unused by isEmpty / isNotEmpty. */
  value: z.string().max(1000).default(''),
});
export type FilterRule = z.infer<typeof FilterRule>;

/** Only leads matching it are pushed; the others are "excluded by filter". */
export const InclusionFilter = z.object({
  enabled: z.boolean().default(false),
  /** all: every rule must match (AND); any: one is enough (OR). */
  match: z.enum(['all', 'any']).default('all'),
  rules: z.array(FilterRule).max(20, 'A filter can have at most 20 rules.').default([]),
});
export type InclusionFilter = z.infer<typeof InclusionFilter>;

export const AdvancedSettings = z.object({
  /** On: a contact with the same email is updated (upsert by email). Off: it is refused as a duplicate. */
  dedupeContacts: z.boolean().default(true),
  /** Off (default): leads without an email are skipped with `no_email`. */
  syncWithoutEmail: z.boolean().default(false),
  /** Match email-less leads to existing contacts by phone. */
  phoneFallback: z.boolean().default(false),
  /** Editing a lead queues a fresh sync of it (the push engine does the queueing). */
  autoSync: z.boolean().default(false),
});
export type AdvancedSettings = z.infer<typeof AdvancedSettings>;

export const PUSH_SETTINGS_VERSION = 1;

export const PushSettings = z.object({
  version: z.literal(PUSH_SETTINGS_VERSION).default(PUSH_SETTINGS_VERSION),
  contact: z.object({ rows: z.array(MappingRow).max(200, 'At most 200 field mappings.').default([]) }).prefault({}),
  company: CompanySettings.prefault({}),
  list: ListSettings.prefault({}),
  filter: InclusionFilter.prefault({}),
  advanced: AdvancedSettings.prefault({}),
});
export type PushSettings = z.infer<typeof PushSettings>;
/** What a caller may send: defaults fill what is left out. */
export type PushSettingsInput = z.input<typeof PushSettings>;

// ---------- lead fields and property definitions, as the mapping editor shows them ----------

export const LeadSourceType = z.enum(['text', 'email', 'phone', 'url', 'number', 'date', 'dropdown']);
export type LeadSourceType = z.infer<typeof LeadSourceType>;

export const LeadSource = z.object({
  ref: LeadFieldRef,
  label: z.string(),
  type: LeadSourceType,
  /** A custom dropdown's options. */
  options: z.array(z.string()),
});
export type LeadSource = z.infer<typeof LeadSource>;

/** A property definition as mapping needs it; the catalogue's definitions carry at least this. */
export const MappingProperty = z.object({
  name: z.string(),
  label: z.string(),
  /** HubSpot's type: string, number, date, datetime, enumeration, bool, phone_number… */
  type: z.string(),
  fieldType: z.string(),
  groupName: z.string().nullable(),
  description: z.string().nullable(),
  options: z.array(z.object({ label: z.string(), value: z.string(), hidden: z.boolean() })),
  /** HubSpot refuses writes to it (modificationMetadata.readOnlyValue). */
  readOnly: z.boolean(),
  calculated: z.boolean(),
  hubspotDefined: z.boolean(),
  hidden: z.boolean(),
  /** OWNER for owner properties (their options live elsewhere). */
  referencedObjectType: z.string().nullable(),
});
export type MappingProperty = z.infer<typeof MappingProperty>;

export const MappedObjectType = z.enum(['contacts', 'companies']);
export type MappedObjectType = z.infer<typeof MappedObjectType>;

export const PropertyList = z.object({
  objectType: MappedObjectType,
  /** When the definitions were read from HubSpot; null: never (the list is empty). */
  fetchedAt: IsoTime.nullable(),
  properties: z.array(MappingProperty),
});
export type PropertyList = z.infer<typeof PropertyList>;

export const MappingCatalogueView = z.object({
  contacts: PropertyList,
  companies: PropertyList,
  /** Object types a refresh could not read (a missing scope…), with why. */
  skipped: z.array(z.object({ objectType: z.string(), code: ErrorCode, message: z.string() })).default([]),
});
export type MappingCatalogueView = z.infer<typeof MappingCatalogueView>;

export const MappingState = z.object({
  settings: PushSettings,
  /** False until the operator saves: the settings are the defaults for a new workspace. */
  saved: z.boolean(),
  updatedAt: IsoTime.nullable(),
  /** The lead fields a row can read, standard then custom. */
  sources: z.array(LeadSource),
});
export type MappingState = z.infer<typeof MappingState>;

// ---------- what mapLead produces ----------

export const MappedProperty = z.object({
  property: z.string(),
  value: z.string(),
  updateRule: UpdateRule,
  /** The row that produced it; null for values derived from the company match keys. */
  rowId: z.string().nullable(),
  source: LeadFieldRef.nullable(),
});
export type MappedProperty = z.infer<typeof MappedProperty>;

export const PropertyProblemKind = z.enum([
  'property_missing',
  'read_only',
  'invalid_option',
  'invalid_number',
  'invalid_date',
  'invalid_datetime',
  'invalid_bool',
  'invalid_email',
  'too_long',
  'transform_failed',
]);
export type PropertyProblemKind = z.infer<typeof PropertyProblemKind>;

export const PropertyProblem = z.object({
  object: z.enum(['contact', 'company']),
  rowId: z.string().nullable(),
  property: z.string(),
  source: LeadFieldRef.nullable(),
  value: z.string(),
  kind: PropertyProblemKind,
  /** error: HubSpot will refuse the write with `code`; warning: written as it is (e.g. a phone that could not be normalised). */
  severity: z.enum(['error', 'warning']),
  code: z.enum(['property_missing', 'invalid_value']),
  message: z.string(),
  /** For property_missing: the internal name whose label matches what was typed. */
  suggestion: z.string().optional(),
});
export type PropertyProblem = z.infer<typeof PropertyProblem>;

export const SkipCode = z.enum(['excluded_by_filter', 'no_email', 'nothing_to_sync']);
export type SkipCode = z.infer<typeof SkipCode>;

export const SkipReason = z.object({ code: SkipCode, message: z.string() });
export type SkipReason = z.infer<typeof SkipReason>;

export const CompanyMatch = z.object({
  /** Matched first: from a mapped `domain` value, else the website, else the email's domain unless it is free mail. */
  domain: z.string().nullable(),
  domainSource: z.enum(['mapping', 'website', 'email']).nullable(),
  /** Matched when no company has the domain. */
  name: z.string().nullable(),
});
export type CompanyMatch = z.infer<typeof CompanyMatch>;

export const MappedLead = z.object({
  leadId: z.string(),
  /** Why this lead would not be pushed, in the order the rules are checked; empty: it would be. */
  skip: z.array(SkipReason),
  contact: z.object({ properties: z.array(MappedProperty) }),
  /** The keys dedupe matches on: the mapped `email` (and `phone`) values. */
  identity: z.object({ email: z.string().nullable(), phone: z.string().nullable() }),
  /** null: the company step is off. `properties` empty and no match keys: the lead names no company. */
  company: z.object({ properties: z.array(MappedProperty), match: CompanyMatch }).nullable(),
  problems: z.array(PropertyProblem),
});
export type MappedLead = z.infer<typeof MappedLead>;

// ---------- inline problems of the settings ----------

export const SettingsProblemKind = z.enum([
  'unknown_property',
  'read_only_property',
  'type_mismatch',
  'invalid_options',
  'unknown_field',
  'duplicate_property',
  'no_email_mapping',
  'dynamic_list',
  'properties_unknown',
]);
export type SettingsProblemKind = z.infer<typeof SettingsProblemKind>;

export const SettingsProblem = z.object({
  tab: z.enum(['contact', 'company', 'lists', 'advanced']),
  /** The row it concerns; null for the tab as a whole. */
  rowId: z.string().nullable(),
  property: z.string().nullable(),
  kind: SettingsProblemKind,
  severity: z.enum(['error', 'warning']),
  /** The SPEC §4 code a push would fail with; null for advice. */
  code: ErrorCode.nullable(),
  message: z.string(),
  fix: z.string(),
  /** unknown_property: the internal name whose label (or spelling) matches what was typed. */
  suggestion: z.object({ property: z.string(), label: z.string() }).optional(),
  /** invalid_options: lead values that are no option of the dropdown, most frequent first. */
  values: z.array(z.object({ value: z.string(), count: z.number().int() })).optional(),
  /** invalid_options: how many leads carry such a value. */
  affectedLeads: z.number().int().optional(),
});
export type SettingsProblem = z.infer<typeof SettingsProblem>;

export const MappingCheck = z.object({
  problems: z.array(SettingsProblem),
  leadCount: z.number().int(),
  contactsFetchedAt: IsoTime.nullable(),
  companiesFetchedAt: IsoTime.nullable(),
  tookMs: z.number(),
});
export type MappingCheck = z.infer<typeof MappingCheck>;

// ---------- lists ----------

export const HubSpotList = z.object({
  listId: z.string(),
  name: z.string(),
  /** MANUAL and SNAPSHOT lists take members; DYNAMIC ones are rule-based and read-only. */
  processingType: z.string(),
  static: z.boolean(),
  size: z.number().int().nullable(),
});
export type HubSpotList = z.infer<typeof HubSpotList>;

export const ListsView = z.object({
  fetchedAt: IsoTime.nullable(),
  lists: z.array(HubSpotList),
});
export type ListsView = z.infer<typeof ListsView>;

// ---------- Send test lead ----------

export const TestPropertyResult = z.object({
  object: z.enum(['contact', 'company']),
  property: z.string(),
  label: z.string().nullable(),
  rowId: z.string().nullable(),
  source: LeadFieldRef.nullable(),
  value: z.string(),
  /** ok: written (contact) or valid (company); problem: refused or would be; skipped: not written (empty, or left out after a refusal of another property). */
  status: z.enum(['ok', 'problem', 'skipped']),
  code: ErrorCode.nullable(),
  /** HubSpot's own message where it refused; ours where the live definitions already show the problem. */
  message: z.string().nullable(),
  /** Where the verdict comes from. */
  origin: z.enum(['definition', 'hubspot', 'none']),
});
export type TestPropertyResult = z.infer<typeof TestPropertyResult>;

export const TestRunResult = z.enum(['passed', 'problems', 'failed']);
export type TestRunResult = z.infer<typeof TestRunResult>;

export const TestLeadReport = z.object({
  runId: Id,
  at: IsoTime,
  /** The lead whose values were used; null: the built-in sample lead. */
  leadId: z.string().nullable(),
  leadLabel: z.string(),
  /** The disposable address the contact was created with (never the lead's own). */
  email: z.string(),
  /** passed: every property written; problems: created, some properties refused; failed: no contact created. */
  result: TestRunResult,
  message: z.string(),
  contactId: z.string().nullable(),
  /** The record in HubSpot's UI; null for a sandbox portal (no UI) or an unknown portal id. */
  recordUrl: z.string().nullable(),
  portalId: z.number().int().nullable(),
  properties: z.array(TestPropertyResult),
  /** What the list step would meet. */
  list: z.object({ listId: z.string(), name: z.string().nullable(), status: z.enum(['ok', 'dynamic', 'missing', 'unchecked']), message: z.string() }).nullable(),
  /** What the real lead would meet on a push (excluded by filter…); the test runs anyway. */
  skip: z.array(SkipReason),
  /** Creates sent: 2 when HubSpot refused some properties and the rest were sent again. */
  attempts: z.number().int(),
  error: z.object({ code: ErrorCode, message: z.string() }).nullable(),
  deletedAt: IsoTime.nullable(),
  durationMs: z.number().int(),
});
export type TestLeadReport = z.infer<typeof TestLeadReport>;

export const TestRun = TestLeadReport.pick({ runId: true, at: true, leadId: true, leadLabel: true, result: true, message: true, contactId: true, recordUrl: true, deletedAt: true, durationMs: true }).extend({
  problemCount: z.number().int(),
});
export type TestRun = z.infer<typeof TestRun>;

const Workspace = z.object({ workspaceId: Id });

export const mappingMethods = defineMethods({
  /** The workspace's push settings (defaults until saved) and the lead fields rows can read. */
  'mapping.get': { input: Workspace, output: MappingState },
  /** Validates and stores the settings; errors name the tab and row. */
  'mapping.save': { input: Workspace.extend({ settings: PushSettings }), output: MappingState },
  /** The stored property definitions of contacts and companies (no HubSpot call). */
  'mapping.properties': { input: Workspace, output: MappingCatalogueView },
  /** Reads the property definitions from HubSpot again. */
  'mapping.refreshProperties': { input: Workspace, output: MappingCatalogueView },
  /** Inline problems of the given settings (default: the saved ones) against the stored definitions and the current leads. */
  'mapping.check': { input: Workspace.extend({ settings: PushSettings.optional() }), output: MappingCheck },
  /** What one lead would become with the given settings (default: the saved ones). */
  'mapping.preview': { input: Workspace.extend({ leadId: Id, settings: PushSettings.optional() }), output: MappedLead },
  /** The portal's contact lists, cached; `refresh` reads them from HubSpot again. */
  'mapping.lists': { input: Workspace.extend({ refresh: z.boolean().default(false) }), output: ListsView },
  /** Checks the saved mapping against the live portal and creates a disposable contact from a lead's values (or a sample). */
  'mapping.sendTestLead': { input: Workspace.extend({ leadId: Id.optional() }), output: TestLeadReport },
  /** Archives the test contact of a run. */
  'mapping.deleteTestContact': { input: Workspace.extend({ runId: Id }), output: TestRun },
  /** The latest test runs, newest first (the Overview shows the last one). */
  'mapping.testRuns': { input: Workspace.extend({ limit: z.number().int().min(1).max(100).default(10) }), output: z.object({ runs: z.array(TestRun) }) },
  /** One run's full report. */
  'mapping.testRun': { input: Workspace.extend({ runId: Id }), output: TestLeadReport },
});

export const mappingEvents = defineEvents({
  'mapping.onDidChange': z.object({ workspaceId: Id, settings: PushSettings, updatedAt: IsoTime }),
  'mapping.onDidChangeProperties': z.object({ workspaceId: Id, contactsFetchedAt: IsoTime.nullable(), companiesFetchedAt: IsoTime.nullable() }),
  'mapping.onDidRunTest': z.object({ workspaceId: Id, run: TestRun }),
});
