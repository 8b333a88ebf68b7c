import Papa from 'papaparse';
import type { CsvDelimiter } from '../../contract/leads.ts';

export interface CsvRecord {
  /** Spreadsheet row number: records counted from 1, the header included, as Excel numbers them. */
  rowNumber: number;
  /** Line of the file where the record starts (differs from rowNumber after quoted line breaks). */
  line: number;
  cells: string[];
  /** `unbalanced`: a quote that never closed; the line was read without quotes. `malformed`: a stray quote inside a quoted value. */
  quoteProblem?: 'unbalanced' | 'malformed';
}

export interface CsvReadOptions {
  delimiter: CsvDelimiter;
  quote: '"' | "'";
}

/** A record still open after this many characters is an unclosed quote, not a value: no real lead has one this long. */
const MAX_OPEN_RECORD_CHARS = 1_000_000;
const LINE_BREAK = /\r\n|\n|\r/g;

export function detectNewline(text: string): '\n' | '\r\n' | '\r' {
  const firstLf = text.indexOf('\n');
  const firstCr = text.indexOf('\r');
  if (firstCr === -1) return '\n';
  if (firstLf === -1) return '\r';
  return firstCr + 1 === firstLf ? '\r\n' : firstLf < firstCr ? '\n' : '\r';
}

/** The delimiter that splits the sample's lines most consistently (papaparse's guesser over the four we support). */
export function detectDelimiter(sample: string, quote: '"' | "'"): CsvDelimiter {
  const result = Papa.parse<string[]>(sample, {
    preview: 50,
    quoteChar: quote,
    delimitersToGuess: [',', ';', '\t', '|'],
    skipEmptyLines: true,
  });
  const delimiter = result.meta.delimiter as CsvDelimiter;
  return [',', ';', '\t', '|'].includes(delimiter) ? delimiter : ',';
}

/** `'` only when the sample quotes values with it and never with `"`. */
export function detectQuote(sample: string): '"' | "'" {
  const count = (q: string) => (sample.match(new RegExp(`(^|[,;\\t|])${q}[^${q}\\r\\n]*${q}(?=[,;\\t|]|\\r?$)`, 'gm')) ?? []).length;
  return count("'") > 0 && count('"') === 0 ? "'" : '"';
}

/** Splits one line with quotes switched off, dropping a lone opening quote (the stray one). */
function splitWithoutQuotes(line: string, delimiter: string, quote: string): string[] {
  return line.split(delimiter).map((cell) => (cell.startsWith(quote) && !cell.endsWith(quote) ? cell.slice(1) : cell));
}

function countLineBreaks(text: string): number {
  let n = 0;
  LINE_BREAK.lastIndex = 0;
  while (LINE_BREAK.exec(text)) n++;
  return n;
}

/** True when the lines a bad quote swallowed look like rows of their own (they have the file's number of columns). */
function looksLikeSwallowedRows(raw: string, delimiter: string, quote: string, expectedColumns: number): boolean {
  if (expectedColumns < 2) return false;
  const lines = raw.split(LINE_BREAK).slice(1).filter((l) => l.length > 0);
  if (lines.length === 0) return false;
  const rowLike = lines.filter((l) => {
    const parsed = Papa.parse<string[]>(l, { delimiter, quoteChar: quote });
    return parsed.errors.length === 0 && parsed.data[0]?.length === expectedColumns;
  }).length;
  return rowLike * 2 >= lines.length;
}

/**
 * Reads CSV records from decoded text pieces, a batch per piece, with papaparse's tokenizer
 * (`Papa.Parser`) driven directly: we keep each record's raw text, so row and line numbers stay
 * exact and a bad quote costs one flagged row instead of the rest of the file. Records come out
 * as read, blank ones included, so callers can number and skip them.
 */
