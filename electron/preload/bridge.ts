import type { Result } from '../../core/contract/errors.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type PreloadBridge } from '../../core/contract/transport.ts';

/** The part of Electron's ipcRenderer the bridge uses (a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * `window.app`: two functions over the two channels, nothing else. The IpcRendererEvent never
 * reaches the page (checklist #20), and method/event names are plain strings main validates.
 */
export function createPreloadBridge(ipc: IpcRendererLike): PreloadBridge {
  return {
    invoke(method, input) {
      if (typeof method !== 'string') {
        return Promise.resolve({ ok: false, error: { code: 'validation', message: 'method must be a string', retryable: false } });
      }
      return ipc.invoke(IPC_INVOKE_CHANNEL, method, input) as Promise<Result<unknown>>;
    },
    on(event, listener) {
      const wrapped = (_event: unknown, name: unknown, payload: unknown) => {
        if (name === event) listener(payload);
      };
      ipc.on(IPC_EVENT_CHANNEL, wrapped as (event: unknown, ...args: unknown[]) => void);
      return () => {
        ipc.removeListener(IPC_EVENT_CHANNEL, wrapped as (event: unknown, ...args: unknown[]) => void);
      };
    },
  };
}
