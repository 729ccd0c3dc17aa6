// tapegrad train: builds a zoo model, trains it with fit on one of the CLI's datasets, and
// writes into --out: fit's per-epoch checkpoints and latest.json, metrics.jsonl, run.json, and
// model.safetensors (the final weights, with the run's description as metadata). A folder that
// already holds a run is refused unless --resume, --resume-from or --force says what to do
// with it (run_folder.ts); a resumed run keeps the settings in its run.json.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { manualSeed } from '../../../core/rng.js';
import { DataLoader } from '../../../data/loader.js';
import { saveCheckpoint } from '../../../nn/checkpoint.js';
import { removeStaleTemporaries, writeAtomically } from '../../../nn/safetensors_file.js';
import { Adam } from '../../../optim/adam.js';
import { SGD } from '../../../optim/sgd.js';
import { PROGRESS_MODES, fit, type EpochRecord, type FitCallbacks, type ProgressMode } from '../../training/index.js';
import { ACTIVATIONS, type ActivationName } from '../../zoo/activations.js';
import { FIXED_ACTIVATION_MODELS, MODELS, type ModelName } from '../../zoo/models.js';
import { formatHelp, parseOptions, UsageError, type OptionTable } from '../args.js';
import { BACKENDS, describeBackend, useBackend, type BackendName } from '../backend.js';
import { DATASETS, loadDatasetPair, type DatasetName } from '../datasets.js';
import { println, type Io } from '../io.js';
import { checkResumable, prepareFreshRun } from '../run_folder.js';
import { buildFromRunInfo, METADATA_KEY, parseRunInfo, readRunFile, RUN_FILE, type RunInfo } from '../run_info.js';
import { describeResult } from './eval.js';

export const OPTIMIZERS = ['adam', 'sgd'] as const;
export const SCHEDULES = ['cosine', 'constant'] as const;

export const TRAIN_OPTIONS: OptionTable = {
  model: { type: 'choice', choices: MODELS, what: 'model', default: 'mlp', help: 'the network (models/zoo)' },
  act: { type: 'choice', choices: ACTIVATIONS, what: 'activation', default: 'relu', help: 'the activation between layers (resnet/node/gode: relu only)' },
  dataset: { type: 'choice', choices: DATASETS, what: 'dataset', default: 'mnist', help: 'what to train on' },
  epochs: { type: 'positiveInt', default: 1, help: 'epochs to train (in all, when resuming)' },
  batch: { type: 'positiveInt', default: 64, help: 'training batch size' },
  lr: { type: 'positiveNumber', help: 'learning rate (default 1e-3 for adam, 0.01 for sgd)' },
  optimizer: { type: 'choice', choices: OPTIMIZERS, what: 'optimizer', default: 'adam', help: 'adam, or sgd with --momentum' },
  momentum: { type: 'number', default: 0.9, help: 'sgd momentum' },
  schedule: { type: 'choice', choices: SCHEDULES, what: 'schedule', default: 'cosine', help: 'cosine: the lr decays from --lr to 0 over the run, batch by batch; constant: it stays --lr' },
  backend: { type: 'choice', choices: BACKENDS, what: 'backend', default: 'cpu', help: 'where tensors live' },
  seed: { type: 'nonNegativeInt', default: 0, help: 'seeds the weights, the data order and the synthetic sets' },
  out: { type: 'string', meta: 'DIR', help: 'checkpoints, metrics.jsonl and model.safetensors (default runs/MODEL-ACT-DATASET)' },
  limit: { type: 'positiveInt', help: 'train on the first N training samples only' },
  hidden: { type: 'string', meta: 'N,N,...', help: 'mlp hidden widths (default 512,256 for images, 32,32 otherwise; the DEU paper: 1024,512)' },
  'data-root': { type: 'string', meta: 'DIR', help: 'a folder with the MNIST/Fashion-MNIST IDX files (default: the installed packages)' },
  progress: { type: 'choice', choices: PROGRESS_MODES, what: 'progress mode', default: 'auto', help: 'a bar on a terminal, lines otherwise' },
  resume: { type: 'flag', help: "continue the run in --out from its latest.json, with its run.json's settings" },
  'resume-from': { type: 'string', meta: 'FILE', help: 'continue from this epoch-NNNN.json (an earlier epoch, when the newest checkpoint is damaged)' },
  force: { type: 'flag', help: 'if --out holds a run, delete its files and start afresh' },
};

