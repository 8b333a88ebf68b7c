import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { TOKEN_COOKIE } from '../../core/contract/wire.ts';
import { ConsoleServer } from '../../core/host/console-server.ts';
import { createWsTransport } from '../../renderer/api/ws-transport.ts';
import { createTestServices } from '../harness/services.ts';
import { describeTransportContract } from './transport-suite.ts';

/** A renderer folder with just enough in it for the server to serve. */
function fakeRenderer(dir: string): string {
  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Syncdesk</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  return rendererDir;
}

async function startHost() {
  const core = createTestServices();
  const server = new ConsoleServer({
    router: core.services.router,
    events: core.services.events,
    logger: core.logger,
    rendererDir: fakeRenderer(core.dataDir),
  });
  const address = await server.listen();
  return { core, server, ...address };
}

/** Node's `ws` client with the Origin a browser on the console's page would send. */
function browserLikeSocket(origin: string) {
  return class extends NodeWebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  } as unknown as typeof WebSocket;
}

describeTransportContract('WebSocket (renderer ws-transport.ts ↔ core/host console-server.ts)', async () => {
  const host = await startHost();
  const transport = createWsTransport({
    url: `ws://127.0.0.1:${host.port}/api?token=${host.token}`,
    WebSocketImpl: browserLikeSocket(`http://127.0.0.1:${host.port}`),
  });
  await new Promise<void>((resolve) => {
    const off = transport.onStatus((s) => {
      if (s === 'open') {
        off();
        resolve();
      }
    });
  });
  return {
    transport,
    core: host.core,
    teardown: async () => {
      transport.close();
      await host.server.close();
      host.core.cleanup();
    },
  };
});

describe('console server security', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(async () => {
    await host.server.close();
    host.core.cleanup();
  });

  const upgrade = (query: string, headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const socket = new NodeWebSocket(`ws://127.0.0.1:${host.port}/api${query}`, { headers });
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => resolve(-1));
    });

  it('listens on the loopback interface only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });

  it('accepts the right token from the console origin', async () => {
    expect(await upgrade(`?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port}` })).toBe(101);
    expect(await upgrade(`?token=${host.token}`, { Origin: `http://localhost:${host.port}` })).toBe(101);
  });

  it('refuses a missing or wrong token', async () => {
    expect(await upgrade('', { Origin: `http://127.0.0.1:${host.port}` })).toBe(401);
    expect(await upgrade('?token=wrong', { Origin: `http://127.0.0.1:${host.port}` })).toBe(401);
    expect(await upgrade(`?token=${host.token}x`, { Origin: `http://127.0.0.1:${host.port}` })).toBe(401);
  });

  it('refuses a foreign or missing Origin even with the right token', async () => {
    expect(await upgrade(`?token=${host.token}`, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgrade(`?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port + 1}` })).toBe(403);
    expect(await upgrade(`?token=${host.token}`, {})).toBe(403);
  });

  it('refuses a Host that is not its loopback address (DNS rebinding)', async () => {
    expect(await upgrade(`?token=${host.token}`, { Origin: 'http://attacker.example', Host: 'attacker.example' })).toBe(421);
    // fetch() drops a custom Host header, so use node:http, which sends it.
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: host.port, path: `/?token=${host.token}`, headers: { Host: 'attacker.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('serves the page only with the token, then by cookie', async () => {
    expect((await fetch(`http://127.0.0.1:${host.port}/`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${host.port}/?token=nope`)).status).toBe(401);
    const page = await fetch(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${TOKEN_COOKIE}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await fetch(`http://127.0.0.1:${host.port}/assets/app.js`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log(1)');
  });

  it('never serves files outside the renderer folder', async () => {
    fs.writeFileSync(path.join(host.core.dataDir, 'secret.txt'), 'outside');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await fetch(`http://127.0.0.1:${host.port}${p}?token=${host.token}`);
      expect(await res.text()).not.toContain('outside');
    }
  });

  it('closes a connection that sends malformed frames', async () => {
    const socket = new NodeWebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
    await new Promise((r) => socket.on('open', r));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send('{not json');
    expect(await closed).toBe(1007);
  });
});
