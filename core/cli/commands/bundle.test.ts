import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../../test/harness/hubspot-sandbox.ts';
import { type PrivateKeyring, startPrivateKeyring } from '../../../test/harness/keyring.ts';
import { makeTempDir } from '../../../test/harness/temp-dir.ts';

/** `syncdesk bundle export` and `syncdesk replay` as real processes: a failure in one data folder, replayed in another. */

const cli = path.resolve(import.meta.dirname, '..', 'syncdesk.ts');

function run(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

let sandbox: TestSandbox;
let keyring: PrivateKeyring | null;
const temp = makeTempDir('syncdesk-bundle-cli-');

beforeAll(async () => {
  sandbox = await startTestSandbox({ seed: 0 });
  keyring = await startPrivateKeyring();
}, 60_000);
afterAll(async () => {
  await sandbox.stop();
  await keyring?.stop();
  temp.cleanup();
});

describe('syncdesk bundle export and syncdesk replay', () => {
  it('writes a masked bundle of a failed job without secrets, and replays it elsewhere: reproduced, exit 0', async (ctx) => {
    if (!keyring) ctx.skip();
    const env = keyring!.env;
    const customer = path.join(temp.dir, 'customer');
    const json = async (args: string[], stdin?: string) => {
      const result = await run([...args, '--data', customer, '--json'], env, stdin);
      if (result.code !== 0) throw new Error(`${args.join(' ')} failed (${result.code}): ${result.stderr}`);
      return JSON.parse(result.stdout) as any;
    };
    const { id } = await json(['workspace', 'create', '--name', 'Customer']);
    await json(['connect', 'hubspot', '--workspace', id, '--token-stdin', '--api-base', sandbox.url], `${sandbox.token}\n`);
    const { settings } = await json(['mapping', 'show', '--workspace', id]);
    settings.contact.rows.push({ id: 'tier', source: 'source', property: 'plan_tier', enabled: true, transforms: [], updateRule: 'overwrite' });
    const settingsFile = path.join(temp.dir, 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify(settings));
    await json(['mapping', 'set', '--workspace', id, '--file', settingsFile]);
    const csv = path.join(temp.dir, 'leads.csv');
    fs.writeFileSync(csv, 'First Name,Last Name,Email,Source\nAda,Lovelace,ada@engines.example,Webinar\n');
    await json(['leads', 'import', csv, '--workspace', id]);
    // --wait exits 1 when a job failed: the failure is what this test needs.
    expect((await run(['push', '--all', '--wait', '--workspace', id, '--data', customer], env)).code).toBe(1);
    const [job] = (await json(['jobs', 'list', '--workspace', id, '--status', 'failed'])).jobs;
    expect(job).toMatchObject({ errorCode: 'property_missing' });

    const file = path.join(temp.dir, 'out', 'bundle.json');
    const exported = await json(['bundle', 'export', '--workspace', id, '--job', job.jobId, '--out', file, '--mask', '--note', 'Ada is missing']);
    expect(exported).toMatchObject({ file, masked: true, attempts: 1 });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(sandbox.token);
    expect(text).not.toContain('ada@engines.example');
    expect(JSON.parse(text)).toMatchObject({ format: 'syncdesk-support-bundle', version: 1, connection: { portalId: sandbox.portal.portalId, state: 'connected' } });

    // The support agent's machine: another data folder, nothing connected.
    const agent = path.join(temp.dir, 'agent');
    const replayed = await run(['replay', file, '--data', agent, '--json', '--wait', '60'], env);
    expect(replayed.stderr).toContain('against a new sandbox portal');
    expect(replayed.code, replayed.stderr).toBe(0);
    const result = JSON.parse(replayed.stdout);
    expect(result).toMatchObject({ verdict: 'reproduced', original: { state: 'failed' }, replay: { state: 'failed', error: { code: 'property_missing' } } });
    expect(result.steps.map((s: { step: string }) => s.step)).toEqual(['contact', 'company', 'list']);
    const human = await run(['replay', file, '--data', agent], env);
    expect(human.stdout).toMatch(/^REPRODUCED: /);
    expect(human.stdout).toMatch(/contact +Failed — Mapped property doesn't exist +Failed — Mapped property doesn't exist/);
  }, 180_000);

  it('refuses what it cannot use, with the reason', async (ctx) => {
    if (!keyring) ctx.skip();
    const env = keyring!.env;
    const data = path.join(temp.dir, 'refusals');
    expect((await run(['replay', '--data', data], env)).code).toBe(2);
    expect((await run(['bundle', 'export', '--data', data, '--workspace', 'w1'], env)).code).toBe(2);
    const csv = path.join(temp.dir, 'not-a-bundle.csv');
    fs.writeFileSync(csv, 'a,b\n1,2\n');
    const foreign = await run(['replay', csv, '--data', data], env);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain("not-a-bundle.csv isn't a support bundle Syncdesk can read: it isn't JSON (it looks like a CSV file)");
    const missing = await run(['replay', path.join(temp.dir, 'nope.json'), '--data', data], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  }, 60_000);
});
