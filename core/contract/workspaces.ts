import { z } from 'zod';
import { Empty, Id, IsoTime } from './common.ts';
import { defineEvents, defineMethods } from './define.ts';

export const WorkspaceName = z
  .string()
  .trim()
  .min(1, 'Give the workspace a name.')
  .max(80, 'Keep the name under 80 characters.');

export const WorkspaceKind = z.enum(['hubspot', 'sandbox']);
export type WorkspaceKind = z.infer<typeof WorkspaceKind>;

export const Workspace = z.object({
  id: Id,
  name: z.string(),
  kind: WorkspaceKind,
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Workspace = z.infer<typeof Workspace>;

export const WorkspaceList = z.object({
  workspaces: z.array(Workspace),
  selectedId: Id.nullable(),
});
export type WorkspaceList = z.infer<typeof WorkspaceList>;

export const workspaceMethods = defineMethods({
  'workspaces.list': { input: Empty, output: WorkspaceList },
  'workspaces.create': {
    input: z.object({ name: WorkspaceName, kind: WorkspaceKind.default('hubspot') }),
    output: Workspace,
  },
  'workspaces.rename': { input: z.object({ id: Id, name: WorkspaceName }), output: Workspace },
  'workspaces.delete': { input: z.object({ id: Id }), output: z.object({ id: Id }) },
  'workspaces.select': { input: z.object({ id: Id.nullable() }), output: WorkspaceList },
});

export const workspaceEvents = defineEvents({
  /** The list, a name or the selection changed. Carries the whole (small) list. */
  'workspaces.onDidChange': WorkspaceList,
});
