import type { CsvEncoding } from '../../contract/leads.ts';
import { AppError } from '../../errors.ts';

/** How many bytes of the file's head the sniffers look at. */
export const SNIFF_BYTES = 64 * 1024;

const SIGNATURES: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'an Excel workbook (.xlsx) or a ZIP archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel workbook (.xls)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], what: 'a SQLite database' },
];

const startsWith = (head: Uint8Array, bytes: number[]) => bytes.every((b, i) => head[i] === b);

export interface EncodingGuess {
  encoding: CsvEncoding;
  /** The file starts with a byte order mark (the decoder drops it). */
  bom: boolean;
}

/**
 * Works out the text encoding from the file's first bytes: a byte order mark decides; otherwise
 * NUL-byte patterns reveal UTF-16, valid UTF-8 is UTF-8, and anything else is read as Windows-1252
 * (a superset of Latin-1, what Excel on Windows writes). Binary files are refused with a message
 * that names what the file seems to be.
 *
 * A statistical detector (chardet and friends) earns its keep choosing between many legacy code
 * pages; the decision that matters here is UTF-8 or not, which a strict decoder answers exactly,
 * and the operator can still pick another encoding in the preview.
 */
export function guessEncoding(head: Uint8Array): EncodingGuess {
  if (head.length === 0) throw new AppError('validation', 'The file is empty.');
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bom: true };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bom: true };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bom: true };

  const signature = SIGNATURES.find((s) => startsWith(head, s.bytes));
  if (signature) {
    throw new AppError(
      'validation',
      `This file is ${signature.what}, not a CSV file. Save it as CSV (in Excel: File › Save As › CSV UTF-8) and import that file.`,
      { details: { reason: 'binary' } },
    );
  }

  const sample = head.subarray(0, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) evenZeros++;
      else oddZeros++;
    }
  }
  const half = sample.length / 2;
  if (oddZeros > half * 0.3 && evenZeros < half * 0.05) return { encoding: 'utf-16le', bom: false };
  if (evenZeros > half * 0.3 && oddZeros < half * 0.05) return { encoding: 'utf-16be', bom: false };

  let control = 0;
  for (const byte of sample) {
    // NUL and C0 controls other than tab, line feed, carriage return, form feed and escape.
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) control++;
  }
  if (evenZeros + oddZeros > 0 || control > sample.length * 0.01) {
    throw new AppError('validation', "This file isn't text: it contains binary data. Choose a CSV file.", { details: { reason: 'binary' } });
  }

  try {
    // stream: a multi-byte character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { encoding: 'utf-8', bom: false };
  } catch {
    return { encoding: 'windows-1252', bom: false };
  }
}

export const ENCODING_LABELS: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252 (Latin-1)',
};

/** A streaming decoder: call with each chunk, then once with no argument. Drops a BOM; bad bytes become U+FFFD (and get flagged). */
export function createTextDecoder(encoding: CsvEncoding): (chunk?: Uint8Array) => string {
  const decoder = new TextDecoder(encoding, { fatal: false });
  return (chunk) => (chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode());
}
