import type { CsvPiece } from '../../core/contract/leads.ts';

/**
 * Hands data to the browser as a file download. In the desktop app Electron shows its Save As
 * dialog for downloads; in a browser it lands in the downloads folder.
 */
export function saveFile(parts: BlobPart[], fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, type = 'application/json'): void {
  saveFile([text], fileName, type);
}

/**
 * Collects a CSV that core sends in pieces and downloads it. Pieces keep each message small; the
 * Blob is built once, at the end. Returns the rows written.
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
  saveFile(parts, fileName, 'text/csv');
  return rows;
}

/** `leads-2026-03-31.csv` */
export function datedName(base: string): string {
  return `${base}-${new Date().toISOString().slice(0, 10)}.csv`;
}
