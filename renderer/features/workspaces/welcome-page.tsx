import { TrySandboxButton } from '../connections/try-sandbox.tsx';
import { useAppStore } from '../../state/store.ts';

/** Shown when there is no workspace yet. */
export function WelcomePage() {
  const openDialog = useAppStore((s) => s.openDialog);
  const workspaces = useAppStore((s) => s.workspaces.length);
  return (
    <div className="welcome" data-testid="welcome">
      <h1>Welcome to Syncdesk</h1>
      <p className="lead">
        Push leads into HubSpot, mirror HubSpot and Stripe to this computer, and find out why a record is missing, stale or failing, even
        offline.
      </p>
      <p className="muted">Start with a workspace for one client. Each workspace holds one HubSpot portal and its local data.</p>
      <div className="welcome-actions">
        <button type="button" className="btn btn-primary btn-large" onClick={() => openDialog({ kind: 'createWorkspace' })}>
          {workspaces === 0 ? 'Create your first workspace' : 'Create a workspace'}
        </button>
        <TrySandboxButton />
      </div>
      <p className="muted welcome-note">No HubSpot account at hand? The sandbox is a simulated portal with 500 contacts, running on this computer.</p>
    </div>
  );
}
