import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../../test/harness/hubspot-sandbox.ts';
import { startFakeStripe } from '../../../test/harness/fake-stripe.ts';
import { type PrivateKeyring, startPrivateKeyring } from '../../../test/harness/keyring.ts';
import { makeTempDir } from '../../../test/harness/temp-dir.ts';

const cli = path.resolve(import.meta.dirname, '..', 'syncdesk.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv, stdin?: string) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (stdin !== undefined) child.stdin.end(stdin);
  const done = new Promise<Run>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const run = (args: string[], env: NodeJS.ProcessEnv, stdin?: string) => spawnCli(args, env, stdin).done;

/** No reachable Secret Service: keytar fails fast and the CLI falls back to memory. */
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/syncdesk-test-bus', DISPLAY: '' };

let sandbox: TestSandbox;
let keyring: PrivateKeyring | null;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
const temp = makeTempDir('syncdesk-cli-');

beforeAll(async () => {
  sandbox = await startTestSandbox({ seed: 10 });
  keyring = await startPrivateKeyring();
  stripe = await startFakeStripe();
}, 60_000);
afterAll(async () => {
  await sandbox.stop();
  await stripe.close();
  await keyring?.stop();
  temp.cleanup();
});

async function createWorkspace(dataDir: string, name: string, env: NodeJS.ProcessEnv): Promise<string> {
  const created = await run(['workspace', 'create', '--name', name, '--data', dataDir, '--json'], env);
  expect(created.code).toBe(0);
  return (JSON.parse(created.stdout) as { id: string }).id;
}

describe('syncdesk connect / status / disconnect without a keychain', () => {
  it('refuses to connect, says why and where to connect instead, and changes nothing', async () => {
    const dataDir = path.join(temp.dir, 'no-keychain');
    const id = await createWorkspace(dataDir, 'Acme', NO_KEYCHAIN);
    const refused = await run(['connect', 'hubspot', '--workspace', id, '--token-stdin', '--api-base', sandbox.url, '--data', dataDir, '--json'], NO_KEYCHAIN, sandbox.token);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'secrets_unavailable' } });
    expect(refused.stderr).toContain('would be lost when it exits');
    expect(refused.stderr).toContain('syncdesk serve');
    expect(refused.stdout + refused.stderr).not.toContain(sandbox.token);

    const status = await run(['status', '--workspace', id, '--data', dataDir, '--json'], NO_KEYCHAIN);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ hubspot: { state: 'disconnected' }, secretStorage: { kind: 'memory' } });
  });

  it('answers usage errors with exit code 2', async () => {
    const dataDir = path.join(temp.dir, 'usage');
    expect((await run(['connect', 'hubspot', '--data', dataDir], NO_KEYCHAIN)).code).toBe(2);
    expect((await run(['connect', 'salesforce', '--workspace', 'w1', '--data', dataDir], NO_KEYCHAIN)).code).toBe(2);
    const both = await run(['connect', 'hubspot', '--workspace', 'wabc', '--token', 'pat-x', '--oauth', '--data', dataDir], NO_KEYCHAIN);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either --token');
    expect((await run(['connect', 'hubspot', '--workspace', 'wabc', '--token', 'x', '--api-base', 'ftp://nope', '--data', dataDir], NO_KEYCHAIN)).code).toBe(2);
  });
});

