import { useEffect, useState } from 'react';
import type { WorkspaceConnections } from '../../../core/contract/connections.ts';
import { useAppStore } from '../../state/store.ts';

/** The workspace's connections, loaded on first use and kept current by `connections.onDidChange`. */
export function useConnections(workspaceId: string): WorkspaceConnections | undefined {
  const connections = useAppStore((s) => s.connections[workspaceId]);
  const load = useAppStore((s) => s.loadConnections);
  const notify = useAppStore((s) => s.notify);
  const missing = connections === undefined;
  useEffect(() => {
    if (missing) load(workspaceId).catch((e: unknown) => notify('error', e instanceof Error ? e.message : String(e)));
  }, [workspaceId, missing, load, notify]);
  return connections;
}

/** Seconds left until an ISO time, updated every second while mounted. */
export function useCountdown(until: string | null | undefined): number | null {
  const now = useNow(until ? 1000 : null);
  if (!until) return null;
  return Math.max(0, Math.round((Date.parse(until) - now) / 1000));
}


export function useNow(intervalMs: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (intervalMs === null) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
