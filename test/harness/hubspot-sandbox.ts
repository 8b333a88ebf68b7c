import { Client } from '@hubspot/api-client';
import { type RunningSandbox, startSandbox, type StartSandboxOptions } from '../../core/sandbox/start-sandbox.ts';
import { makeTempDir } from './temp-dir.ts';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestSandbox extends RunningSandbox {
  /** A private-app token of the default portal with every scope. */
  token: string;
  /** The real SDK pointed at the sandbox. Retries are off: the SDK's retry decorator is a process-wide singleton. */
  client(accessToken?: string): Client;
  /** A raw call with the default token (or `token`), for status codes, headers and exact bodies. */
  call<T = any>(method: string, path: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string>; raw?: string }): Promise<HttpResult<T>>;
  admin<T = any>(route: string, body?: unknown): Promise<HttpResult<T>>;
  stop(): Promise<void>;
}

/** A sandbox on an ephemeral loopback port with a temp data folder; `stop()` closes and removes it. */
export async function startTestSandbox(options: Partial<StartSandboxOptions> = {}): Promise<TestSandbox> {
  const temp = makeTempDir('syncdesk-sandbox-');
  const sandbox = await startSandbox({ dataDir: temp.dir, limits: false, ...options });
  const token = sandbox.hubspot.createToken().token;
  const call = async <T>(method: string, path: string, opts: { body?: unknown; token?: string | null; headers?: Record<string, string>; raw?: string } = {}): Promise<HttpResult<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    const bearer = opts.token === undefined ? token : opts.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let payload: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${sandbox.url}${path}`, { method, headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: body as T, text };
  };
  return {
    ...sandbox,
    token,
    client: (accessToken = token) => new Client({ accessToken, basePath: sandbox.url, numberOfApiCallRetries: 0 }),
    call,
    admin: (route, body) => call('POST', `/__sandbox/${route}`, { body: body ?? {}, token: null }),
    async stop() {
      await sandbox.close();
      temp.cleanup();
    },
  };
}