describe('syncdesk connect / status / disconnect with a keychain', () => {
  it('connects a private app token from stdin, reports it, connects Stripe, and disconnects both', async (ctx) => {
    if (!keyring) ctx.skip();
    const env = keyring!.env;
    const dataDir = path.join(temp.dir, 'keychain');
    const id = await createWorkspace(dataDir, 'Acme', env);

    const connected = await run(['connect', 'hubspot', '--workspace', id, '--token-stdin', '--api-base', sandbox.url, '--data', dataDir, '--json'], env, `${sandbox.token}\n`);
    expect(connected.stderr).not.toContain('error');
    expect(connected.code).toBe(0);
    expect(JSON.parse(connected.stdout)).toMatchObject({ hubspot: { state: 'connected', authKind: 'private_app', portal: { portalId: sandbox.portal.portalId } } });

    // Another process (a later command) sees the connection: the token is in the keychain.
    const human = await run(['status', '--workspace', id, '--data', dataDir, '--check'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`HubSpot   Connected: portal ${sandbox.portal.portalId}`);
    expect(human.stdout).toContain('all 7 required granted');
    expect(human.stdout).toContain('Secrets   OS keychain');

    // Send test lead from the CLI: the saved (default) mapping against the live portal, with a disposable
    // contact archived again afterwards.
    const tested = await run(['test-lead', '--workspace', id, '--data', dataDir, '--json'], env);
    expect(tested.code).toBe(0);
    const report = JSON.parse(tested.stdout) as { result: string; contactId: string; email: string; deletedAt: string | null; properties: Array<{ status: string }> };
    expect(report).toMatchObject({ result: 'passed', contactId: expect.stringMatching(/^\d+$/), email: expect.stringMatching(/^syncdesk-test\+.*@example\.com$/), deletedAt: expect.any(String) });
    expect(report.properties.length).toBeGreaterThan(0);
    expect(report.properties.every((p) => p.status !== 'problem')).toBe(true);
    expect((await sandbox.call('GET', `/crm/v3/objects/contacts/${report.contactId}`)).status).toBe(404);

    const key = stripe.createKey();
    const withStripe = await run(['connect', 'stripe', '--workspace', id, '--key-stdin', '--api-base', stripe.url, '--data', dataDir, '--json'], env, key);
    expect(withStripe.code).toBe(0);
    expect(JSON.parse(withStripe.stdout)).toMatchObject({ stripe: { state: 'connected', keyKind: 'restricted' } });

    const status = await run(['status', '--workspace', id, '--data', dataDir, '--json'], env);
    expect(status.stdout).not.toContain(sandbox.token);
    expect(status.stdout).not.toContain(key);

    const a = await run(['disconnect', 'hubspot', '--workspace', id, '--data', dataDir], env);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Disconnected HubSpot from Acme.');
    expect((await run(['disconnect', 'stripe', '--workspace', id, '--data', dataDir], env)).code).toBe(0);
    const after = JSON.parse((await run(['status', '--workspace', id, '--data', dataDir, '--json'], env)).stdout) as { hubspot: { state: string; boundPortalId: number }; stripe: { state: string } };
    expect(after).toMatchObject({ hubspot: { state: 'disconnected', boundPortalId: sandbox.portal.portalId }, stripe: { state: 'disconnected' } });
  });

  it('refuses a Stripe key without the permissions, naming them, with exit code 1', async (ctx) => {
    if (!keyring) ctx.skip();
    const env = keyring!.env;
    const dataDir = path.join(temp.dir, 'stripe-missing');
    const id = await createWorkspace(dataDir, 'Globex', env);
    const refused = await run(['connect', 'stripe', '--workspace', id, '--key', stripe.createKey(['rak_customer_read']), '--api-base', stripe.url, '--data', dataDir], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error (missing_scopes)');
    expect(refused.stderr).toContain('Subscriptions (rak_subscription_read)');
  });

  it('runs OAuth: prints the authorize address, waits for the loopback callback, and connects', async (ctx) => {
    if (!keyring) ctx.skip();
    const env = keyring!.env;
    const dataDir = path.join(temp.dir, 'oauth');
    const id = await createWorkspace(dataDir, 'Initech', env);
    const port = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    const app = (await sandbox.admin('oauth/apps', { redirectUris: [`http://localhost:${port}/oauth/callback`] })).body as { clientId: string; clientSecret: string };
    const { child, done } = spawnCli(
      ['connect', 'hubspot', '--workspace', id, '--oauth', '--client-id', app.clientId, '--client-secret-stdin', '--api-base', sandbox.url, '--auth-base', sandbox.url, '--data', dataDir, '--json'],
      { ...env, SYNCDESK_OAUTH_PORTS: String(port) },
      app.clientSecret,
    );
    const authorizeUrl = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: child.stderr }).on('line', (line) => {
        const match = /^\s+(http:\/\/\S+\/oauth\/authorize\?\S+)$/.exec(line);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error('the CLI exited before printing the address')));
    });
    // The consent screen, approved as a user would.
    const html = await (await fetch(authorizeUrl)).text();
    const form = new URLSearchParams(Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')])));
    form.set('portal_id', String(sandbox.portal.portalId));
    form.set('action', 'approve');
    for (const m of html.matchAll(/name="grant_scope" value="([^"]+)"/g)) form.append('grant_scope', m[1]!);
    const redirect = await fetch(`${sandbox.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    const callback = await fetch(redirect.headers.get('location')!);
    expect(await callback.text()).toContain('return to Syncdesk');
    const result = await done;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ hubspot: { state: 'connected', authKind: 'oauth', portal: { portalId: sandbox.portal.portalId, domain: sandbox.portal.domain } } });
  });
});
