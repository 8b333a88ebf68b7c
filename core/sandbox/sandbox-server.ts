import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { nullLogger, type Logger } from '../ports/logger.ts';
import { type Db, openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { createSandboxClock, type SandboxClock } from './sandbox-clock.ts';
import { createFaultInjector, type FaultInjector, FaultRules } from './sandbox-faults.ts';
import { jsonBody, type SandboxRequest, type SandboxResponse } from './sandbox-http.ts';
import type { SandboxContext, SandboxProvider } from './sandbox-provider.ts';

export interface SandboxServerOptions {
  /** Folder for the sandbox's own SQLite file (`sandbox.db`). */
  dataDir: string;
  /** 0 or absent: any free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Builds the simulated providers once the database and clock exist. */
  providers(ctx: SandboxContext): SandboxProvider[];
  logger?: Logger;
  /** Randomness for injected faults (tests pass a seeded one). */
  random?: () => number;
}

const LOOPBACK = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * The simulated portal's HTTP server: reads each request, applies injected faults, serves the
 * `/__sandbox/` control surface, and hands everything else to the providers (HubSpot, Stripe).
 * A lifecycle object, so a class.
 */
export class SandboxServer {
  readonly clock: SandboxClock;
  readonly faults: FaultInjector;
  readonly db: Db;
  readonly providers: SandboxProvider[];
  private readonly options: SandboxServerOptions;
  private readonly logger: Logger;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<http.ServerResponse>();
  private port = 0;

  constructor(options: SandboxServerOptions) {
    this.options = options;
    this.logger = options.logger ?? nullLogger;
    this.clock = createSandboxClock();
    this.faults = createFaultInjector(options.random);
    this.db = openDatabase(path.join(options.dataDir, 'sandbox.db'));
    // Bulk seeding and benchmarks write a lot; the sandbox is a test double, so favour speed.
    this.db.pragma('synchronous = OFF');
    const ctx: SandboxContext = { db: this.db, clock: this.clock, baseUrl: () => this.url };
    this.providers = options.providers(ctx);
    migrate(this.db, this.providers.map((p) => p.migrations));
    this.server = http.createServer((req, res) => {
      void this.serve(req, res);
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  provider<T extends SandboxProvider = SandboxProvider>(name: string): T {
    const found = this.providers.find((p) => p.name === name);
    if (!found) throw new Error(`no sandbox provider named ${name}`);
    return found as T;
  }

  async listen(port = this.options.port ?? 0): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, LOOPBACK, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return { url: this.url, port: this.port };
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    this.db.close();
  }

  /** Deletes every record of every provider; tokens, faults and the clock offset too. */
  reset(): void {
    this.faults.set([]);
    this.clock.set(Date.now());
    for (const provider of this.providers) provider.reset();
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let request: SandboxRequest;
    try {
      request = await this.read(req);
    } catch (error) {
      this.send(res, { status: (error as { status?: number }).status ?? 400, body: { status: 'error', message: (error as Error).message } });
      return;
    }
    try {
      if (!request.path.startsWith('/__sandbox/')) {
        const fault = this.faults.pick(request.method, request.path);
        if (fault === 'timeout') {
          this.held.add(res);
          res.on('close', () => this.held.delete(res));
          return;
        }
        if (fault === 'reset') {
          req.socket.destroy();
          return;
        }
        if (typeof fault === 'number') {
          this.send(res, this.faultResponse(request, fault));
          return;
        }
      }
      const response = (await this.route(request)) ?? {
        status: 404,
        body: { status: 'error', message: `No route for ${request.method} ${request.path}`, correlationId: crypto.randomUUID(), category: 'OBJECT_NOT_FOUND' },
      };
      this.send(res, response);
    } catch (error) {
      this.logger.error('sandbox request failed', { method: request.method, path: request.path, error });
      this.send(res, {
        status: 500,
        body: { status: 'error', message: 'internal error', correlationId: crypto.randomUUID(), category: 'INTERNAL_ERROR' },
      });
    }
  }

  private async route(request: SandboxRequest): Promise<SandboxResponse | undefined> {
    if (request.path.startsWith('/__sandbox/')) return this.admin(request, request.path.slice('/__sandbox/'.length));
    for (const provider of this.providers) {
      const response = await provider.handle(request);
      if (response) return response;
    }
    return undefined;
  }

  private async admin(request: SandboxRequest, route: string): Promise<SandboxResponse | undefined> {
    const method = request.method;
    if (method === 'GET' && route === 'health') return { status: 200, body: { ok: true, now: this.clock.now() } };
    if (method === 'POST' && route === 'clock') {
      const body = jsonBody<{ advanceMs?: number; now?: number | string }>(request) ?? {};
      if (typeof body.advanceMs === 'number') this.clock.advance(body.advanceMs);
      else if (body.now !== undefined) this.clock.set(typeof body.now === 'number' ? body.now : Date.parse(body.now));
      else return { status: 400, body: { message: 'give "advanceMs" (number) or "now" (epoch ms or ISO time)' } };
      return { status: 200, body: { now: this.clock.now(), iso: new Date(this.clock.now()).toISOString() } };
    }
    if (method === 'POST' && route === 'faults') {
      const parsed = FaultRules.safeParse(jsonBody(request) ?? {});
      if (!parsed.success) return { status: 400, body: { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
      this.faults.set(parsed.data.rules);
      return { status: 200, body: { rules: this.faults.rules() } };
    }
    if (method === 'GET' && route === 'faults') return { status: 200, body: { rules: this.faults.rules() } };
    if (method === 'POST' && route === 'reset') {
      this.reset();
      return { status: 200, body: { ok: true } };
    }
    if (method === 'GET' && route.startsWith('state/')) {
      const type = decodeURIComponent(route.slice('state/'.length));
      for (const provider of this.providers) {
        const results = provider.state(type, request.query);
        if (results) return { status: 200, body: { results } };
      }
      return { status: 404, body: { message: `unknown object type "${type}"` } };
    }
    for (const provider of this.providers) {
      const response = await provider.admin?.(request, route);
      if (response) return response;
    }
    return undefined;
  }

  private faultResponse(request: SandboxRequest, status: number): SandboxResponse {
    for (const provider of this.providers) {
      const response = provider.faultResponse?.(request, status);
      if (response) return response;
    }
    return { status, body: { status: 'error', message: `injected fault ${status}`, correlationId: crypto.randomUUID() } };
  }

  private read(req: http.IncomingMessage): Promise<SandboxRequest> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(Object.assign(new Error('request body too large'), { status: 413 }));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('error', reject);
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://sandbox.local');
        resolve({
          method: (req.method ?? 'GET').toUpperCase(),
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks),
          receivedAt: this.clock.now(),
        });
      });
    });
  }

  private send(res: http.ServerResponse, response: SandboxResponse): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { ...response.headers };
    let payload: Buffer | string | undefined;
    if (response.body === undefined || response.body === null) payload = undefined;
    else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) payload = response.body;
    else {
      payload = JSON.stringify(response.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json;charset=utf-8';
    }
    if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}
