// `npm test`: typecheck, lint, unit and contract tests, the desktop build, a packaging check and the
// browser end-to-end tests, then one summary line "N passed, N failed". Unit tests run inside a
// private D-Bus session with an unlocked gnome-keyring when the machine has them, so keytar is
// exercised against a real Secret Service.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

// Re-run this script inside its own session bus + keyring, once.
if (!process.env.SYNCDESK_IN_KEYRING && process.platform === 'linux' && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'syncdesk-keyring-'));
  const inner = 'echo -n syncdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" "$@"';
  const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, SYNCDESK_IN_KEYRING: '1', SYNCDESK_REQUIRE_KEYCHAIN: '1', XDG_DATA_HOME: xdg },
  });
  fs.rmSync(xdg, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}

fs.rmSync('test-results', { recursive: true, force: true });
fs.mkdirSync('test-results', { recursive: true });

interface Step {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  skip?: string | false;
  /** A test runner whose failures are counted from its JSON report (other steps count as one each). */
  reportsTests?: boolean;
}

const steps: Step[] = [
  { name: 'typecheck', command: process.execPath, args: ['node_modules/tsgo/bin/tsc', '-p', 'tsconfig.node.json'] },
  { name: 'typecheck (web)', command: process.execPath, args: ['node_modules/tsgo/bin/tsc', '-p', 'tsconfig.web.json'] },
  { name: 'lint', command: bin('eslint'), args: ['--max-warnings', '0', '.'] },
  { name: 'unit + contract tests', command: bin('vitest'), args: ['run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json'], reportsTests: true },
  { name: 'desktop build (electron-vite)', command: bin('electron-vite'), args: ['build'] },
  {
    name: 'packaging check (electron-builder --dir)',
    command: process.execPath,
    args: ['test/packaging/check-package.ts'],
    skip: process.env.SYNCDESK_SKIP_PACKAGE_CHECK ? 'SYNCDESK_SKIP_PACKAGE_CHECK is set' : false,
  },
  { name: 'browser end-to-end tests', command: bin('playwright'), args: ['test'], reportsTests: true },
];

const outcomes: Array<{ name: string; ok: boolean; seconds: number; skipped?: string; reportsTests?: boolean }> = [];
for (const step of steps) {
  if (step.skip) {
    outcomes.push({ name: step.name, ok: true, seconds: 0, skipped: step.skip });
    continue;
  }
  console.log(`\n━━ ${step.name} ━━`);
  const started = Date.now();
  const result = spawnSync(step.command, step.args, { stdio: 'inherit', env: { ...process.env, ...step.env } });
  outcomes.push({ name: step.name, ok: result.status === 0, seconds: (Date.now() - started) / 1000, reportsTests: step.reportsTests ?? false });
}

// Counts from the runners' JSON reports, and the first lines of every failure (so the tail of a CI log
// says what broke, not only that something did).
const failures: string[] = [];
const brief = (message: string) =>
  message
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, 12)
    .map((line) => `      ${line.slice(0, 200)}`)
    .join('\n');
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const vitest = JSON.parse(fs.readFileSync('test-results/vitest.json', 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults?: Array<{ name: string; message?: string; assertionResults?: Array<{ status: string; fullName: string; failureMessages?: string[] }> }>;
  };
  for (const file of vitest.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'failed') failures.push(`  ✗ ${path.relative('.', file.name)} › ${test.fullName}\n${brief(test.failureMessages?.join('\n') ?? '')}`);
    }
    if (!file.assertionResults?.length && file.message) failures.push(`  ✗ ${path.relative('.', file.name)}\n${brief(file.message)}`);
  }
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
} catch {
  // The step's own failure is reported below.
}
try {
  interface PwSuite {
    file?: string;
    suites?: PwSuite[];
    specs?: Array<{ title: string; file: string; line: number; tests: Array<{ projectName: string; status: string; results: Array<{ error?: { message?: string }; errors?: Array<{ message?: string }> }> }> }>;
  }
  const pw = JSON.parse(fs.readFileSync('test-results/playwright.json', 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number }; suites?: PwSuite[] };
  const walk = (suite: PwSuite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        if (test.status !== 'unexpected') continue;
        // A test timeout's own message says only that; the other errors name the action and line it was stuck on.
        const last = test.results.at(-1);
        const messages = last?.errors?.map((e) => e.message ?? '') ?? [last?.error?.message ?? ''];
        const message = messages.join('\n');
        failures.push(`  ✗ [${test.projectName}] ${spec.file}:${spec.line} › ${spec.title}\n${brief(message)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of pw.suites ?? []) walk(suite);
  passed += pw.stats.expected + pw.stats.flaky;
  failed += pw.stats.unexpected;
  skipped += pw.stats.skipped;
} catch {
  // idem
}

if (failures.length > 0) console.log(`\n━━ failures ━━\n${failures.join('\n')}`);
console.log('\n━━ summary ━━');
for (const o of outcomes) console.log(`${o.skipped ? 'skip' : o.ok ? ' ok ' : 'FAIL'}  ${o.name}${o.skipped ? ` (${o.skipped})` : ` (${o.seconds.toFixed(1)} s)`}`);
const stepFailures = outcomes.filter((o) => !o.ok);
// A failed runner with no failed test in its report (it crashed, or the report is missing) still counts.
const uncounted = stepFailures.filter((o) => !o.reportsTests || failed === 0).length;
console.log(`${passed} passed, ${failed + uncounted} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(stepFailures.length > 0 || failed > 0 ? 1 : 0);
