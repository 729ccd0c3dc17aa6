// tapegrad eval: rebuilds a model from a checkpoint written by `tapegrad train` (or one of the
// per-epoch checkpoints beside its run.json) and evaluates it on the run's test set.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataLoader } from '../../../data/loader.js';
import type { Module } from '../../../nn/module.js';
import { unpackCheckpoint } from '../../../nn/checkpoint.js';
import { loadSafetensors } from '../../../nn/safetensors_file.js';
import { evaluate, type Evaluation } from '../../training/index.js';
import { formatHelp, parseOptions, type OptionTable } from '../args.js';
import { BACKENDS, useBackend, type BackendName } from '../backend.js';
import { loadDatasetPair } from '../datasets.js';
import { println, type Io } from '../io.js';
import { buildFromRunInfo, checkModelFitsFile, readRunInfo, type RunInfo } from '../run_info.js';

export const EVAL_OPTIONS: OptionTable = {
  checkpoint: { type: 'string', meta: 'FILE', required: true, help: 'a model.safetensors written by tapegrad train' },
  batch: { type: 'positiveInt', default: 256, help: 'evaluation batch size' },
  backend: { type: 'choice', choices: BACKENDS, what: 'backend', default: 'cpu', help: 'where tensors live' },
  'data-root': { type: 'string', meta: 'DIR', help: 'a folder with the MNIST/Fashion-MNIST IDX files (default: as in training)' },
  json: { type: 'flag', help: 'print the result as one JSON object' },
};

export const EVAL_HELP = formatHelp('tapegrad eval', "Evaluates a trained model on its run's test set (loss and accuracy, or MSE).", EVAL_OPTIONS);

export interface EvalResult extends Evaluation {
  info: RunInfo;
  samples: number;
}

/**
 * The path given with `flag` must name a file: a missing path or a folder gets a message in
 * words, naming the flag (not a bare ENOENT or EISDIR).
 */
export function checkCheckpointPath(path: string, flag = '--checkpoint'): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`${flag} ${path}: no such file (expected a .safetensors file written by tapegrad train)`);
    throw new Error(`${flag} ${path}: cannot read it (${(error as Error).message})`);
  }
  if (stat.isDirectory()) {
    const inside = join(path, 'model.safetensors');
    throw new Error(`${flag} ${path} is a directory, expected a .safetensors file${existsSync(inside) ? `; did you mean ${flag} ${inside}?` : ''}`);
  }
}

/**
 * Reads a checkpoint and rebuilds its model with the trained weights, on the active backend.
 * The run info is checked against the file's tensors before the model is built.
 */
export async function loadTrained(path: string, flag = '--checkpoint'): Promise<{ model: Module; info: RunInfo }> {
  checkCheckpointPath(path, flag);
  const file = await loadSafetensors(path);
  try {
    const info = readRunInfo(path, file.metadata);
    const optimizerState = Object.hasOwn(file.metadata, 'optimizer');
    checkModelFitsFile(path, info, Object.entries(file.tensors).filter(([key]) => !(optimizerState && key.startsWith('optimizer.'))).map(([, t]) => t.size));
    const model = buildFromRunInfo(info);
    try {
      unpackCheckpoint(file, model, null, { strict: true });
    } catch (error) {
      model.dispose();
      throw new Error(`${path} does not fit a ${info.model} with ${info.act} for ${info.dataset}: ${(error as Error).message}`);
    }
    return { model, info };
  } finally {
    for (const t of Object.values(file.tensors)) t.dispose();
  }
}

/** "test accuracy 97.85% (loss 0.0712)" or "test mse 0.0123". */
export function describeResult(info: RunInfo, result: Evaluation): string {
  if (info.task === 'classification') {
    const accuracy = result.metrics.accuracy;
    return `${info.dataset} test accuracy ${accuracy === undefined ? '?' : `${(accuracy * 100).toFixed(2)}%`} (loss ${result.loss.toFixed(4)})`;
  }
  return `${info.dataset} test mse ${(result.metrics.mse ?? result.loss).toFixed(5)}`;
}

export async function evaluateCheckpoint(args: { checkpoint: string; batch: number; backend: BackendName; 'data-root'?: string }): Promise<EvalResult> {
  useBackend(args.backend);
  const { model, info } = await loadTrained(args.checkpoint);
  try {
    const data = loadDatasetPair(info.dataset, { seed: info.seed, root: args['data-root'] ?? info.dataRoot });
    const loader = new DataLoader(data.test, { batchSize: args.batch, transform: data.transform });
    const result = evaluate(model, loader, { loss: info.loss, metrics: info.metrics });
    return { ...result, info, samples: data.test.length };
  } finally {
    model.dispose();
  }
}

export async function evalCommand(argv: readonly string[], io: Io): Promise<EvalResult | null> {
  const parsed = parseOptions('tapegrad eval', argv, EVAL_OPTIONS);
  if (parsed.help) {
    io.stdout.write(EVAL_HELP);
    return null;
  }
  const result = await evaluateCheckpoint(parsed as { checkpoint: string; batch: number; backend: BackendName });
  if (parsed.json) println(io.stdout, JSON.stringify({ model: result.info.model, act: result.info.act, dataset: result.info.dataset, samples: result.samples, loss: result.loss, metrics: result.metrics }));
  else println(io.stdout, `${describeResult(result.info, result)} on ${result.samples} samples (${result.info.model}, ${result.info.act})`);
  return result;
}
