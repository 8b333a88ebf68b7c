import { describe, expect, it } from 'vitest';
import { registerIpc } from '../../electron/main/ipc.ts';
import { createPreloadBridge } from '../../electron/preload/bridge.ts';
import { createIpcTransport } from '../../renderer/api/ipc-transport.ts';
import { createTestServices } from '../harness/services.ts';
import { createFakeIpc } from './fake-ipc.ts';
import { describeTransportContract } from './transport-suite.ts';

const APP_ORIGIN = 'app://renderer';

function connect(frame: { url: string; parent: unknown } | null = { url: `${APP_ORIGIN}/index.html`, parent: null }) {
  const core = createTestServices();
  const ipc = createFakeIpc(frame);
  const dispose = registerIpc(ipc.ipcMain, { router: core.services.router, events: core.services.events, send: ipc.send, trustedOrigin: APP_ORIGIN });
  const transport = createIpcTransport(createPreloadBridge(ipc.ipcRenderer));
  return {
    transport,
    core,
    teardown: async () => {
      dispose();
      core.cleanup();
    },
  };
}

describeTransportContract('Electron IPC (main ipc.ts ↔ preload bridge.ts ↔ renderer ipc-transport.ts)', async () => connect());

describe('IPC sender validation', () => {
  it.each([
    ['another origin', { url: 'https://evil.example/index.html', parent: null }],
    ['a subframe of the app', { url: `${APP_ORIGIN}/index.html`, parent: {} }],
    ['a file:// page', { url: 'file:///tmp/x.html', parent: null }],
    ['no frame at all', null],
  ])('refuses calls from %s', async (_label, frame) => {
    const fixture = connect(frame);
    try {
      expect(await fixture.transport.invoke('workspaces.list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    } finally {
      await fixture.teardown();
    }
  });
});
