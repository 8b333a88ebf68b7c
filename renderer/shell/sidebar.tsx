import type { ReactNode } from 'react';
import { Icon, type IconName } from '../components/icons.tsx';
import { formatHash, type Route } from '../state/route.ts';
import { selectActiveWorkspaceId, useAppStore } from '../state/store.ts';
import { workspacePages } from './pages.ts';
import { WorkspaceSwitcher } from './workspace-switcher.tsx';

function NavLink({ route, icon, label, active, badge, describedBy }: { route: Route; icon: IconName; label: string; active: boolean; badge?: ReactNode; describedBy?: string }) {
  const navigate = useAppStore((s) => s.navigate);
  return (
    <a
      href={formatHash(route)}
      className={`nav-link${active ? ' is-active' : ''}`}
      aria-current={active ? 'page' : undefined}
      aria-describedby={describedBy}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(route);
      }}
    >
      <Icon name={icon} />
      <span>{label}</span>
      {badge}
    </a>
  );
}

export function Sidebar() {
  const route = useAppStore((s) => s.route);
  const workspaceId = useAppStore(selectActiveWorkspaceId);
  const hasWorkspace = useAppStore((s) => (workspaceId ? s.workspaces.some((w) => w.id === workspaceId) : false));
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Syncdesk</span>
      </div>
      <WorkspaceSwitcher />
      {workspaceId && hasWorkspace ? (
        <div className="nav-section" aria-label="Workspace">
          {workspacePages.map((page) => (
            <NavLink
              key={page.id}
              route={{ name: 'workspace', workspaceId, page: page.id }}
              icon={page.icon}
              label={page.label}
              active={route.name === 'workspace' && route.page === page.id}
              // The badge describes the link ("3 failed") without changing its name.
              badge={page.badge ? <page.badge workspaceId={workspaceId} id={`nav-badge-${page.id}`} /> : undefined}
              {...(page.badge ? { describedBy: `nav-badge-${page.id}` } : {})}
            />
          ))}
        </div>
      ) : null}
      <div className="nav-section nav-section-bottom" aria-label="App">
        <NavLink route={{ name: 'health' }} icon="health" label="Health board" active={route.name === 'health'} />
        <NavLink route={{ name: 'settings' }} icon="settings" label="Settings" active={route.name === 'settings'} />
      </div>
    </nav>
  );
}
