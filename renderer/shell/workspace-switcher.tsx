import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Icon } from '../components/icons.tsx';
import { useTrySandbox } from '../features/connections/try-sandbox.tsx';
import { selectActiveWorkspaceId, useAppStore } from '../state/store.ts';

/**
 * The workspace menu: current workspace, a filterable list (arrow keys + Enter), and
 * New / Rename / Delete. Ctrl+K (Cmd+K) opens it from anywhere.
 */
export function WorkspaceSwitcher() {
  const workspaces = useAppStore(useShallow((s) => s.workspaces));
  const selectedId = useAppStore(selectActiveWorkspaceId);
  const openWorkspace = useAppStore((s) => s.openWorkspace);
  const openDialog = useAppStore((s) => s.openDialog);
  const trySandbox = useTrySandbox();
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const current = workspaces.find((w) => w.id === selectedId);

  const matches = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? workspaces.filter((w) => w.name.toLowerCase().includes(needle)) : workspaces;
  }, [workspaces, filter]);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!open) return;
    setFilter('');
    setActive(Math.max(0, workspaces.findIndex((w) => w.id === selectedId)));
    inputRef.current?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', onPointer);
    return () => window.removeEventListener('pointerdown', onPointer);
    // Only when opening: the list may change while it is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const choose = (id: string) => {
    setOpen(false);
    openWorkspace(id);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((i) => Math.min(i + 1, matches.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const target = matches[active];
      if (target) choose(target.id);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
    }
  };

  const act = (action: () => void) => {
    setOpen(false);
    action();
  };

  return (
    <div className="switcher" ref={rootRef}>
      <button
        type="button"
        className="switcher-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        data-testid="workspace-switcher"
        onClick={() => setOpen((o) => !o)}
        title="Switch workspace (Ctrl+K)"
      >
        <span className="switcher-avatar" aria-hidden="true">
          {(current?.name ?? '?').slice(0, 1).toUpperCase()}
        </span>
        <span className="switcher-name">{current ? current.name : workspaces.length ? 'Choose a workspace' : 'No workspace'}</span>
        <Icon name="chevronDown" />
      </button>
      {open ? (
        <div className="switcher-popover" role="dialog" aria-label="Workspaces">
          <div className="switcher-search">
            <Icon name="search" />
            <input
              ref={inputRef}
              value={filter}
              placeholder="Find a workspace…"
              aria-label="Find a workspace"
              aria-controls="workspace-options"
              aria-activedescendant={matches[active] ? `workspace-option-${matches[active].id}` : undefined}
              onChange={(e) => {
                setFilter(e.target.value);
                setActive(0);
              }}
              onKeyDown={onKeyDown}
            />
          </div>
          <ul id="workspace-options" className="switcher-list" role="listbox" aria-label="Workspaces">
            {matches.map((w, i) => (
              <li
                key={w.id}
                id={`workspace-option-${w.id}`}
                role="option"
                aria-selected={w.id === selectedId}
                className={`switcher-option${i === active ? ' is-active' : ''}`}
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(w.id)}
              >
                <span className="switcher-option-name">{w.name}</span>
                {w.kind === 'sandbox' ? <span className="tag">sandbox</span> : null}
                {w.id === selectedId ? <Icon name="check" /> : null}
              </li>
            ))}
            {matches.length === 0 ? <li className="switcher-empty">No workspace matches.</li> : null}
          </ul>
          <div className="switcher-actions">
            <button type="button" className="menu-item" onClick={() => act(() => openDialog({ kind: 'createWorkspace' }))}>
              <Icon name="plus" /> New workspace…
            </button>
            <button type="button" className="menu-item" disabled={trySandbox.busy} onClick={() => act(() => void trySandbox.run())}>
              <Icon name="database" /> {trySandbox.busy ? 'Starting the sandbox…' : 'Create a sandbox workspace'}
            </button>
            {current ? (
              <>
                <button type="button" className="menu-item" onClick={() => act(() => openDialog({ kind: 'renameWorkspace', workspaceId: current.id }))}>
                  <Icon name="pencil" /> Rename “{current.name}”…
                </button>
                <button
                  type="button"
                  className="menu-item menu-item-danger"
                  onClick={() => act(() => openDialog({ kind: 'deleteWorkspace', workspaceId: current.id }))}
                >
                  <Icon name="trash" /> Delete “{current.name}”…
                </button>
              </>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
