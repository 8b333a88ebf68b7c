import { beforeEach, describe, expect, it, vi } from 'vitest';

// The Electron binary can't run here; the module under test only needs shell.openExternal.
const opened: string[] = [];
const appHandlers = new Map<string, (...args: unknown[]) => void>();
const permission: { request?: (contents: unknown, name: string, callback: (granted: boolean) => void) => void; check?: (...args: unknown[]) => boolean } = {};
vi.mock('electron', () => ({
  app: { on: (event: string, handler: (...args: unknown[]) => void) => appHandlers.set(event, handler) },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler: typeof permission.request) => (permission.request = handler),
      setPermissionCheckHandler: (handler: typeof permission.check) => (permission.check = handler),
    },
  },
  shell: { openExternal: async (url: string) => void opened.push(url) },
}));

const { hardenWebContents, openExternalSafely } = await import('./security.ts');
const { sameOrigin } = await import('./ipc.ts');

beforeEach(() => {
  opened.length = 0;
});

describe('openExternalSafely', () => {
  it.each(['https://app.hubspot.com/contacts/123', 'https://dashboard.stripe.com/customers/cus_1', 'http://127.0.0.1:4010/oauth/authorize?x=1', 'http://localhost:4010/'])(
    'opens %s',
    async (url) => {
      expect(await openExternalSafely(url)).toBe(true);
      expect(opened).toEqual([new URL(url).toString()]);
    },
  );

  it.each([
    'http://app.hubspot.com/contacts', // not https
    'https://app.hubspot.com.evil.example/',
    'https://evil.example/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://server/share',
    'not a url',
  ])('refuses %s', async (url) => {
    expect(await openExternalSafely(url)).toBe(false);
    expect(opened).toEqual([]);
  });
});

describe('sameOrigin', () => {
  it('compares scheme and host, treating custom schemes properly', () => {
    expect(sameOrigin('app://renderer/index.html#/w/x', 'app://renderer')).toBe(true);
    expect(sameOrigin('app://other/index.html', 'app://renderer')).toBe(false);
    expect(sameOrigin('file:///index.html', 'app://renderer')).toBe(false);
    expect(sameOrigin('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(sameOrigin('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});

/** A stand-in WebContents that records the handlers the app installs on it. */
function fakeContents() {
  const handlers = new Map<string, (event: { preventDefault(): void }, ...args: unknown[]) => void>();
  let windowOpen: ((details: { url: string }) => { action: string }) | undefined;
  return {
    on: (event: string, handler: (event: { preventDefault(): void }, ...args: unknown[]) => void) => handlers.set(event, handler),
    setWindowOpenHandler: (handler: typeof windowOpen) => (windowOpen = handler),
    /** Fires an event; true when the app prevented it. */
    fire(event: string, ...args: unknown[]): boolean {
      let prevented = false;
      handlers.get(event)!({ preventDefault: () => (prevented = true) }, ...args);
      return prevented;
    },
    open: (url: string) => windowOpen!({ url }),
  };
}

describe('hardenWebContents (the security checklist on every web contents)', () => {
  hardenWebContents('app://renderer');
  const contents = fakeContents();
  appHandlers.get('web-contents-created')!({}, contents);

  it('keeps navigation and redirects inside the app', () => {
    expect(contents.fire('will-navigate', 'app://renderer/index.html#/health')).toBe(false);
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.fire('will-redirect', 'https://app.hubspot.com/')).toBe(true);
  });

  it('never opens a window: allowed links go to the system browser, others nowhere', async () => {
    expect(contents.open('https://app.hubspot.com/contacts/1')).toEqual({ action: 'deny' });
    expect(contents.open('https://evil.example/')).toEqual({ action: 'deny' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(opened).toEqual(['https://app.hubspot.com/contacts/1']);
  });

  it('refuses webviews and every permission', () => {
    expect(contents.fire('will-attach-webview', {}, {})).toBe(true);
    const answers: boolean[] = [];
    for (const name of ['media', 'notifications', 'geolocation', 'clipboard-read']) permission.request!(contents, name, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
    expect(permission.check!(contents, 'media', 'app://renderer', {})).toBe(false);
  });
});
