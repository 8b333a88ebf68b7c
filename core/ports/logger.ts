import fs from 'node:fs';
import path from 'node:path';
import { redact } from '../secrets/redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

type Sink = (line: string) => void;

function createLogger(sink: Sink, minLevel: LogLevel, scope?: string): Logger {
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, message };
    if (scope) entry.scope = scope;
    if (fields) {
      for (const [k, v] of Object.entries(fields)) entry[k] = v instanceof Error ? describeError(v) : v;
    }
    // Redact the serialised line, so nothing nested escapes.
    sink(redact(JSON.stringify(entry)));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (child) => createLogger(sink, minLevel, scope ? `${scope}.${child}` : child),
  };
}

function describeError(error: Error): Record<string, unknown> {
  return { name: error.name, message: error.message, stack: error.stack?.split('\n').slice(0, 6).join('\n') };
}

const MAX_LOG_BYTES = 10 * 1024 * 1024;

/** JSON lines in `<dir>/syncdesk.log`, rotated at 10 MB (one previous file kept). */
export function createFileLogger(dir: string, minLevel: LogLevel = 'info'): Logger {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'syncdesk.log');
  let size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  return createLogger((line) => {
    if (size > MAX_LOG_BYTES) {
      fs.renameSync(file, `${file}.1`);
      size = 0;
    }
    const data = `${line}\n`;
    fs.appendFileSync(file, data);
    size += Buffer.byteLength(data);
  }, minLevel);
}

export function createStderrLogger(minLevel: LogLevel = 'warn'): Logger {
  return createLogger((line) => process.stderr.write(`${line}\n`), minLevel);
}

export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger((line) => lines.push(line), 'debug');
  return Object.assign(logger, { lines });
}

export const nullLogger: Logger = createLogger(() => {}, 'error');
