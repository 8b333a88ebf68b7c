import Papa from 'papaparse';

/** Excel opens UTF-8 CSV correctly only with a byte order mark. */
export const UTF8_BOM = '\uFEFF';

/**
 * CSV rows with every cell that a spreadsheet would run as a formula (starting with = + - @, tab
 * or carriage return) prefixed with an apostrophe: an exported lead named `=HYPERLINK(…)` stays text.
 */
export function toCsv(rows: readonly string[][]): string {
  const text = Papa.unparse(
    rows.map((r) => [...r]),
    { escapeFormulae: true, newline: '\r\n' },
  );
  return text.length > 0 ? `${text}\r\n` : '';
}
