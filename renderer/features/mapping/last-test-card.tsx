import { useEffect, useState } from 'react';
import type { TestRun } from '../../../core/contract/mapping.ts';
import { Icon } from '../../components/icons.tsx';
import { formatDateTime, formatRelative } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';

const RESULT = { passed: ['tag-success', 'Passed'], problems: ['tag-warning', 'Problems'], failed: ['tag-danger', 'Failed'] } as const;

/** The Overview's Send test lead card: the latest run and a way to the Mapping page. */
export function LastTestCard({ workspaceId }: { workspaceId: string }) {
  const api = useAppStore((s) => s.api);
  const navigate = useAppStore((s) => s.navigate);
  const [run, setRun] = useState<TestRun | null | undefined>(undefined);

  useEffect(() => {
    let live = true;
    const load = () =>
      void api.invoke('mapping.testRuns', { workspaceId, limit: 1 }).then((result) => {
        if (live && result.ok) setRun(result.value.runs[0] ?? null);
      });
    load();
    const off = api.on('mapping.onDidRunTest', (event) => {
      if (event.workspaceId === workspaceId) load();
    });
    return () => {
      live = false;
      off();
    };
  }, [api, workspaceId]);

  if (run === undefined) return null;
  return (
    <section className="card" data-testid="last-test-card">
      <h2 className="card-title">Send test lead</h2>
      {run ? (
        <dl className="facts">
          <dt>Last test</dt>
          <dd title={formatDateTime(run.at)}>
            <span className={`tag ${RESULT[run.result][0]}`}>{RESULT[run.result][1]}</span> {formatRelative(run.at)} with {run.leadLabel}
          </dd>
          <dt>Result</dt>
          <dd>{run.message}</dd>
        </dl>
      ) : (
        <p className="muted">No test lead sent yet. It checks the mapping against the live portal with a disposable contact.</p>
      )}
      <button type="button" className="btn" onClick={() => navigate({ name: 'workspace', workspaceId, page: 'mapping' })}>
        <Icon name="mapping" /> Open Mapping
      </button>
    </section>
  );
}
