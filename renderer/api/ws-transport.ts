import type { MethodName } from '../../core/contract/api.ts';
import type { EventName } from '../../core/contract/events.ts';
import type { Result } from '../../core/contract/errors.ts';
import type { Transport, TransportStatus } from '../../core/contract/transport.ts';
import { ServerFrame, WS_PATH, TOKEN_PARAM } from '../../core/contract/wire.ts';
import { createListenerMap } from './listeners.ts';

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

export interface WsTransportOptions {
  /** ws://host:port/api?token=… */
  url: string;
  /** Give up on a call that got no answer (ms). */
  callTimeoutMs?: number;
  /** Injected in Node tests; the browser's WebSocket by default. */
  WebSocketImpl?: typeof WebSocket;
}

/** The URL of the console's WebSocket, from the page's own address and token. */
export function consoleSocketUrl(location: { host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM);
  return `ws://${location.host}${WS_PATH}${token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : ''}`;
}

/**
 * The headless transport: JSON frames over one WebSocket to `syncdesk serve`. Reconnects with
 * backoff; calls made while disconnected wait for the socket (up to the call timeout) instead of failing.
 */
export function createWsTransport(options: WsTransportOptions): Transport & { close(): void } {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const callTimeoutMs = options.callTimeoutMs ?? 120_000;
  const pending = new Map<number, Pending>();
  const listeners = createListenerMap();
  const statusListeners = new Set<(status: TransportStatus) => void>();
  const queue: string[] = [];
  let socket: WebSocket | undefined;
  let status: TransportStatus = 'connecting';
  let nextId = 1;
  let retryMs = 250;
  let closedByUser = false;

  const setStatus = (next: TransportStatus) => {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const connect = () => {
    setStatus('connecting');
    const ws = new Impl(options.url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      setStatus('open');
      while (queue.length > 0 && ws.readyState === Impl.OPEN) ws.send(queue.shift()!);
    };
    ws.onmessage = (message: MessageEvent) => {
      let frame: ServerFrame;
      try {
        frame = ServerFrame.parse(JSON.parse(String(message.data)));
      } catch {
        return;
      }
      if (frame.t === 'result') {
        const call = pending.get(frame.id);
        if (!call) return;
        pending.delete(frame.id);
        call.resolve(frame.result as Result<unknown>);
      } else {
        listeners.emit(frame.event, frame.payload);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      if (closedByUser) {
        setStatus('closed');
        return;
      }
      setStatus('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
    ws.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
  };
  connect();

  return {
    invoke(method: MethodName, input: unknown) {
      const id = nextId++;
      const text = JSON.stringify({ t: 'invoke', id, method, input: input ?? {} });
      return new Promise<Result<unknown>>((resolve) => {
        const timer = setTimeout(() => {
          if (!pending.delete(id)) return;
          resolve({
            ok: false,
            error: { code: 'offline', message: 'The Syncdesk host did not answer. Is `syncdesk serve` still running?', retryable: true },
          });
        }, callTimeoutMs);
        pending.set(id, {
          resolve: (result) => {
            clearTimeout(timer);
            resolve(result);
          },
        });
        if (socket && socket.readyState === Impl.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    on(event: EventName, listener: (payload: never) => void) {
      return listeners.add(event, listener as (payload: unknown) => void);
    },
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      socket?.close();
    },
  } as Transport & { close(): void };
}
