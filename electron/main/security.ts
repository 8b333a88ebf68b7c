import { app, session, shell, type WebContents } from 'electron';
import { sameOrigin } from './ipc.ts';

/** Hosts the app may open in the system browser (docs, HubSpot and Stripe dashboards). */
const EXTERNAL_HOSTS = new Set([
  'app.hubspot.com',
  'app-eu1.hubspot.com',
  'developers.hubspot.com',
  'knowledge.hubspot.com',
  'dashboard.stripe.com',
  'docs.stripe.com',
]);

/**
 * Opens a link in the system browser only if it is https on an allow-listed host, or a loopback
 * http URL (the OAuth consent page of a local sandbox portal). Checklist #15.
 */
export async function openExternalSafely(url: string, extraOrigins: ReadonlySet<string> = new Set()): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const loopback = parsed.protocol === 'http:' && (parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost');
  const allowed = (parsed.protocol === 'https:' && EXTERNAL_HOSTS.has(parsed.hostname)) || loopback || extraOrigins.has(parsed.origin);
  if (!allowed) return false;
  await shell.openExternal(parsed.toString());
  return true;
}

/** Applies the navigation, window-opening, webview and permission rules to every web contents. */
export function hardenWebContents(appOrigin: string): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!sameOrigin(url, appOrigin)) event.preventDefault(); // checklist #13
    });
    contents.on('will-redirect', (event, url) => {
      if (!sameOrigin(url, appOrigin)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      void openExternalSafely(url); // checklist #14, #15
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault()); // checklist #12
  });
  // Checklist #5: the renderer needs no permission (camera, notifications, geolocation…).
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
