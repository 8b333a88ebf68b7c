import type { MethodName, MethodOutput } from '../../core/contract/api.ts';
import type { AppErrorData, Result } from '../../core/contract/errors.ts';
import type { EventName, EventPayload } from '../../core/contract/events.ts';
import type { Transport, TransportStatus } from '../../core/contract/transport.ts';
import { createListenerMap } from '../api/listeners.ts';

type FakeHandler = (input: never) => unknown;

/**
 * A Transport for renderer tests: answers from the handlers you give it, records calls, and lets
 * the test push events and status changes. Unhandled methods fail loudly.
 */
export function createFakeTransport(handlers: Partial<Record<MethodName, FakeHandler>> = {}) {
  const calls: Array<{ method: string; input: unknown }> = [];
  const listeners = createListenerMap();
  const statusListeners = new Set<(s: TransportStatus) => void>();
  let status: TransportStatus = 'open';

  const transport: Transport = {
    async invoke(method, input) {
      calls.push({ method, input });
      const handler = handlers[method];
      if (!handler) throw new Error(`fake transport has no handler for ${method}`);
      try {
        return { ok: true, value: (await handler(input as never)) as MethodOutput<typeof method> };
      } catch (error) {
        const data = (error as { data?: AppErrorData }).data ?? { code: 'internal', message: String(error), retryable: false };
        return { ok: false, error: data } as Result<never>;
      }
    },
    on(event, listener) {
      return listeners.add(event, listener as (payload: unknown) => void);
    },
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };

  return {
    transport,
    calls,
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      listeners.emit(event, payload);
    },
    setStatus(next: TransportStatus) {
      status = next;
      for (const listener of statusListeners) listener(next);
    },
    /** Makes a handler fail with an AppErrorData. */
    failWith(data: AppErrorData): never {
      throw Object.assign(new Error(data.message), { data });
    },
  };
}
