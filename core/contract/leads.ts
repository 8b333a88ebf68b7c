import { z } from 'zod';
import { Id, IsoTime } from './common.ts';
import { defineEvents, defineMethods } from './define.ts';

/**
 * Leads (SPEC §2): local records that a workspace will push into HubSpot as contacts.
 * Standard fields are columns; custom fields are defined per workspace.
 */

export const STANDARD_LEAD_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'jobTitle',
  'website',
  'notes',
  'source',
  'owner',
] as const;
export const StandardLeadField = z.enum(STANDARD_LEAD_FIELDS);
export type StandardLeadField = z.infer<typeof StandardLeadField>;

/** The hard ceiling for any one value (HubSpot's limit for a property value). Tighter soft limits are flagged, not refused. */
export const MAX_VALUE_LENGTH = 65_536;

const Value = z.string().max(MAX_VALUE_LENGTH, `Keep each value under ${MAX_VALUE_LENGTH.toLocaleString('en-US')} characters.`);

export const LeadId = Id;

/** Lowercase letters, digits and underscores, starting with a letter: safe in JSON paths, CSV headers and mappings. */
export const CustomFieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,49}$/, 'Use lowercase letters, digits and underscores, starting with a letter (at most 50).');

export const CustomFieldType = z.enum(['text', 'number', 'date', 'dropdown']);
export type CustomFieldType = z.infer<typeof CustomFieldType>;

export const CustomField = z.object({
  key: CustomFieldKey,
  label: z.string(),
  type: CustomFieldType,
  /** Dropdown choices, in order; empty for other types. */
  options: z.array(z.string()),
  createdAt: IsoTime,
});
export type CustomField = z.infer<typeof CustomField>;

const FieldLabel = z.string().trim().min(1, 'Give the field a label.').max(80, 'Keep the label under 80 characters.');
const DropdownOptions = z
  .array(z.string().trim().min(1, 'Options cannot be blank.').max(100, 'Keep each option under 100 characters.'))
  .max(500, 'A dropdown can have at most 500 options.');

export const LeadValues = z.object({
  firstName: Value.optional(),
  lastName: Value.optional(),
  email: Value.optional(),
  phone: Value.optional(),
  company: Value.optional(),
  jobTitle: Value.optional(),
  website: Value.optional(),
  notes: Value.optional(),
  source: Value.optional(),
  owner: Value.optional(),
  /** Custom field key → value. An empty string clears the value. */
  custom: z.record(z.string().max(50), Value).optional(),
});
export type LeadValues = z.infer<typeof LeadValues>;

export const LeadProblemCode = z.enum([
  'invalid_email',
  'invalid_phone',
  'invalid_website',
  'too_long',
  'truncated',
  'invalid_number',
  'invalid_date',
  'invalid_option',
  'unreadable_characters',
  'unbalanced_quote',
  'malformed_quotes',
  'extra_values',
]);
export type LeadProblemCode = z.infer<typeof LeadProblemCode>;

/** A validation flag. A lead with problems is still saved; the flags say what to fix before it is pushed. */
export const LeadProblem = z.object({
  /** A standard field, a custom field key, or `row` for problems of the imported CSV row itself. */
  field: z.string(),
  code: LeadProblemCode,
  message: z.string(),
});
export type LeadProblem = z.infer<typeof LeadProblem>;

export const Lead = z.object({
  id: LeadId,
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string(),
  company: z.string(),
  jobTitle: z.string(),
  website: z.string(),
  notes: z.string(),
  source: z.string(),
  owner: z.string(),
  custom: z.record(z.string(), z.string()),
  problems: z.array(LeadProblem),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** The import that created it, if any. */
  importId: Id.nullable(),
});
export type Lead = z.infer<typeof Lead>;

export const LEAD_SORT_FIELDS = [...STANDARD_LEAD_FIELDS, 'createdAt', 'updatedAt'] as const;
export const LeadSortField = z.enum(LEAD_SORT_FIELDS);
export type LeadSortField = z.infer<typeof LeadSortField>;

export const LeadSort = z.object({
  field: LeadSortField,
  direction: z.enum(['asc', 'desc']),
});
export type LeadSort = z.infer<typeof LeadSort>;

/** Which leads: the list, export and "delete all matching" share it. */
export const LeadFilter = z.object({
  workspaceId: Id,
  /** Words matched anywhere in name, email, company or phone (all words must match). */
  search: z.string().max(200).optional(),
  flaggedOnly: z.boolean().optional(),
  /** Only leads created by this import. */
  importId: Id.optional(),
});
export type LeadFilter = z.infer<typeof LeadFilter>;

export const LeadListRequest = LeadFilter.extend({
  sort: LeadSort.default({ field: 'createdAt', direction: 'desc' }),
  limit: z.number().int().min(1).max(500).default(100),
  /** Keyset cursor from the previous page's `next`. */
  after: z.string().max(2000).optional(),
  /** For jumps (a dragged scrollbar) when no cursor is known. Ignored when `after` is given. */
  offset: z.number().int().min(0).optional(),
});
export type LeadListRequest = z.input<typeof LeadListRequest>;

