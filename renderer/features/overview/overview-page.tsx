import type { Workspace } from '../../../core/contract/workspaces.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { formatDateTime } from '../../components/time.ts';
import { overviewCards } from '../../shell/extensions.ts';
import { useAppStore } from '../../state/store.ts';
import { LastTestCard } from '../mapping/last-test-card.tsx';

/** The workspace's home: identity now; connection, freshness and budget as their features land. */
export function OverviewPage({ workspace }: { workspace: Workspace }) {
  const openDialog = useAppStore((s) => s.openDialog);
  return (
    <div className="page" data-testid="overview-page">
      <PageHeader
        title={workspace.name}
        subtitle={workspace.kind === 'sandbox' ? 'Sandbox workspace: a simulated portal, safe to experiment with.' : 'HubSpot workspace'}
        actions={
          <button type="button" className="btn" onClick={() => openDialog({ kind: 'renameWorkspace', workspaceId: workspace.id })}>
            Rename
          </button>
        }
      />
      <section className="card">
        <h2 className="card-title">Workspace</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd data-testid="overview-name">{workspace.name}</dd>
          <dt>Workspace id</dt>
          <dd>
            <code>{workspace.id}</code>
          </dd>
          <dt>Kind</dt>
          <dd>{workspace.kind === 'sandbox' ? 'Sandbox portal' : 'HubSpot portal'}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(workspace.createdAt)}</dd>
          <dt>Last changed</dt>
          <dd>{formatDateTime(workspace.updatedAt)}</dd>
        </dl>
      </section>
      <div className="overview-cards">
        {overviewCards.map((Card, i) => (
          <Card key={i} workspace={workspace} />
        ))}
      </div>
      <LastTestCard workspaceId={workspace.id} />
    </div>
  );
}
