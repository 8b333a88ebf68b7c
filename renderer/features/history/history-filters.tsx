import { useEffect, useState } from 'react';
import { ERROR_REFERENCE } from '../../../core/contract/error-reference.ts';
import type { ErrorCode } from '../../../core/contract/errors.ts';
import type { StepName } from '../../../core/contract/push.ts';
import { Icon } from '../../components/icons.tsx';
import { SearchBox } from '../../components/search-box.tsx';
import { useAppStore } from '../../state/store.ts';
import { isFiltered, type RangePreset, type StatusFilter } from './history-slice.ts';

const SEARCH_DEBOUNCE_MS = 250;

const STATUSES: Array<{ value: StatusFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'errors', label: 'Errors only' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'succeeded_with_warnings', label: 'With warnings' },
  { value: 'failed', label: 'Failed' },
  { value: 'retrying', label: 'Retried' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'running', label: 'Running' },
  { value: 'interrupted', label: 'Interrupted' },
];

const RANGES: Array<{ value: RangePreset; label: string }> = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/**
 * Sync History's filters: status (with Errors only one click away), error title (with how often
 * each occurred), step, time range (a preset, a clicked bar, or from/to) and free text. "/" jumps
 * to the search box.
 */
export function HistoryFilters() {
  const query = useAppStore((s) => s.history.query);
  const titles = useAppStore((s) => s.history.errorTitles);
  const setQuery = useAppStore((s) => s.historySetQuery);
  const [search, setSearch] = useState(query.search);

  useEffect(() => setSearch(query.search), [query.workspaceId]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (search === query.search) return;
    const timer = setTimeout(() => setQuery({ search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, query.search, setQuery]);

  // Every title of the reference is offered; the ones seen lately come first, with their counts.
  const seen = new Map(titles.map((t) => [t.code, t.count]));
  const codes = [...titles.map((t) => t.code), ...(Object.keys(ERROR_REFERENCE) as ErrorCode[]).filter((c) => !seen.has(c))];
  return (
    <div className="history-filters" role="search" aria-label="Filter Sync History">
      <SearchBox value={search} onChange={setSearch} placeholder="Search leads and errors" label="Search history" />
      <button
        type="button"
        className={`chip${query.status === 'errors' ? ' is-on is-danger' : ''}`}
        aria-pressed={query.status === 'errors'}
        onClick={() => setQuery({ status: query.status === 'errors' ? 'all' : 'errors' })}
        data-testid="errors-only"
      >
        <Icon name="warning" size={14} /> Errors only
      </button>
      <label className="select-field">
        <span className="visually-hidden">Status</span>
        <select aria-label="Status" value={query.status} onChange={(e) => setQuery({ status: e.target.value as StatusFilter })}>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.value === 'all' ? 'Any status' : s.label}
            </option>
          ))}
        </select>
      </label>
      <label className="select-field">
        <span className="visually-hidden">Error</span>
        <select aria-label="Error" value={query.errorCode ?? ''} onChange={(e) => setQuery({ errorCode: (e.target.value || null) as ErrorCode | null })}>
          <option value="">Any error</option>
          {codes.map((code) => (
            <option key={code} value={code}>
              {ERROR_REFERENCE[code as keyof typeof ERROR_REFERENCE]?.title ?? code}
              {seen.has(code) ? ` (${seen.get(code)!.toLocaleString()})` : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="select-field">
        <span className="visually-hidden">Step</span>
        <select aria-label="Step" value={query.step ?? ''} onChange={(e) => setQuery({ step: (e.target.value || null) as StepName | null })}>
          <option value="">Any step</option>
          <option value="contact">Contact step</option>
          <option value="company">Company step</option>
          <option value="list">List step</option>
        </select>
      </label>
      {isFiltered(query) ? (
        <button
          type="button"
          className="link"
          onClick={() => {
            setSearch('');
            setQuery({ status: 'all', errorCode: null, step: null, search: '', range: { preset: '7d' } });
          }}
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}

/** The time range of the chart and the table: a preset, a clicked bar, or from/to. */
export function TimeRangePicker() {
  const range = useAppStore((s) => s.history.query.range);
  const setQuery = useAppStore((s) => s.historySetQuery);
  return (
    <span className="time-range">
      <label className="select-field">
        <span className="visually-hidden">Time range</span>
        <select
          aria-label="Time range"
          value={range.preset}
          onChange={(e) => {
            if (e.target.value === 'custom') {
              const now = Date.now();
              setQuery({ range: { preset: 'custom', from: new Date(now - 86_400_000).toISOString(), to: new Date(now).toISOString(), label: 'Custom range' } });
            } else {
              setQuery({ range: { preset: e.target.value as RangePreset } });
            }
          }}
        >
          {RANGES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
          <option value="custom">{range.preset === 'custom' ? range.label : 'Custom range…'}</option>
        </select>
      </label>
      {range.preset === 'custom' ? (
        <span className="range-inputs">
          <input
            type="datetime-local"
            aria-label="From"
            value={toLocalInput(range.from)}
            onChange={(e) => e.target.value && setQuery({ range: { ...range, from: new Date(e.target.value).toISOString(), label: 'Custom range' } })}
          />
          <span className="muted">to</span>
          <input
            type="datetime-local"
            aria-label="To"
            value={toLocalInput(range.to)}
            onChange={(e) => e.target.value && setQuery({ range: { ...range, to: new Date(e.target.value).toISOString(), label: 'Custom range' } })}
          />
        </span>
      ) : null}
    </span>
  );
}