export const TRAIN_HELP = formatHelp(
  'tapegrad train',
  'Trains a model of the zoo and writes its checkpoints, metrics and final weights to --out.',
  TRAIN_OPTIONS,
  'example:\n  tapegrad train --model mlp --act deu --dataset circles --epochs 20 --out runs/circles-deu',
);

export interface TrainArgs {
  model: ModelName;
  act: ActivationName;
  dataset: DatasetName;
  epochs: number;
  batch: number;
  lr?: number;
  optimizer: (typeof OPTIMIZERS)[number];
  momentum: number;
  schedule: (typeof SCHEDULES)[number];
  backend: BackendName;
  seed: number;
  out?: string;
  limit?: number;
  hidden?: string;
  'data-root'?: string;
  progress: ProgressMode;
  resume?: boolean;
  'resume-from'?: string;
  force?: boolean;
}

export interface TrainResult {
  info: RunInfo;
  history: EpochRecord[];
  /** DIR/model.safetensors. */
  checkpoint: string;
  out: string;
  seconds: number;
}

/** Checks the combinations the option table cannot (an image model on tabular data...). */
export function checkTrainArgs(args: TrainArgs): void {
  const who = 'tapegrad train';
  if (FIXED_ACTIVATION_MODELS.includes(args.model) && args.act !== 'relu') {
    throw new UsageError(`${who}: --model ${args.model} uses the Neural-GODE paper's ReLU, got --act ${args.act}; other activations go with ${MODELS.filter((m) => !FIXED_ACTIVATION_MODELS.includes(m)).join(', ')}`);
  }
  if (args.hidden !== undefined) {
    if (args.model !== 'mlp') throw new UsageError(`${who}: --hidden applies to --model mlp, got --model ${args.model}`);
    parseHidden(args.hidden);
  }
  const images = args.dataset === 'mnist' || args.dataset === 'fashion';
  if (args.model !== 'mlp' && !images) {
    throw new UsageError(`${who}: --model ${args.model} takes images (mnist, fashion), got --dataset ${args.dataset}; use --model mlp for ${args.dataset}`);
  }
}

/**
 * The learning rate after each batch: lr·(1 + cos(π·done/total))/2, from lr to 0 over the whole
 * run, a function of (epoch, batch) alone, so a resumed run continues the same curve (the
 * optimizer's saved state carries the lr of the last step). One epoch of Adam at a constant lr
 * ends wherever the last few hundred steps left the weights (MNIST: 96.3–97.1% over seeds);
 * decaying it settles them.
 */
export function cosineDecay(optimizer: { paramGroups: { lr: number }[] }, lr: number, epochs: number): FitCallbacks {
  return {
    onBatchEnd({ epoch, batch, batches }) {
      const done = Math.min(1, ((epoch - 1) * batches + batch) / (epochs * batches));
      for (const group of optimizer.paramGroups) group.lr = (lr * (1 + Math.cos(Math.PI * done))) / 2;
    },
  };
}

/** '1024,512' → [1024, 512]. */
export function parseHidden(text: string): number[] {
  const widths = text.split(',').map((w) => w.trim());
  if (widths.some((w) => !/^[1-9]\d*$/.test(w))) throw new UsageError(`tapegrad train: --hidden must be positive integers separated by commas, got '${text}'`);
  return widths.map(Number);
}

