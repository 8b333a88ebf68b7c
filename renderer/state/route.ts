/** Where the operator is. Kept in the URL hash so reloads and Back work. */
export type Route =
  | { name: 'home' }
  | { name: 'health' }
  | { name: 'settings' }
  | { name: 'workspace'; workspaceId: string; page: string; param?: string };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'health') return { name: 'health' };
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'w' && parts[1]) {
    const route: Route = { name: 'workspace', workspaceId: parts[1], page: parts[2] ?? 'overview' };
    if (parts[3]) route.param = parts.slice(3).join('/');
    return route;
  }
  return { name: 'home' };
}

export function formatHash(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'health':
      return '#/health';
    case 'settings':
      return '#/settings';
    case 'workspace': {
      const base = `#/w/${encodeURIComponent(route.workspaceId)}/${encodeURIComponent(route.page)}`;
      return route.param ? `${base}/${route.param.split('/').map(encodeURIComponent).join('/')}` : base;
    }
  }
}
