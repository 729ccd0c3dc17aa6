// The checkpoint folder of a run: per epoch, epoch-NNNN.safetensors (model and optimizer) and
// epoch-NNNN.json (the loop state), then latest.json naming the newest loop state. Each file is
// written atomically (temporary file, fsync, rename) and in that order, so whatever moment a
// crash comes at, latest.json names a complete pair. A save killed midway leaves a temporary
// file, which the next save in the folder removes.
//
// Resuming reads files that may be damaged or crafted: latest.json and a loop state may only
// name files in their own folder, and when the newest checkpoint cannot be used the error names
// the last epoch whose files are complete, and how to resume from it.
import { fail, TapegradError } from '../../core/errors.js';
import { loadCheckpoint, saveCheckpoint, type StatefulOptimizer } from '../../nn/checkpoint.js';
import type { Module } from '../../nn/module.js';
import { parseJsonText } from '../../nn/json_text.js';
import { readSafetensorsHeader, removeStaleTemporaries, writeAtomically } from '../../nn/safetensors_file.js';
import { epochFileNames, isPlainFileName, parseLoopState, type LoopState } from './loop_state.js';
import { nodeFiles, readTextIfExists } from './node_files.js';

export const LATEST = 'latest.json';

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

/** Writes one epoch's pair of files and points latest.json at them. */
export async function saveEpoch(dir: string, model: Module, optimizer: StatefulOptimizer, state: Omit<LoopState, 'checkpoint'>): Promise<void> {
  const { fs, path } = await nodeFiles();
  await fs.mkdir(dir, { recursive: true });
  await removeStaleTemporaries(dir);
  const names = epochFileNames(state.epoch);
  await saveCheckpoint(path.join(dir, names.checkpoint), model, optimizer, { metadata: { epoch: String(state.epoch) } });
  await writeAtomically(path.join(dir, names.loopState), json({ ...state, checkpoint: names.checkpoint }));
  await writeAtomically(path.join(dir, LATEST), json({ epoch: state.epoch, loopState: names.loopState }));
}

/**
 * Which loop-state file a resume starts from: `resume: true` follows checkpointDir's
 * latest.json; a string is the loop-state file itself.
 */
export async function findLoopStateFile(fn: string, resume: true | string, checkpointDir: string | undefined): Promise<string> {
  const { path } = await nodeFiles();
  if (typeof resume === 'string') return resume;
  if (checkpointDir === undefined) fail(fn, 'resume: true continues from checkpointDir\'s latest checkpoint, but no checkpointDir was given');
  const latest = path.join(checkpointDir, LATEST);
  const text = await readTextIfExists(latest);
  if (text === null) fail(fn, `resume requested but no checkpoint found: ${latest} does not exist`);
  let pointer: { loopState?: unknown };
  try {
    pointer = parseJsonText(fn, latest, text) as { loopState?: unknown };
  } catch (error) {
    fail(fn, `${(error as Error).message.slice(fn.length + 2)}${await lastGood(checkpointDir, Infinity)}`);
  }
  if (!isPlainFileName(pointer?.loopState)) {
    fail(fn, `${latest}: field 'loopState' must name a loop-state file in the same folder, got ${JSON.stringify(pointer?.loopState)}${await lastGood(checkpointDir, Infinity)}`);
  }
  return path.join(checkpointDir, pointer.loopState);
}

/** Reads and validates a loop-state file. */
export async function readLoopState(fn: string, file: string): Promise<LoopState> {
  const { path } = await nodeFiles();
  const text = await readTextIfExists(file);
  if (text === null) fail(fn, `resume requested but no checkpoint found: ${file} does not exist${await lastGood(path.dirname(file), epochOf(file))}`);
  try {
    return parseLoopState(fn, file, text);
  } catch (error) {
    throw new TapegradError(fn, `${(error as Error).message.slice(fn.length + 2)}${await lastGood(path.dirname(file), epochOf(file))}`);
  }
}

/** Loads the checkpoint a loop state names into the model and optimizer (all or nothing). */
export async function loadWeights(fn: string, file: string, state: LoopState, model: Module, optimizer: StatefulOptimizer): Promise<void> {
  const { path } = await nodeFiles();
  const weights = path.join(path.dirname(file), state.checkpoint);
  try {
    await loadCheckpoint(weights, model, optimizer);
  } catch (error) {
    fail(fn, `cannot resume from ${weights} (named by ${file}): ${error instanceof Error ? error.message : String(error)}${await lastGood(path.dirname(file), state.epoch)}`);
  }
}

/** The epoch an epoch-NNNN.json names, or Infinity for another name. */
function epochOf(file: string): number {
  const match = /epoch-(\d+)\.json$/.exec(file);
  return match ? Number(match[1]) : Infinity;
}

/**
 * The newest epoch before `below` whose loop state parses and whose checkpoint's header accounts
 * for its whole file: where a run can resume when a newer checkpoint is damaged.
 */
export async function lastCompleteEpoch(dir: string, below: number): Promise<{ epoch: number; file: string } | null> {
  const { fs, path } = await nodeFiles();
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const candidates = names
    .map((name) => ({ name, epoch: epochOf(name) }))
    .filter(({ name, epoch }) => /^epoch-\d+\.json$/.test(name) && epoch < below)
    .sort((a, b) => b.epoch - a.epoch);
  for (const { name } of candidates) {
    const file = path.join(dir, name);
    try {
      const text = await readTextIfExists(file);
      if (text === null) continue;
      const state = parseLoopState('lastCompleteEpoch', file, text);
      await readSafetensorsHeader(path.join(dir, state.checkpoint)); // its size and header, not its data
      return { epoch: state.epoch, file };
    } catch {
      /* damaged too: try the one before */
    }
  }
  return null;
}

/** The sentence an error ends with: where to resume from instead. */
async function lastGood(dir: string, below: number): Promise<string> {
  const good = await lastCompleteEpoch(dir, below);
  if (good === null) return `; no earlier complete checkpoint was found in ${dir}`;
  return `; the last complete checkpoint is epoch ${good.epoch}: resume from it with resume: '${good.file}' (tapegrad train --resume-from ${good.file})`;
}
