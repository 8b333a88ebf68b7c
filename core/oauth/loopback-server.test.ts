import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { LoopbackServer } from './loopback-server.ts';

const started: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.close();
});

function get(port: number, path: string, host = `localhost:${port}`): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function occupy(): Promise<{ port: number; close(): Promise<void> }> {
  const blocker = http.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const handle = { port: (blocker.address() as AddressInfo).port, close: () => new Promise<void>((r) => blocker.close(() => r())) };
  started.push(handle);
  return handle;
}

describe('loopback callback server', () => {
  it('answers the callback on localhost with a page that sends the user back, and nothing else', async () => {
    const seen: string[] = [];
    const server = await LoopbackServer.start({
      ports: [0],
      onCallback: async (query) => {
        seen.push(query.get('code') ?? '');
        return { status: 200, title: 'Connected to HubSpot', message: 'Portal 101 is connected.', tone: 'success' };
      },
    });
    started.push(server);
    expect(server.redirectUri).toBe(`http://localhost:${server.port}/oauth/callback`);
    const ok = await get(server.port, '/oauth/callback?code=abc&state=s');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('return to Syncdesk');
    expect(ok.body).toContain('Portal 101 is connected.');
    expect(ok.headers['content-security-policy']).toContain("default-src 'none'");
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(seen).toEqual(['abc']);

    expect((await get(server.port, '/other')).status).toBe(404);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 is turned away.
    expect((await get(server.port, '/oauth/callback?code=x', `evil.example:${server.port}`)).status).toBe(421);
    expect(seen).toEqual(['abc']);
  });

  it('escapes what it shows', async () => {
    const server = await LoopbackServer.start({ ports: [0], onCallback: async () => ({ status: 400, title: '<b>x</b>', message: '<script>alert(1)</script>', tone: 'error' }) });
    started.push(server);
    const page = await get(server.port, '/oauth/callback');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('&lt;script&gt;');
  });

  it('takes the next configured port when the first is busy, and says which ports when all are', async () => {
    const a = await occupy();
    const b = await occupy();
    const free = await occupy();
    await free.close();
    started.splice(started.indexOf(free), 1);
    const server = await LoopbackServer.start({ ports: [a.port, b.port, free.port], onCallback: async () => ({ status: 200, title: 't', message: 'm', tone: 'success' }) });
    started.push(server);
    expect(server.port).toBe(free.port);

    const error = await LoopbackServer.start({ ports: [a.port, b.port, server.port], onCallback: async () => ({ status: 200, title: 't', message: 'm', tone: 'success' }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'conflict', message: expect.stringContaining(`${a.port}, ${b.port}, ${server.port}`) });
  });

  it('never listens beyond the loopback interface', async () => {
    const server = await LoopbackServer.start({ ports: [0], onCallback: async () => ({ status: 200, title: 't', message: 'm', tone: 'success' }) });
    started.push(server);
    const addresses = (server as unknown as { servers: http.Server[] }).servers.map((s) => (s.address() as AddressInfo).address);
    for (const address of addresses) expect(['127.0.0.1', '::1']).toContain(address);
  });
});
