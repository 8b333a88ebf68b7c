import type { FilterRule, LeadSource, ListsView, PushSettings, SettingsProblem } from '../../../core/contract/mapping.ts';
import { Icon } from '../../components/icons.tsx';
import { formatRelative } from '../../components/time.ts';

/** Lists tab: no list, or one static list; dynamic lists shown but not selectable. */
export function ListsTab({
  settings,
  lists,
  refreshing,
  problems,
  onChange,
  onRefresh,
}: {
  settings: PushSettings;
  lists: ListsView | null;
  refreshing: boolean;
  problems: readonly SettingsProblem[];
  onChange(list: PushSettings['list']): void;
  onRefresh(): void;
}) {
  const all = lists?.lists ?? [];
  const chosen = settings.list.listId;
  const known = all.some((l) => l.listId === chosen);
  return (
    <section className="card tab-card" data-testid="lists-tab">
      <div className="tab-card-head">
        <div>
          <h2 className="card-title">Add pushed contacts to a list</h2>
          <p className="muted">Optional. Only static lists (manual or snapshot) take members; a dynamic list’s membership follows its own rules.</p>
        </div>
        <button type="button" className="btn" onClick={onRefresh} disabled={refreshing}>
          <Icon name="refresh" /> {refreshing ? 'Reading lists…' : 'Refresh lists'}
        </button>
      </div>
      <p className="field-hint">{lists?.fetchedAt ? `Lists read from HubSpot ${formatRelative(lists.fetchedAt)}.` : 'Lists have not been read from HubSpot yet.'}</p>
      {problems.map((p, i) => (
        <div key={i} className="banner banner-warning inline-banner" role="note">
          <Icon name="warning" /> <span className="banner-text">{p.message}</span>
          <button type="button" className="btn btn-small" onClick={() => onChange({ listId: null, listName: null, processingType: null })}>
            Use no list
          </button>
        </div>
      ))}
      <div className="list-options" role="radiogroup" aria-label="List">
        <label className={`list-option${chosen === null ? ' is-chosen' : ''}`}>
          <input type="radio" name="list" checked={chosen === null} onChange={() => onChange({ listId: null, listName: null, processingType: null })} />
          <span className="list-option-name">No list</span>
          <span className="muted">Contacts are pushed without a list step.</span>
        </label>
        {chosen !== null && !known ? (
          <label className="list-option is-chosen">
            <input type="radio" name="list" checked readOnly />
            <span className="list-option-name">{settings.list.listName ?? `List ${chosen}`}</span>
            <span className="muted">Not among the lists last read; refresh to check it still exists.</span>
          </label>
        ) : null}
        {all.map((list) => (
          <label key={list.listId} className={`list-option${chosen === list.listId ? ' is-chosen' : ''}${list.static ? '' : ' is-dynamic'}`} data-testid="list-option">
            <input
              type="radio"
              name="list"
              checked={chosen === list.listId}
              disabled={!list.static && chosen !== list.listId}
              onChange={() => onChange({ listId: list.listId, listName: list.name, processingType: list.processingType })}
            />
            <span className="list-option-name">{list.name}</span>
            <span className="list-option-meta">
              {list.static ? <span className="tag">{list.processingType === 'SNAPSHOT' ? 'Snapshot' : 'Static'}</span> : <span className="tag tag-warning">Dynamic · read-only</span>}
              {list.size !== null ? <span className="muted">{list.size.toLocaleString()} contacts</span> : null}
            </span>
          </label>
        ))}
      </div>
    </section>
  );
}

const OPS: Array<{ value: FilterRule['op']; label: string }> = [
  { value: 'equals', label: 'is' },
  { value: 'contains', label: 'contains' },
  { value: 'isEmpty', label: 'is empty' },
  { value: 'isNotEmpty', label: 'is not empty' },
];

function Toggle({ checked, onChange, label, hint, testId }: { checked: boolean; onChange(value: boolean): void; label: string; hint: string; testId?: string }) {
  return (
    <label className="toggle-row" data-testid={testId}>
      <input type="checkbox" role="switch" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>
        <span className="toggle-label">{label}</span>
        <span className="field-hint">{hint}</span>
      </span>
    </label>
  );
}

