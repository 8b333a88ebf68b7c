import type { Client } from '@hubspot/api-client';
import type { Lead } from '../contract/leads.ts';
import type { MappedLead, MappedProperty, PushSettings } from '../contract/mapping.ts';
import type { CancelReason, SentProperties, StepName, StepOutcome, StepResult } from '../contract/push.ts';
import { STEP_OUTCOME_LABELS } from '../contract/push.ts';
import { AppError } from '../errors.ts';
import { classifyHubSpotError } from '../hubspot/classify-error.ts';
import type { Exchange, HubSpotGateway } from '../hubspot/hubspot-gateway.ts';
import type { RequestKind } from '../hubspot/request-budget.ts';
import { afterTransientFailure } from '../jobs/retry-schedule.ts';
import type { AttemptEnd, ClaimedJob, JobEnd, JobProgress, JobStore, StoredError } from '../jobs/job-store.ts';
import type { LeadMapper } from '../mapping/map-lead.ts';
import { resolveWrites } from '../mapping/map-lead.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { type CompanyCache, domainKey, nameKey, normalizeName } from './company-cache.ts';
import { isBatchRejection, namedCulprits, sendIsolating } from './isolate.ts';

/** How a job's attempt ends, decided while the batch runs (null: still going). */
type WorkEnd =
  | { kind: 'failed'; error: AppError; step: StepName | null }
  | { kind: 'transient'; error: AppError; step: StepName | null }
  | { kind: 'cancelled'; reason: CancelReason; message: string }
  | { kind: 'hold'; state: 'waiting_for_network' | 'paused_reauthorize'; error: AppError }
  /** A create sent before an interruption isn't in HubSpot's search yet: look again at `until` before creating. */
  | { kind: 'settling'; until: number; message: string };

/**
 * How long a record HubSpot created may stay out of its search results ("a few moments"; integrators
 * report up to ~30 s, hubspot-api-facts §3). A create that was sent before a crash and isn't found is
 * not sent again before this has passed since, so a lagging search never makes a second record.
 */
export const SEARCH_LAG_MS = 60_000;

/** One claimed job as the batch works on it. */
interface Work {
  job: ClaimedJob;
  lead: Lead;
  mapped: MappedLead;
  progress: JobProgress;
  sent: SentProperties;
  end: WorkEnd | null;
  warnings: Array<{ step: StepName; error: AppError }>;
  /** The contact properties this attempt sends (after the update rules). */
  contactWrites: Record<string, string> | null;
}

export interface BatchDeps {
  workspaceId: string;
  batchId: string;
  owner: string;
  store: JobStore;
  companies: CompanyCache;
  gateway: HubSpotGateway;
  settings: PushSettings;
  map: LeadMapper;
  clock: Clock;
  logger: Logger;
  /** Set a refused batch's named inputs aside before splitting it (default true; tests of pure bisection turn it off). */
  nameCulprits?: boolean;
}

export interface BatchReport {
  jobs: number;
  ended: Array<{ jobId: number; state: string }>;
  /** Jobs given back unrun (a batch-mate holds the same contact). */
  released: number;
  calls: number;
  /** Calls spent isolating refused inputs (beyond the first call of each refused batch). */
  isolationCalls: number;
  offline: boolean;
  reauthorize: boolean;
  /** A job's lease was taken by another process mid-batch: the batch stopped writing. */
  leaseLost: boolean;
}

const OBJECT_TYPE = { contacts: 'contacts', companies: 'companies' } as const;
const BATCH = 100;

const stepIndex: Record<StepName, number> = { contact: 0, company: 1, list: 2 };

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** The error as it is stored: classified words, details (redacted by the classifier) and the raw response. */
export function storeError(error: AppError): StoredError {
  const { response, ...details } = error.details ?? {};
  // The property and value a value problem concerns, at the top where the UI looks for them.
  const first = (details.problems as Array<{ property?: string; value?: string }> | undefined)?.[0];
  if (first && details.property === undefined && first.property) {
    details.property = first.property;
    if (first.value !== undefined) details.value = first.value;
  }
  return { code: error.code, message: error.message, details, response: typeof response === 'string' ? response : null };
}

function freshSteps(): StepResult[] {
  return (['contact', 'company', 'list'] as const).map((step) => ({ step, outcome: 'pending', label: STEP_OUTCOME_LABELS.pending, hubspotId: null, error: null, at: null }));
}

/**
 * Runs one batch of claimed jobs through the steps contact → company → list. Every HubSpot call
 * serves all the jobs that need it (batch upsert/create/read, one company search, one association
 * call, one list call); a refused batch is split so each bad lead gets its own error; every id is
 * stored as soon as HubSpot answers. Returns after recording every job's attempt.
 */
