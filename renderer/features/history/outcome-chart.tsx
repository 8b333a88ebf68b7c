import { type KeyboardEvent, useMemo, useRef, useState } from 'react';
import type { BucketSize, OutcomeBucket } from '../../../core/contract/push.ts';

const SERIES = [
  { key: 'succeeded', label: 'Succeeded', className: 'is-succeeded' },
  { key: 'succeededWithWarnings', label: 'With warnings', className: 'is-warning' },
  { key: 'retried', label: 'Retried', className: 'is-retried' },
  { key: 'failed', label: 'Failed', className: 'is-failed' },
  { key: 'cancelled', label: 'Cancelled', className: 'is-cancelled' },
] as const;

type SeriesKey = (typeof SERIES)[number]['key'];

const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const longFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const fmt = (n: number) => n.toLocaleString();

export function bucketLabel(bucket: OutcomeBucket, size: BucketSize): string {
  const start = new Date(bucket.start);
  if (size === 'day') return dayFormat.format(start);
  return `${dayFormat.format(start)}, ${hourFormat.format(start)}`;
}

const totalOf = (b: OutcomeBucket) => b.succeeded + b.succeededWithWarnings + b.failed + b.retried + b.cancelled;

/** A rounded top for the scale: 1, 2, 5 × 10ⁿ. */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * Outcomes over time as stacked bars, hand-written in HTML and CSS rather than a chart library:
 * every bar is a real button (keyboard focus, an accessible name with its counts, selectable by
 * role in tests), colours come from the theme's variables (light and dark), and there is no
 * canvas to keep in sync. Clicking a bar (or Enter on it) filters the table to its hour or day;
 * arrow keys move between bars.
 */
export function OutcomeChart({
  buckets,
  size,
  selectedStart,
  onSelect,
}: {
  buckets: OutcomeBucket[];
  size: BucketSize;
  selectedStart: string | null;
  onSelect(bucket: OutcomeBucket): void;
}) {
  const max = useMemo(() => niceMax(Math.max(0, ...buckets.map(totalOf))), [buckets]);
  const totals = useMemo(() => {
    const sums: Record<SeriesKey, number> = { succeeded: 0, succeededWithWarnings: 0, retried: 0, failed: 0, cancelled: 0 };
    for (const b of buckets) for (const s of SERIES) sums[s.key] += b[s.key];
    return sums;
  }, [buckets]);
  const selectedIndex = buckets.findIndex((b) => b.start === selectedStart);
  const [focus, setFocus] = useState(() => (selectedIndex >= 0 ? selectedIndex : buckets.length - 1));
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const current = Math.min(Math.max(0, focus), buckets.length - 1);
  const labelEvery = Math.max(1, Math.ceil(buckets.length / (size === 'hour' ? 8 : 10)));

  const move = (index: number) => {
    const next = Math.max(0, Math.min(buckets.length - 1, index));
    setFocus(next);
    refs.current[next]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const keys: Record<string, number> = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: buckets.length - 1 };
    if (event.key in keys) {
      event.preventDefault();
      move(keys[event.key]!);
    }
  };

  const describe = (b: OutcomeBucket) => {
    const parts = SERIES.filter((s) => b[s.key] > 0).map((s) => `${fmt(b[s.key])} ${s.label.toLowerCase()}`);
    return `${size === 'day' ? dayFormat.format(new Date(b.start)) : longFormat.format(new Date(b.start))}: ${parts.length ? parts.join(', ') : 'no attempts'}`;
  };

  return (
    <div className="chart" data-testid="outcome-chart">
      <div className="chart-legend" aria-hidden="true">
        {SERIES.map((s) => (
          <span key={s.key} className="chart-legend-item">
            <span className={`chart-swatch ${s.className}`} />
            {s.label} <strong>{fmt(totals[s.key])}</strong>
          </span>
        ))}
      </div>
      <div className="chart-plot">
        <div className="chart-axis" aria-hidden="true">
          <span>{fmt(max)}</span>
          <span>{fmt(max / 2)}</span>
          <span>0</span>
        </div>
        <div className="chart-bars" role="group" aria-label={`Outcomes per ${size}: choose a bar to show its attempts`} onKeyDown={onKeyDown}>
          {buckets.map((b, i) => {
            const total = totalOf(b);
            const selected = b.start === selectedStart;
            return (
              <button
                key={b.start}
                ref={(el) => {
                  refs.current[i] = el;
                }}
                type="button"
                className={`chart-bar${selected ? ' is-selected' : ''}${total === 0 ? ' is-empty' : ''}`}
                tabIndex={i === current ? 0 : -1}
                aria-label={describe(b)}
                aria-pressed={selected}
                title={describe(b)}
                data-testid="chart-bar"
                onFocus={() => setFocus(i)}
                onClick={() => onSelect(b)}
              >
                <span className="chart-stack" style={{ height: `${(total / max) * 100}%` }}>
                  {[...SERIES].reverse().map((s) =>
                    b[s.key] > 0 ? <span key={s.key} className={`chart-segment ${s.className}`} style={{ flexGrow: b[s.key] }} /> : null,
                  )}
                </span>
                {i % labelEvery === 0 ? (
                  <span className="chart-tick" aria-hidden="true">
                    {size === 'day' ? dayFormat.format(new Date(b.start)) : hourFormat.format(new Date(b.start))}
                  </span>
                ) : null}
              </button>
            );
          })}
        </div>
      </div>
    </div>
  );
}
