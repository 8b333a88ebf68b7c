import type { z } from 'zod';
import { appEvents } from './app.ts';
import { connectionEvents } from './connections.ts';
import { leadEvents } from './leads.ts';
import { mappingEvents } from './mapping.ts';
import { mirrorEvents } from './mirror.ts';
import { pushEvents } from './push.ts';
import { supportEvents } from './support.ts';
import { workspaceEvents } from './workspaces.ts';

/** Every event core pushes to clients: `domain.onDidX` → payload schema. */
export const events = {
  ...appEvents,
  ...workspaceEvents,
  ...mirrorEvents,
  ...connectionEvents,
  ...leadEvents,
  ...mappingEvents,
  ...pushEvents,
  ...supportEvents,
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
