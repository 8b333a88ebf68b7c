import { useState } from 'react';
import type { JobDetail } from '../../../core/contract/push.ts';
import type { ExportedBundle } from '../../../core/contract/support.ts';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { useAppStore } from '../../state/store.ts';
import { downloadText } from '../../components/download.ts';

const kb = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/**
 * Report an issue: a support bundle of this job (one JSON file) to send to whoever helps. Secrets
 * are always removed; personal data is masked unless the operator unticks it.
 */
export function ReportDialog({ workspaceId, job, onClose }: { workspaceId: string; job: JobDetail; onClose(): void }) {
  const api = useAppStore((s) => s.api);
  const [note, setNote] = useState('');
  const [mask, setMask] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<ExportedBundle | null>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const bundle = await api.call('support.exportBundle', { workspaceId, jobId: job.jobId, mask, note });
      downloadText(bundle.text, bundle.fileName);
      setSaved(bundle);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Report an issue"
      onClose={onClose}
      onSubmit={() => (saved ? onClose() : void save())}
      testId="report-dialog"
      footer={
        saved ? (
          <button type="submit" className="btn btn-primary">
            Done
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              <Icon name="download" /> {busy ? 'Writing…' : 'Save support bundle'}
            </button>
          </>
        )
      }
    >
      {saved ? (
        <div className="report-saved" role="status" data-testid="report-saved">
          <p>
            <Icon name="check" /> Saved <strong>{saved.fileName}</strong> ({kb(saved.bytes)}).
          </p>
          <ul className="muted">
            <li>
              {saved.attempts} attempt{saved.attempts === 1 ? '' : 's'} with {saved.exchanges} HTTP call{saved.exchanges === 1 ? '' : 's'} (other leads' data taken out of batch calls)
            </li>
            <li>the mapping, push settings and {saved.properties} property definitions</li>
            <li>{saved.masked ? 'personal data masked with placeholders' : 'personal data included as it is'}; secrets removed</li>
          </ul>
          <p>Send the file to your support contact. They can import it in Sync History and replay the job.</p>
        </div>
      ) : (
        <>
          <p className="muted">
            Writes one file with this job, its {job.attemptDetails.length} attempt{job.attemptDetails.length === 1 ? '' : 's'} and HubSpot's answers, the mapping and settings, the
            definitions of the properties involved, and app and OS versions. Tokens, client secrets and Stripe keys are always removed.
          </p>
          <label className="field">
            <span className="field-label">What happened? (optional)</span>
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={4} maxLength={5000} placeholder="What you expected, what you saw, what you tried." />
          </label>
          <label className="checkbox-field">
            <input type="checkbox" checked={mask} onChange={(e) => setMask(e.target.checked)} />
            <span>
              <strong>Mask personal data</strong>
              <span className="field-hint">Names, emails, phones and free text become placeholders (the same person reads the same everywhere); dropdown, number and date values stay, since HubSpot checks them.</span>
            </span>
          </label>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </>
      )}
    </Dialog>
  );
}
