import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { CustomField, Lead, LeadSortField } from '../../../core/contract/leads.ts';
import { CANCEL_REASON_LABELS, JOB_STATE_LABELS, type JobState, type LeadSyncStatus } from '../../../core/contract/push.ts';
import { Icon } from '../../components/icons.tsx';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { isSelected, leadAt } from './leads-slice.ts';

const ROW_HEIGHT = 40;

interface Column {
  key: string;
  label: string;
  width: number;
  sort?: LeadSortField;
  value(lead: Lead): string;
}

const STANDARD_COLUMNS: Column[] = [
  { key: 'firstName', label: 'First name', width: 140, sort: 'firstName', value: (l) => l.firstName },
  { key: 'lastName', label: 'Last name', width: 150, sort: 'lastName', value: (l) => l.lastName },
  { key: 'email', label: 'Email', width: 250, sort: 'email', value: (l) => l.email },
  // Filled from the lead's last push (see SyncTag), not from the lead.
  { key: 'sync', label: 'Sync', width: 190, value: () => '' },
  { key: 'company', label: 'Company', width: 200, sort: 'company', value: (l) => l.company },
  { key: 'phone', label: 'Phone', width: 160, sort: 'phone', value: (l) => l.phone },
  { key: 'jobTitle', label: 'Job title', width: 170, sort: 'jobTitle', value: (l) => l.jobTitle },
  { key: 'website', label: 'Website', width: 190, sort: 'website', value: (l) => l.website },
  { key: 'source', label: 'Source', width: 130, sort: 'source', value: (l) => l.source },
  { key: 'owner', label: 'Owner', width: 150, sort: 'owner', value: (l) => l.owner },
  { key: 'notes', label: 'Notes', width: 240, sort: 'notes', value: (l) => l.notes.replace(/\s+/g, ' ') },
];

function columnsFor(fields: readonly CustomField[]): Column[] {
  return [
    ...STANDARD_COLUMNS,
    ...fields.map((f) => ({ key: `custom.${f.key}`, label: f.label, width: 160, value: (l: Lead) => l.custom[f.key] ?? '' })),
    { key: 'updatedAt', label: 'Updated', width: 130, sort: 'updatedAt' as const, value: (l: Lead) => formatRelative(l.updatedAt) },
  ];
}

const SYNC_TONE: Record<JobState, string> = {
  queued: 'tag-info',
  running: 'tag-info',
  retrying: 'tag-warning',
  succeeded: 'tag-success',
  succeeded_with_warnings: 'tag-warning',
  failed: 'tag-danger',
  cancelled: '',
  waiting_for_network: 'tag-warning',
  paused_reauthorize: 'tag-warning',
};

/** The lead's last push: its state, and for a failure the error's title. */
function SyncTag({ status }: { status: LeadSyncStatus | undefined }) {
  if (!status) return <span className="faint">Not pushed</span>;
  const label = status.state === 'cancelled' && status.cancelReason ? CANCEL_REASON_LABELS[status.cancelReason] : JOB_STATE_LABELS[status.state];
  const title = status.errorTitle ? `${label}: ${status.errorTitle}` : label;
  return (
    <span className={`tag ${SYNC_TONE[status.state]}`} title={title} data-testid="lead-sync" data-state={status.state}>
      {status.state === 'failed' && status.errorTitle ? status.errorTitle : label}
    </span>
  );
}

interface LeadsTableProps {
  onOpen(lead: Lead): void;
  onDelete(leads: Lead[]): void;
}

/**
 * The leads grid: virtualised rows that come from core a page at a time as they scroll into
 * view, sortable headers, row selection (click the box, shift-click for a range), and keys:
 * arrows move, Enter opens, Space selects, Delete asks to delete.
 */
