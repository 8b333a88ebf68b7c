import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { PreloadBridge } from '../core/contract/transport.ts';
import { TOKEN_PARAM } from '../core/contract/wire.ts';
import { createApiClient } from './api/client.ts';
import { createIpcTransport } from './api/ipc-transport.ts';
import { consoleSocketUrl, createWsTransport } from './api/ws-transport.ts';
import { AppShell } from './shell/app-shell.tsx';
import { bindEvents, loadInitialData } from './state/bind-events.ts';
import { bindMenuActions } from './state/menu-actions.ts';
import { parseHash } from './state/route.ts';
import { createAppStore, StoreContext } from './state/store.ts';
import './styles/app.css';

// Desktop: the preload's bridge. Browser (`syncdesk serve`, tests): a WebSocket to the host.
const bridge = (window as unknown as { app?: PreloadBridge }).app;
const transport = bridge ? createIpcTransport(bridge) : createWsTransport({ url: consoleSocketUrl(window.location) });

if (!bridge && new URLSearchParams(window.location.search).has(TOKEN_PARAM)) {
  // The host set a cookie with the token; keep it out of the address bar, history and screenshots.
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`);
}

const api = createApiClient(transport);
const store = createAppStore(api);
bindEvents(api, store);
bindMenuActions(api, store);
void loadInitialData(store);
window.addEventListener('popstate', () => store.getState().applyRoute(parseHash(window.location.hash)));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <AppShell />
    </StoreContext.Provider>
  </StrictMode>,
);
