import { useEffect, useState } from 'react';
import type { AttemptDetail } from '../../../core/contract/push.ts';
import { useAppStore } from '../../state/store.ts';
import { prettyBody } from './pretty.ts';

const cache = new Map<string, AttemptDetail>();

/**
 * The raw HubSpot error of an attempt, on hover: the plain-language title and message, then
 * HubSpot's response as it came (redacted by core). Loaded once per attempt.
 */
export function RawErrorCard({ workspaceId, attemptId, anchor, onEnter, onLeave }: { workspaceId: string; attemptId: string; anchor: DOMRect; onEnter(): void; onLeave(): void }) {
  const api = useAppStore((s) => s.api);
  const key = `${workspaceId}:${attemptId}`;
  const [detail, setDetail] = useState<AttemptDetail | null>(() => cache.get(key) ?? null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    if (cache.has(key)) return;
    let live = true;
    void api.invoke('push.attempt', { workspaceId, attemptId }).then((result) => {
      if (!live) return;
      if (result.ok) {
        cache.set(key, result.value);
        setDetail(result.value);
      } else setFailed(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, key, workspaceId, attemptId]);

  const error = detail?.error;
  const below = anchor.bottom + 320 < window.innerHeight;
  const style = {
    left: Math.min(anchor.left, window.innerWidth - 500),
    ...(below ? { top: anchor.bottom + 6 } : { bottom: window.innerHeight - anchor.top + 6 }),
  };
  return (
    <div className="raw-error-card" role="tooltip" style={style} onMouseEnter={onEnter} onMouseLeave={onLeave} data-testid="raw-error-card">
      {failed ? <p className="muted">{failed}</p> : null}
      {!detail && !failed ? <p className="muted">Loading HubSpot's answer…</p> : null}
      {error ? (
        <>
          <p className="raw-error-title">{error.title}</p>
          <p className="raw-error-message">{error.message}</p>
          {error.response ? (
            <>
              <p className="raw-error-label">HubSpot's response</p>
              <pre className="raw-error-response">{prettyBody(error.response)}</pre>
            </>
          ) : (
            <p className="muted raw-error-label">{error.details.preflight ? 'Stopped before calling HubSpot: the property definitions already show it.' : 'No answer from HubSpot was recorded.'}</p>
          )}
        </>
      ) : null}
    </div>
  );
}
