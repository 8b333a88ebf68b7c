import readline from 'node:readline';
import type { MethodName } from '../../contract/api.ts';
import { BaseUrl, type OAuthAttempt, type OAuthEnded, type WorkspaceConnections } from '../../contract/connections.ts';
import { AppError } from '../../errors.ts';
import type { Services } from '../../app/create-services.ts';
import { createHeadlessServices } from '../../host/headless-host.ts';
import { type Command, type CommandContext, EXIT, UsageError } from '../command.ts';

const NO_KEYCHAIN_FIX =
  'A connection made by this one-shot command would be lost when it exits, so nothing was changed. On machines without a keychain, run `syncdesk serve` and connect from the console: it keeps the secrets in memory for as long as it runs.';

/** Calls core through the router, so the CLI validates input exactly as the UI does. */
async function invoke<T>(services: Services, method: MethodName, input: unknown): Promise<T> {
  const result = await services.router.handle(method, input, { client: 'cli' });
  if (!result.ok) throw new AppError(result.error.code, result.error.message, { retryable: result.error.retryable, ...(result.error.details ? { details: result.error.details } : {}) });
  return result.value as T;
}

function requireWorkspace(ctx: CommandContext): string {
  const value = ctx.options.workspace;
  if (typeof value !== 'string' || !value) throw new UsageError('--workspace <id> is required (see `syncdesk workspace list`).');
  return value;
}

function baseUrl(ctx: CommandContext, option: string): string | undefined {
  const value = ctx.options[option];
  if (value === undefined) return undefined;
  const parsed = BaseUrl.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${option}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Everything piped on stdin, trimmed: secrets never travel as arguments when this is used. */
async function readStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(`Pipe the ${what} on stdin (e.g. \`pass show hubspot | syncdesk …\`), or leave the -stdin option out to be asked for it.`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString('utf8').trim();
  if (!value) throw new UsageError(`Nothing arrived on stdin for the ${what}.`);
  return value;
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask on: pass the client secret with --client-secret-stdin.');
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput(text: string): void };
    let asked = false;
    output._writeToOutput = (text: string) => {
      if (!asked) {
        process.stderr.write(text);
        asked = true;
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer.trim());
    });
  });
}

function refuseWithoutKeychain(services: Services): void {
  const status = services.secrets.status();
  if (status.kind === 'memory') {
    throw new AppError('secrets_unavailable', `${status.warning ?? 'This machine has no OS keychain.'} ${NO_KEYCHAIN_FIX}`, { retryable: false });
  }
}

function scopesLine(view: WorkspaceConnections['hubspot']): string {
  if (!view.scopes) return '';
  const { required, missingRequired, optional, missingOptional } = view.scopes;
  const requiredPart = missingRequired.length ? `missing ${missingRequired.length} of ${required.length} required (${missingRequired.join(', ')})` : `all ${required.length} required granted`;
  const optionalPart = missingOptional.length ? `optional missing: ${missingOptional.join(', ')}` : `optional ${optional.length}/${optional.length}`;
  return `${requiredPart}; ${optionalPart}`;
}

const STATE_WORD = { connected: 'Connected', reauthorize: 'Reauthorize', disconnected: 'Disconnected' } as const;

export function describeConnections(view: WorkspaceConnections, workspaceName: string, secretStorage: string): string {
  const h = view.hubspot;
  const s = view.stripe;
  const lines = [`Workspace ${workspaceName} (${view.workspaceId})`];
  if (h.state === 'connected' && h.portal) {
    const p = h.portal;
    lines.push(
      `HubSpot   Connected: portal ${p.portalId}${p.domain ? ` (${p.domain})` : ''}, ${h.authKind === 'oauth' ? 'OAuth' : 'private app'}${p.timeZone ? `, ${p.timeZone}` : ''}${p.region ? `, ${p.region}` : ''}`,
      `          scopes: ${scopesLine(h)}`,
    );
  } else {
    lines.push(`HubSpot   ${STATE_WORD[h.state]}: ${h.reason ?? ''}`);
  }
  lines.push(`          last verified: ${h.lastVerifiedAt ?? 'never'}${h.lastCheck && !h.lastCheck.ok ? ` (last check failed: ${h.lastCheck.message})` : ''}`);
  lines.push(`          API base: ${h.settings.apiBase}`);
  if (s.state === 'connected') {
    const granted = s.permissions?.filter((p) => p.granted).length ?? 0;
    lines.push(`Stripe    Connected: ${s.keyKind} key, ${s.livemode ? 'live' : 'test'} mode, ${granted}/${s.permissions?.length ?? 0} permissions`);
  } else {
    lines.push(`Stripe    ${STATE_WORD[s.state]}: ${s.reason ?? ''}`);
  }
  lines.push(`Secrets   ${secretStorage}`);
  return lines.join('\n');
}

