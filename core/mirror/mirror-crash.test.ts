import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../test/harness/hubspot-sandbox.ts';
import { makeTempDir } from '../../test/harness/temp-dir.ts';
import { runCli } from '../cli/run-cli.ts';
import { openDatabase } from '../store/database.ts';

const cli = path.resolve(import.meta.dirname, '..', 'cli', 'syncdesk.ts');
let sandbox: TestSandbox | undefined;
let temp: ReturnType<typeof makeTempDir> | undefined;

afterEach(async () => {
  delete process.env.SYNCDESK_DEV_PROVIDERS;
  await sandbox?.stop();
  temp?.cleanup();
  sandbox = temp = undefined;
});

async function cliInProcess(dataDir: string, ...argv: string[]) {
  let stdout = '';
  const code = await runCli(['--data', dataDir, ...argv], { stdout: (t) => (stdout += t), stderr: () => {}, stopped: new Promise(() => {}) });
  return { code, stdout };
}

describe('crash safety', () => {
  it('a mirror process killed mid-run leaves its run interrupted and the next run resumes from the last stored page', async () => {
    sandbox = await startTestSandbox();
    sandbox.hubspot.seed({ contacts: 30_000 });
    temp = makeTempDir();
    const providersFile = path.join(temp.dir, 'providers.json');
    fs.writeFileSync(providersFile, JSON.stringify({ hubspot: { baseUrl: sandbox.url, token: sandbox.token, tier: 'unlimited' } }));
    process.env.SYNCDESK_DEV_PROVIDERS = providersFile;
    const dataDir = path.join(temp.dir, 'data');
    const workspaceId = (JSON.parse((await cliInProcess(dataDir, 'workspace', 'create', '--name', 'Crash', '--json')).stdout) as { id: string }).id;
    expect((await cliInProcess(dataDir, 'mirror', '--workspace', workspaceId, '--full', '--stream', 'properties', '--json')).code).toBe(0);

    // A separate process, killed without warning once it has stored a few thousand contacts.
    const child = spawn(process.execPath, [cli, '--data', dataDir, 'mirror', '--workspace', workspaceId, '--full', '--stream', 'contacts', '--json'], {
      env: { ...process.env, SYNCDESK_DEV_PROVIDERS: providersFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const fetched = [...buffer.matchAll(/contacts: ([\d,]+) fetched/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
        if (fetched.some((n) => n >= 3_000)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => resolve());
      setTimeout(() => reject(new Error('no progress within 60 s')), 60_000).unref();
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    expect(child.signalCode).toBe('SIGKILL');

    const again = await cliInProcess(dataDir, 'mirror', '--workspace', workspaceId, '--incremental', '--stream', 'contacts', '--json');
    const result = JSON.parse(again.stdout) as { status: string; streams: Array<{ mode: string; resumed?: boolean; created: number }> };
    expect(result.status).toBe('succeeded');
    expect(result.streams[0]).toMatchObject({ mode: 'full', resumed: true });
    expect(result.streams[0]!.created).toBeLessThan(30_000);
    const listed = JSON.parse((await cliInProcess(dataDir, 'records', 'list', '--workspace', workspaceId, '--object', 'contacts', '--limit', '1', '--json')).stdout) as { total: number };
    expect(listed.total).toBe(30_000);
    const db = openDatabase(path.join(dataDir, 'workspaces', `${workspaceId}.db`));
    try {
      expect(db.prepare('select status from mirror_runs order by id').pluck().all()).toEqual(['succeeded', 'interrupted', 'succeeded']);
    } finally {
      db.close();
    }
  }, 120_000);
});
