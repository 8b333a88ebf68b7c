import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { useAppStore } from '../../state/store.ts';

/** Renders whichever workspace dialog the store says is open. */
export function WorkspaceDialogs() {
  const dialog = useAppStore((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'createWorkspace':
      return <CreateWorkspaceDialog />;
    case 'renameWorkspace':
      return <RenameWorkspaceDialog workspaceId={dialog.workspaceId} />;
    case 'deleteWorkspace':
      return <DeleteWorkspaceDialog workspaceId={dialog.workspaceId} />;
  }
}

function FormError({ error, id }: { error: string | null; id?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {error}
    </p>
  );
}

function Actions({ onCancel, submitLabel, busyLabel, busy, disabled, tone = 'primary', cancelFocus = false }: {
  onCancel(): void;
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  disabled: boolean;
  tone?: 'primary' | 'danger';
  cancelFocus?: boolean;
}) {
  return (
    <>
      <button type="button" className="btn" onClick={onCancel} autoFocus={cancelFocus}>
        Cancel
      </button>
      <button type="submit" className={`btn btn-${tone}`} disabled={busy || disabled}>
        {busy ? busyLabel : submitLabel}
      </button>
    </>
  );
}

function useSubmit(action: () => Promise<unknown>, successMessage: string) {
  const close = useAppStore((s) => s.openDialog);
  const notify = useAppStore((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
      close(null);
      notify('success', successMessage);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit, close: () => close(null) };
}

export function CreateWorkspaceDialog() {
  const createWorkspace = useAppStore((s) => s.createWorkspace);
  const [name, setName] = useState('');
  const { busy, error, submit, close } = useSubmit(() => createWorkspace(name), `Workspace "${name.trim()}" created.`);
  return (
    <Dialog
      title="New workspace"
      testId="create-workspace-dialog"
      onClose={close}
      onSubmit={submit}
      footer={<Actions onCancel={close} submitLabel="Create workspace" busyLabel="Creating…" busy={busy} disabled={!name.trim()} />}
    >
      <p className="muted">A workspace is one client: one HubSpot portal, optionally one Stripe account, and its local leads, mappings and history.</p>
      <label className="field">
        <span className="field-label">Name</span>
        <input
          autoFocus
          value={name}
          maxLength={80}
          placeholder="e.g. Acme Corp"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'create-workspace-error' : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <FormError error={error} id="create-workspace-error" />
    </Dialog>
  );
}

function RenameWorkspaceDialog({ workspaceId }: { workspaceId: string }) {
  const workspace = useAppStore((s) => s.workspaces.find((w) => w.id === workspaceId));
  const renameWorkspace = useAppStore((s) => s.renameWorkspace);
  const [name, setName] = useState(workspace?.name ?? '');
  const { busy, error, submit, close } = useSubmit(() => renameWorkspace(workspaceId, name), 'Workspace renamed.');
  if (!workspace) return null;
  return (
    <Dialog
      title="Rename workspace"
      testId="rename-workspace-dialog"
      onClose={close}
      onSubmit={submit}
      footer={<Actions onCancel={close} submitLabel="Rename" busyLabel="Saving…" busy={busy} disabled={!name.trim() || name.trim() === workspace.name} />}
    >
      <label className="field">
        <span className="field-label">Name</span>
        <input autoFocus value={name} maxLength={80} onChange={(e) => setName(e.target.value)} aria-invalid={error ? true : undefined} />
      </label>
      <FormError error={error} />
    </Dialog>
  );
}

function DeleteWorkspaceDialog({ workspaceId }: { workspaceId: string }) {
  const workspace = useAppStore((s) => s.workspaces.find((w) => w.id === workspaceId));
  const deleteWorkspace = useAppStore((s) => s.deleteWorkspace);
  const [typed, setTyped] = useState('');
  const { busy, error, submit, close } = useSubmit(() => deleteWorkspace(workspaceId), `Workspace "${workspace?.name ?? ''}" deleted.`);
  if (!workspace) return null;
  const confirmed = typed.trim() === workspace.name;
  return (
    <Dialog
      title={`Delete “${workspace.name}”?`}
      tone="danger"
      testId="delete-workspace-dialog"
      onClose={close}
      onSubmit={() => confirmed && submit()}
      footer={<Actions onCancel={close} submitLabel="Delete workspace" busyLabel="Deleting…" busy={busy} disabled={!confirmed} tone="danger" cancelFocus />}
    >
      <p>
        This removes the workspace's local leads, mappings, sync history, mirrored records and stored credentials from this computer. Nothing in
        HubSpot or Stripe is changed. This can't be undone.
      </p>
      <label className="field">
        <span className="field-label">
          Type <strong>{workspace.name}</strong> to confirm
        </span>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="Workspace name to confirm" />
      </label>
      <FormError error={error} />
    </Dialog>
  );
}