/** Advanced config: dedupe, email-less leads, phone fallback, Auto-Sync, and the inclusion filter. */
export function AdvancedTab({ settings, sources, onChange }: { settings: PushSettings; sources: readonly LeadSource[]; onChange(next: PushSettings): void }) {
  const advanced = settings.advanced;
  const set = (patch: Partial<PushSettings['advanced']>) => onChange({ ...settings, advanced: { ...advanced, ...patch } });
  const filter = settings.filter;
  const setFilter = (patch: Partial<PushSettings['filter']>) => onChange({ ...settings, filter: { ...filter, ...patch } });
  const setRule = (index: number, patch: Partial<FilterRule>) => setFilter({ rules: filter.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
  return (
    <div data-testid="advanced-tab">
      <section className="card tab-card">
        <h2 className="card-title">Contacts</h2>
        <Toggle
          checked={advanced.dedupeContacts}
          onChange={(v) => set({ dedupeContacts: v })}
          label="Deduplicate contacts"
          hint="On: a contact with the same email is updated. Off: it is refused as a duplicate (Contact already exists)."
        />
        <Toggle
          checked={advanced.syncWithoutEmail}
          onChange={(v) => set({ syncWithoutEmail: v })}
          label="Sync leads without an email"
          hint="Off: leads without an email are skipped (Lead has no email). Such contacts are hard to find again in HubSpot."
        />
        <Toggle
          checked={advanced.phoneFallback}
          onChange={(v) => set({ phoneFallback: v })}
          label="Deduplicate by phone fallback"
          hint={advanced.syncWithoutEmail ? 'Email-less leads are matched to an existing contact by phone.' : 'Matches email-less leads by phone; takes effect with “Sync leads without an email”.'}
        />
        <Toggle checked={advanced.autoSync} onChange={(v) => set({ autoSync: v })} label="Auto-Sync" hint="Editing a lead queues a fresh sync of it." />
      </section>

      <section className="card tab-card" data-testid="inclusion-filter">
        <h2 className="card-title">Inclusion filter</h2>
        <Toggle
          checked={filter.enabled}
          onChange={(v) => setFilter({ enabled: v, rules: v && filter.rules.length === 0 ? [{ field: 'source', op: 'equals', value: '' }] : filter.rules })}
          label="Only push leads that match"
          hint="Leads that don’t match are shown as “excluded by filter” and never pushed."
        />
        {filter.enabled ? (
          <div className="filter-builder">
            <label className="inline-field">
              Push leads matching
              <select value={filter.match} aria-label="Match" onChange={(e) => setFilter({ match: e.target.value as 'all' })}>
                <option value="all">all of these rules (AND)</option>
                <option value="any">any of these rules (OR)</option>
              </select>
            </label>
            <ol className="filter-rules">
              {filter.rules.map((rule, index) => (
                <li key={index} className="filter-rule" data-testid="filter-rule">
                  <span className="filter-joiner">{index === 0 ? 'Where' : filter.match === 'all' ? 'and' : 'or'}</span>
                  <select value={rule.field} aria-label={`Field of rule ${index + 1}`} onChange={(e) => setRule(index, { field: e.target.value })}>
                    {sources.map((s) => (
                      <option key={s.ref} value={s.ref}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                  <select value={rule.op} aria-label={`Condition of rule ${index + 1}`} onChange={(e) => setRule(index, { op: e.target.value as FilterRule['op'] })}>
                    {OPS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                  {rule.op === 'equals' || rule.op === 'contains' ? (
                    <input type="text" value={rule.value} aria-label={`Value of rule ${index + 1}`} placeholder="value" onChange={(e) => setRule(index, { value: e.target.value })} />
                  ) : (
                    <span />
                  )}
                  <button type="button" className="icon-button" aria-label={`Remove rule ${index + 1}`} onClick={() => setFilter({ rules: filter.rules.filter((_, i) => i !== index) })}>
                    <Icon name="close" size={14} />
                  </button>
                </li>
              ))}
            </ol>
            <button type="button" className="btn btn-small" onClick={() => setFilter({ rules: [...filter.rules, { field: 'source', op: 'equals', value: '' }] })}>
              <Icon name="plus" size={14} /> Add rule
            </button>
            <p className="field-hint">Values are compared ignoring upper and lower case and surrounding spaces.</p>
          </div>
        ) : null}
      </section>
    </div>
  );
}
