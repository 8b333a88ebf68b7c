import { useEffect, useState } from 'react';
import { ERROR_REFERENCE } from '../../../core/contract/error-reference.ts';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { useAppStore } from '../../state/store.ts';
import { type HistoryQuery, retryFilter } from './history-slice.ts';

const fmt = (n: number) => n.toLocaleString();

function describe(query: HistoryQuery): string[] {
  const parts: string[] = [];
  if (query.errorCode) parts.push(`with the error “${ERROR_REFERENCE[query.errorCode as keyof typeof ERROR_REFERENCE]?.title ?? query.errorCode}”`);
  if (query.search.trim()) parts.push(`matching “${query.search.trim()}”`);
  const range = query.range;
  parts.push(
    range.preset === 'custom'
      ? `last changed ${range.label === 'Custom range' ? 'in the chosen range' : `on ${range.label}`}`
      : `last changed in the ${range.preset === '24h' ? 'last 24 hours' : range.preset === '7d' ? 'last 7 days' : 'last 30 days'}`,
  );
  return parts;
}

/** Retry all failed, with the current filter, after saying how many: "Retry 37 failed jobs?" */
export function RetryFailedDialog({ query, onClose }: { query: HistoryQuery; onClose(): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [filter] = useState(() => retryFilter(query));
  const workspaceId = query.workspaceId!;

  useEffect(() => {
    let live = true;
    void api.invoke('push.retryFailed', { workspaceId, filter, preview: true }).then((r) => {
      if (!live) return;
      if (r.ok) setCount(r.value.count);
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, workspaceId, filter]);

  const retry = async () => {
    setBusy(true);
    try {
      const result = await api.call('push.retryFailed', { workspaceId, filter, preview: false });
      notify('success', `Queued ${fmt(result.retried)} failed job${result.retried === 1 ? '' : 's'} again.`);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const title = count === null ? 'Retry failed jobs' : count === 0 ? 'No failed jobs to retry' : `Retry ${fmt(count)} failed job${count === 1 ? '' : 's'}?`;
  return (
    <Dialog
      title={title}
      onClose={onClose}
      onSubmit={() => (count ? void retry() : onClose())}
      testId="retry-failed-dialog"
      footer={
        count ? (
          <>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="retry-failed-confirm">
              <Icon name="refresh" /> Retry {fmt(count)}
            </button>
          </>
        ) : (
          <button type="submit" className="btn">
            Close
          </button>
        )
      }
    >
      {count === null && !error ? <p className="muted">Counting…</p> : null}
      {count !== null ? (
        <p>
          {count === 0 ? 'No job has failed' : `${fmt(count)} job${count === 1 ? ' has' : 's have'} failed`} {describe(query).join(', ')}.{' '}
          {count > 0 ? 'Each is queued again now with its lead and mapping as they are; finished steps are not repeated.' : ''}
        </p>
      ) : null}
      {query.status !== 'all' && query.status !== 'errors' && query.status !== 'failed' ? (
        <p className="muted">The status filter doesn't apply here: only failed jobs are retried.</p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