const secretStorageLine = (services: Services) => {
  const status = services.secrets.status();
  return status.kind === 'keychain' ? 'OS keychain' : `memory only: ${status.warning ?? 'no keychain on this machine'}`;
};

async function connectHubSpot(ctx: CommandContext, services: Services, workspaceId: string): Promise<number> {
  const apiBase = baseUrl(ctx, 'api-base');
  const authBase = baseUrl(ctx, 'auth-base');
  const wantsOAuth = Boolean(ctx.options.oauth);
  const token = typeof ctx.options.token === 'string' ? ctx.options.token : ctx.options['token-stdin'] ? await readStdin('private app token') : undefined;
  if (wantsOAuth === (token !== undefined)) throw new UsageError('Give either --token <pat> (or --token-stdin) for a private app, or --oauth for a HubSpot app.');
  const workspace = services.workspaces.get(workspaceId);
  refuseWithoutKeychain(services);

  if (token !== undefined) {
    ctx.progress(`Checking the token against ${apiBase ?? services.connections.view(workspaceId).hubspot.settings.apiBase}…`);
    const view = await invoke<WorkspaceConnections>(services, 'connections.connectHubSpotToken', { workspaceId, token, apiBase });
    ctx.print(describeConnections(view, workspace.name, secretStorageLine(services)), view);
    return EXIT.ok;
  }

  const stored = services.connections.view(workspaceId).hubspot.settings;
  const clientId = typeof ctx.options['client-id'] === 'string' ? ctx.options['client-id'] : (stored.clientId ?? undefined);
  if (!clientId) throw new UsageError('--client-id <id> is required the first time (HubSpot → Development → your app → Auth).');
  let clientSecret: string | undefined;
  if (ctx.options['client-secret-stdin']) clientSecret = await readStdin('client secret');
  else if (!stored.hasClientSecret || typeof ctx.options['client-id'] === 'string') clientSecret = await promptHidden('HubSpot app client secret (kept in the keychain): ');
  if (clientSecret === '') throw new UsageError('The client secret is empty.');

  const outcome = new Promise<OAuthEnded>((resolve) => {
    const stop = services.events.subscribe((event, payload) => {
      const ended = payload as OAuthEnded;
      if (event === 'connections.onDidEndOAuth' && ended.workspaceId === workspaceId) {
        stop();
        resolve(ended);
      }
    });
  });
  const attempt = await invoke<OAuthAttempt>(services, 'connections.startHubSpotOAuth', { workspaceId, clientId, clientSecret, apiBase, authBase });
  ctx.progress(`Open this address in a browser to authorize Syncdesk in HubSpot:\n\n  ${attempt.authorizeUrl}\n`);
  ctx.progress(`Waiting for HubSpot on ${attempt.redirectUri} until ${new Date(attempt.expiresAt).toLocaleTimeString()} (Ctrl+C cancels)…`);
  const ended = await Promise.race([outcome, ctx.stopped.then(() => null)]);
  if (!ended) {
    services.connections.cancelHubSpotOAuth({ workspaceId });
    ctx.progress('Cancelled. Nothing was connected.');
    return EXIT.interrupted;
  }
  if (ended.outcome !== 'connected') {
    throw new AppError(ended.error?.code ?? 'unauthorized', ended.message, { retryable: false, ...(ended.error?.details ? { details: ended.error.details } : {}) });
  }
  const view = services.connections.view(workspaceId);
  ctx.print(`${ended.message}\n\n${describeConnections(view, workspace.name, secretStorageLine(services))}`, view);
  return EXIT.ok;
}

async function connectStripe(ctx: CommandContext, services: Services, workspaceId: string): Promise<number> {
  const apiBase = baseUrl(ctx, 'api-base');
  const key = typeof ctx.options.key === 'string' ? ctx.options.key : ctx.options['key-stdin'] ? await readStdin('Stripe key') : undefined;
  if (key === undefined) throw new UsageError('Give the restricted key with --key <rk_…> or --key-stdin.');
  const workspace = services.workspaces.get(workspaceId);
  refuseWithoutKeychain(services);
  ctx.progress('Checking the key’s permissions…');
  const view = await invoke<WorkspaceConnections>(services, 'connections.connectStripe', { workspaceId, key, apiBase });
  ctx.print(describeConnections(view, workspace.name, secretStorageLine(services)), view);
  return EXIT.ok;
}

