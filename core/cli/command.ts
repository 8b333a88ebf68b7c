import type { ParseArgsConfig } from 'node:util';
import type { AppErrorData } from '../contract/errors.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandContext {
  /** Positional arguments after the command (and subcommand) name. */
  args: string[];
  options: OptionValues;
  dataDir: string;
  json: boolean;
  /** Prints a result: `human` as text, or `value` as one JSON document with --json. */
  print(human: string, value?: unknown): void;
  /** Prints progress lines to stderr (never to stdout, which --json keeps parseable). */
  progress(line: string): void;
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM, or stdin closing with --exit-on-stdin-close). */
  stopped: Promise<void>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: OptionSpec;
  /** Returns the exit code. Throw an AppError for failures the user can act on. */
  run(ctx: CommandContext): Promise<number>;
}

/** Exit codes, stable for scripts. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function errorExitLine(error: AppErrorData): string {
  return `error (${error.code}): ${error.message}`;
}
