import type { ApiClient } from '../api/client.ts';
import type { AppStore } from './store.ts';

/** Carries out what the desktop menu asks for. */
export function bindMenuActions(api: ApiClient, store: AppStore): () => void {
  return api.on('app.onDidRequestAction', ({ action }) => {
    const state = store.getState();
    switch (action) {
      case 'newWorkspace':
        state.openDialog({ kind: 'createWorkspace' });
        break;
      case 'openSettings':
        state.navigate({ name: 'settings' });
        break;
      case 'openHealthBoard':
        state.navigate({ name: 'health' });
        break;
      case 'switchWorkspace':
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }));
        break;
    }
  });
}
