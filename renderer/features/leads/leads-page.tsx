import { useEffect, useState } from 'react';
import type { Lead } from '../../../core/contract/leads.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { SearchBox } from '../../components/search-box.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useAppStore } from '../../state/store.ts';
import { datedName, downloadCsv } from '../../components/download.ts';
import { FieldsDialog } from './fields-dialog.tsx';
import { ImportWizard } from './import-wizard.tsx';
import { LeadEditor } from './lead-editor.tsx';
import { LeadsTable } from './leads-table.tsx';
import { selectedCount } from './leads-slice.ts';

const SEARCH_DEBOUNCE_MS = 250;
const fmt = (n: number) => n.toLocaleString();

type Modal =
  | { kind: 'editor'; leadId: string | null }
  | { kind: 'import' }
  | { kind: 'fields' }
  | { kind: 'delete'; leads: Lead[] }
  | { kind: 'deleteSelected' }
  | null;

/** The workspace's local leads: search, sort, select, edit, import and export. `param` opens one lead. */
export function LeadsPage({ workspace, param }: { workspace: Workspace; param?: string }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const navigate = useAppStore((s) => s.navigate);
  const open = useAppStore((s) => s.leadsOpen);
  const setQuery = useAppStore((s) => s.leadsSetQuery);
  const query = useAppStore((s) => s.leads.query);
  const total = useAppStore((s) => s.leads.total);
  const error = useAppStore((s) => s.leads.error);
  const selection = useAppStore((s) => s.leads.selection);
  const selected = useAppStore((s) => selectedCount(s.leads));
  const selectAll = useAppStore((s) => s.leadsSelectAllMatching);
  const clearSelection = useAppStore((s) => s.leadsClearSelection);
  const [modal, setModal] = useState<Modal>(param ? { kind: 'editor', leadId: param } : null);
  const [search, setSearch] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    open(workspace.id);
    setSearch('');
  }, [open, workspace.id]);

  useEffect(() => {
    if (param) setModal({ kind: 'editor', leadId: param });
  }, [param]);

  // Debounced: typing "acme" asks core once, not four times.
  useEffect(() => {
    if (search === query.search) return;
    const timer = setTimeout(() => setQuery({ search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, query.search, setQuery]);

  const closeModal = () => {
    setModal(null);
    if (param) navigate({ name: 'workspace', workspaceId: workspace.id, page: 'leads' });
  };

  const filtered = Boolean(query.search.trim() || query.flaggedOnly || query.importId);
  const empty = total === 0 && !filtered;

  const exportLeads = async () => {
    setBusy(true);
    try {
      const ids = selection.mode === 'ids' && selected > 0 ? Object.keys(selection.ids) : undefined;
      const rows = await downloadCsv(
        (after) =>
          api.call('leads.exportCsv', {
            workspaceId: workspace.id,
            ...(query.search.trim() ? { search: query.search.trim() } : {}),
            ...(query.flaggedOnly ? { flaggedOnly: true } : {}),
            ...(query.importId ? { importId: query.importId } : {}),
            ...(ids ? { ids } : {}),
            ...(after ? { after } : {}),
          }),
        datedName('leads'),
      );
      notify('success', `Exported ${fmt(rows)} lead${rows === 1 ? '' : 's'}.`);
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const deleteLeads = async (leads: Lead[] | 'selected') => {
    setBusy(true);
    try {
      let deleted: number;
      if (leads === 'selected') {
        const target =
          selection.mode === 'all'
            ? {
                kind: 'matching' as const,
                filter: {
                  ...(query.search.trim() ? { search: query.search.trim() } : {}),
                  ...(query.flaggedOnly ? { flaggedOnly: true } : {}),
                  ...(query.importId ? { importId: query.importId } : {}),
                },
                exceptIds: Object.keys(selection.except),
              }
            : { kind: 'ids' as const, ids: Object.keys(selection.ids) };
        deleted = (await api.call('leads.deleteMany', { workspaceId: workspace.id, target })).deleted;
        clearSelection();
      } else {
        deleted = leads.length;
        if (leads.length === 1) await api.call('leads.delete', { workspaceId: workspace.id, id: leads[0]!.id });
        else await api.call('leads.deleteMany', { workspaceId: workspace.id, target: { kind: 'ids', ids: leads.map((l) => l.id) } });
      }
      notify('success', `Deleted ${fmt(deleted)} lead${deleted === 1 ? '' : 's'}.`);
      setModal(null);
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const subtitle =
    total === null
      ? 'Loading…'
      : filtered
        ? `${fmt(total)} matching`
        : `${fmt(total)} lead${total === 1 ? '' : 's'} stored on this computer, ready to push to HubSpot`;

  return (
    <div className="page page-wide leads-page" data-testid="leads-page">
      <PageHeader
        title="Leads"
        subtitle={subtitle}
        actions={
          <>
            <button type="button" className="btn" onClick={() => setModal({ kind: 'fields' })}>
              <Icon name="fields" /> Fields
            </button>
            <button type="button" className="btn" disabled={busy || !total} onClick={() => void exportLeads()}>
              <Icon name="download" /> Export{selected > 0 && selection.mode === 'ids' ? ' selected' : filtered ? ' matching' : ''}
            </button>
            <button type="button" className="btn" onClick={() => setModal({ kind: 'import' })}>
              <Icon name="upload" /> Import CSV
            </button>
            <button type="button" className="btn btn-primary" onClick={() => setModal({ kind: 'editor', leadId: null })}>
              <Icon name="plus" /> New lead
            </button>
          </>
        }
      />

      {empty ? (
        <div className="empty-state card" data-testid="leads-empty">
          <div className="empty-icon">
            <Icon name="leads" size={28} />
          </div>
          <h2>No leads yet</h2>
          <p className="muted">Import a spreadsheet of leads (CSV from Excel, Google Sheets or another CRM), or add one by hand. They stay on this computer until you push them to HubSpot.</p>
          <div className="empty-actions">
            <button type="button" className="btn btn-primary btn-large" onClick={() => setModal({ kind: 'import' })}>
              <Icon name="upload" /> Import CSV
            </button>
            <button type="button" className="btn btn-large" onClick={() => setModal({ kind: 'editor', leadId: null })}>
              <Icon name="plus" /> New lead
            </button>
          </div>
        </div>
      ) : (
        <>
          <div className="leads-toolbar">
            <SearchBox value={search} onChange={setSearch} placeholder="Search name, email, company, phone" label="Search leads" shortcut={!modal} />
            <button
              type="button"
              className={`chip${query.flaggedOnly ? ' is-on' : ''}`}
              aria-pressed={query.flaggedOnly}
              onClick={() => setQuery({ flaggedOnly: !query.flaggedOnly })}
              data-testid="flagged-filter"
            >
              <Icon name="flag" size={14} /> Flagged only
            </button>
            {query.importId ? (
              <button type="button" className="chip is-on" onClick={() => setQuery({ importId: null })} title="Show all leads again">
                From the last import <Icon name="close" size={12} />
              </button>
            ) : null}
            {selected > 0 ? (
              <div className="selection-bar" role="status" data-testid="selection-bar">
                <strong>{fmt(selected)}</strong> selected
                {selection.mode === 'ids' && total !== null && total > selected ? (
                  <button type="button" className="link" onClick={selectAll}>
                    Select all {fmt(total)} {filtered ? 'matching' : 'leads'}
                  </button>
                ) : null}
                <button type="button" className="btn btn-small btn-danger" onClick={() => setModal({ kind: 'deleteSelected' })}>
                  <Icon name="trash" size={14} /> Delete
                </button>
                <button type="button" className="btn btn-small" onClick={clearSelection}>
                  Clear
                </button>
              </div>
            ) : null}
          </div>
          {error ? (
            <div className="banner banner-error" role="alert">
              <Icon name="warning" /> <span>{error}</span>
            </div>
          ) : null}
          {total === 0 ? (
            <div className="empty-inline card">No leads match. {query.search ? 'Try fewer or shorter words.' : ''}</div>
          ) : (
            <LeadsTable onOpen={(lead) => setModal({ kind: 'editor', leadId: lead.id })} onDelete={(leads) => setModal({ kind: 'delete', leads })} />
          )}
          <p className="leads-keys muted" aria-hidden="true">
            <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>Space</kbd> select · <kbd>Shift</kbd>-click range · <kbd>Del</kbd> delete · <kbd>/</kbd> search
          </p>
        </>
      )}

      {modal?.kind === 'editor' ? <LeadEditor workspaceId={workspace.id} leadId={modal.leadId} onClose={closeModal} /> : null}
      {modal?.kind === 'fields' ? <FieldsDialog workspaceId={workspace.id} onClose={closeModal} /> : null}
      {modal?.kind === 'import' ? (
        <ImportWizard
          workspaceId={workspace.id}
          onClose={closeModal}
          onShowFlagged={(importId) => {
            setModal(null);
            setSearch('');
            setQuery({ importId, flaggedOnly: true, search: '' });
          }}
        />
      ) : null}
      {modal?.kind === 'delete' || modal?.kind === 'deleteSelected' ? (
        <ConfirmDelete
          count={modal.kind === 'delete' ? modal.leads.length : selected}
          name={modal.kind === 'delete' && modal.leads.length === 1 ? [modal.leads[0]!.firstName, modal.leads[0]!.lastName].filter(Boolean).join(' ') || modal.leads[0]!.email : null}
          busy={busy}
          onCancel={closeModal}
          onConfirm={() => void deleteLeads(modal.kind === 'delete' ? modal.leads : 'selected')}
        />
      ) : null}
    </div>
  );
}

function ConfirmDelete({ count, name, busy, onCancel, onConfirm }: { count: number; name: string | null; busy: boolean; onCancel(): void; onConfirm(): void }) {
  const label = name ? `“${name}”` : `${fmt(count)} lead${count === 1 ? '' : 's'}`;
  return (
    <Dialog
      title={`Delete ${label}?`}
      tone="danger"
      testId="confirm-delete"
      onClose={onCancel}
      onSubmit={onConfirm}
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel} autoFocus>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={busy}>
            {busy ? 'Deleting…' : `Delete ${count === 1 ? 'lead' : `${fmt(count)} leads`}`}
          </button>
        </>
      }
    >
      <p>
        This removes {count === 1 ? 'the lead' : `${fmt(count)} leads`} from this computer. Contacts already pushed to HubSpot are not changed. This can’t be undone.
      </p>
    </Dialog>
  );
}
