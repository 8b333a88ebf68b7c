import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../api/client.ts';
import { createAppStore, StoreContext } from '../../state/store.ts';
import { createFakeTransport } from '../../testing/fake-transport.ts';
import { WorkspaceDialogs } from './workspace-dialogs.tsx';

// happy-dom has no modal dialog support; give <dialog> the two methods the component calls.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.setAttribute('open', '');
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.removeAttribute('open');
};

function renderWith(store: ReturnType<typeof createAppStore>) {
  return render(
    <StoreContext.Provider value={store}>
      <WorkspaceDialogs />
    </StoreContext.Provider>,
  );
}

describe('workspace dialogs', () => {
  it('shows core\'s refusal inline and keeps the dialog open', async () => {
    const fake = createFakeTransport({
      'workspaces.create': () => fake.failWith({ code: 'conflict', message: 'A workspace named "Acme" already exists.', retryable: false }),
    });
    const store = createAppStore(createApiClient(fake.transport));
    store.setState({ dialog: { kind: 'createWorkspace' } });
    renderWith(store);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Acme' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Create workspace' }));
    });
    expect(screen.getByRole('alert').textContent).toContain('already exists');
    expect(store.getState().dialog).toEqual({ kind: 'createWorkspace' });
  });

  it('enables delete only when the name is typed exactly', () => {
    const fake = createFakeTransport({});
    const store = createAppStore(createApiClient(fake.transport));
    store.setState({
      workspaces: [{ id: 'waaaaaaaaaaaa', name: 'Acme', kind: 'hubspot', createdAt: '', updatedAt: '' }],
      dialog: { kind: 'deleteWorkspace', workspaceId: 'waaaaaaaaaaaa' },
    });
    renderWith(store);
    const button = screen.getByRole('button', { name: 'Delete workspace' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Workspace name to confirm'), { target: { value: 'acme' } });
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Workspace name to confirm'), { target: { value: 'Acme' } });
    expect(button.disabled).toBe(false);
  });
});
