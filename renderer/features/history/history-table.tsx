import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { type HistoryPage, type HistoryRow, hubspotRecordUrl, STEP_OUTCOME_LABELS } from '../../../core/contract/push.ts';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';
import { rowAt } from './history-slice.ts';
import { RawErrorCard } from './raw-error-card.tsx';
import { StatusTag } from './status-tag.tsx';

const ROW_HEIGHT = 50;
const HEAD_HEIGHT = 36;
const COLUMNS = [
  { key: 'time', label: 'Time', width: '92px' },
  { key: 'lead', label: 'Lead', width: 'minmax(160px, 1.2fr)' },
  { key: 'status', label: 'Status', width: '110px' },
  { key: 'error', label: 'Error', width: 'minmax(180px, 1.6fr)' },
  { key: 'duration', label: 'Took', width: '64px' },
  { key: 'steps', label: 'Steps', width: '176px' },
  { key: 'records', label: 'HubSpot', width: '92px' },
  { key: 'attempt', label: '#', width: '40px' },
];
const TEMPLATE = COLUMNS.map((c) => c.width).join(' ');

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

type StepTone = 'ok' | 'failed' | 'warning' | 'none';

/** Each step's result as the history row knows it (the job detail has every word). */
export function stepTones(row: HistoryRow): Array<{ step: string; tone: StepTone; title: string }> {
  const ended = row.status !== 'running' && row.status !== 'interrupted' && row.status !== 'cancelled';
  const contactFailed = row.failedStep === 'contact' || (row.errorCode !== null && row.failedStep === null && (row.status === 'failed' || row.status === 'retrying'));
  const contact: StepTone = contactFailed ? 'failed' : row.contactId ? 'ok' : 'none';
  const companyFailed = row.failedStep === 'company';
  const company: StepTone = companyFailed ? (row.status === 'succeeded_with_warnings' ? 'warning' : 'failed') : row.companyId ? 'ok' : 'none';
  const list: StepTone =
    row.listResult === 'added' || row.listResult === 'already_member'
      ? 'ok'
      : row.listResult === 'skipped_dynamic'
        ? 'warning'
        : row.listResult === 'failed' || row.failedStep === 'list'
          ? row.status === 'succeeded_with_warnings'
            ? 'warning'
            : 'failed'
          : 'none';
  const words = (tone: StepTone, ok: string) => (tone === 'ok' ? ok : tone === 'failed' ? 'Failed' : tone === 'warning' ? 'Warning' : ended ? 'Nothing to do or not run' : 'Not run');
  return [
    { step: 'Contact', tone: contact, title: `Contact: ${words(contact, row.contactId ? `record ${row.contactId}` : 'done')}` },
    { step: 'Company', tone: company, title: `Company: ${words(company, row.companyId ? `record ${row.companyId}` : 'done')}` },
    { step: 'List', tone: list, title: `List: ${row.listResult ? STEP_OUTCOME_LABELS[row.listResult] : words(list, 'done')}` },
  ];
}

function RecordLinks({ row, portal }: { row: HistoryRow; portal: HistoryPage['portal'] }) {
  const link = (type: '0-1' | '0-2', id: string, label: string) =>
    portal ? (
      <a key={type} href={hubspotRecordUrl(portal, type, id)} target="_blank" rel="noreferrer" onClick={(e) => e.stopPropagation()} title={`Open ${label.toLowerCase()} ${id} in HubSpot`}>
        <span className="record-kind">{label === 'Contact' ? 'ct' : 'co'}</span>
        {id}
      </a>
    ) : (
      <span key={type} title={`${label} ${id} (a sandbox portal has no HubSpot pages to open)`}>
        <span className="record-kind">{label === 'Contact' ? 'ct' : 'co'}</span>
        {id}
      </span>
    );
  if (!row.contactId && !row.companyId) return <span className="faint">—</span>;
  return (
    <span className="record-links">
      {row.contactId ? link('0-1', row.contactId, 'Contact') : null}
      {row.companyId ? link('0-2', row.companyId, 'Company') : null}
    </span>
  );
}

/**
 * Sync History's grid: one row per attempt, virtualised, pages loaded from core by key as they
 * scroll into view. Keys: arrows, Page Up/Down, Home/End move; Enter opens the job. Hovering (or
 * focusing) an error shows HubSpot's raw response.
 */