export async function* readCsvRecords(pieces: AsyncIterable<string>, options: CsvReadOptions): AsyncGenerator<CsvRecord[]> {
  const { delimiter, quote } = options;
  let buffer = '';
  let newline: '\n' | '\r\n' | '\r' | undefined;
  let rowNumber = 0;
  let line = 1;
  let expectedColumns = 0;

  const emit = (out: CsvRecord[], cells: string[], raw: string, quoteProblem?: CsvRecord['quoteProblem']) => {
    rowNumber++;
    const record: CsvRecord = { rowNumber, line, cells };
    if (quoteProblem) record.quoteProblem = quoteProblem;
    out.push(record);
    line += countLineBreaks(raw);
    if (expectedColumns === 0 && !(cells.length === 1 && cells[0] === '')) expectedColumns = cells.length;
  };

  /** Emits the first physical line of `buffer[start…]` as a record read without quotes; returns where the next line starts. */
  const emitFirstLineUnquoted = (out: CsvRecord[], start: number): number => {
    LINE_BREAK.lastIndex = start;
    const match = LINE_BREAK.exec(buffer);
    const end = match ? match.index : buffer.length;
    const next = match ? match.index + match[0].length : buffer.length;
    emit(out, splitWithoutQuotes(buffer.slice(start, end), delimiter, quote), buffer.slice(start, next), 'unbalanced');
    return next;
  };

  /** Parses what the buffer holds; keeps an unfinished last record unless `final`. */
  const drain = (final: boolean): CsvRecord[] => {
    const out: CsvRecord[] = [];
    if (!newline) {
      // Decide the line ending once a whole one is in sight (a piece may end between \r and \n).
      const firstBreak = buffer.search(/[\r\n]/);
      if (!final && (firstBreak === -1 || firstBreak === buffer.length - 1)) return out;
      newline = detectNewline(buffer);
    }
    for (;;) {
      let consumed = 0;
      let restartAt = -1;
      const parser = new Papa.Parser({
        delimiter,
        newline,
        quoteChar: quote,
        step: (result: Papa.ParseStepResult<string[]>) => {
          const end = result.meta.cursor;
          // papaparse reports an empty last record for a file that ends with a line break; it is not a row.
          if (end === consumed) return;
          const raw = buffer.slice(consumed, end);
          const quoteError = result.errors.find((e) => e.type === 'Quotes');
          const spansLines = countLineBreaks(raw.replace(/(\r\n|\n|\r)$/, '')) > 0;
          if (
            quoteError &&
            spansLines &&
            (quoteError.code === 'MissingQuotes' || looksLikeSwallowedRows(raw, delimiter, quote, expectedColumns))
          ) {
            // The quote opened on this line never closed where it should: read this line alone,
            // without quotes, and start again on the next one.
            restartAt = emitFirstLineUnquoted(out, consumed);
            parser.abort();
            return;
          }
          // The low-level parser's step hands over `[row]`, not the row its typings promise.
          emit(out, (result.data as unknown as string[][])[0] ?? [], raw, quoteError ? 'malformed' : undefined);
          consumed = end;
        },
      });
      if (buffer.length > 0) parser.parse(buffer, 0, !final);
      if (restartAt >= 0) {
        buffer = buffer.slice(restartAt);
        continue;
      }
      buffer = buffer.slice(consumed);
      if (!final && buffer.length > MAX_OPEN_RECORD_CHARS) {
        buffer = buffer.slice(emitFirstLineUnquoted(out, 0));
        continue;
      }
      if (final && buffer.length > 0) {
        // Only a trailing piece without a line break can be left; it is a record of its own.
        const rest = buffer;
        buffer = '';
        emit(out, splitWithoutQuotes(rest, delimiter, quote), rest);
      }
      return out;
    }
  };

  for await (const piece of pieces) {
    if (!piece) continue;
    buffer += piece;
    const records = drain(false);
    if (records.length > 0) yield records;
  }
  const last = drain(true);
  if (last.length > 0) yield last;
}

/** Text pieces from a string (tests, previews of small samples). */
export async function* textPieces(text: string, size = 64 * 1024): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
