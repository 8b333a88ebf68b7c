import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../electron-binary.ts';
import { ShellPage } from '../pages/shell-page.ts';

const binary = findElectronBinary();
const root = path.resolve(import.meta.dirname, '..', '..', '..');

test.skip(!binary, 'No Electron binary on this machine (it cannot be downloaded here); run where Electron is installed.');

test('the desktop app opens sandboxed, creates a workspace and keeps it after a restart', async () => {
  test.skip(!fs.existsSync(path.join(root, 'out/main/index.js')), 'Build first: npm run build');
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'syncdesk-electron-'));
  const launch = () => electron.launch({ executablePath: binary!, args: [root, `--user-data-dir=${userData}`] });

  let app = await launch();
  let window = await app.firstWindow();
  let shell = new ShellPage(window);
  await shell.waitReady();
  expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  expect(await window.evaluate(() => Object.keys((window as unknown as { app: object }).app).sort())).toEqual(['invoke', 'on']);
  expect(new URL(window.url()).protocol).toBe('app:');
  await shell.createWorkspace('Desktop Co');
  await app.close();

  app = await launch();
  window = await app.firstWindow();
  shell = new ShellPage(window);
  await shell.waitReady();
  await expect(shell.switcher).toContainText('Desktop Co');
  await app.close();
  fs.rmSync(userData, { recursive: true, force: true });
});
