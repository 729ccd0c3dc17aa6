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
import { parseJsonText, preview } from './json_text.js';
import type { Module } from './module.js';
import { loadSafetensors, writeAtomically } from './safetensors_file.js';
import { encodeSafetensors, type Safetensors, type SafetensorsDType } from './serialization.js';
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

const OPTIMIZER_KEY = /^optimizer\.state\.(0|[1-9]\d*)\.(.+)$/;
/** A parameter's index as JSON writes it: no sign, no leading zero, no exponent. */
const INDEX = /^(0|[1-9]\d{0,8})$/;
/** BatchNorm's counter, an int64 in PyTorch: written as I64 so torch.load_state_dict sees its dtype. */
const INTEGER_BUFFERS = /(^|\.)num_batches_tracked$/;

/** What encodeSafetensors takes for a checkpoint: the tensors, metadata, and the integer tensors' file dtypes. */
export interface PackedCheckpoint extends Safetensors {
  dtypes: Record<string, SafetensorsDType>;
}

/**
 * The tensors and metadata of a checkpoint, for encodeSafetensors (in a browser, or to write
 * elsewhere). The tensors are views of the module's and copies of the optimizer's state:
 * dispose them when done.
 */
export function packCheckpoint(module: Module, optimizer?: StatefulOptimizer | null, metadata: Record<string, string> = {}): PackedCheckpoint {
  const tensors: Record<string, Tensor> = Object.assign(Object.create(null), module.stateDict());
  const dtypes: Record<string, SafetensorsDType> = Object.create(null);
  for (const key of Object.keys(tensors)) if (INTEGER_BUFFERS.test(key)) dtypes[key] = 'I64';
  const meta: Record<string, string> = Object.assign(Object.create(null), { format: 'pt' }, metadata);
  if (!optimizer) return { tensors, metadata: meta, dtypes };
  const clash = Object.keys(tensors).find((k) => k.startsWith('optimizer.'));
  if (clash) fail('saveCheckpoint', `the module's key '${clash}' would be mistaken for optimizer state; rename the module's 'optimizer' child`);
  if (Object.hasOwn(metadata, 'optimizer')) fail('saveCheckpoint', "metadata key 'optimizer' is reserved for the optimizer's state");
  const dict = optimizer.stateDict();
  const scalars: Record<string, Record<string, number | null>> = {};
  // the names of each parameter's tensors, so a file with one of them cut out is refused by name
  const listed: Record<string, string[]> = {};
  for (const [index, entries] of Object.entries(dict.state)) {
    scalars[index] = {};
    listed[index] = [];
    for (const [name, value] of Object.entries(entries)) {
      if (value instanceof Tensor) {
        tensors[`optimizer.state.${index}.${name}`] = value;
        listed[index].push(name);
      } else scalars[index][name] = value;
    }
  }
  meta.optimizer = JSON.stringify({ param_groups: dict.param_groups, state: scalars, tensors: listed });
  return { tensors, metadata: meta, dtypes };
}

