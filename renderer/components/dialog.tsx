import { type FormEvent, type ReactNode, useEffect, useId, useRef } from 'react';

interface DialogProps {
  title: string;
  onClose(): void;
  /** Called on submit (Enter in a field, or the primary button). */
  onSubmit?(): void;
  children: ReactNode;
  footer: ReactNode;
  testId?: string;
  tone?: 'default' | 'danger';
  /** Wide panel for tables and wizards. */
  wide?: boolean;
}

/**
 * A modal on the native <dialog>: focus is trapped, Esc closes and the page behind is inert,
 * with no library. The form makes Enter submit.
 */
export function Dialog({ title, onClose, onSubmit, children, footer, testId, tone = 'default', wide = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${tone}${wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside the panel) closes.
        if (event.target === ref.current) onClose();
      }}
    >
      <form className="dialog-panel" onSubmit={submit} method="dialog">
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-footer">{footer}</div>
      </form>
    </dialog>
  );
}
