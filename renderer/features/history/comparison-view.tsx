import type { OutcomeComparison } from '../../../core/contract/support.ts';
import { Icon } from '../../components/icons.tsx';
import { formatDateTime } from '../../components/time.ts';
import { StatusTag } from './status-tag.tsx';

const VERDICT: Record<OutcomeComparison['verdict'], { label: string; tone: string; icon: 'check' | 'warning' | 'info' | 'refresh' }> = {
  fixed: { label: 'Fixed', tone: 'banner-success', icon: 'check' },
  reproduced: { label: 'Reproduced', tone: 'banner-info', icon: 'refresh' },
  different: { label: 'Different outcome', tone: 'banner-warning', icon: 'warning' },
  pending: { label: 'Still running', tone: 'banner-info', icon: 'info' },
};

const STEP_NAMES = { contact: 'Contact', company: 'Company', list: 'List' } as const;

/**
 * Before and after, side by side: the verdict in one sentence, each step's outcome and error on
 * both sides (changed steps marked), and the property values sent before and after where they
 * differ. Used for a replay beside its original and for Edit and replay.
 */
export function ComparisonView({ comparison, labels }: { comparison: OutcomeComparison; labels: { before: string; after: string } }) {
  const verdict = VERDICT[comparison.verdict];
  return (
    <div className="comparison" data-testid="comparison">
      <div className={`banner ${verdict.tone} comparison-verdict`} role="status" data-testid="comparison-verdict">
        <Icon name={verdict.icon} />
        <span className="banner-text">
          <strong>{verdict.label}.</strong> {comparison.summary}
        </span>
      </div>
      <table className="table comparison-table">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">
              {labels.before}
              <span className="comparison-when">{comparison.before.at ? formatDateTime(comparison.before.at) : ''}</span>
            </th>
            <th scope="col">
              {labels.after}
              <span className="comparison-when">{comparison.after.at ? formatDateTime(comparison.after.at) : ''}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Result</th>
            <td>
              <StatusTag state={comparison.before.state} />
            </td>
            <td>
              <StatusTag state={comparison.after.state} />
            </td>
          </tr>
          {comparison.steps.map((s) => (
            <tr key={s.step} className={s.changed ? 'is-changed' : undefined} data-testid={`compare-${s.step}`}>
              <th scope="row">
                {STEP_NAMES[s.step]}
                {s.changed ? <span className="changed-mark" title="Changed" aria-label="changed" /> : null}
              </th>
              <td>
                <span className="compare-outcome">{s.before.label}</span>
                {s.before.error ? <span className="compare-error">{s.before.error.title}: {s.before.error.message}</span> : null}
              </td>
              <td>
                <span className="compare-outcome">{s.after.label}</span>
                {s.after.error ? <span className="compare-error">{s.after.error.title}: {s.after.error.message}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {comparison.properties.length > 0 ? (
        <>
          <h4 className="section-title">Property values sent</h4>
          <table className="table comparison-table" data-testid="compare-properties">
            <thead>
              <tr>
                <th scope="col">Property</th>
                <th scope="col">{labels.before}</th>
                <th scope="col">{labels.after}</th>
              </tr>
            </thead>
            <tbody>
              {comparison.properties.map((p) => (
                <tr key={`${p.object}.${p.property}`}>
                  <th scope="row">
                    <code>{p.property}</code>
                    {p.object === 'company' ? <span className="faint"> (company)</span> : null}
                  </th>
                  <td className={p.before === null ? 'faint' : 'compare-before'}>{p.before ?? 'not sent'}</td>
                  <td className={p.after === null ? 'faint' : 'compare-after'}>{p.after ?? 'not sent'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : comparison.verdict !== 'pending' ? (
        <p className="muted">The same property values were sent both times.</p>
      ) : null}
    </div>
  );
}
