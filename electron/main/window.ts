import path from 'node:path';
import { BrowserWindow, screen } from 'electron';
import type { WindowState } from './adapters/electron-preferences.ts';
import { APP_ORIGIN } from './protocol.ts';

export interface MainWindowOptions {
  preloadPath: string;
  state: WindowState;
  onStateChange(state: WindowState): void;
  /** electron-vite's dev server URL while developing; the app:// origin otherwise. */
  devServerUrl?: string;
}

function visible(state: WindowState): boolean {
  if (state.x === undefined || state.y === undefined) return false;
  const { x, y, width, height } = state;
  return screen.getAllDisplays().some((d) => {
    const b = d.workArea;
    return x < b.x + b.width && x + width > b.x && y < b.y + b.height && y + height > b.y;
  });
}

/** The one window, with every item of Electron's security checklist that applies to a window. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { state } = options;
  const window = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(visible(state) ? { x: state.x!, y: state.y! } : {}),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Syncdesk',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true, // checklist #4
      contextIsolation: true, // #3
      nodeIntegration: false, // #2
      webSecurity: true, // #6
      allowRunningInsecureContent: false, // #8
      experimentalFeatures: false, // #9
      webviewTag: false, // #11
      spellcheck: false,
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  const save = () => {
    if (window.isDestroyed()) return;
    const bounds = window.getNormalBounds();
    options.onStateChange({ ...bounds, maximized: window.isMaximized() });
  };
  window.on('resized', save);
  window.on('moved', save);
  window.on('close', save);

  if (options.devServerUrl) void window.loadURL(options.devServerUrl);
  else void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

export function preloadPathFrom(mainDir: string): string {
  return path.join(mainDir, '..', 'preload', 'index.cjs');
}
