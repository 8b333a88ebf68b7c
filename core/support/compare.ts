import type { AttemptDetail, AttemptStatus, JobState, SentProperties, StepResult } from '../contract/push.ts';
import { STEP_OUTCOME_LABELS } from '../contract/push.ts';
import type { OutcomeComparison, OutcomeSide, PropertyChange, StepComparison, Verdict } from '../contract/support.ts';

/** One side of a comparison: a job's state and the attempt that decided it (null: none yet). */
export interface Side {
  state: JobState;
  attempt: Pick<AttemptDetail, 'attemptId' | 'attempt' | 'status' | 'startedAt' | 'finishedAt' | 'steps' | 'error' | 'sent'> | null;
}

const PENDING: ReadonlySet<JobState> = new Set(['queued', 'running', 'retrying', 'waiting_for_network', 'paused_reauthorize']);
const OK: ReadonlySet<JobState> = new Set(['succeeded', 'succeeded_with_warnings']);

/** What an attempt's status says about its job, for an attempt that is not the job's last. */
export function stateOfAttempt(status: AttemptStatus): JobState {
  switch (status) {
    case 'running':
      return 'running';
    case 'interrupted':
      return 'queued';
    default:
      return status;
  }
}

function side(s: Side): OutcomeSide {
  return {
    attemptId: s.attempt?.attemptId ?? null,
    attempt: s.attempt?.attempt ?? null,
    state: s.state,
    at: s.attempt?.finishedAt ?? s.attempt?.startedAt ?? null,
    error: s.attempt?.error ?? null,
  };
}

const notRun = (step: StepResult['step']) => ({ outcome: 'not_run' as const, label: STEP_OUTCOME_LABELS.not_run, hubspotId: null, error: null, step });

function steps(before: Side, after: Side): StepComparison[] {
  return (['contact', 'company', 'list'] as const).map((step) => {
    const b = before.attempt?.steps.find((s) => s.step === step) ?? notRun(step);
    const a = after.attempt?.steps.find((s) => s.step === step) ?? notRun(step);
    return {
      step,
      before: { outcome: b.outcome, label: b.label, hubspotId: b.hubspotId, error: b.error },
      after: { outcome: a.outcome, label: a.label, hubspotId: a.hubspotId, error: a.error },
      changed: b.outcome !== a.outcome || (b.error?.code ?? null) !== (a.error?.code ?? null),
    };
  });
}

function propertyChanges(before: SentProperties | null, after: SentProperties | null): PropertyChange[] {
  const changes: PropertyChange[] = [];
  for (const object of ['contact', 'company'] as const) {
    const b = before?.[object] ?? {};
    const a = after?.[object] ?? {};
    for (const property of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
      const was = b[property] ?? null;
      const now = a[property] ?? null;
      if (was !== now) changes.push({ object, property, before: was, after: now });
    }
  }
  return changes;
}

const words = (state: JobState) => state.replaceAll('_', ' ');
const errorWords = (s: OutcomeSide) => (s.error ? `${s.error.title}${detailOf(s)}` : words(s.state));
function detailOf(s: OutcomeSide): string {
  const details = s.error?.details ?? {};
  const named = typeof details.property === 'string' ? details.property : Array.isArray(details.properties) ? details.properties.join(', ') : null;
  return named ? ` (${named})` : '';
}

/**
 * Compares how a job ended before and after: the original against its replay, or an attempt of a
 * failed job against the one after an edit. Reproduced: the same end (state and error code); fixed:
 * a failure (or warning) before and a success after; different: anything else; pending: the later
 * attempt hasn't ended.
 */
export function compareOutcomes(before: Side, after: Side, noun: { before: string; after: string } = { before: 'The original', after: 'the replay' }): OutcomeComparison {
  const b = side(before);
  const a = side(after);
  let verdict: Verdict;
  let summary: string;
  if (!after.attempt || PENDING.has(after.state) || after.attempt.status === 'running') {
    verdict = 'pending';
    summary = `${capital(noun.after)} hasn't finished yet (${words(after.state)}).`;
  } else if (before.state === after.state && (b.error?.code ?? null) === (a.error?.code ?? null)) {
    verdict = 'reproduced';
    summary = OK.has(after.state) && !a.error ? `${capital(noun.after)} succeeded, as ${noun.before.toLowerCase()} did.` : `${capital(noun.after)} ended the same way: ${errorWords(a)}.`;
  } else if (!OK.has(before.state) && OK.has(after.state)) {
    verdict = 'fixed';
    summary = `${capital(noun.after)} ${after.state === 'succeeded' ? 'succeeded' : 'succeeded with warnings'}; ${noun.before.toLowerCase()} ${before.state === 'cancelled' ? 'was cancelled' : `failed: ${errorWords(b)}`}.`;
  } else if (before.state === 'succeeded_with_warnings' && after.state === 'succeeded') {
    verdict = 'fixed';
    summary = `${capital(noun.after)} succeeded without the warning ${noun.before.toLowerCase()} had (${errorWords(b)}).`;
  } else {
    verdict = 'different';
    summary = `${capital(noun.after)} ended differently: ${errorWords(a)}, where ${noun.before.toLowerCase()} ${OK.has(before.state) && !b.error ? 'succeeded' : `ended with ${errorWords(b)}`}.`;
  }
  const sentBefore = before.attempt?.sent ?? null;
  const sentAfter = after.attempt?.sent ?? null;
  return { verdict, summary, before: b, after: a, steps: steps(before, after), properties: propertyChanges(sentBefore, sentAfter), sentBefore, sentAfter };
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
