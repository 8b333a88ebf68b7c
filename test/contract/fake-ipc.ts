import type { IpcMainLike, SenderFrameLike } from '../../electron/main/ipc.ts';
import type { IpcRendererLike } from '../../electron/preload/bridge.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

/**
 * An in-memory stand-in for Electron's IPC: arguments go through structuredClone like Electron's
 * serialisation, handlers get a senderFrame, and main → renderer sends reach `on` listeners.
 */
export function createFakeIpc(senderFrame: SenderFrameLike | null) {
  const handlers = new Map<string, (event: { senderFrame: SenderFrameLike | null }, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, Set<Listener>>();
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  const ipcRenderer: IpcRendererLike = {
    async invoke(channel, ...args) {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler({ senderFrame }, ...structuredClone(args)));
    },
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const send = (channel: string, ...args: unknown[]) => {
    for (const listener of listeners.get(channel) ?? []) listener({ sender: 'main' }, ...structuredClone(args));
  };
  return { ipcMain, ipcRenderer, send };
}
