import { describe, expect, it } from 'vitest';
import { guessEncoding } from './csv-encoding.ts';
import { type CsvRecord, detectDelimiter, detectQuote, readCsvRecords, textPieces } from './csv-reader.ts';

async function read(text: string, pieceSize = 64 * 1024, delimiter: ',' | ';' | '\t' | '|' = ',', quote: '"' | "'" = '"') {
  const out: CsvRecord[] = [];
  for await (const batch of readCsvRecords(textPieces(text, pieceSize), { delimiter, quote })) out.push(...batch);
  return out;
}

// Every case is read whole and in 1-, 2- and 7-character pieces: chunk boundaries must not change anything.
const PIECES = [1_000_000, 1, 2, 7];

describe('readCsvRecords', () => {
  it.each(PIECES)('keeps quoted line breaks, escaped quotes and emoji in one value (pieces of %i)', async (size) => {
    const records = await read('name,notes\r\nAnna,"Met at the fair 🎉\r\nsaid ""call me"""\r\nBob,ok\r\n', size);
    expect(records.map((r) => r.cells)).toEqual([
      ['name', 'notes'],
      ['Anna', 'Met at the fair 🎉\r\nsaid "call me"'],
      ['Bob', 'ok'],
    ]);
    // Row numbers count records; line numbers count the file's lines.
    expect(records.map((r) => [r.rowNumber, r.line])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
  });

  it.each(PIECES)('returns blank lines as blank records so row numbers match a spreadsheet (pieces of %i)', async (size) => {
    const records = await read('a,b\n\n1,2\n   \n3,4', size);
    expect(records.map((r) => [r.rowNumber, r.cells])).toEqual([
      [1, ['a', 'b']],
      [2, ['']],
      [3, ['1', '2']],
      [4, ['   ']],
      [5, ['3', '4']],
    ]);
  });

  it.each(PIECES)('reads a row whose quote never closes without quotes, flags it, and goes on with the next line (pieces of %i)', async (size) => {
    const records = await read('name,email\nAnn,ann@x.example\nBob,"bob@x.example\nCat,cat@x.example\nDan,dan@x.example\n', size);
    expect(records.map((r) => r.cells)).toEqual([
      ['name', 'email'],
      ['Ann', 'ann@x.example'],
      ['Bob', 'bob@x.example'],
      ['Cat', 'cat@x.example'],
      ['Dan', 'dan@x.example'],
    ]);
    expect(records[2]).toMatchObject({ rowNumber: 3, line: 3, quoteProblem: 'unbalanced' });
    expect(records.filter((r) => r.quoteProblem)).toHaveLength(1);
  });

  it('recovers when a stray quote pairs with a later quoted value instead of running to the end', async () => {
    const records = await read('name,email,company\nAnn,ann@x.example,Lee\n"Bob Ray,bob@x.example,Ray\nCat,"cat@x.example","Stone, LLC"\nDan,dan@x.example,Wu\n');
    expect(records.map((r) => r.cells)).toEqual([
      ['name', 'email', 'company'],
      ['Ann', 'ann@x.example', 'Lee'],
      ['Bob Ray', 'bob@x.example', 'Ray'],
      ['Cat', 'cat@x.example', 'Stone, LLC'],
      ['Dan', 'dan@x.example', 'Wu'],
    ]);
    expect(records[2]!.quoteProblem).toBe('unbalanced');
  });

  it('keeps a multi-line value with a stray inner quote together and flags it as malformed', async () => {
    const records = await read('name,notes\nAnn,"line one\nhe said "hi" there\nend"\nBob,ok\n');
    expect(records.map((r) => r.cells)).toEqual([
      ['name', 'notes'],
      ['Ann', 'line one\nhe said "hi" there\nend'],
      ['Bob', 'ok'],
    ]);
    expect(records[1]!.quoteProblem).toBe('malformed');
  });

  it('treats a quote inside an unquoted value as a character', async () => {
    const records = await read('name,size\nScreen 27" wide,big\n');
    expect(records[1]!.cells).toEqual(['Screen 27" wide', 'big']);
    expect(records[1]!.quoteProblem).toBeUndefined();
  });

  it('does not report a trailing line break as a last empty row', async () => {
    expect((await read('a\n1\n')).map((r) => r.cells)).toEqual([['a'], ['1']]);
  });

  it('reads single-quoted values when asked', async () => {
    expect((await read("name;city\n'Berg; Anna';'Köln'\n", 3, ';', "'")).map((r) => r.cells)).toEqual([
      ['name', 'city'],
      ['Berg; Anna', 'Köln'],
    ]);
  });
});

describe('detection', () => {
  it('finds the delimiter that splits lines consistently', () => {
    expect(detectDelimiter('a;b;c\n1;2;3\n4;5;6', '"')).toBe(';');
    expect(detectDelimiter('a\tb\n1\t2', '"')).toBe('\t');
    expect(detectDelimiter('a|b|c\n1|2|3', '"')).toBe('|');
    expect(detectDelimiter('name,notes\n"Berg; Anna","a;b;c"\n"x; y",z', '"')).toBe(',');
  });

  it('chooses single quotes only when values are quoted with them and never with double quotes', () => {
    expect(detectQuote("a,b\n'x, y',z\n")).toBe("'");
    expect(detectQuote('a,b\n"x, y",z\n')).toBe('"');
    expect(detectQuote("a,b\nO'Brien,z\n")).toBe('"');
  });
});

describe('guessEncoding', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  it('trusts byte order marks', () => {
    expect(guessEncoding(bytes(0xef, 0xbb, 0xbf, 0x61))).toEqual({ encoding: 'utf-8', bom: true });
    expect(guessEncoding(bytes(0xff, 0xfe, 0x61, 0))).toEqual({ encoding: 'utf-16le', bom: true });
    expect(guessEncoding(bytes(0xfe, 0xff, 0, 0x61))).toEqual({ encoding: 'utf-16be', bom: true });
  });

  it('recognises UTF-16 without a BOM, UTF-8, and falls back to Windows-1252', () => {
    expect(guessEncoding(new Uint8Array(Buffer.from('name,email\r\n', 'utf16le'))).encoding).toBe('utf-16le');
    expect(guessEncoding(new Uint8Array(Buffer.from('name,email\r\n', 'utf16le').swap16())).encoding).toBe('utf-16be');
    expect(guessEncoding(new Uint8Array(Buffer.from('Jürgen,Größe\n', 'utf8'))).encoding).toBe('utf-8');
    expect(guessEncoding(new Uint8Array(Buffer.from('Jürgen,Größe\n', 'latin1'))).encoding).toBe('windows-1252');
  });

  it('refuses empty and binary files with specific messages', () => {
    expect(() => guessEncoding(new Uint8Array())).toThrow('The file is empty.');
    expect(() => guessEncoding(bytes(0x50, 0x4b, 0x03, 0x04, 1, 2))).toThrow(/Excel workbook/);
    expect(() => guessEncoding(bytes(0x25, 0x50, 0x44, 0x46))).toThrow(/PDF/);
    expect(() => guessEncoding(Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 256))).toThrow(/binary data/);
  });
});
