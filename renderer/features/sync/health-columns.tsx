import { useEffect, useState } from 'react';
import type { MirrorStatus } from '../../../core/contract/mirror.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';

/** The row's `mirror.status` (a local read), asked again when a run of the workspace ends. */
function useMirrorStatus(workspaceId: string): MirrorStatus | null | undefined {
  const api = useAppStore((s) => s.api);
  const version = useAppStore((s) => s.mirrorVersion[workspaceId] ?? 0);
  const [status, setStatus] = useState<MirrorStatus | null | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    void api.invoke('mirror.status', { workspaceId }).then((r) => alive && setStatus(r.ok ? r.value : null));
    return () => {
      alive = false;
    };
  }, [api, workspaceId, version]);
  return status;
}

function SyncTime({ workspace, kind }: { workspace: Workspace; kind: 'incremental' | 'full' }) {
  const status = useMirrorStatus(workspace.id);
  if (status === undefined) return <span className="muted">…</span>;
  if (status === null) return <span className="muted">—</span>;
  const at = kind === 'full' ? status.lastFullAt : status.lastIncrementalAt;
  const warning = status.warnings.find((w) => w.kind === kind);
  if (!at) return <span className="muted">never</span>;
  return (
    <time dateTime={at} title={warning ? warning.message : formatDateTime(at)} className={warning ? 'tag tag-warning' : undefined} data-testid={`health-last-${kind}`}>
      {warning ? '⚠ ' : ''}
      {formatRelative(at)}
    </time>
  );
}

/** The health board's mirror columns (SPEC §1: last full and incremental sync, stale ones flagged). */
export const mirrorHealthColumns = [
  { id: 'last-incremental', header: 'Incremental', Cell: ({ workspace }: { workspace: Workspace }) => <SyncTime workspace={workspace} kind="incremental" /> },
  { id: 'last-full', header: 'Full sync', Cell: ({ workspace }: { workspace: Workspace }) => <SyncTime workspace={workspace} kind="full" /> },
];
