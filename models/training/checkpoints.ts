// The checkpoint folder of a run: per epoch, epoch-NNNN.safetensors (model and optimizer) and
// epoch-NNNN.json (the loop state), then latest.json naming the newest loop state. Each file is
// written atomically (temporary file, fsync, rename) and in that order, so whatever moment a
// crash comes at, latest.json names a complete pair.
import { fail } from '../../core/errors.js';
import { loadCheckpoint, saveCheckpoint, type StatefulOptimizer } from '../../nn/checkpoint.js';
import type { Module } from '../../nn/module.js';
import { writeAtomically } from '../../nn/safetensors_file.js';
import { epochFileNames, parseLoopState, type LoopState } from './loop_state.js';
import { nodeFiles, readTextIfExists } from './node_files.js';

export const LATEST = 'latest.json';

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

/** Writes one epoch's pair of files and points latest.json at them. */
export async function saveEpoch(dir: string, model: Module, optimizer: StatefulOptimizer, state: Omit<LoopState, 'checkpoint'>): Promise<void> {
  const { fs, path } = await nodeFiles();
  await fs.mkdir(dir, { recursive: true });
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
    pointer = JSON.parse(text);
  } catch (error) {
    fail(fn, `${latest} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof pointer?.loopState !== 'string') fail(fn, `${latest}: field 'loopState' must name a loop-state file, got ${JSON.stringify(pointer?.loopState)}`);
  return path.join(checkpointDir, pointer.loopState);
}

/** Reads and validates a loop-state file. */
export async function readLoopState(fn: string, file: string): Promise<LoopState> {
  const text = await readTextIfExists(file);
  if (text === null) fail(fn, `resume requested but no checkpoint found: ${file} does not exist`);
  return parseLoopState(fn, file, text);
}

/** Loads the checkpoint a loop state names into the model and optimizer (all or nothing). */
export async function loadWeights(fn: string, file: string, state: LoopState, model: Module, optimizer: StatefulOptimizer): Promise<void> {
  const { path } = await nodeFiles();
  const weights = path.join(path.dirname(file), state.checkpoint);
  try {
    await loadCheckpoint(weights, model, optimizer);
  } catch (error) {
    fail(fn, `cannot resume from ${weights} (named by ${file}): ${error instanceof Error ? error.message : String(error)}`);
  }
}
