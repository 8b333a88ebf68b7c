import { useState } from 'react';
import type { ExchangeRecord } from '../../../core/contract/push.ts';
import { Icon } from '../../components/icons.tsx';
import { useAppStore } from '../../state/store.ts';
import { formatDuration } from './history-table.tsx';
import { copyText, prettyBody } from './pretty.ts';

/** A body, pretty-printed, with a Copy button. */
export function CodeBlock({ label, text, testId }: { label: string; text: string | null; testId?: string }) {
  const notify = useAppStore((s) => s.notify);
  const pretty = prettyBody(text);
  return (
    <div className="code-block" data-testid={testId}>
      <div className="code-block-head">
        <span>{label}</span>
        {text ? (
          <button
            type="button"
            className="icon-button"
            aria-label={`Copy ${label.toLowerCase()}`}
            title="Copy"
            onClick={() => void copyText(pretty).then((ok) => notify(ok ? 'success' : 'error', ok ? `${label} copied.` : 'The clipboard refused; select the text and copy it instead.'))}
          >
            <Icon name="copy" size={14} />
          </button>
        ) : null}
      </div>
      {text ? <pre>{pretty}</pre> : <p className="muted code-block-empty">None</p>}
    </div>
  );
}

/** One HTTP call with HubSpot: the line, then (opened) the request and response bodies. */
export function ExchangeView({ exchange }: { exchange: ExchangeRecord }) {
  const [open, setOpen] = useState(false);
  const tone = exchange.status === 0 ? 'is-failed' : exchange.status >= 400 ? 'is-failed' : 'is-ok';
  return (
    <li className="exchange" data-testid="exchange">
      <button type="button" className="exchange-line" aria-expanded={open} onClick={() => setOpen(!open)}>
        <Icon name="chevronDown" size={14} className={`exchange-chevron${open ? ' is-open' : ''}`} />
        <span className="exchange-method">{exchange.method}</span>
        <span className="exchange-url" title={exchange.url}>
          {exchange.url}
        </span>
        <span className={`exchange-status ${tone}`}>{exchange.status === 0 ? 'no answer' : exchange.status}</span>
        <span className="exchange-meta">
          {formatDuration(exchange.durationMs)}
          {exchange.inputs > 1 ? ` · ${exchange.inputs} leads` : ''}
        </span>
      </button>
      {open ? (
        <div className="exchange-bodies">
          {exchange.error ? <p className="exchange-error">{exchange.error}</p> : null}
          <CodeBlock label="Request body" text={exchange.requestBody} testId="request-body" />
          <CodeBlock label="Response body" text={exchange.responseBody} testId="response-body" />
        </div>
      ) : null}
    </li>
  );
}
