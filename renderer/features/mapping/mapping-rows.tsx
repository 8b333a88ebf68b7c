import { useState } from 'react';
import type { LeadSource, MappingProperty, MappingRow, SettingsProblem, Transform, UpdateRule } from '../../../core/contract/mapping.ts';
import { Icon } from '../../components/icons.tsx';
import { PropertyPicker } from './property-picker.tsx';
import { describeTransform, TransformsDialog } from './transforms-dialog.tsx';

export const UPDATE_RULES: Array<{ value: UpdateRule; label: string; hint: string }> = [
  { value: 'overwrite', label: 'Overwrite', hint: 'Always write the lead’s value.' },
  { value: 'fillIfEmpty', label: 'Fill if empty', hint: 'Write only when HubSpot has no value.' },
  { value: 'neverOverwrite', label: 'Never overwrite', hint: 'Set when the record is created, never after.' },
];

let rowCounter = 0;
export const newRowId = () => `r${Date.now().toString(36)}${(rowCounter++).toString(36)}`;

interface RowsEditorProps {
  tab: 'contact' | 'company';
  rows: MappingRow[];
  sources: readonly LeadSource[];
  properties: readonly MappingProperty[];
  problems: readonly SettingsProblem[];
  /** The row core refused on save (1-based), highlighted. */
  errorRow: number | null;
  onChange(rows: MappingRow[]): void;
  onRefreshProperties(): void;
}

/**
 * The rows of Field Mapping or Company Mapping: lead field → property, enabled, transforms, update
 * rule; reorder by dragging the handle or with ↑/↓ on it; each row's problems below it, with the fix.
 */
