import { type ChangeEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { BundleSummary, BundleView, ReplayView } from '../../../core/contract/support.ts';
import { errorMessage } from '../../api/client.ts';
import { Icon } from '../../components/icons.tsx';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { ComparisonView } from './comparison-view.tsx';
import { ErrorExplanation } from './job-detail.tsx';
import { StatusTag } from './status-tag.tsx';

const kb = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** Import a support bundle: the file is read here and checked by core, which says what is wrong with a foreign or damaged one. */
function ImportButton({ onImported }: { onImported(summary: BundleSummary): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setBusy(true);
    try {
      const summary = await api.call('support.importBundle', { fileName: file.name, text: await file.text() });
      notify('success', `Imported the bundle of ${summary.leadLabel || 'a job'} (${summary.workspaceName}).`);
      onImported(summary);
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <input ref={input} type="file" accept=".json,application/json" className="visually-hidden" tabIndex={-1} onChange={(e) => void pick(e)} data-testid="bundle-file" />
      <button type="button" className="btn btn-primary" disabled={busy} onClick={() => input.current?.click()}>
        <Icon name="upload" /> {busy ? 'Importing…' : 'Import bundle'}
      </button>
    </>
  );
}

/** Every imported bundle: what happened where, and how many replays it has. */
export function BundlesList({ onOpen }: { onOpen(bundleId: string): void }) {
  const api = useAppStore((s) => s.api);
  const [items, setItems] = useState<BundleSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void api.invoke('support.bundles', {}).then((r) => (r.ok ? setItems(r.value.items) : setError(r.error.message)));
  }, [api]);
  useEffect(load, [load]);
  return (
    <section className="bundles" data-testid="bundles-list">
      <div className="bundles-head">
        <p className="muted">
          A bundle is one job as another Syncdesk saw it (Report an issue). Replay it against a sandbox portal seeded from its property definitions, or against a portal of your own, and
          compare the outcome with the original.
        </p>
        <ImportButton onImported={(s) => onOpen(s.bundleId)} />
      </div>
      {error ? <p className="field-error">{error}</p> : null}
      {items && items.length === 0 ? (
        <div className="empty-inline card">No bundle imported yet. Import the file someone saved with Report an issue.</div>
      ) : null}
      {items && items.length > 0 ? (
        <table className="table bundles-table">
          <thead>
            <tr>
              <th>Imported</th>
              <th>Workspace</th>
              <th>Lead</th>
              <th>Outcome</th>
              <th className="num">Attempts</th>
              <th className="num">Replays</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={b.bundleId} data-testid="bundle-row" onClick={() => onOpen(b.bundleId)}>
                <td title={formatDateTime(b.importedAt)}>{formatRelative(b.importedAt)}</td>
                <td>
                  {b.workspaceName}
                  {b.portalId ? <span className="faint"> · portal {b.portalId}</span> : null}
                </td>
                <td>
                  {b.leadLabel}
                  {b.masked ? <span className="tag bundle-masked">masked</span> : null}
                </td>
                <td>
                  <StatusTag state={b.state} /> {b.errorTitle ? <span className="muted">{b.errorTitle}</span> : null}
                </td>
                <td className="num">{b.attempts}</td>
                <td className="num">{b.replays}</td>
                <td>
                  <button type="button" className="btn btn-small" onClick={() => onOpen(b.bundleId)}>
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function ReplayCard({ replay, onAgain, busy }: { replay: ReplayView; onAgain(): void; busy: boolean }) {
  const navigate = useAppStore((s) => s.navigate);
  return (
    <article className="card replay-card" data-testid="replay">
      <header className="replay-head">
        <div>
          <h3>Replay against {replay.targetLabel}</h3>
          <p className="muted">
            {formatDateTime(replay.startedAt)}
            {replay.seeded.properties.length > 0 ? ` · seeded ${replay.seeded.properties.length} propert${replay.seeded.properties.length === 1 ? 'y' : 'ies'} (${replay.seeded.properties.join(', ')})` : ''}
            {replay.seeded.list ? ` · list "${replay.seeded.list}"` : ''}
            {replay.seeded.withheld.length > 0 ? ` · not created, as HubSpot said the original portal lacks them: ${replay.seeded.withheld.join(', ')}` : ''}
          </p>
        </div>
        <div className="replay-actions">
          <button type="button" className="btn btn-small" onClick={() => navigate({ name: 'workspace', workspaceId: replay.workspaceId, page: 'history', param: replay.jobId })}>
            Open the replayed job
          </button>
          <button type="button" className="btn btn-small" disabled={busy} onClick={onAgain}>
            <Icon name="refresh" size={14} /> Replay again
          </button>
        </div>
      </header>
      <ComparisonView comparison={replay.comparison} labels={{ before: 'Original', after: 'Replay' }} />
    </article>
  );
}

/** One bundle: the original job and its error, the replay controls, and every replay beside the original. */
export function BundleDetail({ bundleId, onBack }: { bundleId: string; onBack(): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const workspaces = useAppStore((s) => s.workspaces);
  const [view, setView] = useState<BundleView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState<string>('sandbox');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const r = await api.invoke('support.bundle', { bundleId });
    if (r.ok) setView(r.value);
    else setError(r.error.message);
  }, [api, bundleId]);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (action: () => Promise<ReplayView>) => {
    setBusy(true);
    try {
      const replay = await action();
      notify(replay.comparison.verdict === 'fixed' ? 'success' : 'info', replay.comparison.summary);
      await load();
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const replayWorkspaceIds = new Set(view?.replays.map((r) => r.workspaceId));
  const own = workspaces.filter((w) => !replayWorkspaceIds.has(w.id));

  return (
    <section className="bundle-detail" data-testid="bundle-detail">
      <button type="button" className="link back-link" onClick={onBack}>
        ← All bundles
      </button>
      {error ? <p className="field-error">{error}</p> : null}
      {view ? (
        <>
          <header className="bundle-detail-head">
            <div>
              <h2>
                {view.bundle.job.leadLabel || 'Lead'} <StatusTag state={view.bundle.job.state} />
              </h2>
              <p className="muted">
                {view.summary.workspaceName}
                {view.summary.portalId ? ` · portal ${view.summary.portalId}` : ''} · job {view.bundle.job.jobId} · written {formatDateTime(view.bundle.createdAt)} by Syncdesk {view.summary.appVersion} on {view.bundle.os.description} · {kb(view.summary.bytes)}
                {view.bundle.masked ? ' · personal data masked' : ''}
              </p>
            </div>
          </header>
          {view.bundle.note ? <blockquote className="bundle-note">“{view.bundle.note}”</blockquote> : null}
          {view.bundle.job.error ? <ErrorExplanation error={view.bundle.job.error} /> : null}
          <div className="card replay-controls">
            <label className="select-field">
              <span className="field-label">Replay against</span>
              <select aria-label="Replay against" value={target} onChange={(e) => setTarget(e.target.value)}>
                <option value="sandbox">A new sandbox portal seeded from the bundle ({view.bundle.properties.contacts.length + view.bundle.properties.companies.length} property definitions)</option>
                {own.map((w) => (
                  <option key={w.id} value={w.id}>
                    The portal of {w.name}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy}
              onClick={() => void run(() => api.call('support.replay', { bundleId, target: target === 'sandbox' ? { kind: 'sandbox' } : { kind: 'workspace', workspaceId: target }, waitMs: 60_000 }))}
            >
              <Icon name="play" /> {busy ? 'Replaying…' : 'Replay'}
            </button>
            <p className="muted replay-hint">
              The replay runs the bundle's lead and mapping through the same push engine in a workspace of its own, so your workspaces and leads stay as they are.
            </p>
          </div>
          {view.replays.length === 0 ? <p className="muted">Not replayed yet.</p> : null}
          {[...view.replays].reverse().map((replay) => (
            <ReplayCard key={replay.replayId} replay={replay} busy={busy} onAgain={() => void run(() => api.call('support.replayAgain', { replayId: replay.replayId, waitMs: 60_000 }))} />
          ))}
        </>
      ) : null}
    </section>
  );
}
