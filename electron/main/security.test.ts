import { beforeEach, describe, expect, it, vi } from 'vitest';

// The Electron binary can't run here; the module under test only needs shell.openExternal.
const opened: string[] = [];
vi.mock('electron', () => ({
  app: { on: vi.fn() },
  session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
  shell: { openExternal: async (url: string) => void opened.push(url) },
}));

const { openExternalSafely } = await import('./security.ts');
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
