// Benchmarks other than bench/run.ts keep their figures in a section of bench/RESULTS.md of their
// own, between two HTML comments, so each rewrites only its section. bench/run.ts keeps
// everything from "## Interpretation" on, where these sections live.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

/** Replaces the section `name` (or appends it) with `markdown`; written atomically. */
export function writeResultsSection(name: string, markdown: string, file = RESULTS_FILE): string {
  const start = `<!-- ${name}:start -->`, end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const i = text.indexOf(start), j = text.indexOf(end);
  const next = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(`${file}.tmp`, next);
  renameSync(`${file}.tmp`, file);
  return file;
}
