import type { PushProgress } from '../../../core/contract/push.ts';
import { Icon } from '../../components/icons.tsx';

const fmt = (n: number) => n.toLocaleString();
const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });

export function formatEta(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** A long push at a glance: done of total, failures, rate against what HubSpot allows, time left. */
export function PushProgressCard({ progress, onCancelAll }: { progress: PushProgress; onCancelAll?: () => void }) {
  const c = progress.counts;
  const pending = c.queued + c.running + c.retrying + c.waiting_for_network + c.paused_reauthorize;
  const done = c.succeeded + c.succeeded_with_warnings + c.failed + c.cancelled;
  const total = pending + done;
  const percent = total > 0 ? (done / total) * 100 : 0;
  const eta = formatEta(progress.etaSeconds);
  const held = c.waiting_for_network + c.paused_reauthorize;
  return (
    <section className="card push-progress" aria-label="Push progress" data-testid="push-progress">
      <div className="push-progress-head">
        <span className="push-progress-title">
          <span className="tag-pulse" aria-hidden="true" />
          {progress.heldElsewhere ? 'Another Syncdesk is pushing this workspace' : 'Pushing to HubSpot'}
        </span>
        <span className="push-progress-numbers">
          <strong>{fmt(done)}</strong> of {fmt(total)} done
          {c.failed > 0 ? <span className="push-progress-failed"> · {fmt(c.failed)} failed</span> : null}
          {c.retrying > 0 ? (
            <span>
              {' '}
              · {fmt(c.retrying)} retrying{progress.nextAttemptAt ? ` (next at ${time.format(new Date(progress.nextAttemptAt))})` : ''}
            </span>
          ) : null}
          {held > 0 ? <span> · {fmt(held)} waiting</span> : null}
        </span>
        {onCancelAll ? (
          <button type="button" className="btn btn-small" onClick={onCancelAll}>
            <Icon name="stop" size={13} /> Cancel pending
          </button>
        ) : null}
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${fmt(done)} of ${fmt(total)} jobs done`}
      >
        <span className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="push-progress-rate muted">
        {progress.leadsPerSecond > 0 ? `${progress.leadsPerSecond.toLocaleString(undefined, { maximumFractionDigits: 1 })} leads/s` : 'Starting…'}
        {progress.allowedCallsPerSecond !== null
          ? ` · ${progress.callsPerSecond.toLocaleString(undefined, { maximumFractionDigits: 1 })} of ${progress.allowedCallsPerSecond.toLocaleString(undefined, { maximumFractionDigits: 1 })} HubSpot calls/s`
          : ''}
        {eta ? ` · about ${eta} left` : ''}
      </p>
    </section>
  );
}
