import type { MethodName } from '../../core/contract/api.ts';
import type { EventName } from '../../core/contract/events.ts';
import type { Result } from '../../core/contract/errors.ts';
import type { PreloadBridge, Transport } from '../../core/contract/transport.ts';

/** The desktop transport: the two functions the preload exposes as `window.app`. */
export function createIpcTransport(bridge: PreloadBridge): Transport {
  return {
    invoke: (method: MethodName, input: unknown) => bridge.invoke(method, input) as Promise<Result<never>>,
    on: (event: EventName, listener: (payload: never) => void) => bridge.on(event, listener as (payload: unknown) => void),
    status: () => 'open',
    onStatus: () => () => {},
  } as Transport;
}