/** Loads a decoded checkpoint into the module (and the optimizer, if given): all of it or nothing. */
export function unpackCheckpoint(file: Safetensors, module: Module, optimizer?: StatefulOptimizer | null, { strict = true }: { strict?: boolean } = {}): LoadStateDictResult {
  const fn = 'loadCheckpoint';
  const hasOptimizer = Object.hasOwn(file.metadata, 'optimizer');
  if (optimizer && !hasOptimizer) fail(fn, 'the checkpoint holds no optimizer state (it was saved without an optimizer)');
  const moduleDict: Record<string, Tensor> = Object.create(null);
  const optimizerTensors: [string, string, Tensor][] = [];
  for (const [key, t] of Object.entries(file.tensors)) {
    if (!hasOptimizer || !key.startsWith('optimizer.')) moduleDict[key] = t;
    else {
      const match = OPTIMIZER_KEY.exec(key);
      if (!match) fail(fn, `unexpected optimizer key '${key}' (expected optimizer.state.<index>.<name>)`);
      optimizerTensors.push([match[1], match[2], t]);
    }
  }
  // checked in full before the module changes, so a bad optimizer state leaves both as they were
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

/** Parses the 'optimizer' metadata and merges the optimizer's tensors in; every key is checked. */
function readOptimizerState(fn: string, json: string, tensors: [string, string, Tensor][]): OptimizerState {
  const where = "the 'optimizer' metadata";
  const parsed = parseJsonText(fn, where, json) as Record<string, unknown> | null;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail(fn, `${where} must be an object {param_groups, state}, got ${preview(parsed)}`);
  const { param_groups: groups, state, tensors: listed } = parsed;
  if (!Array.isArray(groups)) fail(fn, `${where}: field 'param_groups' must be an array, got ${preview(groups)}`);
  groups.forEach((g, i) => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) fail(fn, `${where}: param_groups[${i}] must be an object, got ${preview(g)}`);
  });
  const checkIndex = (field: string, index: string) => {
    if (!INDEX.test(index)) fail(fn, `${where}: field '${field}' has key ${JSON.stringify(index)}, expected a parameter index (0, 1, 2, ...)`);
  };
  if (state === null || typeof state !== 'object' || Array.isArray(state)) fail(fn, `${where}: field 'state' must be an object, got ${preview(state)}`);
  // a Map: the parameter indices are data, never properties of a prototype
  const merged = new Map<number, Record<string, Tensor | number | null>>();
  for (const [index, entries] of Object.entries(state)) {
    checkIndex('state', index);
    if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) fail(fn, `${where}: state ${index} must be an object, got ${preview(entries)}`);
    const copy: Record<string, number | null> = Object.create(null);
    for (const [name, value] of Object.entries(entries)) {
      if (typeof value !== 'number' && value !== null) fail(fn, `${where}: state ${index}.${name} must be a number or null, got ${preview(value)}`);
      copy[name] = value;
    }
    merged.set(Number(index), copy);
  }
  for (const [index, name, t] of tensors) {
    const entries = merged.get(Number(index)) ?? Object.create(null);
    if (Object.hasOwn(entries, name)) fail(fn, `optimizer.state.${index}.${name} is both a tensor and a number in ${where}`);
    entries[name] = t;
    merged.set(Number(index), entries);
  }
  if (listed !== undefined) {
    if (listed === null || typeof listed !== 'object' || Array.isArray(listed)) fail(fn, `${where}: field 'tensors' must be an object, got ${preview(listed)}`);
    for (const [index, names] of Object.entries(listed)) {
      checkIndex('tensors', index);
      if (!Array.isArray(names)) fail(fn, `${where}: tensors ${index} must be a list of names, got ${preview(names)}`);
      for (const name of names) {
        const entries = merged.get(Number(index));
        if (typeof name !== 'string' || !entries || !(Object.hasOwn(entries, name) && entries[name] instanceof Tensor)) {
          fail(fn, `the optimizer's tensor 'optimizer.state.${index}.${String(name)}' is missing from the file (${where} lists it); the file is incomplete`);
        }
      }
    }
  }
  const out: OptimizerState['state'] = Object.create(null);
  for (const [index, entries] of merged) out[index] = entries;
  return { param_groups: groups as Record<string, unknown>[], state: out };
}

export interface SaveCheckpointOptions {
  /** Extra string pairs for the header's __metadata__ (epoch, notes...). */
  metadata?: Record<string, string>;
}

/** Writes module (and optimizer) state atomically to a safetensors file (Node). */
export async function saveCheckpoint(path: string, module: Module, optimizer?: StatefulOptimizer | null, { metadata = {} }: SaveCheckpointOptions = {}): Promise<void> {
  const packed = packCheckpoint(module, optimizer, metadata);
  try {
    const bytes = encodeSafetensors(packed.tensors, packed.metadata, { dtypes: packed.dtypes });
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
