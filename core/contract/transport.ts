import type { Result } from './errors.ts';
import type { MethodInput, MethodName, MethodOutput } from './api.ts';
import type { EventName, EventPayload } from './events.ts';

/** `open`: calls go through. `connecting`/`closed`: the host is unreachable (only the WebSocket transport ever says so). */
export type TransportStatus = 'connecting' | 'open' | 'closed';

/**
 * How a client talks to core. Two implementations: Electron IPC (through the preload bridge)
 * and WebSocket (the headless console and browser tests). Both must pass test/contract.
 */
export interface Transport {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  status(): TransportStatus;
  onStatus(listener: (status: TransportStatus) => void): () => void;
}

/** The two Electron channels. Preload and main reject anything else. */
export const IPC_INVOKE_CHANNEL = 'app:invoke';
export const IPC_EVENT_CHANNEL = 'app:event';

/** What the preload exposes as `window.app`: nothing more. */
export interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
