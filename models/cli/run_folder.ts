// The run folder (--out) of `tapegrad train`. A folder that already holds a run is never written
// over silently: repeating a command from the README would otherwise mix two runs' epochs,
// append to the old metrics and replace the old model. Like Hugging Face's Trainer (which asks
// for --overwrite_output_dir), train refuses and says how to go on:
//   --resume           continue the run in the folder (its run.json settings are kept)
//   --resume-from F    continue from the epoch-NNNN.json F (e.g. an older epoch, when the newest
//                      checkpoint is damaged)
//   --force            delete the run's files (only the names train writes) and start afresh
// A folder with other files but no run in it is used as it is.
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './args.js';
import { RUN_FILE } from './run_info.js';

/** The files train, fit and plot write into a run folder, and fit's interrupted temporaries. */
const RUN_FILE_NAMES = [
  RUN_FILE, 'model.safetensors', 'metrics.jsonl', 'latest.json', 'activations.svg', 'history.svg',
  /^epoch-\d{4,}\.(safetensors|json)$/,
  /^\..+\.\d+\.[a-z0-9]+\.tmp$/,
];

const isRunFile = (name: string) => RUN_FILE_NAMES.some((p) => (typeof p === 'string' ? p === name : p.test(name)));

/** The run files in `dir` (links included: they are names in the folder too); [] if it does not exist. */
export function runFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new UsageError(`tapegrad train: --out ${dir} is a file, expected a folder`);
    throw error;
  }
  return names.filter(isRunFile).sort();
}

/**
 * Before a fresh run: a folder holding a run is refused, unless `force`, which deletes its run
 * files first (a link is removed itself, never followed).
 */
export function prepareFreshRun(who: string, dir: string, force: boolean): string[] {
  const found = runFilesIn(dir);
  if (found.length === 0) return [];
  if (!force) {
    const shown = found.length > 4 ? `${found.slice(0, 4).join(', ')}, ...` : found.join(', ');
    throw new UsageError(`${who}: --out ${dir} already holds a run (${shown}); add --resume to continue it, --force to delete its files and start over, or choose another --out`);
  }
  for (const name of found) rmSync(join(dir, name), { force: true });
  return found;
}

/** Before a resume: the folder must hold a run, with run.json a regular file. */
export function checkResumable(who: string, dir: string, flag: string): void {
  let stat;
  try {
    stat = lstatSync(join(dir, RUN_FILE));
  } catch {
    throw new UsageError(`${who}: ${flag} found no run to continue in ${dir} (it has no ${RUN_FILE}); drop ${flag} to start a new run there`);
  }
  if (!stat.isFile()) throw new UsageError(`${who}: ${join(dir, RUN_FILE)} is not a regular file (a link or a folder); tapegrad never reads or writes a run's files through links`);
}
