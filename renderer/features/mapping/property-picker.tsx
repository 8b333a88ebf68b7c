import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { MappingProperty } from '../../../core/contract/mapping.ts';
import { Icon } from '../../components/icons.tsx';

const MAX_SHOWN = 60;

export const TYPE_NAMES: Record<string, string> = {
  string: 'Text',
  number: 'Number',
  date: 'Date',
  datetime: 'Date & time',
  enumeration: 'Dropdown',
  bool: 'Yes / no',
  phone_number: 'Phone',
};

export function typeName(def: MappingProperty): string {
  if (def.type === 'enumeration' && def.fieldType === 'checkbox') return 'Multiple checkboxes';
  if (def.type === 'string' && def.fieldType === 'phonenumber') return 'Phone';
  if (def.type === 'string' && def.fieldType === 'textarea') return 'Long text';
  return TYPE_NAMES[def.type] ?? def.type;
}

/**
 * Picks a HubSpot property by label or internal name. Shows each one's type, options and whether
 * it can be written; a name that is not in the list can still be typed (the row is then flagged).
 */
export function PropertyPicker({
  value,
  properties,
  onChange,
  label,
}: {
  value: string;
  properties: readonly MappingProperty[];
  onChange(name: string): void;
  label: string;
}) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const current = properties.find((p) => p.name === value);

  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    const visible = properties.filter((p) => !p.hidden || p.name === value);
    const found = q ? visible.filter((p) => p.label.toLowerCase().includes(q) || p.name.toLowerCase().includes(q)) : visible;
    // Writable first, then by label: read-only ones are shown but rarely what is wanted.
    return [...found].sort((a, b) => Number(a.readOnly) - Number(b.readOnly) || a.label.localeCompare(b.label)).slice(0, MAX_SHOWN);
  }, [properties, query, value]);
  const typed = query.trim();
  const offerTyped = typed !== '' && !properties.some((p) => p.name === typed);
  const options = offerTyped ? [...matches, null] : matches;

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  useEffect(() => {
    if (open) {
      setQuery('');
      setActive(0);
      input.current?.focus();
    }
  }, [open]);

  const choose = (name: string) => {
    onChange(name);
    setOpen(false);
  };

  return (
    <div className="picker" ref={root}>
      <button type="button" className={`picker-button${current ? '' : ' is-unknown'}`} aria-label={label} aria-haspopup="listbox" aria-expanded={open} onClick={() => setOpen(!open)}>
        {current ? (
          <>
            <span className="picker-label">{current.label}</span>
            <code className="picker-name">{current.name}</code>
          </>
        ) : value ? (
          <code className="picker-name">{value}</code>
        ) : (
          <span className="muted">Choose a property…</span>
        )}
        <Icon name="chevronDown" size={14} className="picker-chevron" />
      </button>
      {open ? (
        <div className="picker-popover" role="dialog" aria-label={`Properties for ${label}`}>
          <div className="search-box picker-search">
            <Icon name="search" />
            <input
              ref={input}
              type="search"
              value={query}
              placeholder="Search by label or internal name"
              aria-label="Search properties"
              aria-controls={listId}
              aria-activedescendant={options.length ? `${listId}-${active}` : undefined}
              onChange={(e) => {
                setQuery(e.target.value);
                setActive(0);
              }}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  setActive((a) => Math.min(options.length - 1, a + 1));
                } else if (e.key === 'ArrowUp') {
                  e.preventDefault();
                  setActive((a) => Math.max(0, a - 1));
                } else if (e.key === 'Enter') {
                  e.preventDefault();
                  const option = options[active];
                  if (option !== undefined) choose(option ? option.name : typed);
                } else if (e.key === 'Escape') {
                  e.preventDefault();
                  e.stopPropagation();
                  setOpen(false);
                }
              }}
            />
          </div>
          <ul className="picker-list" role="listbox" id={listId}>
            {options.map((p, i) =>
              p ? (
                <li
                  key={p.name}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={`picker-option${i === active ? ' is-active' : ''}${p.readOnly ? ' is-readonly' : ''}`}
                  onMouseEnter={() => setActive(i)}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    choose(p.name);
                  }}
                >
                  <span className="picker-option-main">
                    <span className="picker-label">{p.label}</span>
                    <code className="picker-name">{p.name}</code>
                  </span>
                  <span className="picker-option-meta">
                    <span className="tag">{typeName(p)}</span>
                    {p.readOnly ? <span className="tag tag-warning">{p.calculated ? 'Calculated' : 'Read-only'}</span> : null}
                    {!p.hubspotDefined ? <span className="tag tag-info">Custom</span> : null}
                  </span>
                  {p.options.length > 0 ? (
                    <span className="picker-options">
                      {p.options
                        .slice(0, 6)
                        .map((o) => o.label)
                        .join(' · ')}
                      {p.options.length > 6 ? ` · +${p.options.length - 6}` : ''}
                    </span>
                  ) : null}
                </li>
              ) : (
                <li
                  key="__typed"
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={`picker-option picker-typed${i === active ? ' is-active' : ''}`}
                  onMouseEnter={() => setActive(i)}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    choose(typed);
                  }}
                >
                  Use <code>{typed}</code> as the internal name
                </li>
              ),
            )}
            {options.length === 0 ? <li className="picker-empty muted">{properties.length ? 'No property matches.' : 'No properties yet: refresh them from HubSpot.'}</li> : null}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
