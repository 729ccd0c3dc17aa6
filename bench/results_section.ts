// Benchmarks other than bench/run.ts keep their figures in a section of bench/RESULTS.md of their
// own, between two HTML comments, so each rewrites only its section. bench/run.ts keeps
// everything from "## Interpretation" on, where these sections live.
//
// A plain run writes into bench/out/RESULTS.md (git-ignored; a copy of the tracked file with the
// run's sections replaced), so running a benchmark never changes a tracked file. Pass
// --write-results to update the tracked bench/RESULTS.md itself, as a deliberate act.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The tracked figures, written only with --write-results. */
export const RESULTS_FILE = join(here, 'RESULTS.md');
/** Where a run writes without --write-results. */
export const OUT_RESULTS_FILE = join(here, 'out', 'RESULTS.md');

/** The file this run writes: RESULTS_FILE with --write-results, else OUT_RESULTS_FILE. */
export function resultsFile(argv: readonly string[] = process.argv): string {
  if (argv.includes('--write-results')) return RESULTS_FILE;
  mkdirSync(dirname(OUT_RESULTS_FILE), { recursive: true });
  // start from the tracked figures, so the copy holds every section, not only this run's
  if (!existsSync(OUT_RESULTS_FILE) && existsSync(RESULTS_FILE)) copyFileSync(RESULTS_FILE, OUT_RESULTS_FILE);
  return OUT_RESULTS_FILE;
}

/** Replaces the section `name` (or appends it) with `markdown`; written atomically. */
export function writeResultsSection(name: string, markdown: string, file = resultsFile()): string {
  const start = `<!-- ${name}:start -->`, end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const i = text.indexOf(start), j = text.indexOf(end);
  const next = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(`${file}.tmp`, next);
  renameSync(`${file}.tmp`, file);
  return file;
}