export async function runPushBatch(deps: BatchDeps, claimed: readonly ClaimedJob[], leads: ReadonlyMap<number, Lead>): Promise<BatchReport> {
  const { store, companies, gateway, settings, clock, owner, batchId } = deps;
  const startedAt = clock.now();
  const report: BatchReport = { jobs: claimed.length, ended: [], released: 0, calls: 0, isolationCalls: 0, offline: false, reauthorize: false, leaseLost: false };
  const pendingExchanges: Array<{ call: string; exchange: Exchange; attemptIds: number[] }> = [];
  let seq = 0;

  const writeExchanges = () => {
    for (const { call, exchange, attemptIds } of pendingExchanges.splice(0)) {
      store.addExchange(batchId, seq++, { ...exchange, call, at: Date.parse(exchange.at) }, attemptIds);
    }
  };

  // ---------- preparing the works ----------

  const works: Work[] = [];
  const ended: Array<{ job: ClaimedJob; end: WorkEnd; progress: JobProgress }> = [];
  const release: ClaimedJob[] = [];
  const seenEmails = new Set<string>();
  const cancelNow = store.cancelRequested(claimed.map((j) => j.id));
  for (const job of claimed) {
    const progress: JobProgress = { ...job, steps: job.steps.length === 3 ? job.steps.map((s) => ({ ...s })) : freshSteps() };
    const lead = leads.get(job.leadId);
    if (!lead) {
      ended.push({ job, progress, end: { kind: 'cancelled', reason: 'lead_deleted', message: 'The lead was deleted before it was pushed.' } });
      continue;
    }
    if (cancelNow.has(job.id)) {
      ended.push({ job, progress, end: { kind: 'cancelled', reason: 'cancelled_by_user', message: 'Cancelled before it ran.' } });
      continue;
    }
    const mapped = deps.map(lead);
    const email = mapped.identity.email;
    if (email && seenEmails.has(email) && !progress.contactOutcome) {
      // Two leads with one email would be one contact written twice in a batch: the second waits for the next batch.
      release.push(job);
      continue;
    }
    if (email) seenEmails.add(email);
    works.push({ job, lead, mapped, progress, sent: { contact: null, company: null, listId: null }, end: null, warnings: [], contactWrites: null });
  }
  if (release.length > 0) {
    store.release(owner, clock.now(), release);
    report.released = release.length;
  }

  const active = (w: Work) => w.end === null;
  const setStep = (w: Work, step: StepName, outcome: StepOutcome, hubspotId: string | null, error: AppError | null = null, label?: string) => {
    const jobError = error ? { ...storeError(error), title: '', meaning: '', fix: '' } : null;
    w.progress.steps[stepIndex[step]] = {
      step,
      outcome,
      label: label ?? STEP_OUTCOME_LABELS[outcome],
      hubspotId,
      // Titles are filled in when read (job-view), from the code.
      error: jobError as StepResult['error'],
      at: new Date(clock.now()).toISOString(),
    };
  };

  const save = (touched: readonly Work[], also?: () => void) => {
    store.saveProgress(owner, clock.now(), touched.map((w) => ({ jobId: w.job.id, progress: w.progress })), () => {
      writeExchanges();
      also?.();
    });
  };

  /** A step's permanent failure: the job fails, or (company with On failure: Skip, list) it goes on with a warning. */
  const stepFailure = (w: Work, step: StepName, error: AppError) => {
    if (step === 'company' && settings.company.onFailure === 'skip') {
      setStep(w, 'company', 'failed', null, error, 'Failed (skipped: On failure is Skip)');
      w.progress.companyOutcome = 'failed';
      w.warnings.push({ step, error });
      return;
    }
    if (step === 'list') {
      setStep(w, 'list', 'failed', w.progress.listId, error);
      w.progress.listOutcome = 'failed';
      w.warnings.push({ step, error });
      return;
    }
    setStep(w, step, 'failed', null, error);
    w.end = { kind: 'failed', error, step };
  };

  /** A call failed for these works: offline and reauthorize hold them, 429/5xx retry them, the rest are step failures. */
  const callFailed = (group: readonly Work[], step: StepName, raw: unknown) => {
    const error = classifyHubSpotError(raw);
    if (error.code === 'internal') deps.logger.warn('a push call failed unexpectedly', { step, error: error.message, cause: error.cause });
    for (const w of group) {
      if (!active(w)) continue;
      if (error.code === 'offline') {
        w.end = { kind: 'hold', state: 'waiting_for_network', error };
        report.offline = true;
      } else if (error.code === 'auth_expired') {
        w.end = { kind: 'hold', state: 'paused_reauthorize', error };
        report.reauthorize = true;
      } else if (error.code === 'rate_limited' || error.code === 'hubspot_unavailable' || (error.code === 'internal' && error.retryable)) {
        w.end = { kind: 'transient', error, step };
      } else {
        stepFailure(w, step, error);
      }
    }
  };

  const call = async <T>(name: string, group: readonly Work[], fn: (client: Client) => Promise<T>, kind: RequestKind = 'standard'): Promise<T> => {
    report.calls++;
    const attemptIds = group.map((w) => w.job.attemptId);
    return gateway.call(name, fn, { kind, record: (exchange) => pendingExchanges.push({ call: name, exchange, attemptIds }) });
  };
  const request = async <T>(name: string, group: readonly Work[], path: string, body: unknown): Promise<T> => {
    report.calls++;
    const attemptIds = group.map((w) => w.job.attemptId);
    return gateway.request<T>(name, { method: 'POST', path, body }, { record: (exchange) => pendingExchanges.push({ call: name, exchange, attemptIds }) });
  };

  /** Runs a HubSpot step for a group; any failure is classified onto the group. False: it failed. */
  const guarded = async (group: readonly Work[], step: StepName, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (raw) {
      callFailed(group.filter(active), step, raw);
      return false;
    }
  };

  const checkCancels = () => {
    const cancelled = store.cancelRequested(works.filter(active).map((w) => w.job.id));
    for (const w of works) {
      if (active(w) && cancelled.has(w.job.id)) w.end = { kind: 'cancelled', reason: 'cancelled_by_user', message: 'Cancelled while it ran.' };
    }
  };

  // ---------- before any call: what the mapping already tells ----------

  for (const w of works) {
    const skip = w.mapped.skip[0];
    if (skip?.code === 'excluded_by_filter') {
      w.end = { kind: 'cancelled', reason: 'excluded_by_filter', message: skip.message };
      continue;
    }
    if (skip) {
      w.end = { kind: 'failed', error: new AppError(skip.code, skip.message, { retryable: false }), step: 'contact' };
      continue;
    }
    const blocking = w.mapped.problems.filter((p) => p.severity === 'error');
    const contactProblem = blocking.find((p) => p.object === 'contact');
    if (contactProblem && !w.progress.contactOutcome) {
      const error = preflightError(contactProblem, blocking.filter((p) => p.object === 'contact'));
      setStep(w, 'contact', 'failed', null, error);
      w.end = { kind: 'failed', error, step: 'contact' };
      continue;
    }
    const companyProblem = blocking.find((p) => p.object === 'company');
    if (companyProblem && w.mapped.company && !w.progress.companyOutcome) {
      const error = preflightError(companyProblem, blocking.filter((p) => p.object === 'company'));
      if (settings.company.onFailure === 'fail') {
        // Fail sync: nothing is sent for a lead whose company is known to fail.
        setStep(w, 'company', 'failed', null, error);
        w.end = { kind: 'failed', error, step: 'company' };
      } else {
        stepFailure(w, 'company', error);
      }
    }
  }

  // ---------- the steps ----------

  try {
    await contactStep();
    checkCancels();
    await companyStep();
    checkCancels();
    await listStep();
  } catch (error) {
    if (error instanceof Error && error.name === 'LeaseLostError') {
      report.leaseLost = true;
      deps.logger.warn('a job of this batch was taken over by another process; the batch stops here', { batchId, error: error.message });
      return report;
    }
    throw error;
  }

  // ---------- the ends ----------

  const now = clock.now();
  const ends = [
    ...ended.map((e) => ({ job: e.job, progress: e.progress, end: e.end as WorkEnd | null, warnings: [] as Work['warnings'], sent: null as SentProperties | null })),
    ...works.map((w) => ({ job: w.job, progress: w.progress, end: w.end, warnings: w.warnings, sent: w.sent })),
  ].map(({ job, progress, end, warnings, sent }) => ({ job, startedAt, ...conclude(job, progress, end, warnings, sent, now) }));
  try {
    report.ended = store.finish(owner, now, ends, writeExchanges);
  } catch (error) {
    if (error instanceof Error && error.name === 'LeaseLostError') {
      report.leaseLost = true;
      return report;
    }
    throw error;
  }
  return report;

  // ======================================================================================
  // contact: upsert by email (dedupe on), create (dedupe off, read first), phone fallback, create
  // ======================================================================================

  async function contactStep(): Promise<void> {
    const todo = works.filter((w) => active(w) && !w.progress.contactOutcome);
    if (todo.length === 0) return;
    const { dedupeContacts, phoneFallback } = settings.advanced;
    const upserts: Work[] = [];
    const checkFirst: Work[] = [];
    const byPhone: Work[] = [];
    const creates: Work[] = [];
    for (const w of todo) {
      if (w.mapped.identity.email) (dedupeContacts ? upserts : checkFirst).push(w);
      else if (phoneFallback && w.mapped.identity.phone) byPhone.push(w);
      else creates.push(w);
    }
    const ruled = (w: Work) => w.mapped.contact.properties.filter((p) => p.updateRule !== 'overwrite').map((p) => p.property);

    // Dedupe on: read what HubSpot holds where an update rule needs it, then upsert by email.
    if (upserts.length > 0) {
      const needed = [...new Set(upserts.flatMap(ruled))];
      const existing = new Map<string, Record<string, string | null>>();
      let ok = true;
      if (needed.length > 0) {
        ok = await guarded(upserts, 'contact', async () => {
          for (const part of chunks(upserts, BATCH)) {
            const found = await readContactsByEmail(part, [...needed, 'email']);
            for (const [email, record] of found) existing.set(email, record.properties);
          }
        });
      }
      if (ok) {
        for (const w of upserts) {
          const current = existing.get(w.mapped.identity.email!) ?? null;
          // Without a read (every rule is Overwrite) an existing contact still gets every value: that is what Overwrite means.
          w.contactWrites = resolveWrites(w.mapped.contact.properties, needed.length > 0 ? current : null);
          w.contactWrites.email = w.mapped.identity.email!;
          w.sent.contact = w.contactWrites;
        }
        await upsertContacts(upserts.filter(active));
      }
    }

    // Dedupe off: an existing contact with the email is refused as a duplicate; read first, so that
    // a create that was sent before a crash is recognised (found now = made by us) and not repeated.
    if (checkFirst.length > 0) {
      await guarded(checkFirst, 'contact', async () => {
        const found = new Map<string, { id: string; properties: Record<string, string | null> }>();
        for (const part of chunks(checkFirst, BATCH)) for (const [email, record] of await readContactsByEmail(part, ['email'])) found.set(email, record);
        const touched: Work[] = [];
        for (const w of checkFirst) {
          const match = found.get(w.mapped.identity.email!);
          if (!match) {
            creates.push(w);
            continue;
          }
          if (w.progress.contactCreateSentAt !== null) {
            contactDone(w, match.id, 'created');
            touched.push(w);
          } else {
            const error = new AppError('duplicate_contact', `A contact with ${w.mapped.identity.email} already exists in HubSpot (id ${match.id}), and Deduplicate contacts is off.`, {
              retryable: false,
              details: { existingId: match.id, email: w.mapped.identity.email },
            });
            stepFailure(w, 'contact', error);
          }
        }
        if (touched.length > 0) save(touched);
      });
    }

    // Email-less leads with the phone fallback: match by phone (update the match) or create.
    if (byPhone.length > 0) {
      const needed = [...new Set(byPhone.flatMap(ruled))];
      await guarded(byPhone, 'contact', async () => {
        const matches = await searchContactsByPhone(byPhone, [...needed, 'phone']);
        const updates: Work[] = [];
        const matchOf = new Map<Work, string>();
        for (const w of byPhone) {
          const match = matches.get(w.mapped.identity.phone!);
          if (!match) {
            creates.push(w);
            continue;
          }
          w.contactWrites = resolveWrites(w.mapped.contact.properties, match.properties);
          w.sent.contact = w.contactWrites;
          matchOf.set(w, match.id);
          updates.push(w);
        }
        await updateContacts(updates, matchOf);
      });
    }

    // Creates: the recovered ones look for what they may already have made, then one batch create.
    const toCreate = creates.filter(active);
    if (toCreate.length > 0) {
      // Email-less ones (those with the phone fallback were just looked for by phone).
      const recovered = toCreate.filter((w) => w.progress.contactCreateSentAt !== null && !w.mapped.identity.email);
      for (const w of recovered) {
        if (!(phoneFallback && w.mapped.identity.phone)) {
          await guarded([w], 'contact', async () => {
            const found = await findIdenticalContact(w);
            if (found) {
              contactDone(w, found, 'created');
              save([w]);
            }
          });
        }
        if (active(w) && !w.progress.contactId) settleIfRecent(w, w.progress.contactCreateSentAt!, 'contact');
      }
      await createContacts(toCreate.filter(active));
    }
  }

  /** Holds a job whose create was sent `sentAt` and isn't found: HubSpot's search may not show it yet. */
  function settleIfRecent(w: Work, sentAt: number, what: 'contact' | 'company'): boolean {
    const until = sentAt + SEARCH_LAG_MS;
    if (clock.now() >= until) return false;
    w.end = {
      kind: 'settling',
      until,
      message: `The ${what} this job created before an interruption isn't in HubSpot's search yet (it can lag by up to a minute). Syncdesk looks again before creating it, so it is never made twice.`,
    };
    return true;
  }

  function contactDone(w: Work, id: string, outcome: StepOutcome) {
    w.progress.contactId = id;
    w.progress.contactOutcome = outcome;
    w.progress.contactCreateSentAt = null;
    setStep(w, 'contact', outcome, id);
  }

  async function readContactsByEmail(group: Work[], properties: string[]): Promise<Map<string, { id: string; properties: Record<string, string | null> }>> {
    const response = await call('contacts.batch.read', group, (c) =>
      c.crm.contacts.batchApi.read({ inputs: group.map((w) => ({ id: w.mapped.identity.email! })), idProperty: 'email', properties, propertiesWithHistory: [] }),
    );
    const found = new Map<string, { id: string; properties: Record<string, string | null> }>();
    const wanted = new Set(group.map((w) => w.mapped.identity.email!));
    for (const record of response.results) {
      const props = record.properties as Record<string, string | null>;
      const email = (props.email ?? '').toLowerCase();
      if (wanted.has(email)) found.set(email, { id: record.id, properties: props });
    }
    return found;
  }

  async function upsertContacts(group: Work[]): Promise<void> {
    if (group.length === 0) return;
    const contactWrites = (w: Work) => w.contactWrites ?? {};
    report.isolationCalls += await isolate(group, 'contact', (w) => [w], contactWrites, async (part) => {
      const response = await call('contacts.batch.upsert', part, (c) =>
        c.crm.contacts.batchApi.upsert({
          inputs: part.map((w) => ({ id: w.mapped.identity.email!, idProperty: 'email', objectWriteTraceId: String(w.job.id), properties: w.contactWrites! })),
        }),
      );
      const byTrace = new Map(part.map((w) => [String(w.job.id), w]));
      const byEmail = new Map(part.map((w) => [w.mapped.identity.email!, w]));
      const touched: Work[] = [];
      for (const result of response.results) {
        const w = (result.objectWriteTraceId ? byTrace.get(result.objectWriteTraceId) : undefined) ?? byEmail.get(String(result.properties?.email ?? '').toLowerCase());
        if (!w || w.progress.contactOutcome) continue;
        contactDone(w, result.id, result._new ? 'created' : 'updated');
        touched.push(w);
      }
      for (const w of part.filter((x) => !x.progress.contactOutcome)) {
        w.end = { kind: 'transient', error: new AppError('internal', 'HubSpot answered the upsert without this contact.', { retryable: true }), step: 'contact' };
      }
      save(touched);
    });
  }

  async function updateContacts(group: Work[], matchOf: ReadonlyMap<Work, string>): Promise<void> {
    const nothing = group.filter((w) => Object.keys(w.contactWrites ?? {}).length === 0);
    for (const w of nothing) contactDone(w, matchOf.get(w)!, 'updated');
    if (nothing.length > 0) save(nothing);
    const send = group.filter((w) => Object.keys(w.contactWrites ?? {}).length > 0);
    if (send.length === 0) return;
    report.isolationCalls += await isolate(send, 'contact', (w) => [w], (w) => w.contactWrites ?? {}, async (part) => {
      const response = await call('contacts.batch.update', part, (c) =>
        c.crm.contacts.batchApi.update({ inputs: part.map((w) => ({ id: matchOf.get(w)!, objectWriteTraceId: String(w.job.id), properties: w.contactWrites! })) }),
      );
      const byTrace = new Map(part.map((w) => [String(w.job.id), w]));
      const byId = new Map(part.map((w) => [matchOf.get(w)!, w]));
      const touched: Work[] = [];
      for (const result of response.results) {
        const w = (result.objectWriteTraceId ? byTrace.get(result.objectWriteTraceId) : undefined) ?? byId.get(result.id);
        if (!w || w.progress.contactOutcome) continue;
        contactDone(w, result.id, 'updated');
        touched.push(w);
      }
      for (const w of part.filter((x) => !x.progress.contactOutcome)) {
        // The phone's match vanished between the search and the update (merged, archived): search again next time.
        w.end = { kind: 'transient', error: new AppError('internal', 'The contact matched by phone could no longer be updated.', { retryable: true }), step: 'contact' };
      }
      save(touched);
    });
  }

  async function searchContactsByPhone(group: Work[], properties: string[]): Promise<Map<string, { id: string; properties: Record<string, string | null> }>> {
    const matches = new Map<string, { id: string; properties: Record<string, string | null> }>();
    const phones = [...new Set(group.map((w) => w.mapped.identity.phone!))];
    for (const part of chunks(phones, BATCH)) {
      let after: string | undefined;
      do {
        const response = await call(
          'contacts.search.phone',
          group,
          (c) =>
            c.crm.contacts.searchApi.doSearch({
              filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'IN' as never, values: part }] }],
              properties,
              sorts: ['hs_object_id'],
              limit: 200,
              ...(after ? { after } : {}),
            }),
          'search',
        );
        for (const record of response.results) {
          const props = record.properties as Record<string, string | null>;
          const phone = props.phone ?? '';
          // The oldest contact with the number wins (ids ascend).
          if (phone && !matches.has(phone)) matches.set(phone, { id: record.id, properties: props });
        }
        after = response.paging?.next?.after;
      } while (after);
    }
    return matches;
  }

  /** After a crash, an email-less create may have happened: a contact with exactly its values is the one it made. */
  async function findIdenticalContact(w: Work): Promise<string | null> {
    const writes = resolveWrites(w.mapped.contact.properties, null);
    const filters = Object.entries(writes)
      .filter(([, value]) => value.length > 0 && value.length <= 200)
      .slice(0, 6)
      .map(([propertyName, value]) => ({ propertyName, operator: 'EQ' as never, value }));
    if (filters.length === 0) return null;
    const response = await call('contacts.search.recover', [w], (c) => c.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters }], properties: ['hs_object_id'], sorts: ['hs_object_id'], limit: 1 }), 'search');
    return response.results[0]?.id ?? null;
  }

  async function createContacts(group: Work[]): Promise<void> {
    if (group.length === 0) return;
    for (const w of group) {
      w.contactWrites = resolveWrites(w.mapped.contact.properties, null);
      w.sent.contact = w.contactWrites;
    }
    report.isolationCalls += await isolate(group, 'contact', (w) => [w], (w) => w.contactWrites ?? {}, async (part) => {
      // Marked before sending: if this process dies before the answer is stored, the next attempt looks first.
      const sentAt = clock.now();
      for (const w of part) w.progress.contactCreateSentAt = sentAt;
      save(part);
      const response = await request<BatchBody>('contacts.batch.create', part, `/crm/v3/objects/${OBJECT_TYPE.contacts}/batch/create`, {
        inputs: part.map((w) => ({ properties: w.contactWrites!, associations: [], objectWriteTraceId: String(w.job.id) })),
      });
      const byTrace = new Map(part.map((w) => [String(w.job.id), w]));
      const touched: Work[] = [];
      for (const result of response.results ?? []) {
        const w = result.objectWriteTraceId ? byTrace.get(result.objectWriteTraceId) : undefined;
        if (!w || w.progress.contactOutcome) continue;
        contactDone(w, result.id, 'created');
        touched.push(w);
      }
      for (const item of response.errors ?? []) {
        for (const trace of item.context?.objectWriteTraceId ?? []) {
          const w = byTrace.get(trace);
          if (!w || w.progress.contactOutcome) continue;
          // HubSpot refused it: nothing was made, so no need to look for it next time.
          w.progress.contactCreateSentAt = null;
          touched.push(w);
          stepFailure(w, 'contact', classifyHubSpotError({ code: statusOfCategory(item.category), body: item }));
        }
      }
      save(touched);
    }, (part) => {
      // A whole-batch refusal created nothing.
      for (const w of part) w.progress.contactCreateSentAt = null;
    });
  }

  /**
   * sendIsolating with the batch's bookkeeping: a refused item fails its works' step; a transient
   * failure fails the items not yet sent alike. Returns the extra calls spent isolating.
   */
  async function isolate<T>(
    items: T[],
    step: StepName,
    worksOf: (item: T) => Work[],
    writesOf: (item: T) => Readonly<Record<string, string>>,
    send: (part: T[]) => Promise<void>,
    onRefused?: (part: T[]) => void,
  ): Promise<number> {
    const sent = new Set<T>();
    const refuse = (item: T, error: AppError) => {
      for (const w of worksOf(item)) if (active(w)) stepFailure(w, step, error);
    };
    try {
      const result = await sendIsolating(items, {
        send: async (part) => {
          try {
            await send(part);
            for (const item of part) sent.add(item);
          } catch (raw) {
            const error = classifyHubSpotError(raw);
            if (isBatchRejection(error)) onRefused?.(part);
            throw error;
          }
        },
        reject: refuse,
        ...(deps.nameCulprits === false ? {} : { culprits: (part: readonly T[], error: AppError) => namedCulprits(part, error, writesOf) }),
      });
      if (result.rejected > 0) deps.logger.info('isolated refused inputs', { step, inputs: items.length, refused: result.rejected, calls: result.calls });
      return Math.max(0, result.calls - 1);
    } catch (raw) {
      callFailed(items.filter((item) => !sent.has(item)).flatMap(worksOf), step, raw);
      return 0;
    }
  }

  // ======================================================================================
  // company: match by domain then name (local keys, then one search), create, update, associate
  // ======================================================================================

  async function companyStep(): Promise<void> {
    const todo = works.filter((w) => active(w) && w.progress.contactId && !w.progress.companyOutcome);
    if (todo.length === 0) return;
    interface Group {
      domainKey: string | null;
      nameKey: string | null;
      domain: string | null;
      name: string | null;
      works: Work[];
      companyId: string | null;
      outcome: StepOutcome | null;
      existing: Record<string, string | null> | null;
      writes: Record<string, string>;
      properties: MappedProperty[];
    }
    const groups = new Map<string, Group>();
    const settled: Work[] = [];
    for (const w of todo) {
      const company = w.mapped.company;
      if (!company) {
        companyDone(w, null, 'off', null);
        settled.push(w);
        continue;
      }
      const { domain, name } = company.match;
      if (!domain && !name) {
        companyDone(w, null, 'none', null);
        settled.push(w);
        continue;
      }
      const key = domain ? domainKey(domain) : nameKey(name!);
      let group = groups.get(key);
      if (!group) {
        group = { domainKey: domain ? domainKey(domain) : null, nameKey: name ? nameKey(name) : null, domain: domain?.toLowerCase() ?? null, name, works: [], companyId: null, outcome: null, existing: null, writes: {}, properties: company.properties };
        groups.set(key, group);
      }
      group.works.push(w);
    }
    if (settled.length > 0) save(settled);
    if (groups.size === 0) return;
    const all = [...groups.values()];
    const groupWorks = (list: Group[]) => list.flatMap((g) => g.works).filter(active);

    // 1. Keys this workspace already knows (HubSpot's search would not show a company made seconds ago).
    const cached = companies.lookup(all.flatMap((g) => [g.domainKey, g.nameKey].filter((k): k is string => k !== null)));
    for (const g of all) {
      const byDomain = g.domainKey ? cached.get(g.domainKey) : undefined;
      const byName = g.nameKey ? cached.get(g.nameKey) : undefined;
      if (byDomain?.companyId) {
        g.companyId = byDomain.companyId;
        g.outcome = 'matched_by_domain';
      } else if (!g.domainKey && byName?.companyId) {
        g.companyId = byName.companyId;
        g.outcome = 'matched_by_name';
      }
    }

    // 2. One search for the rest: domain IN (…) OR name IN (…), with the values the update rules need.
    const ruledNames = [...new Set(all.flatMap((g) => g.properties.filter((p) => p.updateRule !== 'overwrite').map((p) => p.property)))];
    const unresolved = all.filter((g) => !g.companyId);
    if (unresolved.length > 0) {
      const ok = await guarded(groupWorks(unresolved), 'company', async () => {
        const found = await searchCompanies(unresolved, ['name', 'domain', ...ruledNames], groupWorks(unresolved));
        for (const g of unresolved) {
          const byDomain = g.domain ? found.byDomain.get(g.domain) : undefined;
          const cachedName = g.nameKey ? cached.get(g.nameKey) : undefined;
          const byName = g.name ? found.byName.get(normalizeName(g.name)) : undefined;
          if (byDomain) Object.assign(g, { companyId: byDomain.id, outcome: 'matched_by_domain', existing: byDomain.properties });
          else if (cachedName?.companyId) Object.assign(g, { companyId: cachedName.companyId, outcome: 'matched_by_name' });
          else if (byName) Object.assign(g, { companyId: byName.id, outcome: 'matched_by_name', existing: byName.properties });
        }
        // Remember what was found, so the next batches need no search for these keys.
        const now = clock.now();
        const wasSent = (g: Group) => [g.domainKey, g.nameKey].some((k) => k && cached.get(k)?.createSentAt);
        save([], () => {
          for (const g of unresolved) if (g.companyId) companies.record([g.outcome === 'matched_by_domain' ? g.domainKey! : g.nameKey!], g.companyId, wasSent(g), now);
        });
      });
      if (!ok) return finishCompanies(all);
    }

    // 3. Create the companies nobody has: one batch create, marked first (crash safety). A lead that
    // names only a company name another lead of the batch creates (with its domain) gets that company.
    // A create sent before an interruption that search doesn't show yet waits (SEARCH_LAG_MS) instead of
    // creating the company a second time.
    for (const g of all) {
      if (g.companyId || !g.works.some(active)) continue;
      const sentAt = Math.max(...[g.domainKey, g.nameKey].map((k) => (k ? (cached.get(k)?.createSentAt ?? 0) : 0)));
      if (sentAt > 0) for (const w of g.works) if (active(w)) settleIfRecent(w, sentAt, 'company');
    }
    const unmatched = all.filter((g) => !g.companyId && g.works.some(active));
    const creatorByName = new Map<string, Group>();
    for (const g of unmatched) if (g.domainKey && g.name && !creatorByName.has(normalizeName(g.name))) creatorByName.set(normalizeName(g.name), g);
    const followers = new Map<Group, Group>();
    for (const g of unmatched) {
      const creator = !g.domainKey && g.name ? creatorByName.get(normalizeName(g.name)) : undefined;
      if (creator) followers.set(g, creator);
    }
    const toCreate = unmatched.filter((g) => !followers.has(g));
    if (toCreate.length > 0) {
      for (const g of toCreate) {
        g.writes = resolveWrites(g.properties, null);
        for (const w of g.works) w.sent.company = g.writes;
      }
      const createWorks = groupWorks(toCreate);
      await guarded(createWorks, 'company', async () => {
        for (const part of chunks(toCreate, BATCH)) {
          const partWorks = groupWorks(part);
          const keysOf = (g: Group) => [g.domainKey, g.nameKey].filter((k): k is string => k !== null);
          save([], () => companies.markCreateSent(part.flatMap(keysOf), clock.now()));
          let response: BatchBody;
          try {
            response = await request<BatchBody>('companies.batch.create', partWorks, `/crm/v3/objects/${OBJECT_TYPE.companies}/batch/create`, {
              inputs: part.map((g, i) => ({ properties: g.writes, associations: [], objectWriteTraceId: String(i) })),
            });
          } catch (raw) {
            const error = classifyHubSpotError(raw);
            if (!isBatchRejection(error)) throw error;
            // Multi-status was asked for, so a whole-batch refusal concerns every input alike.
            for (const w of partWorks) stepFailure(w, 'company', error);
            continue;
          }
          const now = clock.now();
          const created: Group[] = [];
          for (const result of response.results ?? []) {
            const g = part[Number(result.objectWriteTraceId)];
            if (!g) continue;
            g.companyId = result.id;
            g.outcome = 'created';
            created.push(g);
          }
          for (const item of response.errors ?? []) {
            for (const trace of item.context?.objectWriteTraceId ?? []) {
              const g = part[Number(trace)];
              if (!g) continue;
              const error = classifyHubSpotError({ code: statusOfCategory(item.category), body: item });
              for (const w of g.works) if (active(w)) stepFailure(w, 'company', error);
            }
          }
          save([], () => {
            for (const g of created) companies.record(keysOf(g), g.companyId!, true, now);
          });
        }
      });
    }

    for (const [g, creator] of followers) {
      if (!creator.companyId) continue;
      g.companyId = creator.companyId;
      g.outcome = 'matched_by_name';
    }
    if (followers.size > 0) {
      const now = clock.now();
      save([], () => {
        for (const g of followers.keys()) if (g.companyId) companies.record([g.nameKey!], g.companyId, false, now);
      });
    }

    // 4. Write the mapped values onto matched companies (the update rules decide which).
    const matched = all.filter((g) => g.companyId && g.outcome !== 'created' && g.works.some(active));
    const needRead = matched.filter((g) => g.existing === null && g.properties.some((p) => p.updateRule !== 'overwrite'));
    if (needRead.length > 0) {
      await guarded(groupWorks(needRead), 'company', async () => {
        for (const part of chunks(needRead, BATCH)) {
          const response = await call('companies.batch.read', groupWorks(part), (c) =>
            c.crm.companies.batchApi.read({ inputs: part.map((g) => ({ id: g.companyId! })), properties: ruledNames, propertiesWithHistory: [] }),
          );
          const byId = new Map(response.results.map((r) => [r.id, r.properties as Record<string, string | null>]));
          for (const g of part) g.existing = byId.get(g.companyId!) ?? {};
        }
      });
    }
    const toUpdate: Group[] = [];
    for (const g of matched) {
      if (!g.works.some(active)) continue;
      // existing is null only when every rule is Overwrite: then every value is written.
      g.writes = resolveWrites(g.properties, g.existing ?? {});
      // Values HubSpot already holds need no write.
      if (g.existing) for (const [k, v] of Object.entries(g.writes)) if (g.existing[k] === v) delete g.writes[k];
      for (const w of g.works) w.sent.company = g.writes;
      if (Object.keys(g.writes).length > 0) toUpdate.push(g);
    }
    if (toUpdate.length > 0) {
      // Refused updates are isolated per company; a company's leads share its verdict.
      report.isolationCalls += await isolate(toUpdate, 'company', (g) => g.works, (g) => g.writes, async (part) => {
        await call('companies.batch.update', groupWorks(part), (c) => c.crm.companies.batchApi.update({ inputs: part.map((g) => ({ id: g.companyId!, properties: g.writes })) }));
      });
    }

    // 5. Associate each contact with its company (one v4 batch call).
    await finishCompanies(all);

    async function finishCompanies(list: Group[]): Promise<void> {
      const pairs: Array<{ w: Work; g: Group }> = [];
      for (const g of list) for (const w of g.works) if (active(w) && g.companyId && !w.progress.companyOutcome) pairs.push({ w, g });
      if (pairs.length === 0) return;
      const pairWorks = pairs.map((p) => p.w);
      await guarded(pairWorks, 'company', async () => {
        const response = await call('associations.contacts.companies', pairWorks, (c) =>
          c.crm.associations.v4.batchApi.createDefault('contacts', 'companies', {
            inputs: pairs.map(({ w, g }) => ({ _from: { id: w.progress.contactId! }, to: { id: g.companyId! } })),
          }),
        );
        const missing = new Set<string>();
        for (const e of (response as { errors?: Array<{ context?: Record<string, string[]> }> }).errors ?? []) for (const id of e.context?.ids ?? []) missing.add(String(id));
        const now = clock.now();
        const touched: Work[] = [];
        const forget: string[] = [];
        for (const { w, g } of pairs) {
          if (missing.has(g.companyId!)) {
            forget.push(g.companyId!);
            w.end = { kind: 'transient', error: new AppError('internal', `The company ${g.companyId} is no longer in HubSpot; it will be matched again.`, { retryable: true }), step: 'company' };
            continue;
          }
          if (missing.has(w.progress.contactId!)) {
            w.progress.contactId = null;
            w.progress.contactOutcome = null;
            setStep(w, 'contact', 'pending', null);
            w.end = { kind: 'transient', error: new AppError('internal', 'The contact is no longer in HubSpot; it will be written again.', { retryable: true }), step: 'company' };
            touched.push(w);
            continue;
          }
          companyDone(w, g.companyId, g.outcome!, g.outcome === 'matched_by_domain' || g.outcome === 'created' ? (g.domainKey ?? g.nameKey) : g.nameKey);
          touched.push(w);
        }
        save(touched, () => {
          for (const id of forget) companies.forget(id);
        });
        void now;
      });
    }
  }

  async function searchCompanies(groups: Array<{ domain: string | null; name: string | null; nameKey: string | null }>, properties: string[], group: Work[]) {
    const byDomain = new Map<string, { id: string; properties: Record<string, string | null> }>();
    const byName = new Map<string, { id: string; properties: Record<string, string | null> }>();
    const domains = [...new Set(groups.map((g) => g.domain).filter((d): d is string => d !== null))];
    const names = [...new Set(groups.map((g) => (g.name ? normalizeName(g.name) : null)).filter((n): n is string => n !== null))];
    for (let i = 0; i < Math.max(domains.length, names.length); i += BATCH) {
      const d = domains.slice(i, i + BATCH);
      const n = names.slice(i, i + BATCH);
      const filterGroups = [
        ...(d.length ? [{ filters: [{ propertyName: 'domain', operator: 'IN' as never, values: d }] }] : []),
        ...(n.length ? [{ filters: [{ propertyName: 'name', operator: 'IN' as never, values: n }] }] : []),
      ];
      let after: string | undefined;
      do {
        const response = await call(
          'companies.search',
          group,
          (c) => c.crm.companies.searchApi.doSearch({ filterGroups, properties: [...new Set(properties)], sorts: ['hs_object_id'], limit: 200, ...(after ? { after } : {}) }),
          'search',
        );
        for (const record of response.results) {
          const props = record.properties as Record<string, string | null>;
          const domain = (props.domain ?? '').trim().toLowerCase();
          const name = normalizeName(props.name ?? '');
          // Ids ascend: the oldest company with a domain or name wins.
          if (domain && !byDomain.has(domain)) byDomain.set(domain, { id: record.id, properties: props });
          if (name && !byName.has(name)) byName.set(name, { id: record.id, properties: props });
        }
        after = response.paging?.next?.after;
      } while (after);
    }
    return { byDomain, byName };
  }

  function companyDone(w: Work, id: string | null, outcome: StepOutcome, key: string | null) {
    w.progress.companyId = id;
    w.progress.companyOutcome = outcome;
    w.progress.companyKey = key;
    setStep(w, 'company', outcome, id);
  }

  // ======================================================================================
  // list: one membership call for the batch; "already a member" is what HubSpot neither added nor missed
  // ======================================================================================

  async function listStep(): Promise<void> {
    const todo = works.filter((w) => active(w) && w.progress.contactId && w.progress.companyOutcome && !w.progress.listOutcome);
    if (todo.length === 0) return;
    const { listId, processingType } = settings.list;
    const settle = (w: Work, outcome: StepOutcome, error: AppError | null = null) => {
      w.progress.listId = listId;
      w.progress.listOutcome = outcome;
      w.sent.listId = listId;
      if (error) stepFailure(w, 'list', error);
      else setStep(w, 'list', outcome, listId);
    };
    if (!listId) {
      for (const w of todo) settle(w, 'none');
      return save(todo);
    }
    if (processingType === 'DYNAMIC') {
      for (const w of todo) settle(w, 'skipped_dynamic');
      return save(todo);
    }
    const ids = [...new Set(todo.map((w) => w.progress.contactId!))];
    await guarded(todo, 'list', async () => {
      let response: { recordsIdsAdded?: string[]; recordIdsAdded?: string[]; recordIdsMissing?: string[] };
      try {
        response = await call('lists.memberships.add', todo, (c) => c.crm.lists.membershipsApi.add(listId, ids));
      } catch (raw) {
        const error = classifyHubSpotError(raw);
        if (error.details?.status === 400 && /DYNAMIC/i.test(error.message + String(error.details?.response ?? ''))) {
          for (const w of todo) settle(w, 'skipped_dynamic');
          return save(todo);
        }
        throw error;
      }
      const added = new Set([...(response.recordsIdsAdded ?? []), ...(response.recordIdsAdded ?? [])].map(String));
      const missing = new Set((response.recordIdsMissing ?? []).map(String));
      for (const w of todo) {
        const id = w.progress.contactId!;
        if (missing.has(id)) settle(w, 'failed', new AppError('not_found', `HubSpot could not find contact ${id} to add it to list ${listId}.`, { retryable: false, details: { listId, contactId: id } }));
        else settle(w, added.has(id) ? 'added' : 'already_member');
      }
      save(todo);
    });
  }
}

