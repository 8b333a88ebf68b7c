import { useEffect, useState } from 'react';
import type { PushSettings, SettingsProblem } from '../../../core/contract/mapping.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { parseHash } from '../../state/route.ts';
import { useAppStore, useAppStoreApi } from '../../state/store.ts';
import { RowsEditor } from './mapping-rows.tsx';
import { currentSettings, isDirty } from './mapping-slice.ts';
import { AdvancedTab, ListsTab } from './settings-tabs.tsx';
import { TestLeadDialog } from './test-lead-dialog.tsx';

type Tab = 'contact' | 'company' | 'lists' | 'advanced';
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'contact', label: 'Field Mapping' },
  { id: 'company', label: 'Company Mapping' },
  { id: 'lists', label: 'Lists' },
  { id: 'advanced', label: 'Advanced' },
];

const problemsOf = (problems: readonly SettingsProblem[], tab: Tab) => problems.filter((p) => p.tab === tab);

/**
 * The workspace's push settings: Field Mapping, Company Mapping, Lists and Advanced config, with
 * the problems a push would meet shown on each row before anything is pushed, and Send test lead.
 * `param` opens a tab (`#/w/<id>/mapping/company`).
 */
export function MappingPage({ workspace, param }: { workspace: Workspace; param?: string }) {
  const open = useAppStore((s) => s.mappingOpen);
  const edit = useAppStore((s) => s.mappingEdit);
  const save = useAppStore((s) => s.mappingSave);
  const discard = useAppStore((s) => s.mappingDiscard);
  const refreshProperties = useAppStore((s) => s.mappingRefreshProperties);
  const refreshLists = useAppStore((s) => s.mappingRefreshLists);
  const navigate = useAppStore((s) => s.navigate);
  const state = useAppStore((s) => s.mapping);
  const settings = currentSettings(state);
  const dirty = isDirty(state);
  const [tab, setTab] = useState<Tab>(TABS.some((t) => t.id === param) ? (param as Tab) : 'contact');
  const [testing, setTesting] = useState(false);
  const [askSaveFirst, setAskSaveFirst] = useState(false);
  const [leaving, setLeaving] = useState<string | null>(null);

  useEffect(() => {
    void open(workspace.id);
  }, [open, workspace.id]);

  // Unsaved changes: in-app links ask first; closing the window warns. (Drafts also survive leaving.)
  useEffect(() => {
    if (!dirty) return;
    const onClick = (event: MouseEvent) => {
      const link = (event.target as HTMLElement | null)?.closest?.('a[href^="#/"]');
      if (!link || event.defaultPrevented) return;
      const href = link.getAttribute('href')!;
      if (href.startsWith(`#/w/${encodeURIComponent(workspace.id)}/mapping`)) return;
      event.preventDefault();
      event.stopPropagation();
      setLeaving(href);
    };
    const onUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    document.addEventListener('click', onClick, true);
    window.addEventListener('beforeunload', onUnload);
    return () => {
      document.removeEventListener('click', onClick, true);
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [dirty, workspace.id]);

  // Ctrl/Cmd+S saves.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
        event.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  const problems = state.check?.problems ?? [];
  const contacts = state.properties?.contacts;
  const companies = state.properties?.companies;
  const fetchedAt = contacts?.fetchedAt ?? null;
  const sources = state.saved?.sources ?? [];
  const errorRow = (t: Tab) => (state.saveError?.tab === t && state.saveError.row ? state.saveError.row : null);
  const change = (next: (s: PushSettings) => PushSettings) => edit(next);

  // A save under way is waited for (clicking Save then Send test lead at once tests what was saved).
  const store = useAppStoreApi();
  const startTest = () => {
    const now = store.getState().mapping;
    if (now.saving) void save().then((saved) => saved && setTesting(true));
    else if (isDirty(now)) setAskSaveFirst(true);
    else setTesting(true);
  };

  return (
    <div className="page page-wide mapping-page" data-testid="mapping-page">
      <PageHeader
        title="Mapping"
        subtitle="How each lead becomes a HubSpot contact, its company and its list, and which leads are pushed."
        actions={
          <>
            <span className="properties-age" data-testid="properties-age" title={fetchedAt ? formatDateTime(fetchedAt) : undefined}>
              {fetchedAt ? `Properties read ${formatRelative(fetchedAt)}` : 'Properties never read'}
            </span>
            <button type="button" className="btn" onClick={() => void refreshProperties()} disabled={state.refreshingProperties}>
              <Icon name="refresh" /> {state.refreshingProperties ? 'Refreshing…' : 'Refresh properties'}
            </button>
            <button type="button" className="btn btn-primary" onClick={startTest} disabled={!settings}>
              <Icon name="send" /> Send test lead
            </button>
          </>
        }
      />
      {state.loadError ? (
        <div className="banner banner-error inline-banner" role="alert">
          <Icon name="warning" /> <span className="banner-text">{state.loadError}</span>
        </div>
      ) : null}
      {state.lastRun ? (
        <p className={`last-test last-test-${state.lastRun.result}`} data-testid="last-test">
          <Icon name={state.lastRun.result === 'passed' ? 'check' : 'warning'} size={14} /> Last test lead {formatRelative(state.lastRun.at)}: {state.lastRun.message}
        </p>
      ) : null}

      <div className="tabs" role="tablist" aria-label="Mapping">
        {TABS.map((t) => {
          const count = problemsOf(problems, t.id).filter((p) => p.severity === 'error').length;
          const warnings = problemsOf(problems, t.id).length - count;
          return (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`mapping-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`mapping-panel-${t.id}`}
              className={`tab${tab === t.id ? ' is-active' : ''}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}
              {count ? <span className="tab-badge tab-badge-error">{count}</span> : warnings ? <span className="tab-badge tab-badge-warning">{warnings}</span> : null}
            </button>
          );
        })}
      </div>

      {!settings ? (
        <p className="muted">Loading…</p>
      ) : (
        <div role="tabpanel" id={`mapping-panel-${tab}`} aria-labelledby={`mapping-tab-${tab}`} className="tab-panel">
          {tab === 'contact' || tab === 'company' ? (
            <TabProblems problems={problemsOf(problems, tab).filter((p) => p.rowId === null)} onRefresh={() => void refreshProperties()} onAddEmail={() => change((s) => ({ ...s, contact: { rows: [{ id: `email-${Date.now().toString(36)}`, source: 'email', property: 'email', enabled: true, transforms: [{ kind: 'trim' }, { kind: 'lowercase' }], updateRule: 'overwrite' }, ...s.contact.rows] } }))} />
          ) : null}
          {tab === 'contact' ? (
            <section className="card tab-card">
              <p className="muted tab-intro">
                Lead field → HubSpot contact property. Empty lead fields are never written, so they don’t clear HubSpot values. When two rows write the same property, the later one is a fallback.
              </p>
              <RowsEditor
                tab="contact"
                rows={settings.contact.rows}
                sources={sources}
                properties={contacts?.properties ?? []}
                problems={problemsOf(problems, 'contact')}
                errorRow={errorRow('contact')}
                onChange={(rows) => change((s) => ({ ...s, contact: { rows } }))}
                onRefreshProperties={() => void refreshProperties()}
              />
            </section>
          ) : null}
          {tab === 'company' ? (
            <section className="card tab-card">
              <div className="company-options">
                <label className="toggle-row">
                  <input type="checkbox" role="switch" checked={settings.company.enabled} onChange={(e) => change((s) => ({ ...s, company: { ...s.company, enabled: e.target.checked } }))} />
                  <span>
                    <span className="toggle-label">Find or create the lead’s company</span>
                    <span className="field-hint">Matched by domain (the website, else the email’s domain unless it’s a free-mail address), then by name.</span>
                  </span>
                </label>
                <label className="inline-field">
                  On failure
                  <select
                    value={settings.company.onFailure}
                    aria-label="On failure"
                    disabled={!settings.company.enabled}
                    onChange={(e) => change((s) => ({ ...s, company: { ...s.company, onFailure: e.target.value as 'skip' } }))}
                  >
                    <option value="skip">Skip: the contact still syncs, the failure is noted</option>
                    <option value="fail">Fail sync: the whole job is an error</option>
                  </select>
                </label>
              </div>
              {settings.company.enabled ? (
                <RowsEditor
                  tab="company"
                  rows={settings.company.rows}
                  sources={sources}
                  properties={companies?.properties ?? []}
                  problems={problemsOf(problems, 'company')}
                  errorRow={errorRow('company')}
                  onChange={(rows) => change((s) => ({ ...s, company: { ...s.company, rows } }))}
                  onRefreshProperties={() => void refreshProperties()}
                />
              ) : null}
            </section>
          ) : null}
          {tab === 'lists' ? (
            <ListsTab
              settings={settings}
              lists={state.lists}
              refreshing={state.refreshingLists}
              problems={problemsOf(problems, 'lists')}
              onChange={(list) => change((s) => ({ ...s, list }))}
              onRefresh={() => void refreshLists()}
            />
          ) : null}
          {tab === 'advanced' ? <AdvancedTab settings={settings} sources={sources} onChange={(next) => change(() => next)} /> : null}
        </div>
      )}

      {dirty || state.saveError ? (
        <div className="save-bar" role="region" aria-label="Unsaved changes" data-testid="save-bar">
          {state.saveError ? (
            <span className="save-error" role="alert">
              <Icon name="warning" /> {state.saveError.message}
            </span>
          ) : (
            <span>You have unsaved changes.</span>
          )}
          <button type="button" className="btn" onClick={discard} disabled={state.saving}>
            Discard
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={state.saving || !dirty}>
            {state.saving ? 'Saving…' : 'Save mapping'}
          </button>
        </div>
      ) : null}

      {testing ? <TestLeadDialog workspaceId={workspace.id} onClose={() => setTesting(false)} /> : null}
      {askSaveFirst ? (
        <Dialog
          title="Save the mapping first?"
          onClose={() => setAskSaveFirst(false)}
          onSubmit={() => {
            void save().then((saved) => {
              setAskSaveFirst(false);
              if (saved) setTesting(true);
            });
          }}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setAskSaveFirst(false)}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" autoFocus>
                Save and send
              </button>
            </>
          }
        >
          <p>Send test lead checks the saved mapping. Save your changes to test them.</p>
        </Dialog>
      ) : null}
      {leaving ? (
        <Dialog
          title="Leave without saving?"
          testId="unsaved-dialog"
          onClose={() => setLeaving(null)}
          onSubmit={() => {
            void save().then((saved) => {
              if (!saved) return setLeaving(null);
              const target = leaving;
              setLeaving(null);
              navigate(parseHash(target));
            });
          }}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setLeaving(null)} autoFocus>
                Stay
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  const target = leaving;
                  discard();
                  setLeaving(null);
                  navigate(parseHash(target));
                }}
              >
                Discard changes
              </button>
              <button type="submit" className="btn btn-primary">
                Save and leave
              </button>
            </>
          }
        >
          <p>The mapping has changes that aren’t saved yet.</p>
        </Dialog>
      ) : null}
    </div>
  );
}

function TabProblems({ problems, onRefresh, onAddEmail }: { problems: readonly SettingsProblem[]; onRefresh(): void; onAddEmail(): void }) {
  if (problems.length === 0) return null;
  return (
    <>
      {problems.map((p, i) => (
        <div key={i} className={`banner inline-banner ${p.severity === 'error' ? 'banner-error' : 'banner-warning'}`} role="note" data-testid="tab-problem" data-kind={p.kind}>
          <Icon name="warning" />
          <span className="banner-text">
            {p.message} <span className="row-problem-fix">{p.fix}</span>
          </span>
          {p.kind === 'properties_unknown' ? (
            <button type="button" className="btn btn-small" onClick={onRefresh}>
              Refresh properties
            </button>
          ) : p.kind === 'no_email_mapping' ? (
            <button type="button" className="btn btn-small" onClick={onAddEmail}>
              Map email
            </button>
          ) : null}
        </div>
      ))}
    </>
  );
}