export function HistoryTable({ onOpen }: { onOpen(row: HistoryRow): void }) {
  const state = useAppStore((s) => s.history);
  const ensureRows = useAppStore((s) => s.historyEnsureRows);
  const setAtTop = useAppStore((s) => s.historySetAtTop);
  const count = state.loadedCount;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const [hover, setHover] = useState<{ attemptId: string; rect: DOMRect } | null>(null);
  const hoverTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    paddingStart: HEAD_HEIGHT,
    getItemKey: (index) => rowAt(state, index)?.attemptId ?? `loading-${index}`,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (count > 0) ensureRows(first, last);
  }, [first, last, count, state.pages, ensureRows]);

  useEffect(() => () => clearTimeout(hoverTimer.current), []);

  const move = (index: number) => {
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (count === 0) return;
    const pageRows = Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 400) - HEAD_HEIGHT) / ROW_HEIGHT) - 1);
    const keys: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + pageRows, PageUp: active - pageRows, Home: 0, End: count - 1 };
    if (event.key in keys) {
      event.preventDefault();
      move(keys[event.key]!);
    } else if (event.key === 'Enter') {
      const row = rowAt(state, active);
      if (row) {
        event.preventDefault();
        onOpen(row);
      }
    }
  };

  const showError = (attemptId: string, element: HTMLElement) => {
    clearTimeout(hoverTimer.current);
    hoverTimer.current = setTimeout(() => setHover({ attemptId, rect: element.getBoundingClientRect() }), 280);
  };
  const hideError = () => {
    clearTimeout(hoverTimer.current);
    hoverTimer.current = setTimeout(() => setHover(null), 150);
  };

  return (
    <>
      <div
        ref={scrollRef}
        className="history-scroll"
        role="grid"
        aria-label="Sync History"
        aria-rowcount={state.complete ? count + 1 : -1}
        aria-colcount={COLUMNS.length}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          setAtTop(e.currentTarget.scrollTop < ROW_HEIGHT);
          if (hover) setHover(null);
        }}
        data-testid="history-table"
      >
        <div className="history-canvas" style={{ height: virtualizer.getTotalSize() }}>
          <div className="history-row history-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: TEMPLATE }}>
            {COLUMNS.map((c) => (
              <div key={c.key} role="columnheader" className={`history-cell${c.key === 'duration' || c.key === 'attempt' ? ' num' : ''}`}>
                {c.label}
              </div>
            ))}
          </div>
          {items.map((item) => {
            const row = rowAt(state, item.index);
            const style = { transform: `translateY(${item.start}px)`, gridTemplateColumns: TEMPLATE };
            if (!row) {
              return (
                <div key={item.key} className="history-row is-loading" role="row" aria-rowindex={item.index + 2} style={style} data-testid="history-loading-row">
                  {COLUMNS.map((c) => (
                    <div key={c.key} className="history-cell">
                      <span className="skeleton" />
                    </div>
                  ))}
                </div>
              );
            }
            return (
              <div
                key={item.key}
                className={`history-row status-${row.status}${item.index === active ? ' is-active' : ''}`}
                role="row"
                aria-rowindex={item.index + 2}
                data-testid="history-row"
                data-attempt-id={row.attemptId}
                data-job-id={row.jobId}
                style={style}
                onClick={() => {
                  setActive(item.index);
                  onOpen(row);
                }}
              >
                <div role="gridcell" className="history-cell" title={formatDateTime(row.startedAt)}>
                  {formatRelative(row.startedAt)}
                </div>
                <div role="gridcell" className="history-cell history-lead">
                  <span className="history-lead-name">{row.leadLabel || `Lead ${row.leadId}`}</span>
                  {row.leadEmail ? <span className="history-lead-email">{row.leadEmail}</span> : null}
                </div>
                <div role="gridcell" className="history-cell">
                  <StatusTag status={row.status} nextAttemptAt={row.nextAttemptAt} cancelReason={row.cancelReason} />
                </div>
                <div role="gridcell" className="history-cell">
                  {row.errorTitle ? (
                    <span
                      className={`history-error${row.status === 'succeeded_with_warnings' ? ' is-warning' : ''}`}
                      tabIndex={-1}
                      onMouseEnter={(e) => showError(row.attemptId, e.currentTarget)}
                      onMouseLeave={hideError}
                      onFocus={(e) => showError(row.attemptId, e.currentTarget)}
                      onBlur={hideError}
                      data-testid="history-error"
                    >
                      <span className="history-error-title">{row.errorTitle}</span>
                      {row.errorMessage ? <span className="history-error-message">{row.errorMessage}</span> : null}
                    </span>
                  ) : row.status === 'interrupted' && row.errorMessage ? (
                    <span className="faint" title={row.errorMessage}>
                      Didn't finish
                    </span>
                  ) : (
                    <span className="faint">—</span>
                  )}
                </div>
                <div role="gridcell" className="history-cell num">
                  {formatDuration(row.durationMs)}
                </div>
                <div role="gridcell" className="history-cell">
                  <span className="step-chips">
                    {stepTones(row).map((s) => (
                      <span key={s.step} className={`step-chip is-${s.tone}`} title={s.title}>
                        {s.step}
                      </span>
                    ))}
                  </span>
                </div>
                <div role="gridcell" className="history-cell">
                  <RecordLinks row={row} portal={state.portal} />
                </div>
                <div role="gridcell" className="history-cell num">
                  #{row.attempt}
                </div>
              </div>
            );
          })}
        </div>
      </div>
      {hover && state.query.workspaceId ? (
        <RawErrorCard
          workspaceId={state.query.workspaceId}
          attemptId={hover.attemptId}
          anchor={hover.rect}
          onEnter={() => clearTimeout(hoverTimer.current)}
          onLeave={hideError}
        />
      ) : null}
    </>
  );
}
