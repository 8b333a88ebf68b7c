import { explainError } from '../contract/error-reference.ts';
import type { ErrorCode } from '../contract/errors.ts';
import type {
  AttemptDetail,
  AttemptStatus,
  CancelReason,
  ExchangeRecord,
  HistoryRow,
  JobError,
  JobSummary,
  LeadSyncStatus,
  RecordLinks,
  SentProperties,
  StepName,
  StepOutcome,
  StepResult,
} from '../contract/push.ts';
import { hubspotRecordUrl } from '../contract/push.ts';
import type { JobRow, StoredError } from '../jobs/job-store.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** Words for codes SPEC §4's table has no row for (they rarely end a job, but may). */
const FALLBACK: Partial<Record<ErrorCode, { title: string; meaning: string; fix: string }>> = {
  offline: { title: 'No network', meaning: 'HubSpot could not be reached: this computer seemed to be offline.', fix: 'Nothing: the job continues when the network is back.' },
  not_found: { title: 'Not found in HubSpot', meaning: 'HubSpot could not find a record or list the job needed.', fix: 'Check that the list or record still exists in HubSpot, then retry.' },
};

export function titleOf(code: string): string {
  return (explainError(code as ErrorCode) ?? FALLBACK[code as ErrorCode])?.title ?? 'Something went wrong';
}

/** A stored error with SPEC §4's title, meaning and fix for its code. */
export function toJobError(stored: StoredError | null | undefined): JobError | null {
  if (!stored) return null;
  const words = explainError(stored.code as ErrorCode) ?? FALLBACK[stored.code as ErrorCode] ?? explainError('internal')!;
  return {
    code: stored.code as ErrorCode,
    title: words.title,
    meaning: words.meaning,
    fix: words.fix,
    message: stored.message,
    details: stored.details ?? {},
    response: stored.response ?? null,
  };
}

const parseError = (text: string | null): StoredError | null => (text ? (JSON.parse(text) as StoredError) : null);

/** Steps as stored (errors without the reference words) → as the contract shows them. */
export function toSteps(text: string): StepResult[] {
  const steps = JSON.parse(text) as Array<Omit<StepResult, 'error'> & { error: StoredError | null }>;
  return steps.map((s) => ({ ...s, error: toJobError(s.error) }));
}

export interface Portal {
  portalId: number;
  uiDomain: string;
}

export function linksFor(portal: Portal | null, ids: { contactId: string | null; companyId: string | null; listId: string | null }): RecordLinks {
  if (!portal) return { contact: null, company: null, list: null };
  return {
    contact: ids.contactId ? hubspotRecordUrl(portal, '0-1', ids.contactId) : null,
    company: ids.companyId ? hubspotRecordUrl(portal, '0-2', ids.companyId) : null,
    list: ids.listId ? `https://${portal.uiDomain}/contacts/${portal.portalId}/objectLists/${encodeURIComponent(ids.listId)}` : null,
  };
}

export function toJobSummary(row: JobRow): JobSummary {
  return {
    jobId: String(row.id),
    leadId: String(row.lead_id),
    leadLabel: row.lead_label,
    leadEmail: row.lead_email,
    state: row.state,
    origin: row.origin,
    attempts: row.attempt_count,
    failures: row.failure_count,
    nextAttemptAt: row.state === 'queued' || row.state === 'retrying' ? isoOrNull(row.next_attempt_at) : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    finishedAt: isoOrNull(row.finished_at),
    error: row.state === 'succeeded' || row.state === 'queued' || row.state === 'running' || row.state === 'cancelled' ? null : toJobError(parseError(row.error)),
    cancelReason: row.cancel_reason,
    stateReason: row.state_reason,
    contactId: row.contact_id,
    companyId: row.company_id,
    listResult: row.list_outcome,
    steps: toSteps(row.steps),
  };
}

export function toLeadStatus(row: JobRow): LeadSyncStatus {
  const error = row.state === 'failed' || row.state === 'retrying' || row.state === 'succeeded_with_warnings' ? parseError(row.error) : null;
  return {
    leadId: String(row.lead_id),
    jobId: String(row.id),
    state: row.state,
    errorCode: (error?.code as ErrorCode | undefined) ?? null,
    errorTitle: error ? titleOf(error.code) : null,
    cancelReason: row.cancel_reason,
    contactId: row.contact_id,
    updatedAt: iso(row.updated_at),
  };
}

/** A push_attempts row as SQLite returns it. */
export interface AttemptRow {
  id: number;
  job_id: number;
  lead_id: number;
  lead_label: string;
  lead_email: string;
  number: number;
  batch_id: string;
  batch_size: number;
  started_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  status: AttemptStatus;
  error_code: string | null;
  error_message: string | null;
  error: string | null;
  failed_step: StepName | null;
  cancel_reason: CancelReason | null;
  contact_id: string | null;
  company_id: string | null;
  list_outcome: StepOutcome | null;
  steps: string;
  sent: string | null;
  next_attempt_at: number | null;
}

/** The columns a history row needs (not the step and error JSON): what the list query selects. */
export const HISTORY_COLUMNS =
  'a.id, a.job_id, a.lead_id, a.lead_label, a.lead_email, a.number, a.started_at, a.finished_at, a.duration_ms, a.status, a.error_code, a.error_message, a.failed_step, a.cancel_reason, a.contact_id, a.company_id, a.list_outcome, a.next_attempt_at';

export function toHistoryRow(row: Omit<AttemptRow, 'batch_id' | 'batch_size' | 'error' | 'steps' | 'sent'>): HistoryRow {
  return {
    attemptId: String(row.id),
    jobId: String(row.job_id),
    leadId: String(row.lead_id),
    leadLabel: row.lead_label,
    leadEmail: row.lead_email,
    attempt: row.number,
    status: row.status,
    startedAt: iso(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    durationMs: row.duration_ms,
    errorCode: (row.error_code as ErrorCode | null) ?? null,
    errorTitle: row.error_code ? titleOf(row.error_code) : null,
    errorMessage: row.error_message,
    failedStep: row.failed_step,
    contactId: row.contact_id,
    companyId: row.company_id,
    listResult: row.list_outcome,
    nextAttemptAt: isoOrNull(row.next_attempt_at),
    cancelReason: row.cancel_reason,
  };
}

export interface ExchangeRow {
  id: number;
  call: string;
  method: string;
  url: string;
  status: number;
  duration_ms: number;
  at: number;
  request_body: string | null;
  response_body: string | null;
  error: string | null;
  inputs: number;
}

export function toExchange(row: ExchangeRow): ExchangeRecord {
  return {
    exchangeId: String(row.id),
    call: row.call,
    method: row.method,
    url: row.url,
    status: row.status,
    durationMs: row.duration_ms,
    at: iso(row.at),
    requestBody: row.request_body,
    responseBody: row.response_body,
    error: row.error,
    inputs: row.inputs,
  };
}

export function toAttemptDetail(row: AttemptRow, exchanges: ExchangeRow[], portal: Portal | null, listId: string | null): AttemptDetail {
  return {
    ...toHistoryRow(row),
    steps: toSteps(row.steps),
    error: toJobError(parseError(row.error)),
    sent: row.sent ? (JSON.parse(row.sent) as SentProperties) : null,
    batchId: row.batch_id,
    batchSize: row.batch_size,
    exchanges: exchanges.map(toExchange),
    links: linksFor(portal, { contactId: row.contact_id, companyId: row.company_id, listId }),
  };
}
