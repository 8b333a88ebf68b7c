import { useEffect, useState } from 'react';
import type { MirrorSettings } from '../../../core/contract/mirror.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { errorMessage } from '../../api/client.ts';
import { useAppStore } from '../../state/store.ts';

const OBJECT_OF: Record<string, string> = { '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals' };

type Lists = Array<{ id: string; name: string; objectTypeId: string; processingType: string; size: number | null }>;

/** The mirror's settings: schedule, windows, scope, and what MRR and links follow. */
export function SyncSettings({ workspace }: { workspace: Workspace }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const [saved, setSaved] = useState<MirrorSettings | null>(null);
  const [draft, setDraft] = useState<MirrorSettings | null>(null);
  const [lists, setLists] = useState<Lists>([]);
  const [error, setError] = useState<string | null>(null);
  const version = useAppStore((s) => s.mirrorVersion[workspace.id] ?? 0);

  useEffect(() => {
    void api.invoke('mirror.getSettings', { workspaceId: workspace.id }).then((r) => {
      if (!r.ok) return;
      setSaved(r.value);
      setDraft(r.value);
    });
  }, [api, workspace.id]);

  // The lists come with a sync: the first one (often started from this page) fills them in.
  useEffect(() => {
    let current = true;
    void api.invoke('mirror.lists', { workspaceId: workspace.id }).then((r) => current && r.ok && setLists(r.value.lists));
    return () => {
      current = false;
    };
  }, [api, workspace.id, version]);

  if (!draft || !saved) return null;
  const set = <K extends keyof MirrorSettings>(key: K, value: MirrorSettings[K]) => setDraft({ ...draft, [key]: value });
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  const number = (key: 'incrementalMinutes' | 'fullSyncHour' | 'lookbackMinutes' | 'archivedSweepHours', label: string, hint: string, min: number, max: number) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <input type="number" min={min} max={max} value={draft[key]} onChange={(e) => set(key, Number(e.target.value))} />
      <span className="field-hint">{hint}</span>
    </label>
  );
  const save = async () => {
    try {
      const next = await api.call('mirror.setSettings', { workspaceId: workspace.id, settings: draft });
      setSaved(next);
      setDraft(next);
      setError(null);
      notify('success', 'Sync settings saved.');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const companyLists = lists.filter((l) => l.objectTypeId === '0-2');

  return (
    <section className="card" aria-label="Sync settings" data-testid="sync-settings">
      <h2 className="card-title">Settings</h2>
      <div className="settings-grid">
        <label className="checkbox">
          <input type="checkbox" checked={draft.scheduleEnabled} onChange={(e) => set('scheduleEnabled', e.target.checked)} /> Sync on a schedule while Syncdesk runs
        </label>
        {number('incrementalMinutes', 'Incremental every (minutes)', 'Changes since the last update.', 1, 1440)}
        {number('fullSyncHour', 'Nightly full sync at (hour, 0–23)', 'Local time. Also reconciles counts and catches deletes.', 0, 23)}
        {number('lookbackMinutes', 'Lookback window (minutes)', 'Each incremental search starts this long before the last one ended, for records HubSpot indexes late.', 0, 1440)}
        {number('archivedSweepHours', 'Deleted-records sweep every (hours)', "Reads HubSpot's recycle bin during incremental runs.", 1, 168)}
        <label className="field">
          <span className="field-label">Start date</span>
          <input type="date" value={draft.startDate ? draft.startDate.slice(0, 10) : ''} onChange={(e) => set('startDate', e.target.value ? new Date(`${e.target.value}T00:00:00Z`).toISOString() : null)} />
          <span className="field-hint">Records last modified before it are not mirrored. Empty: everything.</span>
        </label>
        <label className="field">
          <span className="field-label">Companies</span>
          <select value={draft.companyListId ?? ''} onChange={(e) => set('companyListId', e.target.value || null)}>
            <option value="">All companies</option>
            {companyLists.map((l) => (
              <option key={l.id} value={l.id}>
                Only the list “{l.name}”{l.size === null ? '' : ` (${l.size})`}
              </option>
            ))}
          </select>
          <span className="field-hint">{companyLists.length ? 'Mirror only the companies of a HubSpot list.' : 'Company lists appear here after a sync.'}</span>
        </label>
        <fieldset className="field list-memberships">
          <legend className="field-label">List memberships</legend>
          {lists.length === 0 ? (
            <span className="field-hint">Lists appear here after a sync.</span>
          ) : (
            <>
              <div className="checkbox-list">
                {lists.map((l) => {
                  const on = draft.membershipListIds.includes(l.id);
                  return (
                    <label key={l.id} className="checkbox">
                      <input
                        type="checkbox"
                        checked={on}
                        disabled={!on && draft.membershipListIds.length >= 20}
                        onChange={(e) => set('membershipListIds', e.target.checked ? [...draft.membershipListIds, l.id] : draft.membershipListIds.filter((id) => id !== l.id))}
                      />{' '}
                      {l.name}
                      <span className="muted">
                        {' '}
                        · {OBJECT_OF[l.objectTypeId] ?? l.objectTypeId}
                        {l.size === null ? '' : ` · ${l.size.toLocaleString()}`}
                      </span>
                    </label>
                  );
                })}
              </div>
              <span className="field-hint">Who is in these lists (up to 20) is mirrored on each sync; Records can then show a list's members offline.</span>
            </>
          )}
        </fieldset>
        <label className="field">
          <span className="field-label">Stripe customer id property</span>
          <input type="text" value={draft.stripeLinkProperty} onChange={(e) => set('stripeLinkProperty', e.target.value)} />
          <span className="field-hint">The company property holding the Stripe customer id; else the email domain links.</span>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={draft.includeLimitedCoupons} onChange={(e) => set('includeLimitedCoupons', e.target.checked)} /> Count once and repeating coupons in MRR while they apply
        </label>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="page-actions">
        <button type="button" className="btn" disabled={!dirty} onClick={() => setDraft(saved)}>
          Discard
        </button>
        <button type="button" className="btn btn-primary" disabled={!dirty} onClick={() => void save()}>
          Save settings
        </button>
      </div>
    </section>
  );
}
