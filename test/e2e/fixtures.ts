import { test as base, expect, type Page } from '@playwright/test';
import { type ConsoleHost, startConsoleHost } from './console-host.ts';
import { ShellPage } from './pages/shell-page.ts';

interface Fixtures {
  /** A fresh `syncdesk serve` with its own data folder, for this test only. */
  host: ConsoleHost;
  /** The console opened in the browser, ready. */
  shell: ShellPage;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const host = await startConsoleHost();
    await use(host);
    await host.stop();
  },
  shell: async ({ page, host }, use) => {
    const shell = new ShellPage(page);
    await shell.open(host.url);
    await use(shell);
  },
});

export { expect };
export type { Page };
