import { z } from 'zod';
import { AppErrorData } from './errors.ts';

/** WebSocket frames between a client and `syncdesk serve`. JSON text frames only. */
export const ClientFrame = z.object({
  t: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('result'),
    id: z.number().int(),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: AppErrorData }),
    ]),
  }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Path of the WebSocket endpoint on the console server. */
export const WS_PATH = '/api';
/** Name of the query parameter and cookie that carry the console token. */
export const TOKEN_PARAM = 'token';
export const TOKEN_COOKIE = 'syncdesk_token';
