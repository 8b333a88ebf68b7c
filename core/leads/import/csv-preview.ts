import fs from 'node:fs';
import type { CsvSettings, CustomField } from '../../contract/leads.ts';
import { AppError } from '../../errors.ts';
import { createTextDecoder, ENCODING_LABELS, guessEncoding, SNIFF_BYTES } from '../csv/csv-encoding.ts';
import { type CsvRecord, detectDelimiter, detectQuote, readCsvRecords, textPieces } from '../csv/csv-reader.ts';
import { suggestTargets } from './column-suggestions.ts';

/** How much of the file the preview reads. */
const PREVIEW_BYTES = 256 * 1024;
export const PREVIEW_ROWS = 50;

export const isBlankRecord = (record: CsvRecord) => record.cells.every((c) => c.trim() === '');

/** Blank headers become "Column 3"; repeated ones "Email (2)". */
export function uniqueHeaders(cells: readonly string[], count: number): string[] {
  const used = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = (cells[i] ?? '').replace(/\s+/g, ' ').trim() || `Column ${i + 1}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    used.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

const looksLikeData = (cell: string) =>
  /@/.test(cell) || /^(https?:\/\/|www\.)/i.test(cell) || /^[\d\s+().\-/]{5,}$/.test(cell) || /^-?\d+([.,]\d+)?$/.test(cell);

/** A first row is a header when none of it looks like data and it names known fields, or is all distinct labels. */
export function looksLikeHeader(first: readonly string[], fields: readonly CustomField[]): boolean {
  const cells = first.map((c) => c.trim());
  if (cells.some((c) => c && looksLikeData(c))) return false;
  if (suggestTargets(cells, fields).some((t) => t !== null)) return true;
  const filled = cells.filter(Boolean);
  return filled.length === cells.length && new Set(filled.map((c) => c.toLowerCase())).size === filled.length;
}

export interface FileSample {
  detected: CsvSettings;
  settings: CsvSettings;
  /** Records of the sample, blank ones dropped. */
  records: CsvRecord[];
  /** The whole file fit in the sample. */
  complete: boolean;
  headers: string[];
  dataRecords: CsvRecord[];
  estimatedRows: number;
  warnings: string[];
}

/** Reads the head of a CSV file: detects its settings (unless given) and the first rows as an import would read them. */
export async function sampleCsvFile(file: string, overrides: Partial<CsvSettings>, fields: readonly CustomField[]): Promise<FileSample> {
  const size = fs.statSync(file).size;
  const head = Buffer.alloc(Math.min(size, PREVIEW_BYTES));
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const guess = guessEncoding(head.subarray(0, SNIFF_BYTES));
  const encoding = overrides.encoding ?? guess.encoding;
  const decode = createTextDecoder(encoding);
  const complete = head.length === size;
  const text = decode(head) + (complete ? decode() : '');
  if (text.trim() === '') throw new AppError('validation', 'The file has no rows: it contains only blank lines.', { details: { reason: 'no_rows' } });

  const quote = overrides.quote ?? detectQuote(text);
  const delimiter = overrides.delimiter ?? detectDelimiter(text, quote);
  const all: CsvRecord[] = [];
  for await (const batch of readCsvRecords(textPieces(text), { delimiter, quote })) all.push(...batch);
  // A sample cut mid-file ends in a cut record: drop it.
  if (!complete && all.length > 1) all.pop();
  const records = all.filter((r) => !isBlankRecord(r));
  if (records.length === 0) throw new AppError('validation', 'The file has no rows: it contains only blank lines.', { details: { reason: 'no_rows' } });

  const detectedHeader = looksLikeHeader(records[0]!.cells, fields);
  const hasHeader = overrides.hasHeader ?? detectedHeader;
  const dataRecords = hasHeader ? records.slice(1) : records;
  const columnCount = hasHeader ? records[0]!.cells.length : Math.max(...dataRecords.slice(0, PREVIEW_ROWS).map((r) => r.cells.length), 1);
  const headers = uniqueHeaders(hasHeader ? records[0]!.cells : [], columnCount);

  const sampledBytes = complete ? size : head.length;
  const estimatedRows = complete ? dataRecords.length : Math.round((dataRecords.length * size) / Math.max(sampledBytes, 1));

  const warnings: string[] = [];
  if (text.includes('\uFFFD')) {
    warnings.push(`Some characters couldn't be read as ${ENCODING_LABELS[encoding]}. Try another encoding; rows with unreadable characters are flagged.`);
  } else if (encoding === 'windows-1252' && !overrides.encoding) {
    warnings.push("The file isn't UTF-8, so it is read as Windows-1252 (Latin-1). Check accented letters in the preview.");
  }
  if (hasHeader && dataRecords.length === 0) warnings.push('The file has a header row but no data rows below it.');
  const unbalanced = dataRecords.find((r) => r.quoteProblem === 'unbalanced');
  if (unbalanced) warnings.push(`Row ${unbalanced.rowNumber} has a quote that never closes. It will be imported without quotes and flagged.`);

  const detected: CsvSettings = { encoding: guess.encoding, delimiter: detectDelimiter(text, detectQuote(text)), quote: detectQuote(text), hasHeader: detectedHeader };
  return { detected, settings: { encoding, delimiter, quote, hasHeader }, records, complete, headers, dataRecords, estimatedRows, warnings };
}
