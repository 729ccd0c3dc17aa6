// What `tapegrad train` records about a run, so `eval` and `plot` can rebuild the model and its
// test set from a checkpoint alone: stored as JSON under the safetensors metadata key 'tapegrad'
// of DIR/model.safetensors, and as DIR/run.json (read for the per-epoch checkpoints fit writes,
// which carry only the weights).
//
// A checkpoint is untrusted input, and the model is built from what its run info says, so every
// field is checked (naming it) before anything is built: the input and output shapes must be
// the dataset's own, and the MLP that the hidden widths describe must not hold more numbers
// than the file's tensors do (a model that does could never load from it anyway, and building
// it first is how a 376-byte file asked for gigabytes).
import { lstatSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Module } from '../../nn/module.js';
import { parseJsonText, preview } from '../../nn/json_text.js';
import type { EpochRecord } from '../training/index.js';
import { checkEpochRecord } from '../training/loop_state.js';
import { buildModel, isModelName, MODELS, type ModelName } from '../zoo/models.js';
import { activationWidth, ACTIVATIONS, isActivationName, type ActivationName } from '../zoo/activations.js';
import { DATASET_SHAPES, DATASETS, isDatasetName, type DatasetName } from './datasets.js';

export const METADATA_KEY = 'tapegrad';
export const RUN_FILE = 'run.json';
/** A run.json is a few kilobytes; a history of 10,000 epochs is under 3 MB. */
const MAX_RUN_FILE_BYTES = 16 * 1024 * 1024;
/** More hidden layers, or wider ones, than any run of the zoo would use. */
const MAX_HIDDEN_LAYERS = 64;
const MAX_WIDTH = 1 << 20;

export interface RunInfo {
  format: 'tapegrad-run';
  version: 1;
  model: ModelName;
  act: ActivationName;
  dataset: DatasetName;
  /** The seed of the model's initialisation, the data order and the synthetic sets. */
  seed: number;
  limit?: number;
  /** A folder given with --data-root. */
  dataRoot?: string;
  inputShape: number[];
  numClasses?: number;
  outputs?: number;
  hidden?: number[];
  task: 'classification' | 'regression';
  loss: 'cross_entropy' | 'mse';
  metrics: ('accuracy' | 'mse')[];
  optimizer: string;
  lr: number;
  /** 'cosine' or 'constant' (runs before the option: constant). */
  schedule?: string;
  batch: number;
  epochs: number;
  backend: string;
  /** Per-epoch records (in the final checkpoint). */
  history?: EpochRecord[];
}

export function buildFromRunInfo(info: RunInfo): Module {
  return buildModel(info.model, { activation: info.act, inputShape: info.inputShape, numClasses: info.numClasses, outputs: info.outputs, hidden: info.hidden });
}

/** The run info of a checkpoint: from its metadata, else from run.json beside it. */
export function readRunInfo(path: string, metadata: Record<string, string>): RunInfo {
  let json = Object.hasOwn(metadata, METADATA_KEY) ? metadata[METADATA_KEY] : undefined;
  let source = `the '${METADATA_KEY}' metadata of ${path}`;
  if (json === undefined) {
    const beside = join(dirname(path), RUN_FILE);
    const text = readRunFile(beside);
    if (text === null) throw new Error(`${path} carries no '${METADATA_KEY}' metadata and there is no ${RUN_FILE} beside it: it was not written by tapegrad train, so the model cannot be rebuilt`);
    json = text;
    source = beside;
  }
  return parseRunInfo(source, json);
}

