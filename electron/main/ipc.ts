import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../core/contract/transport.ts';
import type { EventBus } from '../../core/app/event-bus.ts';
import type { Router } from '../../core/app/router.ts';

/** The part of an IPC sender frame we check (Electron's WebFrameMain in the app, a fake in tests). */
export interface SenderFrameLike {
  url: string;
  parent: unknown;
}

/** The part of Electron's ipcMain the bridge uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: SenderFrameLike | null }, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcBridgeDeps {
  router: Router;
  events: EventBus;
  /** Sends an event to the renderer(s): webContents.send(IPC_EVENT_CHANNEL, name, payload). */
  send(channel: string, event: string, payload: unknown): void;
  /** The app's own origin, e.g. `app://renderer`. */
  trustedOrigin: string;
}

/**
 * Same scheme and host. Not `URL.origin`: for custom schemes such as `app://` Node's parser gives
 * the opaque origin "null", which `file://` pages share.
 */
export function sameOrigin(url: string, trusted: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(trusted);
    return a.host !== '' && a.protocol === b.protocol && a.host === b.host;
  } catch {
    return false;
  }
}

/** Only the app's own top-level frame may call core (checklist #17): not an iframe, not a navigated-away page. */
export function isTrustedSender(frame: SenderFrameLike | null, trustedOrigin: string): boolean {
  return Boolean(frame && !frame.parent && sameOrigin(frame.url, trustedOrigin));
}

/**
 * One `app:invoke` handler for every contract method, and core's events forwarded on `app:event`.
 * Input parsing happens in the router (zod), the same as for the WebSocket host.
 */
export function registerIpc(ipcMain: IpcMainLike, deps: IpcBridgeDeps): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method, input) => {
    if (!isTrustedSender(event.senderFrame, deps.trustedOrigin)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Calls are only accepted from the Syncdesk window.', retryable: false } };
    }
    return deps.router.handle(method, input, { client: 'window' });
  });
  const unsubscribe = deps.events.subscribe((event, payload) => deps.send(IPC_EVENT_CHANNEL, event, payload));
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
  };
}