/** The settings a resumed run takes from its run.json, by flag: what --resume keeps. */
function settingsOf(info: RunInfo): Partial<TrainArgs> {
  const sgd = /^sgd\(momentum=(.+)\)$/.exec(info.optimizer);
  return {
    model: info.model, act: info.act, dataset: info.dataset, seed: info.seed, limit: info.limit,
    hidden: info.hidden?.join(','), 'data-root': info.dataRoot,
    optimizer: sgd ? 'sgd' : 'adam', ...(sgd ? { momentum: Number(sgd[1]) } : {}),
    lr: info.lr, schedule: (info.schedule ?? 'constant') as TrainArgs['schedule'], batch: info.batch,
    epochs: info.epochs, backend: info.backend as BackendName,
  };
}

/** Flags a resumed run may change: where data and tensors live, and how many epochs in all. */
const FREE_ON_RESUME = new Set(['epochs', 'backend', 'data-root']);

/**
 * The arguments of a resumed run: the run's own settings for every flag not given, and an error
 * for a given flag that contradicts them (a resumed run with another --act would be no resume).
 */
function resumeArgs(who: string, dir: string, args: TrainArgs, info: RunInfo, given: (flag: string) => boolean): TrainArgs {
  const merged: Record<string, unknown> = { ...args };
  const saved = settingsOf(info) as Record<string, unknown>;
  for (const [flag, value] of Object.entries(saved)) {
    if (!given(flag)) {
      merged[flag] = value;
      continue;
    }
    const mine = (args as unknown as Record<string, unknown>)[flag];
    const same = flag === 'hidden' ? parseHidden(String(mine)).join(',') === value : mine === value;
    if (!same && !FREE_ON_RESUME.has(flag)) {
      throw new UsageError(`${who}: --${flag} ${String(mine)} differs from the run being resumed in ${dir} (${value === undefined ? 'not set' : String(value)}); a resumed run keeps its settings: drop --${flag}, or start a new run with --force or another --out`);
    }
  }
  return merged as unknown as TrainArgs;
}