// ---------- helpers ----------

interface BatchBody {
  status?: string;
  results?: Array<{ id: string; objectWriteTraceId?: string; properties?: Record<string, string | null> }>;
  errors?: Array<{ status?: string; category?: string; message?: string; context?: { objectWriteTraceId?: string[]; ids?: string[] }; errors?: unknown[] }>;
}

function statusOfCategory(category: string | undefined): number {
  if (category === 'CONFLICT') return 409;
  if (category === 'OBJECT_NOT_FOUND') return 404;
  if (category === 'RATE_LIMITS') return 429;
  return 400;
}

/** A problem mapLead already sees against the stored definitions: the job fails before any call. */
function preflightError(first: MappedLead['problems'][number], all: MappedLead['problems']): AppError {
  return new AppError(first.code, first.message, {
    retryable: false,
    details: {
      property: first.property,
      value: first.value,
      rowId: first.rowId,
      source: first.source,
      kind: first.kind,
      ...(first.suggestion ? { suggestion: first.suggestion } : {}),
      problems: all.map((p) => ({ property: p.property, value: p.value, kind: p.kind, message: p.message, object: p.object })),
      preflight: true,
    },
  });
}

/** Turns how a work ended into the attempt's record and the job's next state (the retry schedule lives here). */
function conclude(
  job: ClaimedJob,
  progress: JobProgress,
  end: WorkEnd | null,
  warnings: Array<{ step: StepName; error: AppError }>,
  sent: SentProperties | null,
  now: number,
): { attempt: AttemptEnd; next: JobEnd } {
  const base = { failures: job.failures, nextAttemptAt: null as number | null, cancelReason: null as CancelReason | null, stateReason: null as string | null };
  const notRun = () => {
    for (const s of progress.steps) if (s.outcome === 'pending') Object.assign(s, { outcome: 'not_run', label: STEP_OUTCOME_LABELS.not_run });
  };
  if (!end) {
    const warning = warnings[0];
    const state = warning ? 'succeeded_with_warnings' : 'succeeded';
    const error = warning ? storeError(warning.error) : null;
    return {
      attempt: { status: state, error, failedStep: warning?.step ?? null, cancelReason: null, sent, nextAttemptAt: null },
      next: { ...base, state, failures: 0, error, progress },
    };
  }
  switch (end.kind) {
    case 'failed': {
      notRun();
      const error = storeError(end.error);
      return { attempt: { status: 'failed', error, failedStep: end.step, cancelReason: null, sent, nextAttemptAt: null }, next: { ...base, state: 'failed', error, progress } };
    }
    case 'transient': {
      // An attempt that got a step through before failing shows HubSpot answering: the count starts again
      // (it still ends: three steps can make progress at most three times).
      const progressed =
        (!job.contactOutcome && progress.contactOutcome !== null) ||
        (!job.companyOutcome && progress.companyOutcome !== null && progress.companyOutcome !== 'failed') ||
        (!job.listOutcome && progress.listOutcome !== null);
      const failures = progressed ? 1 : job.failures + 1;
      const decision = afterTransientFailure(failures, now);
      const error = storeError(end.error);
      if (decision.kind === 'give_up') {
        notRun();
        return { attempt: { status: 'failed', error, failedStep: end.step, cancelReason: null, sent, nextAttemptAt: null }, next: { ...base, state: 'failed', failures, error, progress } };
      }
      return {
        attempt: { status: 'retrying', error, failedStep: end.step, cancelReason: null, sent, nextAttemptAt: decision.at },
        next: { ...base, state: 'retrying', failures, nextAttemptAt: decision.at, error, stateReason: `Retry ${decision.retryNumber} of 4` , progress },
      };
    }
    case 'cancelled': {
      notRun();
      return {
        attempt: { status: 'cancelled', error: null, failedStep: null, cancelReason: end.reason, sent, nextAttemptAt: null },
        next: { ...base, state: 'cancelled', cancelReason: end.reason, stateReason: end.message, error: null, progress },
      };
    }
    case 'settling':
      // Not a failure (nothing was refused): the job waits, its retry count untouched.
      return {
        attempt: { status: 'interrupted', error: null, failedStep: null, cancelReason: null, sent, nextAttemptAt: end.until },
        next: { ...base, state: 'queued', nextAttemptAt: end.until, stateReason: end.message, error: null, progress },
      };
    case 'hold': {
      const error = storeError(end.error);
      const reason =
        end.state === 'waiting_for_network'
          ? 'HubSpot cannot be reached: this computer seems to be offline. The job continues when the network is back.'
          : 'HubSpot needs reauthorizing. The job continues after you reconnect.';
      return {
        attempt: { status: 'interrupted', error, failedStep: null, cancelReason: null, sent, nextAttemptAt: null },
        next: { ...base, state: end.state, nextAttemptAt: now, stateReason: reason, error, progress },
      };
    }
  }
}
