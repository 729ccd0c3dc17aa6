// What `tapegrad train` records about a run, so `eval` and `plot` can rebuild the model and its
// test set from a checkpoint alone: stored as JSON under the safetensors metadata key 'tapegrad'
// of DIR/model.safetensors, and as DIR/run.json (read for the per-epoch checkpoints fit writes,
// which carry only the weights).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Module } from '../../nn/module.js';
import type { EpochRecord } from '../training/index.js';
import { buildModel, isModelName, type ModelName } from '../zoo/models.js';
import { isActivationName, type ActivationName } from '../zoo/activations.js';
import { isDatasetName, type DatasetName } from './datasets.js';

export const METADATA_KEY = 'tapegrad';
export const RUN_FILE = 'run.json';

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
  let json = metadata[METADATA_KEY];
  let source = `the '${METADATA_KEY}' metadata of ${path}`;
  if (json === undefined) {
    const beside = join(dirname(path), RUN_FILE);
    if (!existsSync(beside)) throw new Error(`${path} carries no '${METADATA_KEY}' metadata and there is no ${RUN_FILE} beside it: it was not written by tapegrad train, so the model cannot be rebuilt`);
    json = readFileSync(beside, 'utf8');
    source = beside;
  }
  let info: RunInfo;
  try {
    info = JSON.parse(json) as RunInfo;
  } catch (error) {
    throw new Error(`${source} is not valid JSON (${(error as Error).message})`);
  }
  const problems: string[] = [];
  if (info?.format !== 'tapegrad-run') problems.push("format is not 'tapegrad-run'");
  if (!isModelName(info?.model)) problems.push(`unknown model ${JSON.stringify(info?.model)}`);
  if (!isActivationName(info?.act)) problems.push(`unknown activation ${JSON.stringify(info?.act)}`);
  if (!isDatasetName(info?.dataset)) problems.push(`unknown dataset ${JSON.stringify(info?.dataset)}`);
  if (!Array.isArray(info?.inputShape)) problems.push('no inputShape');
  if (problems.length > 0) throw new Error(`${source} does not describe a tapegrad run: ${problems.join('; ')}`);
  return info;
}
