import { useEffect } from 'react';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { useAppStore } from '../../state/store.ts';

const fmt = (n: number) => n.toLocaleString();

/** Failed push jobs of the row's workspace; a click opens its Sync History filtered to errors. */
function FailedJobsCell({ workspace }: { workspace: Workspace }) {
  const count = useAppStore((s) => s.history.failedJobs[workspace.id]);
  const load = useAppStore((s) => s.historyLoadFailedCount);
  const navigate = useAppStore((s) => s.navigate);
  useEffect(() => {
    void load(workspace.id);
  }, [load, workspace.id]);
  if (count === undefined) return <span className="muted">…</span>;
  if (count === 0) return <span className="muted">None</span>;
  return (
    <button type="button" className="link tag tag-danger" data-testid="health-failed" onClick={() => navigate({ name: 'workspace', workspaceId: workspace.id, page: 'history' })}>
      {fmt(count)} failed
    </button>
  );
}

/** The health board's push column (SPEC §1: failed jobs). */
export const historyHealthColumns = [{ id: 'failed-jobs', header: 'Failed jobs', Cell: FailedJobsCell }];
