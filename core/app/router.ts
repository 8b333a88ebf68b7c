import type { z } from 'zod';
import { api, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '../contract/api.ts';
import type { AppErrorData, Result } from '../contract/errors.ts';
import { toErrorData } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import { describeSqliteError } from '../store/database.ts';

export interface HandlerContext {
  /** Which client called (a WebSocket connection or the Electron window), for logs. */
  client: string;
}

export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: HandlerContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

/** One handler per contract method: the type makes a missing handler a compile error. */
export type Handlers = { [M in MethodName]: Handler<M> };

export interface Router {
  /** Validates the method and input, runs the handler and returns a Result. Never throws. */
  handle(method: unknown, input: unknown, ctx: HandlerContext): Promise<Result<unknown>>;
}

export interface RouterOptions {
  logger: Logger;
  /** Check outputs against the contract too (tests); inputs are always checked. */
  validateOutput?: boolean;
}

export function createRouter(handlers: Handlers, options: RouterOptions): Router {
  const { logger } = options;
  return {
    async handle(method, rawInput, ctx) {
      if (!isMethodName(method)) {
        return { ok: false, error: { code: 'unsupported', message: `Unknown method ${String(method)}.`, retryable: false } };
      }
      const definition = api[method];
      const parsed = definition.input.safeParse(rawInput ?? {});
      if (!parsed.success) return { ok: false, error: validationError(parsed.error) };
      try {
        const handler = handlers[method] as (input: unknown, ctx: HandlerContext) => unknown;
        const value = await handler(parsed.data, ctx);
        if (options.validateOutput) {
          const checked = (definition.output as z.ZodType).safeParse(value);
          if (!checked.success) {
            logger.error('handler output breaks the contract', { method, issues: checked.error.issues.slice(0, 5) });
            return { ok: false, error: toErrorData(new Error('contract violation')) };
          }
        }
        return { ok: true, value };
      } catch (raw) {
        const error = describeSqliteError(raw, 'a Syncdesk database');
        const data = toErrorData(error);
        if (data.code === 'internal') logger.error('handler failed', { method, client: ctx.client, error: raw });
        else logger.debug('handler refused', { method, code: data.code, message: data.message });
        return { ok: false, error: data };
      }
    },
  };
}

function validationError(error: z.ZodError): AppErrorData {
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  return {
    code: 'validation',
    message: `${where}${first?.message ?? 'Invalid input.'}`,
    retryable: false,
    details: { issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  };
}
