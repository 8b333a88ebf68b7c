import fs from 'node:fs';
import path from 'node:path';
import type { CsvPiece } from '../contract/leads.ts';

/**
 * Writes a CSV that core hands out in pieces (`next` until the last) to `out`: into `<out>.part`
 * first, renamed when complete, so an interrupted export never leaves a file that looks whole.
 */
export function writeCsvPieces(out: string, piece: (after: string | undefined) => CsvPiece): { file: string; rows: number } {
  const file = path.resolve(out);
  const partial = `${file}.part`;
  const fd = fs.openSync(partial, 'w');
  let rows = 0;
  try {
    for (let after: string | undefined, first = true; first || after; first = false) {
      const next = piece(after);
      fs.writeSync(fd, next.csv);
      rows += next.rows;
      after = next.next;
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, file);
  return { file, rows };
}
