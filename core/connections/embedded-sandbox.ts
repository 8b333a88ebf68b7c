import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../ports/logger.ts';
import type { RunningSandbox } from '../sandbox/start-sandbox.ts';
import type { SandboxHost, SandboxPortal } from './sandbox-host.ts';

export interface EmbeddedSandboxOptions {
  /** The app's data folder; the sandbox keeps its state in `<dataDir>/sandbox/`. */
  dataDir: string;
  logger: Logger;
  /** Contacts seeded into an empty portal on first start (companies, deals, owners and lists follow). */
  seed?: number;
}

/**
 * The sandbox portal inside the host process (desktop app or `syncdesk serve`), on a loopback port.
 * It comes back on the port it had last time when it can, so sandbox workspaces keep their address
 * across restarts; otherwise the caller moves them to the new one.
 */
export function createEmbeddedSandbox(options: EmbeddedSandboxOptions): SandboxHost {
  // Same folder as `syncdesk sandbox` uses by default (`sandboxDataDir`), without loading the sandbox until it is needed.
  const dir = path.join(options.dataDir, 'sandbox');
  const portFile = path.join(dir, 'last-port');
  let running: RunningSandbox | null = null;
  let portal: SandboxPortal | null = null;
  let starting: Promise<SandboxPortal> | null = null;

  const lastPort = (): number => {
    try {
      const port = Number(fs.readFileSync(portFile, 'utf8').trim());
      return Number.isInteger(port) && port > 1024 && port < 65536 ? port : 0;
    } catch {
      return 0;
    }
  };

  async function start(): Promise<SandboxPortal> {
    // Loaded on first use: CLI commands and hosts without sandbox workspaces never pay for it.
    const { startSandbox } = await import('../sandbox/start-sandbox.ts');
    fs.mkdirSync(dir, { recursive: true });
    const base = { dataDir: dir, seed: options.seed ?? 500, logger: options.logger };
    const preferred = lastPort();
    let sandbox: RunningSandbox;
    try {
      sandbox = await startSandbox({ ...base, port: preferred });
    } catch (error) {
      if (preferred === 0 || (error as { code?: string }).code !== 'EADDRINUSE') throw error;
      sandbox = await startSandbox({ ...base, port: 0 });
    }
    fs.writeFileSync(portFile, String(sandbox.port));
    running = sandbox;
    options.logger.info('embedded sandbox started', { url: sandbox.url, seeded: sandbox.seeded ? true : false });
    portal = {
      url: sandbox.url,
      portalId: sandbox.portal.portalId,
      mintPrivateAppToken: async () => sandbox.hubspot.createToken().token,
      mintStripeKey: async () => sandbox.stripe?.createKey() ?? null,
    };
    return portal;
  }

  return {
    ensureStarted() {
      if (portal) return Promise.resolve(portal);
      starting ??= start().finally(() => {
        starting = null;
      });
      return starting;
    },
    current: () => portal,
    async close() {
      const sandbox = running;
      running = null;
      portal = null;
      await sandbox?.close();
    },
  };
}
