import { useEffect, useMemo, useState } from 'react';
import type { MappingCatalogueView, MappingRow, MappingState, UpdateRule } from '../../../core/contract/mapping.ts';
import { FINAL_JOB_STATES, type JobDetail } from '../../../core/contract/push.ts';
import type { OutcomeComparison } from '../../../core/contract/support.ts';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { useAppStore } from '../../state/store.ts';
import { LeadEditor } from '../leads/lead-editor.tsx';
import { UPDATE_RULES } from '../mapping/mapping-rows.tsx';
import { PropertyPicker } from '../mapping/property-picker.tsx';
import { ComparisonView } from './comparison-view.tsx';

type Stage = { kind: 'edit' } | { kind: 'running'; since: string } | { kind: 'done'; comparison: OutcomeComparison };

/** The mapping row a job's error names: by row id (a problem Syncdesk saw) or by property (HubSpot's refusal). */
export function failingRow(job: JobDetail, state: MappingState): { tab: 'contact' | 'company'; index: number; row: MappingRow } | null {
  const details = job.error?.details ?? {};
  const rowId = typeof details.rowId === 'string' ? details.rowId : null;
  const named = new Set<string>([
    ...(typeof details.property === 'string' ? [details.property] : []),
    ...(Array.isArray(details.properties) ? details.properties.filter((p): p is string => typeof p === 'string') : []),
    ...(Array.isArray(details.problems) ? details.problems.map((p) => (p as { property?: unknown }).property).filter((p): p is string => typeof p === 'string') : []),
  ]);
  const failedStep = job.attemptDetails.at(-1)?.failedStep ?? 'contact';
  const tabs: Array<'contact' | 'company'> = failedStep === 'company' ? ['company', 'contact'] : ['contact', 'company'];
  for (const tab of tabs) {
    const rows = state.settings[tab].rows;
    const index = rows.findIndex((r) => (rowId !== null && r.id === rowId) || (rowId === null && named.has(r.property)));
    if (index >= 0) return { tab, index, row: rows[index]! };
  }
  return null;
}

/**
 * Edit and replay: fix the lead or the mapping row the error names, replay the job (a retry with
 * the edited data, through the same engine), and see the previous attempt against the new one.
 */
