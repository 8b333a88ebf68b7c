import type { Theme } from '../../../core/contract/app.ts';
import { errorMessage } from '../../api/client.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { useAppStore } from '../../state/store.ts';

const THEMES: Array<{ value: Theme; label: string }> = [
  { value: 'system', label: 'Match the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SettingsPage() {
  const info = useAppStore((s) => s.info);
  const theme = useAppStore((s) => s.preferences.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  const notify = useAppStore((s) => s.notify);
  return (
    <div className="page" data-testid="settings-page">
      <PageHeader title="Settings" subtitle="Preferences for this computer." />
      <section className="card">
        <h2 className="card-title">Appearance</h2>
        <fieldset className="radio-group">
          <legend className="field-label">Theme</legend>
          {THEMES.map((t) => (
            <label key={t.value} className="radio">
              <input
                type="radio"
                name="theme"
                value={t.value}
                checked={theme === t.value}
                onChange={() => setTheme(t.value).catch((e: unknown) => notify('error', errorMessage(e)))}
              />
              {t.label}
            </label>
          ))}
        </fieldset>
      </section>
      {info ? (
        <section className="card">
          <h2 className="card-title">About</h2>
          <dl className="facts">
            <dt>Version</dt>
            <dd>
              {info.name} {info.version}
            </dd>
            <dt>Running as</dt>
            <dd>{info.host === 'electron' ? 'Desktop app' : info.host === 'serve' ? 'Headless console (syncdesk serve)' : info.host}</dd>
            <dt>Data folder</dt>
            <dd>
              <code>{info.dataDir}</code>
            </dd>
            <dt>Secret storage</dt>
            <dd data-testid="secret-storage">
              {info.secretStorage.kind === 'keychain' ? 'OS keychain' : 'Memory only (this session)'}
              {info.secretStorage.warning ? <p className="muted">{info.secretStorage.warning}</p> : null}
            </dd>
            <dt>Platform</dt>
            <dd>{info.platform}</dd>
            <dt>Versions</dt>
            <dd>
              Node {info.versions.node}
              {info.versions.electron ? `, Electron ${info.versions.electron}` : ''}, SQLite {info.versions.sqlite}
            </dd>
          </dl>
        </section>
      ) : null}
    </div>
  );
}