export async function train(args: TrainArgs, io: Io, given?: ReadonlySet<string>): Promise<TrainResult> {
  const who = 'tapegrad train';
  const began = performance.now();
  const resumeFrom = args['resume-from'];
  if (args.resume && resumeFrom !== undefined) throw new UsageError(`${who}: --resume and --resume-from both say where to continue from; give one`);
  const resuming = args.resume === true || resumeFrom !== undefined;
  if (resuming && args.force) throw new UsageError(`${who}: --force starts a run afresh, --resume${resumeFrom !== undefined ? '-from' : ''} continues one; give one`);
  if (resumeFrom !== undefined && args.out !== undefined && resolve(args.out) !== resolve(dirname(resumeFrom))) {
    throw new UsageError(`${who}: --resume-from ${resumeFrom} continues the run in ${dirname(resumeFrom)}, but --out is ${args.out}; drop --out`);
  }
  const out = args.out ?? (resumeFrom !== undefined ? dirname(resumeFrom) : join('runs', `${args.model}-${args.act}-${args.dataset}`));
  if (resuming) {
    const flag = resumeFrom !== undefined ? '--resume-from' : '--resume';
    checkResumable(who, out, flag);
    const runFile = join(out, RUN_FILE);
    const previous = parseRunInfo(runFile, readRunFile(runFile)!);
    const isGiven = (name: string) => (given ? given.has(name) : (args as unknown as Record<string, unknown>)[name] !== undefined);
    args = resumeArgs(who, out, args, previous, isGiven);
  }
  checkTrainArgs(args);
  if (!resuming) prepareFreshRun(who, out, args.force === true);
  useBackend(args.backend);
  const data = loadDatasetPair(args.dataset, { seed: args.seed, limit: args.limit, root: args['data-root'] });
  const lr = args.lr ?? (args.optimizer === 'adam' ? 1e-3 : 0.01);
  const info: RunInfo = {
    format: 'tapegrad-run', version: 1,
    model: args.model, act: args.act, dataset: args.dataset, seed: args.seed,
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
    ...(args['data-root'] !== undefined ? { dataRoot: args['data-root'] } : {}),
    inputShape: data.inputShape, numClasses: data.numClasses, outputs: data.outputs,
    ...(args.hidden !== undefined ? { hidden: parseHidden(args.hidden) } : {}),
    task: data.task,
    loss: data.task === 'classification' ? 'cross_entropy' : 'mse',
    metrics: data.task === 'classification' ? ['accuracy'] : ['mse'],
    optimizer: args.optimizer === 'sgd' ? `sgd(momentum=${args.momentum})` : 'adam',
    lr, schedule: args.schedule, batch: args.batch, epochs: args.epochs, backend: args.backend,
  };
  manualSeed(args.seed);
  const model = buildFromRunInfo(info);
  const optimizer = args.optimizer === 'adam' ? new Adam(model.parameters(), { lr }) : new SGD(model.parameters(), { lr, momentum: args.momentum });
  const trainLoader = new DataLoader(data.train, { batchSize: args.batch, shuffle: true, seed: args.seed, transform: data.transform });
  const testLoader = new DataLoader(data.test, { batchSize: Math.max(args.batch, 256), transform: data.transform });

  const runJson = new TextEncoder().encode(`${JSON.stringify(info, null, 2)}\n`);
  mkdirSync(out, { recursive: true });
  await removeStaleTemporaries(out);
  // a fresh run's run.json comes first, so eval works on its epochs while it trains; a resumed
  // run's is rewritten (with the new epoch count) only once it has succeeded
  if (!resuming) await writeAtomically(join(out, RUN_FILE), runJson);
  println(io.stderr, `tapegrad train: ${resuming ? 'resuming ' : ''}${args.model} with ${args.act} on ${data.description}; ${model.numParameters().toLocaleString('en-US')} parameters; ${info.optimizer} lr ${lr} (${args.schedule}), batch ${args.batch}, ${describeBackend(args.backend)}`);

  const history = await fit(model, {
    train: trainLoader,
    test: testLoader,
    optimizer,
    epochs: args.epochs,
    loss: info.loss,
    metrics: info.metrics,
    checkpointDir: out,
    resume: resumeFrom ?? (args.resume ? true : undefined),
    progress: args.progress,
    progressStream: io.stderr,
    metricsFile: join(out, 'metrics.jsonl'),
    callbacks: args.schedule === 'cosine' ? [cosineDecay(optimizer, lr, args.epochs)] : [],
  });
  if (resuming) await writeAtomically(join(out, RUN_FILE), runJson);

  const checkpoint = join(out, 'model.safetensors');
  const final: RunInfo = { ...info, history: history.epochs };
  await saveCheckpoint(checkpoint, model, null, { metadata: { [METADATA_KEY]: JSON.stringify(final) } });
  model.dispose();
  const seconds = (performance.now() - began) / 1000;
  const last = history.epochs[history.epochs.length - 1];
  if (last) println(io.stdout, `${describeResult(final, { loss: last.testLoss ?? last.trainLoss, metrics: last.metrics })} after ${last.epoch} epoch${last.epoch === 1 ? '' : 's'} (${seconds.toFixed(1)} s)`);
  println(io.stdout, `wrote ${checkpoint}`);
  return { info: final, history: history.epochs, checkpoint, out, seconds };
}

/** The options named on the command line (not filled in by defaults). */
export function givenOptions(argv: readonly string[]): Set<string> {
  return new Set(argv.filter((a) => a.startsWith('--') && !/^--?\d/.test(a)).map((a) => a.slice(2).split('=')[0]));
}

export async function trainCommand(argv: readonly string[], io: Io): Promise<TrainResult | null> {
  const parsed = parseOptions('tapegrad train', argv, TRAIN_OPTIONS);
  if (parsed.help) {
    io.stdout.write(TRAIN_HELP);
    return null;
  }
  return train(parsed as unknown as TrainArgs, io, givenOptions(argv));
}
