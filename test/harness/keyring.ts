import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { makeTempDir } from './temp-dir.ts';

export interface PrivateKeyring {
  /** Environment for child processes that should use this keyring. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/**
 * A Secret Service of the test's own: a private D-Bus session with an unlocked gnome-keyring, so
 * spawned CLI processes share a real keychain without touching the user's. Inside `npm test` (which
 * already runs in one) it reuses that. Null where the machine has neither.
 */
export async function startPrivateKeyring(): Promise<PrivateKeyring | null> {
  if (process.env.SYNCDESK_IN_KEYRING && process.env.DBUS_SESSION_BUS_ADDRESS) {
    return { env: { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, XDG_DATA_HOME: process.env.XDG_DATA_HOME }, stop: async () => {} };
  }
  if (process.platform !== 'linux' || !has('dbus-daemon') || !has('gnome-keyring-daemon')) return null;
  const data = makeTempDir('syncdesk-keyring-');
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    }
    data.cleanup();
  };
  try {
    const bus = spawn('dbus-daemon', ['--session', '--print-address=1', '--nofork'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(bus);
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      bus.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
      });
      bus.once('exit', () => reject(new Error('dbus-daemon exited')));
      setTimeout(() => reject(new Error('dbus-daemon gave no address')), 5000);
    });
    const env = { DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: data.dir };
    const keyring = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--foreground'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, ...env } });
    children.push(keyring);
    keyring.stdin!.end('syncdesk-test');
    await new Promise<void>((resolve, reject) => {
      keyring.stdout!.once('data', () => resolve());
      keyring.once('exit', () => reject(new Error('gnome-keyring-daemon exited')));
      setTimeout(() => reject(new Error('gnome-keyring-daemon did not start')), 5000);
    });
    return { env, stop };
  } catch {
    await stop();
    return null;
  }
}
