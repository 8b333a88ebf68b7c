import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface SandboxProcess {
  url: string;
  token: string;
  /** A providers file for `SYNCDESK_DEV_PROVIDERS` pointing every workspace at this sandbox. */
  providersFile: string;
  stop(): Promise<void>;
}

/** `syncdesk sandbox` as its own process (as the app and users run it), seeded, limits off. */
export async function startSandboxProcess(options: { seed?: number } = {}): Promise<SandboxProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syncdesk-e2e-sandbox-'));
  const token = 'pat-na1-0e2e0e2e-0000-4000-8000-000000000e2e';
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, 'core/cli/syncdesk.ts'), 'sandbox', '--data', dir, '--seed', String(options.seed ?? 200), '--token', token, '--no-limits', '--json', '--exit-on-stdin-close'],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const { url, stripeKey } = await new Promise<{ url: string; stripeKey: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`syncdesk sandbox exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { url: string; stripeKey: string }));
  });
  const providersFile = path.join(dir, 'providers.json');
  fs.writeFileSync(providersFile, JSON.stringify({ hubspot: { baseUrl: url, token, tier: 'unlimited' }, stripe: { baseUrl: url, key: stripeKey } }));
  return {
    url,
    token,
    providersFile,
    async stop() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
