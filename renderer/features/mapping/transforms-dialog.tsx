import { useState } from 'react';
import type { MappingProperty, MappingRow, Transform, TransformKind } from '../../../core/contract/mapping.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';

export const TRANSFORM_LABELS: Record<TransformKind, string> = {
  trim: 'Trim spaces',
  lowercase: 'Lower-case',
  splitName: 'Split full name',
  phoneE164: 'Phone to E.164',
  date: 'Date format',
  domain: 'Domain from web or email address',
  valueMap: 'Dropdown value map',
};

const HELP: Record<TransformKind, string> = {
  trim: 'Removes spaces at the start and end.',
  lowercase: 'ADA@Example.com → ada@example.com',
  splitName: '“Ada Lovelace” → first part “Ada”, last part “Lovelace”.',
  phoneE164: '(415) 555-0123 → +14155550123, using the default country of your leads for numbers without a country code.',
  date: '31.03.2026, 03/31/2026 or 31 March 2026 → what the property takes: YYYY-MM-DD for dates, ISO 8601 for date-times.',
  domain: 'https://www.acme.com/about or ada@acme.com → acme.com',
  valueMap: 'Turns the lead’s values into the dropdown’s internal option values.',
};

export function describeTransform(t: Transform): string {
  switch (t.kind) {
    case 'splitName':
      return t.part === 'first' ? 'First name part' : 'Last name part';
    case 'date':
      return t.order === 'auto' ? 'Date format' : `Date (${t.order.toUpperCase()})`;
    case 'valueMap':
      return `Value map · ${t.entries.length}`;
    default:
      return TRANSFORM_LABELS[t.kind];
  }
}

function newTransform(kind: TransformKind): Transform {
  switch (kind) {
    case 'splitName':
      return { kind, part: 'first' };
    case 'date':
      return { kind, order: 'auto' };
    case 'valueMap':
      return { kind, entries: [{ from: '', to: '' }], fallback: { mode: 'keep', value: '' } };
    default:
      return { kind } as Transform;
  }
}

/**
 * Edits one row's transform steps: add, remove, reorder, and each step's options (the value map's
 * entries offer the property's options, and the values the leads have that aren't options yet).
 */
