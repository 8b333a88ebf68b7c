import { AppError } from '../errors.ts';
import type { ValueProblem } from '../hubspot/classify-error.ts';

/**
 * True when HubSpot refused a whole batch because of what some inputs hold (a 400 VALIDATION_ERROR
 * naming a property or value, a 409 conflict): sending the others alone will work. Transient and
 * connection failures are not: they concern every input alike.
 */
export function isBatchRejection(error: AppError): boolean {
  if (error.code === 'invalid_value' || error.code === 'property_missing' || error.code === 'duplicate_contact') return true;
  const status = error.details?.status;
  return error.code === 'internal' && !error.retryable && (status === 400 || status === 409);
}

export interface IsolateOptions<T> {
  /** Sends these items as one call and records their results; throws the classified error if refused. */
  send(items: T[]): Promise<void>;
  /** An item HubSpot refused, with the error that concerns it. */
  reject(item: T, error: AppError): void;
  /**
   * The items a refusal certainly concerns, with the error narrowed to them: those that write a
   * property HubSpot says doesn't exist, or the exact value it names as invalid. Empty: unknown.
   */
  culprits?(items: readonly T[], error: AppError): Array<{ item: T; error: AppError }>;
}

export interface IsolateReport {
  /** HTTP calls made, the first included. */
  calls: number;
  /** Items refused. */
  rejected: number;
}

/**
 * Sends items so one bad input never fails its batch-mates: when HubSpot refuses the whole batch,
 * the inputs the error names are set aside (one more call for the rest), and when it names none,
 * the batch is split in halves, recursively, until each refused input stands alone with its own
 * error. k bad inputs among n cost about 2·k·log2(n/k) extra calls in the worst case, one when the
 * error names them. Transient failures (429, 5xx, offline) are thrown for the caller to schedule.
 */
export async function sendIsolating<T>(items: readonly T[], options: IsolateOptions<T>): Promise<IsolateReport> {
  const report: IsolateReport = { calls: 0, rejected: 0 };
  const reject = (item: T, error: AppError) => {
    report.rejected++;
    options.reject(item, error);
  };
  const run = async (group: T[]): Promise<void> => {
    if (group.length === 0) return;
    report.calls++;
    try {
      await options.send(group);
      return;
    } catch (raw) {
      if (!(raw instanceof AppError) || !isBatchRejection(raw)) throw raw;
      if (group.length === 1) return reject(group[0]!, raw);
      const named = options.culprits?.(group, raw) ?? [];
      if (named.length > 0) {
        const guilty = new Set(named.map((n) => n.item));
        for (const n of named) reject(n.item, n.error);
        return run(group.filter((item) => !guilty.has(item)));
      }
      const middle = Math.ceil(group.length / 2);
      await run(group.slice(0, middle));
      await run(group.slice(middle));
    }
  };
  await run([...items]);
  return report;
}

/**
 * The inputs a VALIDATION_ERROR certainly concerns: those writing a property HubSpot says doesn't
 * exist, or writing exactly the value it names as invalid (the same value fails the same way for
 * every input). Each gets the error narrowed to its own problems.
 */
export function namedCulprits<T>(items: readonly T[], error: AppError, writesOf: (item: T) => Readonly<Record<string, string>>): Array<{ item: T; error: AppError }> {
  const problems = (error.details?.problems as ValueProblem[] | undefined) ?? [];
  if (problems.length === 0 || (error.code !== 'invalid_value' && error.code !== 'property_missing')) return [];
  const found: Array<{ item: T; error: AppError }> = [];
  for (const item of items) {
    const writes = writesOf(item);
    const own = problems.filter((p) =>
      p.code === 'PROPERTY_DOESNT_EXIST' ? Object.hasOwn(writes, p.property) : p.value !== undefined && writes[p.property] === p.value,
    );
    if (own.length > 0) found.push({ item, error: narrowError(error, own) });
  }
  return found;
}

/** The error as it concerns one input: its own problems, the first one named in the message. */
export function narrowError(error: AppError, problems: ValueProblem[]): AppError {
  const missing = problems.filter((p) => p.code === 'PROPERTY_DOESNT_EXIST');
  const first = missing[0] ?? problems[0]!;
  if (missing.length > 0) {
    const names = missing.map((p) => p.property);
    return new AppError('property_missing', `${names.length === 1 ? 'Property' : 'Properties'} ${names.map((n) => `"${n}"`).join(', ')} ${names.length === 1 ? "doesn't" : "don't"} exist in this HubSpot portal.`, {
      retryable: false,
      details: { ...error.details, properties: names, property: first.property, problems },
    });
  }
  return new AppError(
    'invalid_value',
    `HubSpot rejected ${first.value !== undefined ? `"${first.value}"` : 'the value'} for "${first.property}": ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    { retryable: false, details: { ...error.details, property: first.property, ...(first.value !== undefined ? { value: first.value } : {}), problems } },
  );
}