export function RowsEditor({ tab, rows, sources, properties, problems, errorRow, onChange, onRefreshProperties }: RowsEditorProps) {
  const [editing, setEditing] = useState<{ index: number; suggested: string[] } | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const noun = tab === 'contact' ? 'contact' : 'company';

  const update = (index: number, patch: Partial<MappingRow>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= rows.length || from === to) return;
    const next = [...rows];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    onChange(next);
  };
  const sourceLabel = (ref: string) => sources.find((s) => s.ref === ref)?.label ?? ref.replace(/^custom\./, '');

  return (
    <div className={`rows-editor rows-${tab}`} data-testid={`${tab}-rows`}>
      <div className="rows-head" aria-hidden="true">
        <span />
        <span>On</span>
        <span>Lead field</span>
        <span />
        <span>HubSpot {noun} property</span>
        <span>Transforms</span>
        <span>Update rule</span>
        <span />
      </div>
      {rows.length === 0 ? <div className="empty-inline card">No mappings yet.</div> : null}
      <ol className="rows-list">
        {rows.map((row, index) => {
          const rowProblems = problems.filter((p) => p.rowId === row.id);
          const worst = rowProblems.some((p) => p.severity === 'error') ? 'error' : rowProblems.length ? 'warning' : null;
          const source = sources.find((s) => s.ref === row.source);
          return (
            <li
              key={row.id}
              className={`mapping-row${row.enabled ? '' : ' is-disabled'}${worst ? ` has-${worst}` : ''}${errorRow === index + 1 ? ' is-refused' : ''}${dropAt === index && dragging !== null ? ' is-drop-target' : ''}`}
              data-testid="mapping-row"
              data-row-id={row.id}
              onDragOver={(e) => {
                if (dragging === null) return;
                e.preventDefault();
                setDropAt(index);
              }}
              onDrop={(e) => {
                e.preventDefault();
                if (dragging !== null) move(dragging, index);
                setDragging(null);
                setDropAt(null);
              }}
            >
              <div className="mapping-row-main">
                <button
                  type="button"
                  className="drag-handle"
                  draggable
                  aria-label={`Move row ${index + 1} (${sourceLabel(row.source)} → ${row.property}); use the up and down arrow keys`}
                  title="Drag, or press ↑ / ↓, to reorder"
                  onDragStart={(e) => {
                    setDragging(index);
                    e.dataTransfer.effectAllowed = 'move';
                    e.dataTransfer.setData('text/plain', row.id);
                  }}
                  onDragEnd={() => {
                    setDragging(null);
                    setDropAt(null);
                  }}
                  onKeyDown={(e) => {
                    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
                    e.preventDefault();
                    const to = index + (e.key === 'ArrowUp' ? -1 : 1);
                    move(index, to);
                    // Keep the focus on the moved row's handle.
                    requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(`[data-row-id="${row.id}"] .drag-handle`)?.focus());
                  }}
                >
                  <span aria-hidden="true">⋮⋮</span>
                </button>
                <input type="checkbox" checked={row.enabled} aria-label={`Row ${index + 1} enabled`} onChange={(e) => update(index, { enabled: e.target.checked })} />
                <select value={row.source} aria-label={`Lead field of row ${index + 1}`} onChange={(e) => update(index, { source: e.target.value })}>
                  {source ? null : <option value={row.source}>{row.source} (missing)</option>}
                  <optgroup label="Standard fields">
                    {sources
                      .filter((s) => !s.ref.startsWith('custom.'))
                      .map((s) => (
                        <option key={s.ref} value={s.ref}>
                          {s.label}
                        </option>
                      ))}
                  </optgroup>
                  {sources.some((s) => s.ref.startsWith('custom.')) ? (
                    <optgroup label="Custom fields">
                      {sources
                        .filter((s) => s.ref.startsWith('custom.'))
                        .map((s) => (
                          <option key={s.ref} value={s.ref}>
                            {s.label}
                          </option>
                        ))}
                    </optgroup>
                  ) : null}
                </select>
                <Icon name="arrowRight" size={14} className="mapping-arrow" />
                <PropertyPicker value={row.property} properties={properties} label={`Property of row ${index + 1}`} onChange={(name) => update(index, { property: name })} />
                <button type="button" className="transforms-button" aria-label={`Transforms of row ${index + 1}`} onClick={() => setEditing({ index, suggested: [] })}>
                  {row.transforms.length ? (
                    row.transforms.map((t, i) => (
                      <span key={i} className="transform-chip">
                        {describeTransform(t)}
                      </span>
                    ))
                  ) : (
                    <span className="faint">None</span>
                  )}
                  <Icon name="pencil" size={13} className="transforms-edit" />
                </button>
                <select value={row.updateRule} aria-label={`Update rule of row ${index + 1}`} title={UPDATE_RULES.find((r) => r.value === row.updateRule)?.hint} onChange={(e) => update(index, { updateRule: e.target.value as UpdateRule })}>
                  {UPDATE_RULES.map((r) => (
                    <option key={r.value} value={r.value} title={r.hint}>
                      {r.label}
                    </option>
                  ))}
                </select>
                <button type="button" className="icon-button" aria-label={`Remove row ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
                  <Icon name="trash" size={15} />
                </button>
              </div>
              {row.enabled && rowProblems.length ? (
                <ul className="row-problems">
                  {rowProblems.map((p, i) => (
                    <li key={i} className={`row-problem row-problem-${p.severity}`} data-testid="row-problem" data-kind={p.kind}>
                      <Icon name={p.severity === 'error' ? 'warning' : 'info'} size={14} />
                      <span className="row-problem-text">
                        {p.message} <span className="row-problem-fix">{p.fix}</span>
                      </span>
                      <ProblemFix
                        problem={p}
                        onUseProperty={(name) => update(index, { property: name })}
                        onDisable={() => update(index, { enabled: false })}
                        onRemove={() => onChange(rows.filter((_, i2) => i2 !== index))}
                        onAddTransform={(t) => update(index, { transforms: [...row.transforms, t] })}
                        onMapValues={(values) => setEditing({ index, suggested: values })}
                        onRefresh={onRefreshProperties}
                      />
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="btn add-row"
        onClick={() => onChange([...rows, { id: newRowId(), source: 'notes', property: '', enabled: true, transforms: [], updateRule: 'overwrite' }])}
      >
        <Icon name="plus" /> Add mapping
      </button>
      {editing && rows[editing.index] ? (
        <TransformsDialog
          row={rows[editing.index]!}
          property={properties.find((p) => p.name === rows[editing.index]!.property)}
          suggestedValues={editing.suggested}
          onClose={() => setEditing(null)}
          onSave={(transforms: Transform[]) => {
            update(editing.index, { transforms });
            setEditing(null);
          }}
        />
      ) : null}
    </div>
  );
}

function ProblemFix({
  problem,
  onUseProperty,
  onDisable,
  onRemove,
  onAddTransform,
  onMapValues,
  onRefresh,
}: {
  problem: SettingsProblem;
  onUseProperty(name: string): void;
  onDisable(): void;
  onRemove(): void;
  onAddTransform(t: Transform): void;
  onMapValues(values: string[]): void;
  onRefresh(): void;
}) {
  switch (problem.kind) {
    case 'unknown_property':
      return problem.suggestion ? (
        <button type="button" className="btn btn-small" onClick={() => onUseProperty(problem.suggestion!.property)}>
          Use {problem.suggestion.property}
        </button>
      ) : (
        <button type="button" className="btn btn-small" onClick={onDisable}>
          Disable row
        </button>
      );
    case 'read_only_property':
      return (
        <button type="button" className="btn btn-small" onClick={onDisable}>
          Disable row
        </button>
      );
    case 'unknown_field':
      return (
        <button type="button" className="btn btn-small" onClick={onRemove}>
          Remove row
        </button>
      );
    case 'invalid_options':
      return (
        <button type="button" className="btn btn-small" onClick={() => onMapValues((problem.values ?? []).map((v) => v.value))}>
          Map these values
        </button>
      );
    case 'type_mismatch':
      if (problem.fix.startsWith('Add the Date format')) {
        return (
          <button type="button" className="btn btn-small" onClick={() => onAddTransform({ kind: 'date', order: 'auto' })}>
            Add Date format
          </button>
        );
      }
      return problem.fix.startsWith('Add a value map') ? (
        <button type="button" className="btn btn-small" onClick={() => onMapValues((problem.values ?? []).map((v) => v.value))}>
          Map these values
        </button>
      ) : null;
    case 'properties_unknown':
      return (
        <button type="button" className="btn btn-small" onClick={onRefresh}>
          Refresh properties
        </button>
      );
    default:
      return null;
  }
}
