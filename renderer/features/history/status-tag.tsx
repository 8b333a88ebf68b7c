import { ATTEMPT_STATUS_LABELS, type AttemptStatus, CANCEL_REASON_LABELS, type CancelReason, JOB_STATE_LABELS, type JobState } from '../../../core/contract/push.ts';

const TONE: Record<string, string> = {
  running: 'tag-info',
  queued: 'tag-info',
  succeeded: 'tag-success',
  succeeded_with_warnings: 'tag-warning',
  failed: 'tag-danger',
  retrying: 'tag-warning',
  waiting_for_network: 'tag-warning',
  paused_reauthorize: 'tag-warning',
  cancelled: '',
  interrupted: '',
};

const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });

/** An attempt's status (or, with `state`, a job's) as a coloured tag with its reason on hover. */
export function StatusTag({
  status,
  state,
  nextAttemptAt,
  cancelReason,
}: {
  status?: AttemptStatus;
  state?: JobState;
  nextAttemptAt?: string | null;
  cancelReason?: CancelReason | null;
}) {
  const key = state ?? status ?? 'queued';
  const label = state ? JOB_STATE_LABELS[state] : ATTEMPT_STATUS_LABELS[status!];
  const title =
    (key === 'retrying' && nextAttemptAt ? `Runs again at ${time.format(new Date(nextAttemptAt))}` : null) ?? (cancelReason ? CANCEL_REASON_LABELS[cancelReason] : null) ?? undefined;
  return (
    <span className={`tag ${TONE[key] ?? ''}`} title={title} data-testid="status-tag">
      {key === 'running' ? <span className="tag-pulse" aria-hidden="true" /> : null}
      {label}
    </span>
  );
}