export function TransformsDialog({
  row,
  property,
  suggestedValues,
  onSave,
  onClose,
}: {
  row: MappingRow;
  property: MappingProperty | undefined;
  /** Lead values the property would refuse (from the inline problems), for the value map. */
  suggestedValues: string[];
  onSave(transforms: Transform[]): void;
  onClose(): void;
}) {
  const [steps, setSteps] = useState<Transform[]>(() => {
    const initial = row.transforms.map((t) => structuredClone(t));
    // Opened to fix refused values: start a value map holding them.
    if (suggestedValues.length && !initial.some((t) => t.kind === 'valueMap')) {
      initial.push({ kind: 'valueMap', entries: suggestedValues.map((from) => ({ from, to: '' })), fallback: { mode: 'keep', value: '' } });
    }
    return initial;
  });
  const options = property?.options ?? [];
  const update = (index: number, next: Transform) => setSteps((s) => s.map((t, i) => (i === index ? next : t)));
  const move = (index: number, delta: number) =>
    setSteps((s) => {
      const target = index + delta;
      if (target < 0 || target >= s.length) return s;
      const next = [...s];
      [next[index], next[target]] = [next[target]!, next[index]!];
      return next;
    });

  return (
    <Dialog
      title={`Transforms: ${row.source.replace(/^custom\./, '')} → ${row.property}`}
      testId="transforms-dialog"
      wide
      onClose={onClose}
      onSubmit={() => onSave(steps.map((t) => (t.kind === 'valueMap' ? { ...t, entries: t.entries.filter((e) => e.from.trim() !== '' || e.to.trim() !== '') } : t)))}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Apply
          </button>
        </>
      }
    >
      <p className="muted transforms-intro">Steps run in order on the lead’s value before it is written.</p>
      {steps.length === 0 ? <p className="empty-inline card">No transforms: the value is written as it is.</p> : null}
      <ol className="transform-steps">
        {steps.map((t, index) => (
          <li key={index} className="transform-step card" data-testid="transform-step">
            <div className="transform-step-head">
              <span className="transform-step-number">{index + 1}</span>
              <strong>{TRANSFORM_LABELS[t.kind]}</strong>
              <span className="transform-step-actions">
                <button type="button" className="icon-button" aria-label={`Move step ${index + 1} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                  <Icon name="arrowUp" size={14} />
                </button>
                <button type="button" className="icon-button" aria-label={`Move step ${index + 1} down`} disabled={index === steps.length - 1} onClick={() => move(index, 1)}>
                  <Icon name="arrowDown" size={14} />
                </button>
                <button type="button" className="icon-button" aria-label={`Remove step ${index + 1}`} onClick={() => setSteps((s) => s.filter((_, i) => i !== index))}>
                  <Icon name="trash" size={14} />
                </button>
              </span>
            </div>
            <p className="field-hint">{HELP[t.kind]}</p>
            {t.kind === 'splitName' ? (
              <label className="inline-field">
                Keep the
                <select value={t.part} onChange={(e) => update(index, { ...t, part: e.target.value as 'first' | 'last' })} aria-label="Name part">
                  <option value="first">first part (first name)</option>
                  <option value="last">last part (last name)</option>
                </select>
              </label>
            ) : null}
            {t.kind === 'date' ? (
              <label className="inline-field">
                Dates are written
                <select value={t.order} onChange={(e) => update(index, { ...t, order: e.target.value as 'auto' })} aria-label="Date order">
                  <option value="auto">detect (flag ambiguous ones like 03/04/2026)</option>
                  <option value="dmy">day first (31/03/2026)</option>
                  <option value="mdy">month first (03/31/2026)</option>
                  <option value="ymd">year first (2026-03-31)</option>
                </select>
              </label>
            ) : null}
            {t.kind === 'valueMap' ? (
              <div className="value-map">
                <table className="table value-map-table">
                  <thead>
                    <tr>
                      <th>Lead value</th>
                      <th>Writes</th>
                      <th aria-label="Remove" />
                    </tr>
                  </thead>
                  <tbody>
                    {t.entries.map((entry, e) => (
                      <tr key={e}>
                        <td>
                          <input
                            type="text"
                            value={entry.from}
                            aria-label={`Lead value ${e + 1}`}
                            onChange={(ev) => update(index, { ...t, entries: t.entries.map((x, i) => (i === e ? { ...x, from: ev.target.value } : x)) })}
                          />
                        </td>
                        <td>
                          {options.length ? (
                            <select
                              value={entry.to}
                              aria-label={`Option for ${entry.from || `value ${e + 1}`}`}
                              onChange={(ev) => update(index, { ...t, entries: t.entries.map((x, i) => (i === e ? { ...x, to: ev.target.value } : x)) })}
                            >
                              <option value="">—</option>
                              {options.map((o) => (
                                <option key={o.value} value={o.value}>
                                  {o.label} ({o.value})
                                </option>
                              ))}
                            </select>
                          ) : (
                            <input
                              type="text"
                              value={entry.to}
                              aria-label={`Written value ${e + 1}`}
                              onChange={(ev) => update(index, { ...t, entries: t.entries.map((x, i) => (i === e ? { ...x, to: ev.target.value } : x)) })}
                            />
                          )}
                        </td>
                        <td className="num">
                          <button type="button" className="icon-button" aria-label={`Remove value ${e + 1}`} onClick={() => update(index, { ...t, entries: t.entries.filter((_, i) => i !== e) })}>
                            <Icon name="close" size={14} />
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="value-map-actions">
                  <button type="button" className="btn btn-small" onClick={() => update(index, { ...t, entries: [...t.entries, { from: '', to: '' }] })}>
                    <Icon name="plus" size={14} /> Add value
                  </button>
                  <label className="inline-field">
                    Other values
                    <select
                      value={t.fallback.mode}
                      aria-label="Other values"
                      onChange={(e) => update(index, { ...t, fallback: { ...t.fallback, mode: e.target.value as 'keep' } })}
                    >
                      <option value="keep">are written as they are</option>
                      <option value="empty">are not written</option>
                      <option value="value">are written as…</option>
                    </select>
                    {t.fallback.mode === 'value' ? (
                      options.length ? (
                        <select value={t.fallback.value} aria-label="Fallback value" onChange={(e) => update(index, { ...t, fallback: { mode: 'value', value: e.target.value } })}>
                          <option value="">—</option>
                          {options.map((o) => (
                            <option key={o.value} value={o.value}>
                              {o.label}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <input type="text" value={t.fallback.value} aria-label="Fallback value" onChange={(e) => update(index, { ...t, fallback: { mode: 'value', value: e.target.value } })} />
                      )
                    ) : null}
                  </label>
                </div>
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      <label className="inline-field">
        Add a step
        <select
          value=""
          aria-label="Add a transform"
          onChange={(e) => {
            if (e.target.value) setSteps((s) => [...s, newTransform(e.target.value as TransformKind)]);
          }}
        >
          <option value="">Choose…</option>
          {(Object.keys(TRANSFORM_LABELS) as TransformKind[]).map((kind) => (
            <option key={kind} value={kind}>
              {TRANSFORM_LABELS[kind]}
            </option>
          ))}
        </select>
      </label>
    </Dialog>
  );
}