export const LeadPage = z.object({
  items: z.array(Lead),
  next: z.string().optional(),
  /** How many leads match; on first pages (no `after`) only. */
  total: z.number().int().optional(),
});
export type LeadPage = z.infer<typeof LeadPage>;

export const LeadSettings = z.object({
  /** ISO 3166 country for phone numbers written without a country code (e.g. `US`, `DE`); null: such numbers are flagged. */
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'Use a two-letter country code such as US or DE.')
    .nullable(),
});
export type LeadSettings = z.infer<typeof LeadSettings>;

// ---------- CSV import ----------

export const CsvEncoding = z.enum(['utf-8', 'utf-16le', 'utf-16be', 'windows-1252']);
export type CsvEncoding = z.infer<typeof CsvEncoding>;
export const CsvDelimiter = z.enum([',', ';', '\t', '|']);
export type CsvDelimiter = z.infer<typeof CsvDelimiter>;
export const CsvQuote = z.enum(['"', "'"]);

export const CsvSettings = z.object({
  encoding: CsvEncoding,
  delimiter: CsvDelimiter,
  quote: CsvQuote,
  hasHeader: z.boolean(),
});
export type CsvSettings = z.infer<typeof CsvSettings>;

/**
 * Where a CSV column goes: a standard field, a custom field key, `fullName` (split into first and
 * last name), or null to ignore the column.
 */
export const ImportTarget = z.string().max(60).nullable();
export const FULL_NAME_TARGET = 'fullName';

export const ColumnAssignment = z.object({ column: z.number().int().min(0), target: ImportTarget });
export type ColumnAssignment = z.infer<typeof ColumnAssignment>;

export const ImportColumn = z.object({
  index: z.number().int(),
  header: z.string(),
  /** A few non-blank values from the first rows. */
  samples: z.array(z.string()),
});
export type ImportColumn = z.infer<typeof ImportColumn>;

export const ImportTargetOption = z.object({
  key: z.string(),
  label: z.string(),
  kind: z.enum(['standard', 'custom', 'special']),
});
export type ImportTargetOption = z.infer<typeof ImportTargetOption>;

