import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { useAppStore } from '../../state/store.ts';

/** Creates a workspace connected to the built-in sandbox portal (seeded with data), and opens it. */
export function useTrySandbox() {
  const create = useAppStore((s) => s.createSandboxWorkspace);
  const notify = useAppStore((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const workspace = await create();
      notify('success', `“${workspace.name}” is connected to the sandbox portal. Everything in it is simulated.`);
    } catch (e) {
      notify('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

export function TrySandboxButton({ className = 'btn btn-large' }: { className?: string }) {
  const { busy, run } = useTrySandbox();
  return (
    <button type="button" className={className} disabled={busy} onClick={() => void run()} data-testid="try-sandbox">
      {busy ? 'Starting the sandbox portal…' : 'Try the sandbox'}
    </button>
  );
}
