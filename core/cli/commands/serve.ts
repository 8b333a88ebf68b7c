import fs from 'node:fs';
import path from 'node:path';
import { ConsoleServer } from '../../host/console-server.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { AppError } from '../../errors.ts';
import { type Command, EXIT, UsageError } from '../command.ts';

export const RENDERER_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'out', 'renderer');

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the console in a browser, on the loopback interface only',
  usage: 'syncdesk serve [--port <n>] [--data <dir>] [--no-schedule] [--json]',
  options: {
    port: { type: 'string' },
    'renderer-dir': { type: 'string' },
    'exit-on-stdin-close': { type: 'boolean' },
    // Syncs run only when asked (Run sync now, the CLI): for replaying support cases, and for tests.
    'no-schedule': { type: 'boolean' },
  },
  async run(ctx) {
    const port = ctx.options.port === undefined ? 0 : Number(ctx.options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number from 0 to 65535.');
    const rendererDir = path.resolve(String(ctx.options['renderer-dir'] ?? RENDERER_DIR));
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
      throw new AppError(
        'not_found',
        `The console isn't built (no ${path.join(rendererDir, 'index.html')}). Run \`npm run build:renderer\`, or start it with \`npm run serve\`, which builds it first.`,
      );
    }
    const services = await createHeadlessServices({
      dataDir: ctx.dataDir,
      host: 'serve',
      scheduleMirror: !ctx.options['no-schedule'],
      // The browser is the UI here: the console shows the address as a link, and it is printed for a terminal user too.
      openExternal: async (url) => ctx.progress(`Open this address to continue in your browser: ${url}`),
    });
    const secretStatus = services.secrets.status();
    if (secretStatus.kind === 'memory') ctx.progress(`warning: ${secretStatus.warning ?? 'secrets are kept in memory only'}`);
    const server = new ConsoleServer({
      router: services.router,
      events: services.events,
      logger: services.logger.child('console'),
      rendererDir,
      port,
    });
    let address;
    try {
      address = await server.listen();
    } catch (error) {
      services.close();
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') throw new AppError('conflict', `Port ${port} is already in use. Pick another with --port, or omit it to use a free one.`);
      throw error;
    }
    services.logger.info('console listening', { port: address.port });
    ctx.print(`Syncdesk console: ${address.url}`, { url: address.url, port: address.port, token: address.token, dataDir: ctx.dataDir });
    await ctx.stopped;
    await server.close();
    await services.shutdown();
    return EXIT.ok;
  },
};