/** Runs `fn` with headless services whose OAuth browser step prints the address (the CLI has no browser to open). */
async function withServices(ctx: CommandContext, fn: (services: Services) => Promise<number>): Promise<number> {
  const services = await createHeadlessServices({
    dataDir: ctx.dataDir,
    host: 'cli',
    openExternal: async () => {
      // The command prints the address itself, with instructions.
    },
  });
  try {
    return await fn(services);
  } finally {
    await services.connections.close();
    services.close();
  }
}

export const connectCommand: Command = {
  name: 'connect',
  summary: 'Connect a workspace to HubSpot (private app token or OAuth) or Stripe (restricted key)',
  usage: [
    'syncdesk connect hubspot --workspace <id> (--token <pat> | --token-stdin) [--api-base <url>]',
    'syncdesk connect hubspot --workspace <id> --oauth [--client-id <id>] [--client-secret-stdin] [--api-base <url>] [--auth-base <url>]',
    'syncdesk connect stripe --workspace <id> (--key <rk_…> | --key-stdin) [--api-base <url>]',
  ].join('\n       '),
  options: {
    workspace: { type: 'string' },
    token: { type: 'string' },
    'token-stdin': { type: 'boolean' },
    oauth: { type: 'boolean' },
    'client-id': { type: 'string' },
    'client-secret-stdin': { type: 'boolean' },
    key: { type: 'string' },
    'key-stdin': { type: 'boolean' },
    'api-base': { type: 'string' },
    'auth-base': { type: 'string' },
  },
  async run(ctx) {
    const [provider] = ctx.args;
    if (provider !== 'hubspot' && provider !== 'stripe') throw new UsageError(`Connect what? Use \`syncdesk connect hubspot …\` or \`syncdesk connect stripe …\`.`);
    if (provider === 'stripe' && (ctx.options.oauth || ctx.options.token !== undefined || ctx.options['auth-base'] !== undefined)) {
      throw new UsageError('Stripe connects with a restricted key only: --key <rk_…> or --key-stdin.');
    }
    const workspaceId = requireWorkspace(ctx);
    return withServices(ctx, (services) => (provider === 'hubspot' ? connectHubSpot(ctx, services, workspaceId) : connectStripe(ctx, services, workspaceId)));
  },
};

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show a workspace’s HubSpot and Stripe connections (add --check to verify them now)',
  usage: 'syncdesk status --workspace <id> [--check] [--json]',
  options: { workspace: { type: 'string' }, check: { type: 'boolean' } },
  async run(ctx) {
    const workspaceId = requireWorkspace(ctx);
    return withServices(ctx, async (services) => {
      const workspace = services.workspaces.get(workspaceId);
      const view = await invoke<WorkspaceConnections>(services, ctx.options.check ? 'connections.check' : 'connections.get', { workspaceId });
      ctx.print(describeConnections(view, workspace.name, secretStorageLine(services)), { ...view, secretStorage: services.secrets.status() });
      return EXIT.ok;
    });
  },
};

export const disconnectCommand: Command = {
  name: 'disconnect',
  summary: 'Disconnect HubSpot (revoking the OAuth grant) or Stripe, deleting the stored secrets',
  usage: 'syncdesk disconnect hubspot|stripe --workspace <id>',
  options: { workspace: { type: 'string' } },
  async run(ctx) {
    const [provider] = ctx.args;
    if (provider !== 'hubspot' && provider !== 'stripe') throw new UsageError('Disconnect what? Use `syncdesk disconnect hubspot` or `syncdesk disconnect stripe`.');
    const workspaceId = requireWorkspace(ctx);
    return withServices(ctx, async (services) => {
      const workspace = services.workspaces.get(workspaceId);
      const view = await invoke<WorkspaceConnections>(services, 'connections.disconnect', { workspaceId, provider });
      ctx.print(`Disconnected ${provider === 'hubspot' ? 'HubSpot' : 'Stripe'} from ${workspace.name}.`, view);
      return EXIT.ok;
    });
  },
};
