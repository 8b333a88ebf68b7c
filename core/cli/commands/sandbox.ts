import { AppError } from '../../errors.ts';
import { isTier, TIERS } from '../../sandbox/hubspot/hubspot-portals.ts';
import { sandboxDataDir, startSandbox } from '../../sandbox/start-sandbox.ts';
import { type Command, EXIT, UsageError } from '../command.ts';

const PAT = /^pat-[a-z0-9]+-[0-9a-f-]{36}$/i;

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the simulated HubSpot (and Stripe) portal on the loopback interface',
  usage:
    'syncdesk sandbox [--port <n>] [--data <dir>] [--tier free|starter|pro|enterprise|addon] [--seed <contacts>] [--token <pat>[:<scope,scope,…>]] [--search-lag-ms <ms>] [--no-limits] [--json] [--exit-on-stdin-close]',
  options: {
    port: { type: 'string' },
    tier: { type: 'string' },
    seed: { type: 'string' },
    token: { type: 'string' },
    'search-lag-ms': { type: 'string' },
    'no-limits': { type: 'boolean' },
    'exit-on-stdin-close': { type: 'boolean' },
  },
  async run(ctx) {
    const o = ctx.options;
    const port = o.port === undefined ? 0 : Number(o.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number from 0 to 65535.');
    if (o.tier !== undefined && !isTier(o.tier)) throw new UsageError(`--tier must be one of ${TIERS.join(', ')}.`);
    const seed = o.seed === undefined ? 0 : Number(o.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a whole number of contacts (0 for none).');
    const lag = o['search-lag-ms'] === undefined ? 0 : Number(o['search-lag-ms']);
    if (!Number.isFinite(lag) || lag < 0) throw new UsageError('--search-lag-ms must be a number of milliseconds ≥ 0.');
    let token: { token: string; scopes?: string[] } | undefined;
    if (typeof o.token === 'string') {
      const [value, scopeList] = splitOnce(o.token, ':');
      if (!PAT.test(value)) throw new UsageError('--token must look like a private-app token: pat-na1-<uuid>, optionally followed by :scope,scope.');
      token = scopeList === undefined ? { token: value } : { token: value, scopes: scopeList.split(',').map((s) => s.trim()).filter(Boolean) };
    }
    // `--data` is the sandbox's own folder when given; otherwise <app data dir>/sandbox.
    const dataDir = typeof o.data === 'string' ? o.data : sandboxDataDir(ctx.dataDir);
    if (seed > 0) ctx.progress(`seeding ${seed} contacts…`);
    let sandbox;
    try {
      sandbox = await startSandbox({ dataDir, port, tier: o.tier as never, seed, token, searchLagMs: lag, limits: !o['no-limits'] });
    } catch (error) {
      if ((error as { code?: string }).code === 'EADDRINUSE') throw new AppError('conflict', `Port ${port} is already in use. Pick another with --port, or omit it to use a free one.`);
      throw error;
    }
    if (sandbox.seeded) ctx.progress(`seeded ${sandbox.seeded.contacts} contacts, ${sandbox.seeded.companies} companies, ${sandbox.seeded.deals} deals in ${sandbox.seeded.ms} ms`);
    if (sandbox.seedSkipped) ctx.progress(`note: ${sandbox.seedSkipped}`);
    // A restricted key with every permission, so the sandbox's Stripe account can be connected right away.
    const stripeKey = sandbox.stripe.createKey();
    if (!ctx.json) {
      ctx.progress(`HubSpot portal ${sandbox.portal.portalId} (${sandbox.portal.domain})${sandbox.token ? `, private-app token ${sandbox.token}` : ''}`);
      ctx.progress(`OAuth app: client id ${sandbox.oauthApp.clientId}, client secret ${sandbox.oauthApp.clientSecret}`);
      ctx.progress(`Stripe restricted key: ${stripeKey}`);
    }
    ctx.print(`sandbox listening on ${sandbox.url}`, {
      url: sandbox.url,
      port: sandbox.port,
      dataDir,
      portalId: sandbox.portal.portalId,
      portalDomain: sandbox.portal.domain,
      oauth: sandbox.oauthApp,
      token: sandbox.token ?? null,
      stripeKey,
      providers: sandbox.server.providers.map((p) => p.name),
      seeded: sandbox.seeded ?? null,
    });
    await ctx.stopped;
    await sandbox.close();
    return EXIT.ok;
  },
};

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i < 0 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
}
