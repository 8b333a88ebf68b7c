import { useEffect } from 'react';
import { Toasts } from '../components/toasts.tsx';
import { HealthBoardPage } from '../features/health/health-board-page.tsx';
import { SettingsPage } from '../features/settings/settings-page.tsx';
import { WelcomePage } from '../features/workspaces/welcome-page.tsx';
import { WorkspaceDialogs } from '../features/workspaces/workspace-dialogs.tsx';
import { selectCurrentWorkspace, useAppStore } from '../state/store.ts';
import { BannerArea } from './banners.tsx';
import { workspacePages } from './pages.ts';
import { Sidebar } from './sidebar.tsx';

function useTheme() {
  const theme = useAppStore((s) => s.preferences.theme);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      document.documentElement.dataset.theme = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

function MainContent() {
  const route = useAppStore((s) => s.route);
  const workspace = useAppStore(selectCurrentWorkspace);
  if (route.name === 'health') return <HealthBoardPage />;
  if (route.name === 'settings') return <SettingsPage />;
  if (route.name === 'workspace') {
    if (!workspace) {
      return (
        <div className="page">
          <p className="muted">This workspace no longer exists.</p>
        </div>
      );
    }
    const page = workspacePages.find((p) => p.id === route.page) ?? workspacePages[0]!;
    const Page = page.component;
    return <Page workspace={workspace} {...(route.param ? { param: route.param } : {})} />;
  }
  return <WelcomePage />;
}

export function AppShell() {
  useTheme();
  const ready = useAppStore((s) => s.ready);
  const bootError = useAppStore((s) => s.bootError);
  const workspace = useAppStore(selectCurrentWorkspace);

  if (!ready) {
    return (
      <div className="boot" data-app-state={bootError ? 'error' : 'loading'}>
        {bootError ? (
          <div className="boot-error" role="alert">
            <h1>Syncdesk couldn't start</h1>
            <p>{bootError}</p>
          </div>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    );
  }

  return (
    <div className="app" data-app-state="ready">
      <Sidebar />
      <main className="main">
        <BannerArea workspace={workspace} />
        <div className="content">
          <MainContent />
        </div>
      </main>
      <WorkspaceDialogs />
      <Toasts />
    </div>
  );
}
