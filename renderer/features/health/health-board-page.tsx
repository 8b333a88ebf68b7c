import { PageHeader } from '../../components/page-header.tsx';
import { healthColumns } from '../../shell/extensions.ts';
import { useAppStore } from '../../state/store.ts';
import { useShallow } from 'zustand/react/shallow';

/** One row per workspace, across all clients. Columns grow as connections and syncs land. */
export function HealthBoardPage() {
  const workspaces = useAppStore(useShallow((s) => s.workspaces));
  const openWorkspace = useAppStore((s) => s.openWorkspace);
  const openDialog = useAppStore((s) => s.openDialog);
  return (
    <div className="page" data-testid="health-page">
      <PageHeader
        title="Health board"
        subtitle="Every workspace at a glance."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => openDialog({ kind: 'createWorkspace' })}>
            New workspace
          </button>
        }
      />
      {workspaces.length === 0 ? (
        <p className="muted">No workspaces yet.</p>
      ) : (
        <div className="table-scroll">
        <table className="table health-table" aria-label="Workspaces">
          <thead>
            <tr>
              <th scope="col">Workspace</th>
              {healthColumns.map((c) => (
                <th key={c.id} scope="col">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {workspaces.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  <button type="button" className="link" onClick={() => openWorkspace(w.id)}>
                    {w.name}
                  </button>
                  {w.kind === 'sandbox' ? <span className="tag health-kind">Sandbox</span> : null}
                </th>
                {healthColumns.map(({ id, Cell }) => (
                  <td key={id}>
                    <Cell workspace={w} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </div>
  );
}
