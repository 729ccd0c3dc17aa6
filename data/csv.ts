// A minimal reader for numeric CSV (comma, semicolon, tab or space separated; one header line
// optional): enough for the small tables shipped with tapegrad, and strict, so a malformed file
// is reported by line instead of turning into NaN.
import { checkOptions, fail } from '../core/errors.js';

export interface NumericCsv {
  header: string[] | null;
  rows: number[][];
}

export function parseNumericCsv(text: string, options: { header?: boolean; name?: string } = {}): NumericCsv {
  checkOptions('parseNumericCsv', options, ['header', 'name']);
  const name = options.name ?? 'CSV';
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const split = (line: string) => line.split(/\s*[,;\t]\s*|\s+/);
  let header: string[] | null = null;
  const rows: number[][] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    if (options.header && header === null) {
      header = split(line);
      return;
    }
    const row = split(line).map(Number);
    if (row.some((v) => !Number.isFinite(v))) fail('parseNumericCsv', `${name} line ${i + 1} has a non-numeric field: "${line}"`);
    const width = header?.length ?? rows[0]?.length ?? row.length;
    if (row.length !== width) fail('parseNumericCsv', `${name} line ${i + 1} has ${row.length} fields, expected ${width}`);
    rows.push(row);
  });
  return { header, rows };
}
