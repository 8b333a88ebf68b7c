import type { StateCreator } from 'zustand';
import type { ProgressEvent } from '../../core/contract/mirror.ts';
import type { AppState } from './store.ts';

export interface MirrorSlice {
  /** Latest progress per workspace and stream while a run goes on. */
  mirrorProgress: Record<string, Record<string, ProgressEvent>>;
  /** Bumped when core says a workspace's mirror changed: pages reload what they show. */
  mirrorVersion: Record<string, number>;
  applyMirrorProgress(event: ProgressEvent): void;
  mirrorChanged(workspaceId: string, finished: boolean): void;
}

export const createMirrorSlice: StateCreator<AppState, [], [], MirrorSlice> = (set) => ({
  mirrorProgress: {},
  mirrorVersion: {},
  applyMirrorProgress(event) {
    set((s) => ({ mirrorProgress: { ...s.mirrorProgress, [event.workspaceId]: { ...s.mirrorProgress[event.workspaceId], [event.stream]: event } } }));
  },
  mirrorChanged(workspaceId, finished) {
    set((s) => ({
      mirrorVersion: { ...s.mirrorVersion, [workspaceId]: (s.mirrorVersion[workspaceId] ?? 0) + 1 },
      ...(finished ? { mirrorProgress: { ...s.mirrorProgress, [workspaceId]: {} } } : {}),
    }));
  },
});
