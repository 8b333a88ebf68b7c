import { useEffect, useState } from 'react';
import type { CustomFieldType } from '../../../core/contract/leads.ts';
import { errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { Icon } from '../../components/icons.tsx';
import { useAppStore } from '../../state/store.ts';

const TYPES: Array<{ value: CustomFieldType; label: string }> = [
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'date', label: 'Date' },
  { value: 'dropdown', label: 'Dropdown' },
];

const COUNTRIES = ['US', 'CA', 'GB', 'IE', 'DE', 'AT', 'CH', 'FR', 'BE', 'NL', 'LU', 'ES', 'PT', 'IT', 'SE', 'NO', 'DK', 'FI', 'PL', 'CZ', 'AU', 'NZ', 'IN', 'SG', 'JP', 'BR', 'MX', 'ZA'];
const countryName = (code: string) => new Intl.DisplayNames(undefined, { type: 'region' }).of(code) ?? code;

/** Custom lead fields of the workspace, and how phone numbers without a country code are read. */
export function FieldsDialog({ workspaceId, onClose }: { workspaceId: string; onClose(): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const fields = useAppStore((s) => s.leads.fields);
  const [label, setLabel] = useState('');
  const [type, setType] = useState<CustomFieldType>('text');
  const [options, setOptions] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [country, setCountry] = useState<string | null | undefined>(undefined);

  useEffect(() => {
    void api.invoke('leads.getSettings', { workspaceId }).then((r) => r.ok && setCountry(r.value.defaultCountry));
  }, [api, workspaceId]);

  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      const list = options.split('\n').map((o) => o.trim()).filter(Boolean);
      const field = await api.call('leads.createField', { workspaceId, label, type, options: type === 'dropdown' ? list : [] });
      notify('success', `Field “${field.label}” added.`);
      setLabel('');
      setOptions('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (key: string) => {
    try {
      await api.call('leads.deleteField', { workspaceId, key });
      setConfirming(null);
    } catch (e) {
      notify('error', errorMessage(e));
    }
  };

  const saveCountry = async (value: string) => {
    const next = value || null;
    setCountry(next);
    try {
      await api.call('leads.updateSettings', { workspaceId, defaultCountry: next });
      notify('success', next ? `Phone numbers without a country code are read as ${countryName(next)} numbers.` : 'Phone numbers need a country code.');
    } catch (e) {
      notify('error', errorMessage(e));
    }
  };

  return (
    <Dialog
      title="Lead fields"
      testId="fields-dialog"
      wide
      onClose={onClose}
      onSubmit={() => label.trim() && void add()}
      footer={
        <button type="button" className="btn" onClick={onClose}>
          Done
        </button>
      }
    >
      <p className="muted">Standard fields (name, email, phone, company, job title, website, notes, source, owner) are always there. Add fields of your own below.</p>
      {fields.length > 0 ? (
        <table className="table fields-table">
          <thead>
            <tr>
              <th>Label</th>
              <th>Key</th>
              <th>Type</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f.key}>
                <td>{f.label}</td>
                <td>
                  <code>{f.key}</code>
                </td>
                <td>
                  {TYPES.find((t) => t.value === f.type)?.label}
                  {f.type === 'dropdown' ? <span className="muted"> · {f.options.join(', ') || 'no options'}</span> : null}
                </td>
                <td className="num">
                  {confirming === f.key ? (
                    <span className="inline-confirm">
                      Delete it and its values from every lead?
                      <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(f.key)}>
                        Delete
                      </button>
                      <button type="button" className="btn btn-small" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="icon-button" aria-label={`Delete field ${f.label}`} onClick={() => setConfirming(f.key)}>
                      <Icon name="trash" size={15} />
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty-inline">No custom fields yet.</p>
      )}
      <div className="field-add">
        <label className="field">
          <span className="field-label">New field label</span>
          <input value={label} maxLength={80} placeholder="e.g. Industry" onChange={(e) => setLabel(e.target.value)} aria-invalid={error ? true : undefined} />
        </label>
        <label className="field">
          <span className="field-label">Type</span>
          <select value={type} onChange={(e) => setType(e.target.value as CustomFieldType)}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-primary field-add-button" disabled={busy || !label.trim()} onClick={() => void add()}>
          <Icon name="plus" /> Add field
        </button>
      </div>
      {type === 'dropdown' ? (
        <label className="field">
          <span className="field-label">Options, one per line</span>
          <textarea value={options} rows={3} onChange={(e) => setOptions(e.target.value)} placeholder={'Gold\nSilver\nBronze'} />
        </label>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <hr className="divider" />
      <label className="field">
        <span className="field-label">Phone numbers without a country code</span>
        <select value={country ?? ''} disabled={country === undefined} onChange={(e) => void saveCountry(e.target.value)}>
          <option value="">Flag them (ask for +country code)</option>
          {COUNTRIES.map((c) => (
            <option key={c} value={c}>
              Read as {countryName(c)} numbers
            </option>
          ))}
        </select>
        <span className="field-hint">Applies to leads created, edited or imported from now on.</span>
      </label>
    </Dialog>
  );
}
