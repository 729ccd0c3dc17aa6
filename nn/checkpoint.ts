// Checkpoints: a module's state dict and, optionally, an optimizer's state, in one safetensors
// file. The module's tensors are stored under their PyTorch names, so a checkpoint without an
// optimizer is exactly what safetensors.torch.save_file(model.state_dict()) writes, and
// PyTorch loads it with load_file + load_state_dict. An optimizer's state (PyTorch's structure,
// optim/state_dict.ts) is stored as
//   tensors   'optimizer.state.<index>.<name>'  (momentum_buffer, exp_avg, ...)
//   metadata  'optimizer': JSON of { param_groups, state: the entries that are not tensors }
// and 'format': 'pt' marks the file for PyTorch tools, as Hugging Face's writers do.
// Loading is all or nothing: if the optimizer refuses its state, the module is put back.
import { fail } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import type { Module } from './module.js';
import { loadSafetensors, writeAtomically } from './safetensors_file.js';
import { encodeSafetensors, type Safetensors } from './serialization.js';
import type { LoadStateDictResult } from './state_dict.js';

/** The optimizer state dict's shape (optim/state_dict.ts), as far as a checkpoint needs it. */
export interface OptimizerState {
  state: Record<number, Record<string, Tensor | number | null>>;
  param_groups: Record<string, unknown>[];
}

export interface StatefulOptimizer {
  stateDict(): OptimizerState;
  loadStateDict(dict: OptimizerState): void;
}

const OPTIMIZER_KEY = /^optimizer\.state\.(\d+)\.(.+)$/;

/**
 * The tensors and metadata of a checkpoint, for encodeSafetensors (in a browser, or to write
 * elsewhere). The tensors are views of the module's and copies of the optimizer's state:
 * dispose them when done.
 */
export function packCheckpoint(module: Module, optimizer?: StatefulOptimizer | null, metadata: Record<string, string> = {}): Safetensors {
  const tensors = module.stateDict();
  const meta: Record<string, string> = { format: 'pt', ...metadata };
  if (!optimizer) return { tensors, metadata: meta };
  const clash = Object.keys(tensors).find((k) => k.startsWith('optimizer.'));
  if (clash) fail('saveCheckpoint', `the module's key '${clash}' would be mistaken for optimizer state; rename the module's 'optimizer' child`);
  if ('optimizer' in metadata) fail('saveCheckpoint', "metadata key 'optimizer' is reserved for the optimizer's state");
  const dict = optimizer.stateDict();
  const scalars: Record<string, Record<string, number | null>> = {};
  for (const [index, entries] of Object.entries(dict.state)) {
    for (const [name, value] of Object.entries(entries)) {
      if (value instanceof Tensor) tensors[`optimizer.state.${index}.${name}`] = value;
      else (scalars[index] ??= {})[name] = value;
    }
  }
  meta.optimizer = JSON.stringify({ param_groups: dict.param_groups, state: scalars });
  return { tensors, metadata: meta };
}

/** Loads a decoded checkpoint into the module (and the optimizer, if given). */
export function unpackCheckpoint(file: Safetensors, module: Module, optimizer?: StatefulOptimizer | null, { strict = true }: { strict?: boolean } = {}): LoadStateDictResult {
  const fn = 'loadCheckpoint';
  const hasOptimizer = Object.hasOwn(file.metadata, 'optimizer');
  if (optimizer && !hasOptimizer) fail(fn, 'the checkpoint holds no optimizer state (it was saved without an optimizer)');
  const moduleDict: Record<string, Tensor> = {};
  const optimizerTensors: [string, string, Tensor][] = [];
  for (const [key, t] of Object.entries(file.tensors)) {
    if (!hasOptimizer || !key.startsWith('optimizer.')) moduleDict[key] = t;
    else {
      const match = OPTIMIZER_KEY.exec(key);
      if (!match) fail(fn, `unexpected optimizer key '${key}' (expected optimizer.state.<index>.<name>)`);
      optimizerTensors.push([match[1], match[2], t]);
    }
  }
  const optimizerDict = optimizer ? readOptimizerState(fn, file.metadata.optimizer, optimizerTensors) : null;

  const snapshot = module.stateDict();
  try {
    const result = module.loadStateDict(moduleDict, { strict });
    if (optimizer && optimizerDict) {
      try {
        optimizer.loadStateDict(optimizerDict);
      } catch (error) {
        module.loadStateDict(snapshot); // all or nothing
        throw error;
      }
    }
    return result;
  } finally {
    for (const t of Object.values(snapshot)) t.dispose();
  }
}

function readOptimizerState(fn: string, json: string, tensors: [string, string, Tensor][]): OptimizerState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    fail(fn, `the 'optimizer' metadata is not valid JSON (${(error as Error).message})`);
  }
  const { param_groups: groups, state } = (parsed ?? {}) as Record<string, unknown>;
  if (!Array.isArray(groups) || state === null || typeof state !== 'object') fail(fn, "the 'optimizer' metadata must hold {param_groups: [...], state: {...}}");
  const merged: OptimizerState['state'] = {};
  for (const [index, entries] of Object.entries(state as Record<string, Record<string, number | null>>)) merged[Number(index)] = { ...entries };
  for (const [index, name, t] of tensors) (merged[Number(index)] ??= {})[name] = t;
  return { param_groups: groups, state: merged };
}

export interface SaveCheckpointOptions {
  /** Extra string pairs for the header's __metadata__ (epoch, notes...). */
  metadata?: Record<string, string>;
}

/** Writes module (and optimizer) state atomically to a safetensors file (Node). */
export async function saveCheckpoint(path: string, module: Module, optimizer?: StatefulOptimizer | null, { metadata = {} }: SaveCheckpointOptions = {}): Promise<void> {
  const packed = packCheckpoint(module, optimizer, metadata);
  try {
    const bytes = encodeSafetensors(packed.tensors, packed.metadata);
    await writeAtomically(path, bytes);
  } finally {
    for (const t of Object.values(packed.tensors)) t.dispose(); // views and copies made for the file
  }
}

export interface LoadedCheckpoint extends LoadStateDictResult {
  metadata: Record<string, string>;
}

/** Reads a checkpoint into the module (and optimizer); nothing changes unless all of it loads. */
export async function loadCheckpoint(path: string, module: Module, optimizer?: StatefulOptimizer | null, options: { strict?: boolean } = {}): Promise<LoadedCheckpoint> {
  const file = await loadSafetensors(path);
  try {
    return { ...unpackCheckpoint(file, module, optimizer, options), metadata: file.metadata };
  } finally {
    for (const t of Object.values(file.tensors)) t.dispose(); // the module and optimizer keep copies
  }
}