export function EditReplayDialog({ workspaceId, job, onClose }: { workspaceId: string; job: JobDetail; onClose(): void }) {
  const api = useAppStore((s) => s.api);
  const openLeads = useAppStore((s) => s.leadsOpen);
  const jobChange = useAppStore((s) => s.history.jobChange);
  const [mapping, setMapping] = useState<MappingState | null>(null);
  const [catalogue, setCatalogue] = useState<MappingCatalogueView | null>(null);
  const [draft, setDraft] = useState<MappingRow | null>(null);
  const [editingLead, setEditingLead] = useState(false);
  const [edits, setEdits] = useState<string[]>([]);
  const [stage, setStage] = useState<Stage>({ kind: 'edit' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void Promise.all([api.call('mapping.get', { workspaceId }), api.call('mapping.properties', { workspaceId })])
      .then(([state, properties]) => {
        if (!live) return;
        setMapping(state);
        setCatalogue(properties);
      })
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [api, workspaceId]);

  const target = useMemo(() => (mapping ? failingRow(job, mapping) : null), [job, mapping]);
  useEffect(() => {
    if (target) setDraft(target.row);
  }, [target]);

  // While the replay runs: compare as soon as core says the job ended.
  useEffect(() => {
    if (stage.kind !== 'running') return;
    if (jobChange && jobChange.workspaceId === workspaceId && !jobChange.jobIds.includes(job.jobId) && !jobChange.bulk) return;
    let live = true;
    void api.invoke('push.job', { workspaceId, jobId: job.jobId }).then(async (result) => {
      if (!live || !result.ok || !(FINAL_JOB_STATES as readonly string[]).includes(result.value.state)) return;
      const last = result.value.attemptDetails.at(-1);
      if (!last || last.startedAt < stage.since) return;
      const comparison = await api.call('support.compareAttempts', { workspaceId, jobId: job.jobId });
      if (live) setStage({ kind: 'done', comparison });
    });
    return () => {
      live = false;
    };
  }, [stage, jobChange, api, workspaceId, job.jobId]);

  const rowChanged = draft && target && JSON.stringify(draft) !== JSON.stringify(target.row);

  const replay = async () => {
    setBusy(true);
    setError(null);
    try {
      if (rowChanged && mapping && target && draft) {
        const rows = mapping.settings[target.tab].rows.map((r, i) => (i === target.index ? draft : r));
        const settings = { ...mapping.settings, [target.tab]: { ...mapping.settings[target.tab], rows } };
        setMapping(await api.call('mapping.save', { workspaceId, settings }));
        setEdits((e) => [...e, `mapping row ${target.index + 1} (${draft.property})`]);
      }
      const since = new Date(Date.now() - 1000).toISOString();
      await api.call('push.retry', { workspaceId, jobId: job.jobId });
      setStage({ kind: 'running', since });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const properties = target?.tab === 'company' ? (catalogue?.companies.properties ?? []) : (catalogue?.contacts.properties ?? []);

  return (
    <>
      <Dialog
        title={stage.kind === 'done' ? 'Before and after' : 'Edit and replay'}
        wide
        onClose={onClose}
        onSubmit={() => (stage.kind === 'edit' ? void replay() : onClose())}
        testId="edit-replay-dialog"
        footer={
          stage.kind === 'edit' ? (
            <>
              <button type="button" className="btn" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" disabled={busy}>
                <Icon name="play" /> {rowChanged ? 'Save the row and replay' : 'Replay'}
              </button>
            </>
          ) : (
            <button type="submit" className="btn btn-primary">
              {stage.kind === 'done' ? 'Done' : 'Close (it goes on in the background)'}
            </button>
          )
        }
      >
        {stage.kind === 'edit' ? (
          <div className="edit-replay">
            {job.error ? (
              <div className="inline-error" data-testid="edit-replay-error">
                <strong>{job.error.title}.</strong> {job.error.message}
                <p className="muted">{job.error.fix}</p>
              </div>
            ) : null}
            <div className="edit-options">
              <section className="edit-option">
                <h3>The lead</h3>
                <p className="muted">Fix a value (an email, a dropdown value HubSpot refused) in the lead itself.</p>
                <button
                  type="button"
                  className="btn"
                  onClick={() => {
                    openLeads(workspaceId);
                    setEditingLead(true);
                  }}
                >
                  <Icon name="pencil" /> Edit the lead
                </button>
              </section>
              <section className="edit-option" data-testid="edit-row">
                <h3>The mapping row</h3>
                {!mapping ? (
                  <p className="muted">Loading the mapping…</p>
                ) : target && draft ? (
                  <>
                    <p className="muted">
                      {target.tab === 'contact' ? 'Field Mapping' : 'Company Mapping'}, row {target.index + 1}: <code>{target.row.source}</code> → <code>{target.row.property}</code>
                    </p>
                    <div className="row-edit">
                      <PropertyPicker value={draft.property} properties={properties} onChange={(property) => setDraft({ ...draft, property })} label={`Property of row ${target.index + 1}`} />
                      <label className="select-field">
                        <span className="visually-hidden">Update rule</span>
                        <select aria-label="Update rule" value={draft.updateRule} onChange={(e) => setDraft({ ...draft, updateRule: e.target.value as UpdateRule })}>
                          {UPDATE_RULES.map((r) => (
                            <option key={r.value} value={r.value}>
                              {r.label}
                            </option>
                          ))}
                        </select>
                      </label>
                      <label className="option-check">
                        <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /> Enabled
                      </label>
                    </div>
                  </>
                ) : (
                  <p className="muted">The error doesn't name a mapping row. Change the mapping on the Mapping page, or edit the lead.</p>
                )}
              </section>
            </div>
            {edits.length > 0 ? <p className="muted">Changed: {edits.join(', ')}.</p> : null}
            <p className="muted">Replay retries this job now with the lead and mapping as they are, through the same push as any other; its attempts go on numbering.</p>
            {error ? (
              <p className="field-error" role="alert">
                {error}
              </p>
            ) : null}
          </div>
        ) : stage.kind === 'running' ? (
          <p className="replay-running" role="status">
            <span className="tag-pulse" aria-hidden="true" /> Replaying job {job.jobId}…
          </p>
        ) : (
          <ComparisonView comparison={stage.comparison} labels={{ before: `Attempt ${stage.comparison.before.attempt ?? ''} (before)`, after: `Attempt ${stage.comparison.after.attempt ?? ''} (after)` }} />
        )}
      </Dialog>
      {editingLead ? (
        <LeadEditor
          workspaceId={workspaceId}
          leadId={job.leadId}
          onClose={() => setEditingLead(false)}
        />
      ) : null}
    </>
  );
}
