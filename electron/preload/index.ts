import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './bridge.ts';

// Sandboxed preload: bundled to one CommonJS file; exposes only `window.app.invoke` and `window.app.on`.
contextBridge.exposeInMainWorld('app', createPreloadBridge(ipcRenderer));
