import type { z } from 'zod';
import { appMethods } from './app.ts';
import { connectionMethods } from './connections.ts';
import { leadMethods } from './leads.ts';
import { mappingMethods } from './mapping.ts';
import { catalogueMethods } from './catalogue.ts';
import { billingMethods, mirrorMethods, recordMethods } from './mirror.ts';
import { pushMethods } from './push.ts';
import { supportMethods } from './support.ts';
import { workspaceMethods } from './workspaces.ts';

/**
 * Every method the renderer (or any client) may call: `domain.verb` → input and output schemas.
 * Add a domain by writing `core/contract/<domain>.ts` and spreading its methods here.
 */
export const api = {
  ...appMethods,
  ...workspaceMethods,
  ...catalogueMethods,
  ...mirrorMethods,
  ...recordMethods,
  ...billingMethods,
  ...connectionMethods,
  ...leadMethods,
  ...mappingMethods,
  ...pushMethods,
  ...supportMethods,
};

export type Api = typeof api;
export type MethodName = keyof Api;
/** What a caller passes (defaults not yet applied). */
export type MethodInput<M extends MethodName> = z.input<Api[M]['input']>;
/** What a handler receives (after parsing and defaults). */
export type ParsedInput<M extends MethodName> = z.output<Api[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Api[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(api, name);
}