/** run.json's text, or null if there is none; refuses anything but a regular file of sane size. */
export function readRunFile(file: string): string | null {
  let stat;
  try {
    stat = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (stat.isSymbolicLink()) throw new Error(`${file} is a symbolic link; tapegrad reads and writes only the run's own files, never through links`);
  if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
  if (stat.size > MAX_RUN_FILE_BYTES) throw new Error(`${file} is ${stat.size} bytes; a run file is at most ${MAX_RUN_FILE_BYTES}`);
  return readFileSync(file, 'utf8');
}

/** Parses and checks run info, field by field; `source` names where it came from. */
export function parseRunInfo(source: string, json: string): RunInfo {
  let raw: unknown;
  try {
    raw = parseJsonText('readRunInfo', source, json);
  } catch (error) {
    throw new Error((error as Error).message.replace(/^readRunInfo: /, ''));
  }
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new Error(`${source} does not describe a tapegrad run: field '${field}' must be ${expected}, got ${preview(got)}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('(root)', 'an object', raw);
  const r = raw as Record<string, unknown>;
  if (r.format !== 'tapegrad-run') bad('format', "'tapegrad-run'", r.format);
  if (r.version !== 1) bad('version', '1', r.version);
  if (!isModelName(r.model)) bad('model', `one of ${MODELS.join(', ')}`, r.model);
  if (!isActivationName(r.act)) bad('act', `one of ${ACTIVATIONS.join(', ')}`, r.act);
  if (!isDatasetName(r.dataset)) bad('dataset', `one of ${DATASETS.join(', ')}`, r.dataset);
  const integer = (field: string, min: number, optional = false) => {
    const v = r[field];
    if (optional && v === undefined) return;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) bad(field, `an integer ≥ ${min}`, v);
  };
  integer('seed', 0);
  integer('limit', 1, true);
  integer('batch', 1);
  integer('epochs', 1);
  if (typeof r.lr !== 'number' || !(r.lr > 0) || !Number.isFinite(r.lr)) bad('lr', 'a positive number', r.lr);
  for (const field of ['optimizer', 'backend']) if (typeof r[field] !== 'string') bad(field, 'a string', r[field]);
  for (const field of ['schedule', 'dataRoot']) if (r[field] !== undefined && typeof r[field] !== 'string') bad(field, 'a string', r[field]);

  // the dataset fixes the shapes and the task: nothing else can be trained on it
  const expected = DATASET_SHAPES[r.dataset as DatasetName];
  const same = (a: unknown, b: readonly unknown[]) => Array.isArray(a) && a.length === b.length && a.every((d, i) => d === b[i]);
  if (!same(r.inputShape, expected.inputShape)) bad('inputShape', `[${expected.inputShape.join(', ')}] (the shape of ${String(r.dataset)})`, r.inputShape);
  if (r.numClasses !== expected.numClasses) bad('numClasses', `${expected.numClasses} for ${String(r.dataset)}`, r.numClasses);
  if (r.outputs !== expected.outputs) bad('outputs', `${expected.outputs} for ${String(r.dataset)}`, r.outputs);
  if (r.task !== expected.task) bad('task', `'${expected.task}' for ${String(r.dataset)}`, r.task);
  const loss = expected.task === 'classification' ? 'cross_entropy' : 'mse';
  if (r.loss !== loss) bad('loss', `'${loss}' for a ${expected.task} run`, r.loss);
  const metric = expected.task === 'classification' ? 'accuracy' : 'mse';
  if (!same(r.metrics, [metric])) bad('metrics', `['${metric}']`, r.metrics);

  if (r.hidden !== undefined) {
    if (r.model !== 'mlp') bad('hidden', `absent for --model ${String(r.model)}`, r.hidden);
    const h = r.hidden;
    if (!Array.isArray(h) || h.length === 0 || h.length > MAX_HIDDEN_LAYERS || !h.every((w) => Number.isSafeInteger(w) && w >= 1 && w <= MAX_WIDTH)) {
      bad('hidden', `1 to ${MAX_HIDDEN_LAYERS} widths, each an integer in [1, ${MAX_WIDTH}]`, h);
    }
  }
  if (r.history !== undefined) {
    if (!Array.isArray(r.history) || r.history.length > (r.epochs as number)) bad('history', `an array of at most ${String(r.epochs)} epoch records`, r.history);
    (r.history as unknown[]).forEach((record, i) => checkEpochRecord(bad, `history[${i}]`, record, i + 1));
  }
  return r as unknown as RunInfo;
}

/**
 * The weights of the MLP the run info describes (its Linear layers; its activations add more):
 * a lower bound on the model's size, computed without building it.
 */
export function impliedWeights(info: RunInfo): number {
  if (info.model !== 'mlp') return 0; // fixed architectures: the checked dataset shapes fix their size
  const inputs = info.inputShape.reduce((a, b) => a * b, 1);
  const widths = info.hidden ?? (inputs > 64 ? [512, 256] : [32, 32]);
  const k = activationWidth(info.act);
  let total = 0;
  let width = inputs;
  for (const next of widths) {
    total += width * next * k + next * k;
    width = next;
  }
  return total + width * (info.numClasses ?? info.outputs ?? 1) + (info.numClasses ?? info.outputs ?? 1);
}

/** Refuses run info whose model holds more numbers than the checkpoint's tensors: checked before building it. */
export function checkModelFitsFile(path: string, info: RunInfo, tensorSizes: readonly number[]): void {
  const inFile = tensorSizes.reduce((a, b) => a + b, 0);
  const implied = impliedWeights(info);
  if (implied > inFile) {
    throw new Error(`${path}: the run info's field 'hidden' (${JSON.stringify(info.hidden ?? 'default')}) describes an MLP of at least ${implied.toLocaleString('en-US')} weights, but the file holds ${inFile.toLocaleString('en-US')} numbers: the metadata does not describe these weights, so no model was built`);
  }
}
