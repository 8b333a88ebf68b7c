import { describe, expect, it } from 'vitest';
import { formatHash, parseHash, type Route } from './route.ts';

describe('routes', () => {
  it.each<Route>([
    { name: 'home' },
    { name: 'health' },
    { name: 'settings' },
    { name: 'workspace', workspaceId: 'wabc', page: 'overview' },
    { name: 'workspace', workspaceId: 'wabc', page: 'records', param: 'contacts/123' },
  ])('round-trips %j', (route) => {
    expect(parseHash(formatHash(route))).toEqual(route);
  });

  it('falls back to home for unknown hashes and defaults the page', () => {
    expect(parseHash('#/nonsense')).toEqual({ name: 'home' });
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/w/wabc')).toEqual({ name: 'workspace', workspaceId: 'wabc', page: 'overview' });
  });
});
