import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../state/store.ts';
import { Icon } from './icons.tsx';

export function Toasts() {
  const toasts = useAppStore(useShallow((s) => s.toasts));
  const dismiss = useAppStore((s) => s.dismissToast);
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <Icon name={toast.kind === 'error' ? 'warning' : toast.kind === 'success' ? 'check' : 'info'} />
          <span className="toast-message">{toast.message}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
