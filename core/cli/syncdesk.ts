#!/usr/bin/env node
// The `syncdesk` command. Runs TypeScript directly on Node >= 22.18 (type stripping).
import { runCli } from './run-cli.ts';

const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
  if (process.argv.includes('--exit-on-stdin-close')) {
    // Test harnesses pass a pipe as stdin; when the parent dies the pipe closes and we stop too.
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.resume();
  }
});

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stopped,
});
process.exitCode = code;
// Commands that finished should not linger on open handles (timers of SDKs, keychain D-Bus).
setTimeout(() => process.exit(code), 100).unref();
