import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_CALLBACK_PORTS } from '../contract/connections.ts';
import { AppError } from '../errors.ts';

export const CALLBACK_PATH = '/oauth/callback';

/**
 * The redirect ports: `SYNCDESK_OAUTH_PORTS=42813,42814` when your HubSpot app registered others
 * (each as `http://localhost:<port>/oauth/callback`), else the defaults.
 */
export function callbackPorts(env: NodeJS.ProcessEnv = process.env): readonly number[] {
  const configured = (env.SYNCDESK_OAUTH_PORTS ?? '')
    .split(',')
    .map((p) => Number(p.trim()))
    .filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
  return configured.length > 0 ? configured : DEFAULT_CALLBACK_PORTS;
}

export interface CallbackPage {
  status: number;
  title: string;
  message: string;
  tone: 'success' | 'error';
}

export type CallbackHandler = (query: URLSearchParams) => Promise<CallbackPage>;

export interface LoopbackServerOptions {
  /** Tried in order; the first free one is used. 0 means any free port (tests). */
  ports: readonly number[];
  onCallback: CallbackHandler;
}

/**
 * The OAuth redirect target: `http://localhost:<port>/oauth/callback`, bound to the loopback
 * interface only (127.0.0.1, and ::1 where the machine has IPv6, because `localhost` may resolve to
 * either). It answers nothing but the callback path, and checks the Host header so a web page
 * can't reach it through DNS rebinding. A lifecycle object, so a class.
 */
export class LoopbackServer {
  readonly port: number;
  readonly redirectUri: string;
  private readonly servers: http.Server[];
  private readonly sockets = new Set<Socket>();

  private constructor(port: number, servers: http.Server[]) {
    this.port = port;
    this.redirectUri = `http://localhost:${port}${CALLBACK_PATH}`;
    this.servers = servers;
    for (const server of servers) {
      server.on('connection', (socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
    }
  }

  static async start(options: LoopbackServerOptions): Promise<LoopbackServer> {
    const tried: number[] = [];
    for (const wanted of options.ports) {
      let boundPort = 0;
      const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void serve(req, res, options.onCallback, () => boundPort);
      const v4 = http.createServer(handler);
      const v4Port = await listen(v4, wanted, '127.0.0.1');
      if (v4Port === null || v4Port === 'unavailable') {
        tried.push(wanted);
        continue;
      }
      boundPort = v4Port;
      const v6 = http.createServer(handler);
      const v6Result = await listen(v6, v4Port, '::1', true);
      if (v6Result === null) {
        // Someone else holds [::1]:port, and `localhost` may resolve there: this port is not ours.
        await closeServer(v4);
        tried.push(wanted);
        continue;
      }
      return new LoopbackServer(v4Port, v6Result === 'unavailable' ? [v4] : [v4, v6]);
    }
    throw new AppError(
      'conflict',
      `Ports ${tried.join(', ')} on this computer are all in use, so HubSpot can't send the authorization back to Syncdesk. Close the program using them (or another Syncdesk waiting for an authorization) and try again.`,
      { retryable: true, details: { ports: tried } },
    );
  }

  /**
   * Stops listening. `graceful` lets the page being answered reach the browser first (every response
   * says `Connection: close`); stragglers are cut after a second.
   */
  async close(options: { graceful?: boolean } = {}): Promise<void> {
    const closed = Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    if (!options.graceful) {
      for (const socket of this.sockets) socket.destroy();
    } else {
      const cut = setTimeout(() => {
        for (const socket of this.sockets) socket.destroy();
      }, 1000);
      cut.unref();
      void closed.then(() => clearTimeout(cut));
    }
    await closed;
  }
}

/** Resolves to the bound port, or null if the port is taken. With `optional`, 'unavailable' when the address family doesn't exist here. */
function listen(server: http.Server, port: number, host: string, optional = false): Promise<number | null | 'unavailable'> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(null);
      else if (optional && (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT' || error.code === 'EINVAL')) resolve('unavailable');
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // Never exclusive-share with another process; ipv6Only keeps [::1] from also claiming 127.0.0.1.
    server.listen({ port, host, ipv6Only: host === '::1' });
  }) as Promise<number | null | 'unavailable'>;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function serve(req: http.IncomingMessage, res: http.ServerResponse, onCallback: CallbackHandler, port: () => number): Promise<void> {
  const allowedHosts = new Set([`localhost:${port()}`, `127.0.0.1:${port()}`, `[::1]:${port()}`]);
  if (!allowedHosts.has(req.headers.host ?? '')) {
    send(res, { status: 421, title: 'Wrong address', message: 'This page only answers on its loopback address.', tone: 'error' });
    return;
  }
  const url = new URL(req.url ?? '/', `http://localhost:${port()}`);
  if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
    send(res, { status: 404, title: 'Not found', message: 'Nothing here. Return to Syncdesk.', tone: 'error' });
    return;
  }
  try {
    send(res, await onCallback(url.searchParams));
  } catch {
    send(res, { status: 500, title: 'Something went wrong', message: 'Syncdesk could not finish the authorization. Return to Syncdesk and try again.', tone: 'error' });
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small static page: no script, no external resources, nothing cached. */
export function renderCallbackPage(page: CallbackPage): string {
  const accent = page.tone === 'success' ? '#1f7a4d' : '#b3261e';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Syncdesk</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #f6f7f9; color: #1d2330; margin: 0; }
  main { max-width: 520px; margin: 12vh auto; background: #fff; border: 1px solid #dde1e8; border-top: 4px solid ${accent}; border-radius: 10px; padding: 28px 32px; }
  h1 { font-size: 20px; margin: 0 0 8px; color: ${accent}; }
  p { margin: 8px 0; }
  .next { color: #4a5263; font-size: 14px; }
</style>
</head>
<body>
<main data-testid="oauth-callback" data-outcome="${page.tone}">
  <h1>${escapeHtml(page.title)}</h1>
  <p>${escapeHtml(page.message)}</p>
  <p class="next">You can close this tab and return to Syncdesk.</p>
</main>
</body>
</html>`;
}

function send(res: http.ServerResponse, page: CallbackPage): void {
  const html = renderCallbackPage(page);
  res.writeHead(page.status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'close',
  });
  res.end(html);
}
