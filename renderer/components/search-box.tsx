import { useEffect, useRef } from 'react';
import { Icon } from './icons.tsx';

/**
 * A page's search field: Escape clears it, and "/" jumps to it from anywhere on the page (unless
 * the user is typing elsewhere, a dialog is open, or `shortcut` is off).
 */
export function SearchBox({ value, onChange, placeholder, label, shortcut = true }: { value: string; onChange: (value: string) => void; placeholder: string; label: string; shortcut?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!shortcut) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable);
      if (event.key === '/' && !typing && !document.querySelector('dialog[open]')) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcut]);
  return (
    <div className="search-box">
      <Icon name="search" />
      <input
        ref={input}
        type="search"
        value={value}
        placeholder={placeholder}
        aria-label={label}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onChange('');
        }}
      />
      <kbd className="search-hint" aria-hidden="true">
        /
      </kbd>
    </div>
  );
}
