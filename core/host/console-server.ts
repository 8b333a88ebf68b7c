import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { ClientFrame, type ServerFrame, TOKEN_COOKIE, TOKEN_PARAM, WS_PATH } from '../contract/wire.ts';
import type { EventBus } from '../app/event-bus.ts';
import type { Router } from '../app/router.ts';
import type { Logger } from '../ports/logger.ts';

export interface ConsoleServerOptions {
  router: Router;
  events: EventBus;
  logger: Logger;
  /** Folder with the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** Random if absent. */
  token?: string;
}

const LOOPBACK = '127.0.0.1';
const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The headless console: serves the built renderer and the contract over a WebSocket, on the
 * loopback interface only. Every request must carry the random token (query or cookie); the
 * WebSocket also checks Origin, and every request checks Host, so neither another web page nor a
 * DNS-rebinding site can drive it. A lifecycle object, so a class.
 */
export class ConsoleServer {
  readonly token: string;
  private readonly options: ConsoleServerOptions;
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private nextClient = 1;

  constructor(options: ConsoleServerOptions) {
    this.options = options;
    this.token = options.token ?? crypto.randomBytes(24).toString('base64url');
    this.http = http.createServer((req, res) => this.serveHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Socket, head));
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.port}/?${TOKEN_PARAM}=${encodeURIComponent(this.token)}`;
  }

  async listen(): Promise<{ url: string; port: number; token: string }> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port ?? 0, LOOPBACK, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.unsubscribe = this.options.events.subscribe((event, payload) => {
      this.broadcast({ t: 'event', event, payload });
    });
    this.heartbeat = setInterval(() => this.pingClients(), HEARTBEAT_MS);
    this.heartbeat.unref();
    return { url: this.url, port: this.port, token: this.token };
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private allowedHosts(): Set<string> {
    return new Set([`${LOOPBACK}:${this.port}`, `localhost:${this.port}`]);
  }

  private tokenOf(req: http.IncomingMessage): string | undefined {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const fromQuery = url.searchParams.get(TOKEN_PARAM);
    if (fromQuery) return fromQuery;
    const cookies = req.headers.cookie?.split(';').map((c) => c.trim()) ?? [];
    const match = cookies.find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
    return match ? decodeURIComponent(match.slice(TOKEN_COOKIE.length + 1)) : undefined;
  }

  private tokenValid(candidate: string | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  private serveHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const security = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    if (!this.allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', ...security });
      res.end('This console only answers on its loopback address.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...security });
      res.end();
      return;
    }
    const token = this.tokenOf(req);
    if (!this.tokenValid(token)) {
      res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...security });
      res.end(
        '<!doctype html><meta charset="utf-8"><title>Syncdesk</title><body style="font:15px system-ui;margin:3rem">' +
          '<h1>Token missing or wrong</h1><p>Open the console with the full address that <code>syncdesk serve</code> printed, ' +
          'including <code>?token=…</code>.</p></body>',
      );
      return;
    }
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const root = path.resolve(this.options.rendererDir);
    let file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(404, security);
      res.end();
      return;
    }
    const isAsset = path.extname(url.pathname) !== '';
    if (!isAsset || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      if (isAsset) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...security });
        res.end('Not found\n');
        return;
      }
      file = path.join(root, 'index.html');
    }
    const isIndex = file.endsWith('index.html');
    const headers: Record<string, string> = {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
      'Content-Security-Policy': [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self' ws://${LOOPBACK}:${this.port} ws://localhost:${this.port}`,
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      ...security,
    };
    if (isIndex) {
      // The cookie lets reloads and asset requests through without repeating the token in every URL.
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(this.token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (!fs.existsSync(file)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', ...security });
      res.end('The console is not built. Run `npm run build:renderer` (npm run serve does this for you).\n');
      return;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file).pipe(res);
  }

  private upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const refuse = (status: number, reason: string) => {
      this.options.logger.warn('websocket refused', { reason, origin: req.headers.origin, host: req.headers.host });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!this.allowedHosts().has(req.headers.host ?? '')) return refuse(421, 'Misdirected Request');
    const origin = req.headers.origin;
    const allowedOrigins = [...this.allowedHosts()].map((h) => `http://${h}`);
    if (!origin || !allowedOrigins.includes(origin)) return refuse(403, 'Forbidden');
    if (!this.tokenValid(this.tokenOf(req))) return refuse(401, 'Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    const client = `ws#${this.nextClient++}`;
    const alive = ws as WebSocket & { isAlive?: boolean };
    alive.isAlive = true;
    ws.on('pong', () => {
      alive.isAlive = true;
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(1003, 'text frames only');
        return;
      }
      let frame: ClientFrame;
      try {
        frame = ClientFrame.parse(JSON.parse(data.toString()));
      } catch {
        ws.close(1007, 'malformed frame');
        return;
      }
      void this.options.router.handle(frame.method, frame.input, { client }).then((result) => {
        this.send(ws, { t: 'result', id: frame.id, result: result as Extract<ServerFrame, { t: 'result' }>['result'] });
      });
    });
    ws.on('error', (error) => this.options.logger.warn('websocket error', { client, error }));
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  private broadcast(frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    for (const client of this.wss.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
  }

  private pingClients(): void {
    for (const client of this.wss.clients) {
      const alive = client as WebSocket & { isAlive?: boolean };
      if (alive.isAlive === false) {
        client.terminate();
        continue;
      }
      alive.isAlive = false;
      client.ping();
    }
  }
}