export function LeadsTable({ onOpen, onDelete }: LeadsTableProps) {
  const total = useAppStore((s) => s.leads.total ?? 0);
  const pages = useAppStore((s) => s.leads.pages);
  const sort = useAppStore((s) => s.leads.query.sort);
  const fields = useAppStore((s) => s.leads.fields);
  const ensureRows = useAppStore((s) => s.leadsEnsureRows);
  const toggleSort = useAppStore((s) => s.leadsToggleSort);
  const click = useAppStore((s) => s.leadsClick);
  const state = useAppStore((s) => s.leads);
  const syncStatus = state.syncStatus;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);

  const columns = useMemo(() => columnsFor(fields), [fields]);
  const template = `44px 36px ${columns.map((c) => `${c.width}px`).join(' ')}`;
  const width = 80 + columns.reduce((sum, c) => sum + c.width, 0);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    paddingStart: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (total > 0) ensureRows(first, last);
  }, [first, last, total, pages, ensureRows]);

  useEffect(() => {
    if (active >= total && total > 0) setActive(total - 1);
  }, [active, total]);

  const move = (index: number) => {
    const next = Math.max(0, Math.min(total - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (total === 0) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 2);
    const lead = leadAt(state, active);
    switch (event.key) {
      case 'ArrowDown':
        move(active + 1);
        break;
      case 'ArrowUp':
        move(active - 1);
        break;
      case 'PageDown':
        move(active + pageRows);
        break;
      case 'PageUp':
        move(active - pageRows);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(total - 1);
        break;
      case 'Enter':
        if (lead) onOpen(lead);
        break;
      case ' ':
        if (lead) void click(active, lead.id, { shift: event.shiftKey, toggle: true });
        break;
      case 'Delete':
      case 'Backspace':
        if (lead) onDelete([lead]);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const onRowClick = (event: MouseEvent, index: number, lead: Lead) => {
    setActive(index);
    if (event.shiftKey) {
      event.preventDefault();
      void click(index, lead.id, { shift: true, toggle: true });
    } else {
      void click(index, lead.id, { shift: false, toggle: false });
    }
  };

  return (
    <div
      ref={scrollRef}
      className="leads-scroll"
      role="grid"
      aria-label="Leads"
      aria-rowcount={total + 1}
      aria-colcount={columns.length + 2}
      aria-multiselectable="true"
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="leads-table"
    >
      <div className="leads-canvas" style={{ height: virtualizer.getTotalSize(), width }}>
        <div className="leads-row leads-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, width }}>
          <div role="columnheader" className="leads-cell leads-check" aria-label="Selection" />
          <div role="columnheader" className="leads-cell leads-flag" aria-label="Flags">
            <Icon name="flag" size={14} />
          </div>
          {columns.map((c) => {
            const sorted = c.sort && sort.field === c.sort;
            return (
              <div
                key={c.key}
                role="columnheader"
                className="leads-cell"
                aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                {c.sort ? (
                  <button type="button" className={`leads-sort${sorted ? ' is-sorted' : ''}`} onClick={() => toggleSort(c.sort!)} title={`Sort by ${c.label}`}>
                    {c.label}
                    {sorted ? <Icon name={sort.direction === 'asc' ? 'arrowUp' : 'arrowDown'} size={13} /> : null}
                  </button>
                ) : (
                  c.label
                )}
              </div>
            );
          })}
        </div>
        {items.map((item) => {
          const lead = leadAt(state, item.index);
          const selected = lead ? isSelected(state, lead.id) : false;
          const style = { transform: `translateY(${item.start}px)`, gridTemplateColumns: template, width };
          if (!lead) {
            return (
              <div key={item.key} className="leads-row is-loading" role="row" aria-rowindex={item.index + 2} style={style}>
                <div className="leads-cell leads-check" />
                <div className="leads-cell leads-flag" />
                {columns.map((c) => (
                  <div key={c.key} className="leads-cell">
                    <span className="skeleton" />
                  </div>
                ))}
              </div>
            );
          }
          return (
            <div
              key={item.key}
              className={`leads-row${selected ? ' is-selected' : ''}${item.index === active ? ' is-active' : ''}`}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected}
              data-testid="lead-row"
              data-lead-id={lead.id}
              style={style}
              onClick={(e) => onRowClick(e, item.index, lead)}
              onDoubleClick={() => onOpen(lead)}
            >
              <div className="leads-cell leads-check" role="gridcell">
                <input
                  type="checkbox"
                  checked={selected}
                  aria-label={`Select ${lead.firstName} ${lead.lastName}`.trim()}
                  onClick={(e) => {
                    e.stopPropagation();
                    setActive(item.index);
                    void click(item.index, lead.id, { shift: e.shiftKey, toggle: true });
                  }}
                  onChange={() => {}}
                />
              </div>
              <div className="leads-cell leads-flag" role="gridcell">
                {lead.problems.length > 0 ? (
                  <span className="lead-flag" title={lead.problems.map((p) => p.message).join('\n')} data-testid="lead-flag">
                    <Icon name="flag" size={13} />
                    {lead.problems.length > 1 ? lead.problems.length : null}
                  </span>
                ) : null}
              </div>
              {columns.map((c) => {
                if (c.key === 'sync') {
                  return (
                    <div key={c.key} role="gridcell" className="leads-cell">
                      <SyncTag status={syncStatus[lead.id]} />
                    </div>
                  );
                }
                const value = c.value(lead);
                const problem = lead.problems.find((p) => p.field === c.key || `custom.${p.field}` === c.key);
                return (
                  <div
                    key={c.key}
                    role="gridcell"
                    className={`leads-cell${problem ? ' has-problem' : ''}${c.key === 'email' ? ' is-mono' : ''}`}
                    title={problem ? problem.message : c.key === 'updatedAt' ? formatDateTime(lead.updatedAt) : value}
                  >
                    {value || <span className="faint">—</span>}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
