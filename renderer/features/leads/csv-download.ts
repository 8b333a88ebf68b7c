import type { CsvPiece } from '../../../core/contract/leads.ts';

/**
 * Collects a CSV that core sends in pieces and hands it to the browser as a download. Pieces keep
 * each message small; the Blob is built once, at the end.
 */
export async function downloadCsv(fetchPiece: (after: string | undefined) => Promise<CsvPiece>, fileName: string): Promise<number> {
  const parts: string[] = [];
  let rows = 0;
  let after: string | undefined;
  do {
    const piece = await fetchPiece(after);
    parts.push(piece.csv);
    rows += piece.rows;
    after = piece.next;
  } while (after);
  const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return rows;
}

/** `leads-2026-03-31.csv` */
export function datedName(base: string): string {
  return `${base}-${new Date().toISOString().slice(0, 10)}.csv`;
}
