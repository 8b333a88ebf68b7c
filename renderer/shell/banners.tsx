import type { Workspace } from '../../core/contract/workspaces.ts';
import { Icon } from '../components/icons.tsx';
import { useAppStore } from '../state/store.ts';
import { workspaceBanners } from './pages.ts';

/** The banner area: host reachability and secret storage for everyone, then the workspace's own banners. */
export function BannerArea({ workspace }: { workspace: Workspace | undefined }) {
  const transportStatus = useAppStore((s) => s.transportStatus);
  const secretWarning = useAppStore((s) => (s.info?.secretStorage.kind === 'memory' ? s.info.secretStorage.warning ?? 'Secrets are kept in memory only.' : null));
  return (
    <div className="banner-area" data-testid="banner-area">
      {transportStatus !== 'open' ? (
        <div className="banner banner-error" role="alert" data-testid="host-banner">
          <Icon name="warning" />
          <span>
            {transportStatus === 'connecting' ? 'Connecting to the Syncdesk host…' : 'Lost the connection to the Syncdesk host. Reconnecting…'}
          </span>
        </div>
      ) : null}
      {secretWarning ? (
        <div className="banner banner-warning" data-testid="secrets-banner">
          <Icon name="key" />
          <span>{secretWarning}</span>
        </div>
      ) : null}
      {workspace ? workspaceBanners.map((Banner, i) => <Banner key={i} workspace={workspace} />) : null}
    </div>
  );
}
