import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu } from 'electron';
import { createServices, type Services } from '../../core/app/create-services.ts';
import { createFileLogger } from '../../core/ports/logger.ts';
import { openSecretStore } from '../../core/secrets/keytar-secret-store.ts';
import { dataPaths } from '../../core/store/app-db.ts';
import { toErrorData } from '../../core/errors.ts';
import { createElectronPreferences } from './adapters/electron-preferences.ts';
import { registerIpc } from './ipc.ts';
import { buildMenu } from './menu.ts';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './protocol.ts';
import { hardenWebContents, openExternalSafely } from './security.ts';
import { createMainWindow, preloadPathFrom } from './window.ts';

// The composition root of the desktop app: core's services with Electron's adapters.
const mainDir = import.meta.dirname;
const rendererDir = path.join(mainDir, '..', 'renderer');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const trustedOrigin = devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN;

app.setName('Syncdesk');
registerAppScheme();

let services: Services | undefined;
let mainWindow: BrowserWindow | undefined;

// One instance: a second launch focuses the first window (two processes on one SQLite folder would fight for locks).
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start, (error: unknown) => fail(error));
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  const logger = createFileLogger(dataPaths(dataDir).logsDir);
  try {
    hardenWebContents(trustedOrigin);
    serveRenderer(rendererDir);
    const prefs = createElectronPreferences();
    const secrets = await openSecretStore({ logger: logger.child('secrets') });
    services = createServices({
      dataDir,
      host: 'electron',
      secrets,
      preferences: prefs.preferences,
      logger,
      electronVersion: process.versions.electron,
      scheduleMirror: true,
      openExternal: async (url) => {
        if (!(await openExternalSafely(url))) throw new Error(`refused to open ${url}`);
      },
    });
    const window = createMainWindow({
      preloadPath: preloadPathFrom(mainDir),
      state: prefs.windowState(),
      onStateChange: prefs.saveWindowState,
      ...(devServerUrl ? { devServerUrl } : {}),
    });
    mainWindow = window;
    registerIpc(ipcMain, {
      router: services.router,
      events: services.events,
      trustedOrigin,
      send: (channel, event, payload) => {
        if (!window.isDestroyed()) window.webContents.send(channel, event, payload);
      },
    });
    const running = services;
    Menu.setApplicationMenu(
      buildMenu({
        request: (action) => running.events.emit('app.onDidRequestAction', { action }),
        dataDir,
        logsDir: dataPaths(dataDir).logsDir,
        isDev: !app.isPackaged,
      }),
    );
    window.on('closed', () => {
      mainWindow = undefined;
    });
  } catch (error) {
    logger.error('startup failed', { error });
    fail(error);
  }
}

function fail(error: unknown): void {
  // A corrupt or locked database must produce a message, not a silent crash.
  const data = toErrorData(error);
  const detail = data.code === 'internal' && error instanceof Error ? error.message : data.message;
  dialog.showErrorBox("Syncdesk couldn't start", detail);
  app.exit(1);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quitting waits (briefly) for running syncs to stop at a checkpoint, so the next start resumes cleanly.
let quitting = false;
app.on('before-quit', (event) => {
  const running = services;
  if (!running || quitting) return;
  event.preventDefault();
  quitting = true;
  services = undefined;
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, 5000));
  void Promise.race([running.shutdown(), deadline])
    .catch(() => running.close())
    .finally(() => app.quit());
});
