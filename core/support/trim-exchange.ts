import type { ExchangeRecord } from '../contract/push.ts';
import type { BundleExchange } from '../contract/support.ts';

/** What identifies the bundle's lead in HubSpot's bodies. */
export interface LeadIdentifiers {
  /** Lower-cased. */
  emails: string[];
  /** HubSpot record ids (contact, company) and phone values as sent. */
  values: string[];
}

/** Arrays of HubSpot bodies that hold one item per record: inputs of batch calls, their results, list member ids. */
const PER_RECORD_KEYS = new Set(['inputs', 'results', 'recordsIdsAdded', 'recordIdsAdded', 'recordIdsRemoved', 'recordIdsMissing', 'recordIdsToAdd', 'recordIdsToRemove']);
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * A batch call carries up to 100 leads: the bundle of one job keeps only its own lead's inputs and
 * results (and the errors that name it or name no batch-mate). Bodies that aren't JSON, or that hold
 * no per-record arrays, are kept as they are.
 */
export function trimExchange(exchange: ExchangeRecord, lead: LeadIdentifiers): BundleExchange {
  const removedIds = new Set<string>();
  const removedEmails = new Set<string>();
  let removed = 0;

  const ours = (item: unknown): boolean => {
    if (typeof item === 'string' || typeof item === 'number') return lead.values.includes(String(item));
    const text = JSON.stringify(item);
    const lower = text.toLowerCase();
    if (lead.emails.some((email) => lower.includes(email))) return true;
    return lead.values.some((value) => text.includes(JSON.stringify(value)));
  };

  const remember = (item: unknown) => {
    if (typeof item === 'string' || typeof item === 'number') {
      removedIds.add(String(item));
      return;
    }
    const text = JSON.stringify(item);
    for (const email of text.match(EMAIL) ?? []) removedEmails.add(email.toLowerCase());
    const record = item as { id?: unknown };
    if (record && (typeof record.id === 'string' || typeof record.id === 'number')) removedIds.add(String(record.id));
  };

  const filterArrays = (value: unknown, key: string | null): unknown => {
    if (Array.isArray(value)) {
      if (key === null || PER_RECORD_KEYS.has(key)) {
        const kept = value.filter((item) => {
          if (ours(item)) return true;
          remember(item);
          removed++;
          return false;
        });
        return kept.map((item) => filterArrays(item, '#item'));
      }
      return value.map((item) => filterArrays(item, '#item'));
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = filterArrays(v, k);
      return out;
    }
    return value;
  };

  /** Errors of a batch: drop those that name a removed batch-mate and not our lead. */
  const filterErrors = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(filterErrors);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'errors' && Array.isArray(v)) {
        out[k] = v.filter((item) => {
          if (ours(item)) return true;
          const text = JSON.stringify(item);
          const lower = text.toLowerCase();
          const namesOther = [...removedEmails].some((e) => lower.includes(e)) || [...removedIds].some((id) => text.includes(JSON.stringify(id)));
          if (namesOther) removed++;
          return !namesOther;
        });
      } else out[k] = filterErrors(v);
    }
    return out;
  };

  const trimBody = (body: string | null, topLevelIsRecords: boolean): string | null => {
    if (body === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return body;
    }
    const before = removed;
    const filtered = filterErrors(filterArrays(parsed, topLevelIsRecords && Array.isArray(parsed) ? null : '#root'));
    return removed === before ? body : JSON.stringify(filtered);
  };

  // Requests first: the batch-mates they name are what the response's errors are checked against.
  const requestBody = trimBody(exchange.requestBody, true);
  const responseBody = trimBody(exchange.responseBody, true);
  return { ...exchange, requestBody, responseBody, otherItemsRemoved: removed };
}
