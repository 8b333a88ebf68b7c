import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { MenuAction } from '../../core/contract/app.ts';

export interface MenuDeps {
  request(action: MenuAction): void;
  dataDir: string;
  logsDir: string;
  isDev: boolean;
}

export function buildMenu(deps: MenuDeps): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Workspace…', accelerator: 'CmdOrCtrl+N', click: () => deps.request('newWorkspace') },
        { label: 'Switch Workspace…', accelerator: 'CmdOrCtrl+K', click: () => deps.request('switchWorkspace') },
        { type: 'separator' },
        { label: 'Health Board', accelerator: 'CmdOrCtrl+Shift+H', click: () => deps.request('openHealthBoard') },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => deps.request('openSettings') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(deps.isDev ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Open Data Folder', click: () => void shell.openPath(deps.dataDir) },
        { label: 'Open Logs Folder', click: () => void shell.openPath(deps.logsDir) },
        { type: 'separator' },
        { label: `Syncdesk ${app.getVersion()}`, enabled: false },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
