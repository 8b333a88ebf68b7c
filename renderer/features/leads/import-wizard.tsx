import { type DragEvent, useEffect, useRef, useState } from 'react';
import type { ColumnAssignment, CsvSettings, ImportPreview, ImportStatus } from '../../../core/contract/leads.ts';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { useAppStore } from '../../state/store.ts';
import { downloadCsv } from '../../components/download.ts';

type Step = 'file' | 'preview' | 'columns' | 'importing' | 'done';
const STEPS: Array<{ id: Step; label: string }> = [
  { id: 'file', label: 'File' },
  { id: 'preview', label: 'Preview' },
  { id: 'columns', label: 'Columns' },
  { id: 'importing', label: 'Import' },
];

const ENCODINGS: Array<{ value: CsvSettings['encoding']; label: string }> = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'windows-1252', label: 'Windows-1252 (Latin-1)' },
  { value: 'utf-16le', label: 'UTF-16 LE' },
  { value: 'utf-16be', label: 'UTF-16 BE' },
];
const DELIMITERS: Array<{ value: CsvSettings['delimiter']; label: string }> = [
  { value: ',', label: 'Comma ,' },
  { value: ';', label: 'Semicolon ;' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe |' },
];
const NEW_FIELD = '__new__';
const fmt = (n: number) => n.toLocaleString();
const size = (bytes: number) => (bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${fmt(Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function duration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * Import a CSV: pick or drop a file → preview with the detected encoding, delimiter and header
 * (changeable) → assign columns to lead fields → the import runs in core with progress and
 * Cancel → a summary with the flagged rows, their report, and a way to see them.
 */
export function ImportWizard({ workspaceId, onClose, onShowFlagged }: { workspaceId: string; onClose(): void; onShowFlagged(importId: string): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const [step, setStep] = useState<Step>('file');
  const [error, setError] = useState<string | null>(null);
  const [upload, setUpload] = useState<{ name: string; sent: number; size: number } | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [assignments, setAssignments] = useState<Array<string | null>>([]);
  const [newFieldLabels, setNewFieldLabels] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const cancelledUpload = useRef(false);
  const progress = useAppStore((s) => (importId ? s.leads.imports[importId] : undefined));
  const [final, setFinal] = useState<ImportStatus | null>(null);

  useEffect(() => {
    if (step === 'importing' && progress && progress.state !== 'running') {
      setFinal(progress);
      setStep('done');
    }
  }, [step, progress]);

  const close = () => {
    if (importId && (step === 'preview' || step === 'columns' || (step === 'file' && upload))) void api.invoke('leads.importCancel', { importId });
    cancelledUpload.current = true;
    onClose();
  };

  const choose = async (file: File) => {
    setError(null);
    cancelledUpload.current = false;
    setUpload({ name: file.name, sent: 0, size: file.size });
    try {
      const begun = await api.call('leads.importBegin', { workspaceId, fileName: file.name, size: file.size });
      setImportId(begun.importId);
      for (let offset = 0; offset < file.size; offset += begun.chunkBytes) {
        if (cancelledUpload.current) return;
        const bytes = new Uint8Array(await file.slice(offset, offset + begun.chunkBytes).arrayBuffer());
        await api.call('leads.importChunk', { importId: begun.importId, offset, data: toBase64(bytes) });
        setUpload({ name: file.name, sent: Math.min(file.size, offset + bytes.length), size: file.size });
      }
      const first = await api.call('leads.importPreview', { importId: begun.importId });
      setPreview(first);
      setAssignments(first.assignments.map((a) => a.target));
      setStep('preview');
    } catch (e) {
      setError(errorMessage(e));
      setUpload(null);
    }
  };

  const reread = async (change: Partial<CsvSettings>) => {
    if (!importId || !preview) return;
    setBusy(true);
    setError(null);
    try {
      const next = await api.call('leads.importPreview', { importId, settings: { ...preview.settings, ...change } });
      setPreview(next);
      setAssignments(next.assignments.map((a) => a.target));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    if (!importId || !preview) return;
    setBusy(true);
    setError(null);
    try {
      const list: ColumnAssignment[] = assignments.map((target, column) => ({ column, target: target === NEW_FIELD ? null : target }));
      const newFields = Object.entries(newFieldLabels)
        .filter(([column]) => assignments[Number(column)] === NEW_FIELD)
        .map(([column, label]) => ({ column: Number(column), label: label.trim() || preview.columns[Number(column)]!.header, type: 'text' as const }));
      await api.call('leads.importCommit', { importId, settings: preview.settings, assignments: list, newFields });
      setStep('importing');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void choose(file);
  };

  const assigned = assignments.filter((t) => t !== null).length;
  const targetTaken = (key: string, column: number) => assignments.some((t, i) => t === key && i !== column);

  const footer = (() => {
    switch (step) {
      case 'file':
        return (
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
        );
      case 'preview':
        return (
          <>
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => setStep('columns')}>
              Next: assign columns
            </button>
          </>
        );
      case 'columns':
        return (
          <>
            <button type="button" className="btn" onClick={() => setStep('preview')}>
              Back
            </button>
            <button type="button" className="btn btn-primary" disabled={busy || assigned === 0} onClick={() => void start()} data-testid="import-start">
              Import {preview ? `~${fmt(preview.estimatedRows)} rows` : ''}
            </button>
          </>
        );
      case 'importing':
        return (
          <button type="button" className="btn" onClick={() => importId && void api.invoke('leads.importCancel', { importId })}>
            Cancel import
          </button>
        );
      case 'done':
        return (
          <>
            {final && final.flagged > 0 ? (
              <>
                <button
                  type="button"
                  className="btn"
                  onClick={() =>
                    importId &&
                    void downloadCsv((after) => api.call('leads.importReport', { importId, workspaceId, ...(after ? { after } : {}) }), `import-report-${final.fileName.replace(/\.[^.]+$/, '')}.csv`).catch(
                      (e: unknown) => notify('error', errorMessage(e)),
                    )
                  }
                >
                  <Icon name="download" /> Download report
                </button>
                <button type="button" className="btn" onClick={() => importId && onShowFlagged(importId)} data-testid="show-flagged">
                  <Icon name="flag" /> Show flagged leads
                </button>
              </>
            ) : null}
            <button type="button" className="btn btn-primary" onClick={onClose}>
              Done
            </button>
          </>
        );
    }
  })();

  return (
    <Dialog title="Import leads from CSV" testId="import-wizard" wide onClose={step === 'importing' ? () => {} : close} footer={footer}>
      <ol className="stepper" aria-label="Import steps">
        {STEPS.map((s, i) => {
          const index = STEPS.findIndex((x) => x.id === (step === 'done' ? 'importing' : step));
          return (
            <li key={s.id} className={i < index || step === 'done' ? 'is-done' : i === index ? 'is-current' : ''} aria-current={i === index ? 'step' : undefined}>
              <span className="stepper-dot">{i < index || step === 'done' ? <Icon name="check" size={12} /> : i + 1}</span>
              {s.label}
            </li>
          );
        })}
      </ol>

      {step === 'file' ? (
        <div
          className={`dropzone${dragging ? ' is-dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          {upload ? (
            <div className="upload-progress">
              <p>
                Uploading <strong>{upload.name}</strong>…
              </p>
              <progress max={upload.size || 1} value={upload.sent} />
              <p className="muted">
                {size(upload.sent)} of {size(upload.size)}
              </p>
            </div>
          ) : (
            <>
              <Icon name="upload" size={28} />
              <p className="dropzone-title">Drop a CSV file here</p>
              <p className="muted">Comma, semicolon, tab or pipe separated; UTF-8, UTF-16 or Windows-1252.</p>
              <button type="button" className="btn btn-primary" onClick={() => inputRef.current?.click()}>
                Choose a file…
              </button>
            </>
          )}
          <input
            ref={inputRef}
            type="file"
            accept=".csv,.tsv,.txt,text/csv,text/plain"
            hidden
            data-testid="import-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void choose(file);
              e.target.value = '';
            }}
          />
        </div>
      ) : null}

      {step === 'preview' && preview ? (
        <div className="import-preview">
          <div className="import-settings">
            <label className="field">
              <span className="field-label">Encoding</span>
              <select value={preview.settings.encoding} disabled={busy} onChange={(e) => void reread({ encoding: e.target.value as CsvSettings['encoding'] })}>
                {ENCODINGS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                    {o.value === preview.detected.encoding ? ' (detected)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Delimiter</span>
              <select value={preview.settings.delimiter} disabled={busy} onChange={(e) => void reread({ delimiter: e.target.value as CsvSettings['delimiter'] })}>
                {DELIMITERS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                    {o.value === preview.detected.delimiter ? ' (detected)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Quotes</span>
              <select value={preview.settings.quote} disabled={busy} onChange={(e) => void reread({ quote: e.target.value as CsvSettings['quote'] })}>
                <option value={'"'}>Double " </option>
                <option value="'">Single &apos;</option>
              </select>
            </label>
            <label className="checkbox-field">
              <input type="checkbox" checked={preview.settings.hasHeader} disabled={busy} onChange={(e) => void reread({ hasHeader: e.target.checked })} />
              First row is a header
            </label>
          </div>
          {preview.warnings.map((w) => (
            <div key={w} className="banner banner-warning import-warning" role="note">
              <Icon name="warning" /> <span>{w}</span>
            </div>
          ))}
          <p className="muted">
            <strong>{preview.fileName}</strong> · {size(preview.bytes)} · about {fmt(preview.estimatedRows)} rows · first{' '}
            {Math.min(preview.rows.length, 20)} shown
          </p>
          <div className="preview-scroll">
            <table className="table preview-table">
              <thead>
                <tr>
                  <th className="num">Row</th>
                  {preview.columns.map((c) => (
                    <th key={c.index}>{c.header}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.slice(0, 20).map((r) => (
                  <tr key={r.rowNumber} className={r.problem ? 'has-problem' : undefined} title={r.problem}>
                    <td className="num muted">{r.rowNumber}</td>
                    {preview.columns.map((c) => (
                      <td key={c.index}>{r.cells[c.index] ?? ''}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}

      {step === 'columns' && preview ? (
        <div className="column-map">
          <p className="muted">
            {preview.assignmentSource === 'remembered'
              ? 'These columns are assigned as in your last import of a file with the same headers.'
              : 'Suggested from the column names. Change any, or ignore columns you don’t need.'}
          </p>
          <table className="table">
            <thead>
              <tr>
                <th>CSV column</th>
                <th>Sample values</th>
                <th>Lead field</th>
              </tr>
            </thead>
            <tbody>
              {preview.columns.map((c) => (
                <tr key={c.index}>
                  <td className="column-name">{c.header}</td>
                  <td className="muted column-samples">{c.samples.join(' · ') || '—'}</td>
                  <td>
                    <select
                      aria-label={`Lead field for ${c.header}`}
                      value={assignments[c.index] ?? ''}
                      onChange={(e) => {
                        const value = e.target.value || null;
                        setAssignments((list) => list.map((t, i) => (i === c.index ? value : t)));
                        if (value === NEW_FIELD) setNewFieldLabels((l) => ({ ...l, [c.index]: l[c.index] ?? c.header }));
                      }}
                    >
                      <option value="">Ignore this column</option>
                      <optgroup label="Lead fields">
                        {preview.targets
                          .filter((t) => t.kind !== 'custom')
                          .map((t) => (
                            <option key={t.key} value={t.key} disabled={targetTaken(t.key, c.index)}>
                              {t.label}
                            </option>
                          ))}
                      </optgroup>
                      {preview.targets.some((t) => t.kind === 'custom') ? (
                        <optgroup label="Custom fields">
                          {preview.targets
                            .filter((t) => t.kind === 'custom')
                            .map((t) => (
                              <option key={t.key} value={t.key} disabled={targetTaken(t.key, c.index)}>
                                {t.label}
                              </option>
                            ))}
                        </optgroup>
                      ) : null}
                      <option value={NEW_FIELD}>New custom field…</option>
                    </select>
                    {assignments[c.index] === NEW_FIELD ? (
                      <input
                        className="new-field-label"
                        aria-label={`Label of the new field for ${c.header}`}
                        value={newFieldLabels[c.index] ?? ''}
                        onChange={(e) => setNewFieldLabels((l) => ({ ...l, [c.index]: e.target.value }))}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {step === 'importing' ? (
        <div className="import-progress" data-testid="import-progress">
          {(() => {
            const s = progress;
            const total = Math.max(s?.rowsTotalEstimate ?? preview?.estimatedRows ?? 0, s?.rowsDone ?? 0, 1);
            return (
              <>
                <p className="import-progress-title">
                  Importing {preview?.fileName}… {Math.floor(((s?.rowsDone ?? 0) * 100) / total)}%
                </p>
                <progress max={total} value={s?.rowsDone ?? 0} />
                <p className="muted">
                  {fmt(s?.rowsDone ?? 0)} of ~{fmt(total)} rows · {fmt(s?.rowsPerSecond ?? 0)} rows/s
                  {s?.etaMs !== undefined ? ` · about ${duration(s.etaMs)} left` : ''}
                  {s && s.flagged > 0 ? ` · ${fmt(s.flagged)} flagged` : ''}
                </p>
                <p className="muted">You can keep working; the import runs in the background of the app.</p>
              </>
            );
          })()}
        </div>
      ) : null}

      {step === 'done' && final ? (
        <div className="import-summary" data-testid="import-summary">
          {final.state === 'done' ? (
            <>
              <div className="summary-stats">
                <div className="stat">
                  <span className="stat-value">{fmt(final.imported)}</span>
                  <span className="stat-label">leads imported</span>
                </div>
                <div className={`stat${final.flagged > 0 ? ' stat-warning' : ''}`}>
                  <span className="stat-value">{fmt(final.flagged)}</span>
                  <span className="stat-label">flagged</span>
                </div>
                <div className="stat">
                  <span className="stat-value">{fmt(final.skipped)}</span>
                  <span className="stat-label">blank rows skipped</span>
                </div>
                <div className="stat">
                  <span className="stat-value">{duration(final.elapsedMs)}</span>
                  <span className="stat-label">{fmt(final.rowsPerSecond)} rows/s</span>
                </div>
              </div>
              {final.flagged > 0 ? (
                <p>
                  Flagged rows were imported with a warning so nothing is lost; fix them before they are pushed. {final.flaggedRows.length === 1 ? 'Row' : 'Rows'}{' '}
                  <span data-testid="flagged-rows">{final.flaggedRows.join(', ')}</span>
                  {final.flagged > final.flaggedRows.length ? ', …' : ''}.
                </p>
              ) : (
                <p>Every row passed the checks.</p>
              )}
            </>
          ) : (
            <div className={`banner ${final.state === 'cancelled' ? 'banner-info' : 'banner-error'}`} role="status">
              <Icon name={final.state === 'cancelled' ? 'info' : 'warning'} />
              <span>{final.state === 'cancelled' ? 'Import cancelled. The leads it had added were removed.' : (final.error ?? 'The import failed; nothing was imported.')}</span>
            </div>
          )}
        </div>
      ) : null}

      {error ? (
        <p className="field-error" role="alert" data-testid="import-error">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
