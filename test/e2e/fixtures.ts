import { test as base, expect, type Page } from '@playwright/test';
import { type ConsoleHost, startConsoleHost } from './console-host.ts';
import { HistoryPage } from './pages/history-page.ts';
import { ShellPage } from './pages/shell-page.ts';

interface Fixtures {
  /** Whether the host syncs on its schedule (and on connecting); off unless a test sets it with test.use. */
  schedule: boolean;
  /** A fresh `syncdesk serve` with its own data folder, for this test only. */
  host: ConsoleHost;
  /** The console opened in the browser, ready. */
  shell: ShellPage;
  /** The console with a workspace connected to the embedded sandbox portal (Try the sandbox), open. */
  sandboxWorkspace: ShellPage;
  history: HistoryPage;
}

export const test = base.extend<Fixtures>({
  schedule: [false, { option: true }],
  host: async ({ schedule }, use) => {
    const host = await startConsoleHost({ schedule });
    await use(host);
    await host.stop();
  },
  shell: async ({ page, host }, use) => {
    const shell = new ShellPage(page);
    await shell.open(host.url);
    await use(shell);
  },
  sandboxWorkspace: async ({ page, shell }, use) => {
    await page.getByTestId('try-sandbox').click();
    await expect(page.getByTestId('connection-banner')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
    await use(shell);
  },
  history: async ({ page }, use) => {
    await use(new HistoryPage(page));
  },
});

export { expect };
export type { Page };