export const ImportPreview = z.object({
  importId: Id,
  fileName: z.string(),
  bytes: z.number().int(),
  /** What was detected from the file; `settings` is what this preview used (detected, or the caller's overrides). */
  detected: CsvSettings,
  settings: CsvSettings,
  columns: z.array(ImportColumn),
  /** The first rows as the file will be read (spreadsheet row numbers: the header is row 1). */
  rows: z.array(z.object({ rowNumber: z.number().int(), cells: z.array(z.string()), problem: z.string().optional() })),
  estimatedRows: z.number().int(),
  /** A target for every column: remembered from an earlier import of a file with the same headers, or suggested from the header names. */
  assignments: z.array(ColumnAssignment),
  assignmentSource: z.enum(['remembered', 'suggested']),
  targets: z.array(ImportTargetOption),
  warnings: z.array(z.string()),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportState = z.enum(['staging', 'running', 'done', 'cancelled', 'failed']);
export type ImportState = z.infer<typeof ImportState>;

export const ImportStatus = z.object({
  importId: Id,
  workspaceId: Id,
  fileName: z.string(),
  state: ImportState,
  bytesTotal: z.number().int(),
  bytesDone: z.number().int(),
  rowsDone: z.number().int(),
  /** Rows expected in all, estimated from the bytes read so far. */
  rowsTotalEstimate: z.number().int(),
  rowsPerSecond: z.number(),
  elapsedMs: z.number().int(),
  /** Estimated time left while running. */
  etaMs: z.number().int().optional(),
  imported: z.number().int(),
  flagged: z.number().int(),
  /** Blank rows, skipped. */
  skipped: z.number().int(),
  /** Spreadsheet row numbers of the first flagged rows (the report has them all). */
  flaggedRows: z.array(z.number().int()),
  error: z.string().optional(),
});
export type ImportStatus = z.infer<typeof ImportStatus>;

export const NewFieldFromColumn = z.object({
  column: z.number().int().min(0),
  label: FieldLabel,
  type: CustomFieldType.default('text'),
});

/** A piece of CSV text; `next` asks for the following piece. The first piece starts with a BOM and the header row. */
export const CsvPiece = z.object({ csv: z.string(), rows: z.number().int(), next: z.string().optional() });
export type CsvPiece = z.infer<typeof CsvPiece>;

/** Base64 pieces of the file; ~1 MB each. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

export const leadMethods = defineMethods({
  'leads.list': { input: LeadListRequest, output: LeadPage },
  'leads.get': { input: z.object({ workspaceId: Id, id: LeadId }), output: Lead },
  'leads.create': { input: z.object({ workspaceId: Id, values: LeadValues }), output: Lead },
  'leads.update': { input: z.object({ workspaceId: Id, id: LeadId, values: LeadValues }), output: Lead },
  /** The problems these values would have, without saving (inline field errors while editing). */
  'leads.validate': { input: z.object({ workspaceId: Id, values: LeadValues }), output: z.object({ problems: z.array(LeadProblem) }) },
  'leads.delete': { input: z.object({ workspaceId: Id, id: LeadId }), output: z.object({ id: LeadId }) },
  'leads.deleteMany': {
    input: z.object({
      workspaceId: Id,
      target: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('ids'), ids: z.array(LeadId).min(1).max(10_000) }),
        /** Everything matching the filter (the current search), except the ids the operator unticked. */
        z.object({
          kind: z.literal('matching'),
          filter: LeadFilter.omit({ workspaceId: true }),
          exceptIds: z.array(LeadId).max(10_000).default([]),
        }),
      ]),
    }),
    output: z.object({ deleted: z.number().int() }),
  },

  'leads.listFields': { input: z.object({ workspaceId: Id }), output: z.array(CustomField) },
  'leads.createField': {
    input: z.object({
      workspaceId: Id,
      label: FieldLabel,
      key: CustomFieldKey.optional(),
      type: CustomFieldType,
      options: DropdownOptions.default([]),
    }),
    output: CustomField,
  },
  'leads.updateField': {
    input: z.object({ workspaceId: Id, key: CustomFieldKey, label: FieldLabel.optional(), options: DropdownOptions.optional() }),
    output: CustomField,
  },
  /** Removes the definition and every lead's value for it. */
  'leads.deleteField': { input: z.object({ workspaceId: Id, key: CustomFieldKey }), output: z.object({ key: CustomFieldKey }) },

  'leads.getSettings': { input: z.object({ workspaceId: Id }), output: LeadSettings },
  'leads.updateSettings': { input: z.object({ workspaceId: Id }).extend(LeadSettings.partial().shape), output: LeadSettings },

  /** Starts staging a CSV file; its bytes follow with importChunk. */
  'leads.importBegin': {
    input: z.object({
      workspaceId: Id,
      fileName: z.string().trim().min(1).max(255),
      size: z.number().int().min(0).max(MAX_IMPORT_BYTES, 'Files over 1 GB are not supported; split the file.'),
    }),
    output: z.object({ importId: Id, chunkBytes: z.number().int() }),
  },
  'leads.importChunk': {
    input: z.object({ importId: Id, offset: z.number().int().min(0), data: z.string().max(Math.ceil((IMPORT_CHUNK_BYTES * 4 * 4) / 3) + 4) }),
    output: z.object({ received: z.number().int() }),
  },
  /** Reads the staged file's first rows with detected (or given) settings and suggests where each column goes. */
  'leads.importPreview': { input: z.object({ importId: Id, settings: CsvSettings.partial().optional() }), output: ImportPreview },
  /** Starts the import in core; progress arrives as leads.onDidImportProgress. */
  'leads.importCommit': {
    input: z.object({
      importId: Id,
      settings: CsvSettings,
      assignments: z.array(ColumnAssignment).max(1000),
      newFields: z.array(NewFieldFromColumn).max(100).default([]),
    }),
    output: ImportStatus,
  },
  /** Stops staging or a running import; a running import's leads are removed again. */
  'leads.importCancel': { input: z.object({ importId: Id }), output: ImportStatus },
  'leads.importStatus': { input: z.object({ importId: Id }), output: ImportStatus },
  /** The flagged rows as CSV (row, line, field, problem, value), in pieces. */
  'leads.importReport': {
    /** workspaceId finds the report of an import from before a restart. */
    input: z.object({ importId: Id, workspaceId: Id.optional(), after: z.string().max(100).optional() }),
    output: CsvPiece,
  },

  /** Leads as CSV (UTF-8 with BOM, formula cells neutralised), in pieces of a few thousand rows. */
  'leads.exportCsv': {
    input: LeadFilter.extend({ ids: z.array(LeadId).max(10_000).optional(), after: z.string().max(100).optional() }),
    output: CsvPiece,
  },
});

export const LeadsChanged = z.object({
  workspaceId: Id,
  kind: z.enum(['created', 'updated', 'deleted']),
  /** Every affected lead in this event. Bulk operations send several events of at most a few thousand ids. */
  ids: z.array(LeadId),
  /** Part of a bulk operation (import, bulk delete): refresh lists rather than fetching leads one by one. */
  bulk: z.boolean(),
  importId: Id.optional(),
});
export type LeadsChanged = z.infer<typeof LeadsChanged>;

export const leadEvents = defineEvents({
  'leads.onDidChange': LeadsChanged,
  'leads.onDidChangeFields': z.object({ workspaceId: Id, fields: z.array(CustomField) }),
  'leads.onDidImportProgress': ImportStatus,
});
