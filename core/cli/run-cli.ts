import { parseArgs } from 'node:util';
import { APP_VERSION } from '../app/version.ts';
import { toErrorData, isAppError } from '../errors.ts';
import { defaultDataDir } from '../host/data-dir.ts';
import { type Command, type CommandContext, EXIT, type OptionSpec, type OptionValues, UsageError, errorExitLine } from './command.ts';
import { commands } from './commands/index.ts';

const GLOBAL_OPTIONS: OptionSpec = {
  data: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
};

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the process should stop. */
  stopped: Promise<void>;
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `syncdesk ${APP_VERSION}: offline-first console for HubSpot and Stripe`,
    '',
    'Usage: syncdesk <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes:',
    '  --data <dir>   data folder (default: the OS app-data folder, or $SYNCDESK_DATA_DIR)',
    '  --json         machine-readable output on stdout',
    '',
    'Exit codes: 0 ok, 1 failed, 2 usage error, 130 interrupted.',
    'Run `syncdesk <command> --help` for a command\'s options.',
  ].join('\n');
}

/** The command is the first argument that is neither an option nor a global option's value. */
function findCommandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data') {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return i;
  }
  return -1;
}

/** Runs one CLI invocation and returns its exit code. Separate from process wiring so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const commandIndex = findCommandIndex(argv);
  const commandName = commandIndex >= 0 ? argv[commandIndex] : undefined;
  const command: Command | undefined = commands.find((c) => c.name === commandName);
  const wantsJson = argv.includes('--json');

  if (!commandName || commandName === 'help') {
    if (argv.includes('--version')) {
      io.stdout(`${APP_VERSION}\n`);
      return EXIT.ok;
    }
    io.stdout(`${helpText()}\n`);
    return commandName || argv.includes('--help') || argv.includes('-h') ? EXIT.ok : EXIT.usage;
  }
  if (!command) {
    io.stderr(`Unknown command "${commandName}".\n\n${helpText()}\n`);
    return EXIT.usage;
  }

  let options: OptionValues;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: argv.filter((_, i) => i !== commandIndex),
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    options = parsed.values as OptionValues;
    positionals = parsed.positionals;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\nUsage: ${command.usage}\n`);
    return EXIT.usage;
  }
  if (options.help) {
    io.stdout(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return EXIT.ok;
  }

  const json = Boolean(options.json);
  const ctx: CommandContext = {
    args: positionals,
    options,
    dataDir: typeof options.data === 'string' ? options.data : defaultDataDir(),
    json,
    print(human, value) {
      io.stdout(json ? `${JSON.stringify(value ?? human)}\n` : `${human}\n`);
    },
    progress(line) {
      io.stderr(`${line}\n`);
    },
    stopped: io.stopped,
  };

  try {
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\nUsage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const data = toErrorData(error);
    if (!isAppError(error)) io.stderr(`${(error as Error)?.stack ?? String(error)}\n`);
    if (wantsJson) io.stdout(`${JSON.stringify({ ok: false, error: data })}\n`);
    io.stderr(`${errorExitLine(data)}\n`);
    return EXIT.failed;
  }
}
