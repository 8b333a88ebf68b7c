import type { LeadSortField, StandardLeadField } from '../contract/leads.ts';

export interface StandardFieldSpec {
  key: StandardLeadField;
  label: string;
  column: string;
  /** Longer values are saved but flagged: HubSpot or people will choke on them. */
  softMaxLength: number;
}

/** The standard lead fields, in display order, with their columns and sensible length limits. */
export const STANDARD_FIELD_SPECS: readonly StandardFieldSpec[] = [
  { key: 'firstName', label: 'First name', column: 'first_name', softMaxLength: 256 },
  { key: 'lastName', label: 'Last name', column: 'last_name', softMaxLength: 256 },
  { key: 'email', label: 'Email', column: 'email', softMaxLength: 254 },
  { key: 'phone', label: 'Phone', column: 'phone', softMaxLength: 64 },
  { key: 'company', label: 'Company', column: 'company', softMaxLength: 256 },
  { key: 'jobTitle', label: 'Job title', column: 'job_title', softMaxLength: 256 },
  { key: 'website', label: 'Website', column: 'website', softMaxLength: 2048 },
  { key: 'notes', label: 'Notes', column: 'notes', softMaxLength: 65_536 },
  { key: 'source', label: 'Source', column: 'source', softMaxLength: 256 },
  { key: 'owner', label: 'Owner', column: 'owner', softMaxLength: 256 },
];

export const STANDARD_FIELD_BY_KEY = new Map(STANDARD_FIELD_SPECS.map((f) => [f.key, f]));

export interface SortSpec {
  /** The ordering expression (also the index's second column). */
  expression: string;
  /** Blank values sort last in both directions: `blank` is the index's first column. Absent: never blank. */
  blank?: string;
  /** How to read the expression's value out of a row, for the cursor. */
  columnForCursor: string;
}

/**
 * One index per sortable column, `(blank, value collate nocase, id)`: keyset pages and offset jumps
 * are index seeks, and blank values come last instead of filling the first pages.
 * Notes are long, so they sort by their first 100 characters.
 */
export const SORT_SPECS: Record<LeadSortField, SortSpec> = {
  ...(Object.fromEntries(
    STANDARD_FIELD_SPECS.map((f) => [
      f.key,
      f.key === 'notes'
        ? { expression: `substr(notes, 1, 100) collate nocase`, blank: `(notes = '')`, columnForCursor: 'sort_value' }
        : { expression: `${f.column} collate nocase`, blank: `(${f.column} = '')`, columnForCursor: 'sort_value' },
    ]),
  ) as Record<StandardLeadField, SortSpec>),
  createdAt: { expression: 'id', columnForCursor: 'id' },
  updatedAt: { expression: 'updated_at', columnForCursor: 'sort_value' },
};

/** Secondary indexes that serve the sorts. A large import drops them and builds them again afterwards. */
export const SORT_INDEXES: ReadonlyArray<{ name: string; sql: string }> = [
  ...STANDARD_FIELD_SPECS.map((f) => {
    const spec = SORT_SPECS[f.key];
    return {
      name: `leads_sort_${f.column}`,
      sql: `create index if not exists leads_sort_${f.column} on leads (${spec.blank}, ${spec.expression}, id)`,
    };
  }),
  { name: 'leads_sort_updated_at', sql: 'create index if not exists leads_sort_updated_at on leads (updated_at, id)' },
];
