import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface ConsoleHost {
  url: string;
  dataDir: string;
  /** Stops the server and starts it again on the same data folder (a new port and token). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs the real `syncdesk serve` on a temp data folder; it stops when the test (or its parent) does. */
/**
 * `schedule: false` (the default here) runs it with `--no-schedule`: syncs start only when a test asks,
 * so run logs and mirror contents don't depend on the machine's speed. A test of the schedule turns it on.
 */
export async function startConsoleHost(options: { dataDir?: string; env?: NodeJS.ProcessEnv; schedule?: boolean } = {}): Promise<ConsoleHost> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'syncdesk-e2e-'));
  const ownsDir = !options.dataDir;
  let child: ChildProcess | undefined;

  const launch = () =>
    new Promise<string>((resolve, reject) => {
      const args = [path.join(root, 'core/cli/syncdesk.ts'), 'serve', '--data', dataDir, '--port', '0', '--json', '--exit-on-stdin-close'];
      if (!options.schedule) args.push('--no-schedule');
      const proc = spawn(process.execPath, args, {
        cwd: root,
        env: { ...process.env, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child = proc;
      let stderr = '';
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      proc.once('exit', (code) => reject(new Error(`syncdesk serve exited with ${code}: ${stderr}`)));
      readline.createInterface({ input: proc.stdout! }).once('line', (line) => {
        try {
          resolve((JSON.parse(line) as { url: string }).url);
        } catch {
          reject(new Error(`unexpected output from syncdesk serve: ${line}`));
        }
      });
    });

  const stopChild = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  };

  const host: ConsoleHost = {
    url: await launch(),
    dataDir,
    async restart() {
      await stopChild();
      host.url = await launch();
    },
    async stop() {
      await stopChild();
      if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return host;
}
