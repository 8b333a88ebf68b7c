/** Business hours in the portal's time zone: weekdays 09:00–18:00. */
export function isBusinessHours(ms: number, timeZone: string): boolean {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(ms);
  const weekday = parts.find((p) => p.type === 'weekday')?.value ?? 'Mon';
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '12');
  return weekday !== 'Sat' && weekday !== 'Sun' && hour >= 9 && hour < 18;
}

export const INCREMENTAL_STALE_MS = 30 * 60_000;
export const FULL_STALE_MS = 24 * 3_600_000;

const minutes = (ms: number) => Math.round(ms / 60_000);
const describeAge = (ms: number) => (ms < 2 * 3_600_000 ? `${minutes(ms)} minutes` : ms < 2 * 86_400_000 ? `${Math.round(ms / 3_600_000)} hours` : `${Math.round(ms / 86_400_000)} days`);

/**
 * SPEC §6: the last incremental update is stale after 30 minutes during business hours (in the
 * portal's time zone), the last full sync after 24 hours. Never synced counts as stale.
 */
export function stalenessWarnings(input: { now: number; lastIncrementalAt: string | null; lastFullAt: string | null; timeZone: string | null }): Array<{ kind: 'incremental' | 'full'; message: string }> {
  const warnings: Array<{ kind: 'incremental' | 'full'; message: string }> = [];
  const zone = input.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!input.lastFullAt) {
    warnings.push({ kind: 'full', message: 'No full sync yet: the mirror may be incomplete. Run sync now.' });
    return warnings;
  }
  const incrementalAge = input.now - Date.parse(input.lastIncrementalAt ?? input.lastFullAt);
  if (incrementalAge > INCREMENTAL_STALE_MS && isBusinessHours(input.now, zone)) {
    warnings.push({ kind: 'incremental', message: `The last incremental update was ${describeAge(incrementalAge)} ago (more than 30 minutes during the portal's business hours).` });
  }
  const fullAge = input.now - Date.parse(input.lastFullAt);
  if (fullAge > FULL_STALE_MS) warnings.push({ kind: 'full', message: `The last full sync was ${describeAge(fullAge)} ago (more than 24 hours): deletes and drift may not be reflected.` });
  return warnings;
}
