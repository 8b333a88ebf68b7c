import { useEffect, useMemo, useRef, useState } from 'react';
import type { Lead, LeadProblem, LeadValues, StandardLeadField } from '../../../core/contract/leads.ts';
import { ApiError, errorMessage } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { formatDateTime } from '../../components/time.ts';
import { useAppStore } from '../../state/store.ts';

const FIELDS: Array<{ key: StandardLeadField; label: string; type?: string; wide?: boolean; multiline?: boolean }> = [
  { key: 'firstName', label: 'First name' },
  { key: 'lastName', label: 'Last name' },
  { key: 'email', label: 'Email', type: 'email' },
  { key: 'phone', label: 'Phone', type: 'tel' },
  { key: 'company', label: 'Company' },
  { key: 'jobTitle', label: 'Job title' },
  { key: 'website', label: 'Website' },
  { key: 'source', label: 'Source' },
  { key: 'owner', label: 'Owner' },
  { key: 'notes', label: 'Notes', wide: true, multiline: true },
];

type FormValues = Record<string, string>;

function toForm(lead: Lead | null): FormValues {
  const values: FormValues = {};
  for (const f of FIELDS) values[f.key] = lead?.[f.key] ?? '';
  for (const [k, v] of Object.entries(lead?.custom ?? {})) values[`custom.${k}`] = v;
  return values;
}

function toValues(form: FormValues, customKeys: string[]): LeadValues {
  const values: LeadValues = {};
  for (const f of FIELDS) values[f.key] = form[f.key] ?? '';
  values.custom = Object.fromEntries(customKeys.map((k) => [k, form[`custom.${k}`] ?? '']));
  return values;
}

/**
 * Create or edit one lead. Core checks the values as they are typed (the renderer keeps no
 * rules): problems show under their field as warnings; a lead with warnings can still be saved.
 */
export function LeadEditor({ workspaceId, leadId, onClose }: { workspaceId: string; leadId: string | null; onClose(): void }) {
  const api = useAppStore((s) => s.api);
  const notify = useAppStore((s) => s.notify);
  const fields = useAppStore((s) => s.leads.fields);
  const [lead, setLead] = useState<Lead | null>(null);
  const [form, setForm] = useState<FormValues>(() => toForm(null));
  const [loading, setLoading] = useState(leadId !== null);
  const [problems, setProblems] = useState<LeadProblem[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const validateTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const customKeys = useMemo(() => fields.map((f) => f.key), [fields]);

  useEffect(() => {
    if (!leadId) return;
    let live = true;
    api
      .call('leads.get', { workspaceId, id: leadId })
      .then((found) => {
        if (!live) return;
        setLead(found);
        setForm(toForm(found));
        setProblems(found.problems);
      })
      .catch((error: unknown) => live && setFormError(errorMessage(error)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, workspaceId, leadId]);

  useEffect(() => () => clearTimeout(validateTimer.current), []);

  const change = (key: string, value: string) => {
    const next = { ...form, [key]: value };
    setForm(next);
    setErrors((e) => {
      const { [key]: _gone, ...rest } = e;
      return rest;
    });
    clearTimeout(validateTimer.current);
    validateTimer.current = setTimeout(() => {
      api
        .invoke('leads.validate', { workspaceId, values: toValues(next, customKeys) })
        .then((result) => result.ok && setProblems(result.value.problems));
    }, 250);
  };

  const save = async () => {
    if (busy) return;
    setBusy(true);
    setFormError(null);
    try {
      const values = toValues(form, customKeys);
      const saved = leadId ? await api.call('leads.update', { workspaceId, id: leadId, values }) : await api.call('leads.create', { workspaceId, values });
      notify('success', saved.problems.length > 0 ? `Lead saved with ${saved.problems.length} warning${saved.problems.length > 1 ? 's' : ''}.` : 'Lead saved.');
      onClose();
    } catch (error) {
      // Hard errors name their field (values.email, values.custom.size): show them there.
      const issues = error instanceof ApiError ? ((error.data.details?.issues as Array<{ path: string[]; message: string }> | undefined) ?? []) : [];
      const byField: Record<string, string> = {};
      for (const issue of issues) byField[issue.path.slice(1).join('.')] = issue.message;
      if (error instanceof ApiError && typeof error.data.details?.field === 'string') byField[`custom.${error.data.details.field}`] = error.data.message;
      setErrors(byField);
      if (Object.keys(byField).length === 0) setFormError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const problemFor = (key: string) => problems.find((p) => p.field === key || `custom.${p.field}` === key);
  const rowProblems = problems.filter((p) => p.field === 'row');

  const input = (key: string, label: string, options: { type?: string | undefined; multiline?: boolean | undefined; wide?: boolean | undefined; choices?: string[] } = {}) => {
    const error = errors[key];
    const warning = problemFor(key);
    const describedBy = error || warning ? `lead-${key}-note` : undefined;
    return (
      <label key={key} className={`field${options.wide ? ' field-wide' : ''}`}>
        <span className="field-label">{label}</span>
        {options.multiline ? (
          <textarea value={form[key] ?? ''} onChange={(e) => change(key, e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy} rows={4} />
        ) : options.choices ? (
          <select value={form[key] ?? ''} onChange={(e) => change(key, e.target.value)} aria-describedby={describedBy}>
            <option value="">—</option>
            {(form[key] && !options.choices.includes(form[key]) ? [form[key], ...options.choices] : options.choices).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : (
          <input
            type={options.type === 'tel' || options.type === 'email' ? 'text' : (options.type ?? 'text')}
            inputMode={options.type === 'tel' ? 'tel' : options.type === 'email' ? 'email' : undefined}
            value={form[key] ?? ''}
            onChange={(e) => change(key, e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            data-warning={warning ? true : undefined}
          />
        )}
        {error ? (
          <span id={describedBy} className="field-error" role="alert">
            {error}
          </span>
        ) : warning ? (
          <span id={describedBy} className="field-warning">
            {warning.message}
          </span>
        ) : null}
      </label>
    );
  };

  return (
    <Dialog
      title={leadId ? 'Edit lead' : 'New lead'}
      testId="lead-editor"
      wide
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <>
          {lead ? <span className="dialog-footer-note muted">Created {formatDateTime(lead.createdAt)} · updated {formatDateTime(lead.updatedAt)}</span> : null}
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || loading}>
            {busy ? 'Saving…' : leadId ? 'Save changes' : 'Create lead'}
          </button>
        </>
      }
    >
      {loading ? <p className="muted">Loading…</p> : null}
      {rowProblems.length > 0 ? (
        <div className="banner banner-warning lead-row-problems" role="note">
          {rowProblems.map((p) => p.message).join(' ')}
        </div>
      ) : null}
      <div className="lead-form">
        {FIELDS.map((f) => input(f.key, f.label, { type: f.type, multiline: f.multiline, wide: f.wide }))}
        {fields.map((f) =>
          input(`custom.${f.key}`, f.label, {
            type: f.type === 'number' ? 'text' : f.type === 'date' ? 'text' : 'text',
            ...(f.type === 'dropdown' ? { choices: f.options } : {}),
          }),
        )}
      </div>
      {formError ? (
        <p className="field-error" role="alert">
          {formError}
        </p>
      ) : null}
    </Dialog>
  );
}
