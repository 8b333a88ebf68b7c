/**
 * Splits property names into groups whose comma-joined form stays under `maxChars`, so a list
 * request for an object with hundreds of properties never overflows HubSpot's URL limit (a 414;
 * Airbyte #33976 met it at ~900 deal properties and chunks at 15,000 characters).
 *
 * The properties a reader needs most come first (`first`), so the first chunk — the one that rides
 * along with the list or search call — carries them, and the other chunks are read by id.
 */
export function chunkProperties(names: readonly string[], maxChars = 15_000, first: readonly string[] = []): string[][] {
  const ordered = [...new Set([...first.filter((n) => names.includes(n)), ...names])];
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const name of ordered) {
    // URL-encoded, plus the comma that joins it.
    const cost = encodeURIComponent(name).length + 3;
    if (current.length > 0 && length + cost > maxChars) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    current.push(name);
    length += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
