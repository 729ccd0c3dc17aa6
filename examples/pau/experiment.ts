// The PAU paper's protocol (specs/pau.md §5.1–5.2) at a reduced scale, through the library:
// for every (dataset, activation, seed) it trains one zoo model with `tapegrad train`'s own
// function (models/cli/commands/train.ts: the same data, model, Adam and loop), then reports
// the mean ± std of the final test accuracy over the seeds, as a markdown table in
// examples/pau/out/RESULTS.md, and draws the learned activations of the seed-0 PAU and RPAU models
// (examples/pau/out/MODEL-DATASET-ACT-activations.svg; -cosine-activations.svg with --schedule
// cosine). --write-results writes the tracked examples/pau/RESULTS.md and SVGs instead.
//
//   npx tsx examples/pau/experiment.ts --model lenet --datasets mnist,fashion \
//     --acts pau,rpau,relu,lrelu,swish --seeds 0,1,2 --epochs 1 --limit 6000
//
// Every finished run is recorded in WORK/runs.json (atomically) and the table is rewritten after
// each run, so a stopped experiment keeps what it finished; running the same command again skips
// the runs already recorded with the same settings (--fresh redoes them).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { formatHelp, parseOptions, UsageError, type OptionTable } from '../../models/cli/args.js';
import { loadTrained } from '../../models/cli/commands/eval.js';
import { train, type TrainArgs } from '../../models/cli/commands/train.js';
import { DATASETS, type DatasetName } from '../../models/cli/datasets.js';
import type { Io } from '../../models/cli/io.js';
import { activationCurves } from '../../models/plot/activations.js';
import { plotActivations } from '../../models/plot/figures.js';
import { isActivationName, type ActivationName } from '../../models/zoo/activations.js';
import { MODELS, type ModelName } from '../../models/zoo/models.js';

const WHO = 'examples/pau/experiment.ts';
const HERE = 'examples/pau';
// a run writes here unless --write-results: running the experiment never changes tracked files
const OUT = join(HERE, 'out');

const OPTIONS: OptionTable = {
  model: { type: 'choice', choices: MODELS, what: 'model', default: 'lenet', help: 'lenet (61,746 parameters with PAU) or vgg8 (9,224,508)' },
  datasets: { type: 'string', meta: 'D,D', default: 'mnist,fashion', help: 'datasets, comma-separated' },
  acts: { type: 'string', meta: 'A,A,...', default: 'pau,rpau,relu,lrelu,swish', help: 'zoo activations, comma-separated' },
  seeds: { type: 'string', meta: 'N,N,...', default: '0,1,2', help: 'seeds (weights and data order)' },
  epochs: { type: 'positiveInt', default: 1, help: 'epochs per run' },
  limit: { type: 'positiveInt', default: 6000, help: 'train on the first N training images' },
  batch: { type: 'positiveInt', default: 128, help: 'training batch size' },
  lr: { type: 'positiveNumber', default: 0.001, help: 'Adam learning rate' },
  schedule: { type: 'choice', choices: ['constant', 'cosine'], what: 'schedule', default: 'constant', help: "the learning rate: constant as in the paper's code (spec §5.2), or tapegrad train's default cosine decay" },
  work: { type: 'string', meta: 'DIR', default: '/tmp/pau-experiment', help: 'run folders and runs.json' },
  results: { type: 'string', meta: 'FILE', default: join(OUT, 'RESULTS.md'), help: 'the markdown file whose section is (re)written' },
  plots: { type: 'string', meta: 'DIR', default: OUT, help: 'where the activation SVGs go' },
  'write-results': { type: 'flag', help: `write the tracked ${HERE}/RESULTS.md and its SVGs instead of ${OUT}/` },
  fresh: { type: 'flag', help: 'redo runs already recorded in WORK/runs.json' },
};

interface RunRecord {
  key: string;
  model: ModelName;
  dataset: DatasetName;
  act: ActivationName;
  seed: number;
  epochs: number;
  limit: number;
  batch: number;
  lr: number;
  schedule: string;
  accuracy: number;
  testLoss: number;
  trainLoss: number;
  parameters?: number;
  seconds: number;
  checkpoint: string;
}

function list(name: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`${WHO}: --${name} is empty`);
  if (new Set(items).size !== items.length) throw new UsageError(`${WHO}: --${name} repeats an item: '${text}'`);
  return items;
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The sample standard deviation (n − 1); 0 for one value. */
function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

const pct = (x: number): string => (100 * x).toFixed(2);

const DATASET_TITLE: Record<string, string> = { mnist: 'MNIST', fashion: 'Fashion-MNIST' };
const MODEL_TITLE: Record<string, string> = { lenet: 'LeNet-5', vgg8: 'VGG-8' };

interface Plan {
  model: ModelName;
  datasets: DatasetName[];
  acts: ActivationName[];
  seeds: number[];
  epochs: number;
  limit: number;
  batch: number;
  lr: number;
  schedule: string;
  command: string;
}

function section(plan: Plan, records: readonly RunRecord[], wallSeconds: number, plots: string[], done: boolean): string {
  const title = `${MODEL_TITLE[plan.model] ?? plan.model}, ${plan.seeds.length} seeds${plan.schedule === 'constant' ? '' : ` (${plan.schedule} learning-rate schedule)`}`;
  const total = plan.datasets.length * plan.acts.length * plan.seeds.length;
  const lines: string[] = [];
  lines.push(`## ${title}`, '');
  lines.push(
    `Test accuracy (%) on the full 10,000-image test set, mean ± sample std over seeds ${plan.seeds.join(', ')}: ` +
      `${plan.model}, ${plan.epochs} epoch${plan.epochs === 1 ? '' : 's'} on the first ${plan.limit.toLocaleString('en-US')} training images, ` +
      `batch ${plan.batch}, Adam lr ${plan.lr} (${plan.schedule} schedule), CPU backend. Each run is \`tapegrad train\`'s own function ` +
      '(models/cli/commands/train.ts), called from examples/pau/experiment.ts. (n) is the number of seeds that finished. ' +
      "Unlike the paper's code (spec §5.2) the 28×28 images are zero-padded to 32×32 by the first convolution instead of resized, and there is no random rotation, no gradient clipping and no separate " +
      'optimizer for the PAU coefficients; the inputs are normalised with the MNIST mean and std for both datasets, as there.',
    '',
  );
  if (!done) lines.push(`**Incomplete:** ${records.length} of ${total} runs finished when this was written.`, '');
  lines.push(`| --act | ${plan.datasets.map((d) => DATASET_TITLE[d] ?? d).join(' | ')} | mean time per run |`);
  lines.push(`|---|${plan.datasets.map(() => '---|').join('')}---|`);
  for (const act of plan.acts) {
    const cells = plan.datasets.map((dataset) => {
      const accs = records.filter((r) => r.act === act && r.dataset === dataset).map((r) => r.accuracy);
      if (accs.length === 0) return '—';
      return `${pct(mean(accs))} ± ${pct(std(accs))} (${accs.length})`;
    });
    const times = records.filter((r) => r.act === act).map((r) => r.seconds);
    lines.push(`| ${act} | ${cells.join(' | ')} | ${times.length ? `${mean(times).toFixed(1)} s` : '—'} |`);
  }
  lines.push('', 'Per seed (test accuracy %, test loss):', '');
  lines.push(`| dataset | --act | ${plan.seeds.map((s) => `seed ${s}`).join(' | ')} |`);
  lines.push(`|---|---|${plan.seeds.map(() => '---|').join('')}`);
  for (const dataset of plan.datasets) {
    for (const act of plan.acts) {
      const cells = plan.seeds.map((seed) => {
        const r = records.find((x) => x.act === act && x.dataset === dataset && x.seed === seed);
        return r ? `${pct(r.accuracy)} (${r.testLoss.toFixed(4)})` : '—';
      });
      lines.push(`| ${DATASET_TITLE[dataset] ?? dataset} | ${act} | ${cells.join(' | ')} |`);
    }
  }
  lines.push('', 'Command (from the repository root):', '', '```sh', plan.command, '```', '');
  const runSeconds = records.reduce((a, r) => a + r.seconds, 0);
  lines.push(
    `Wall time of the command that wrote this: ${(wallSeconds / 60).toFixed(1)} min` +
      ` (the ${records.length} recorded runs took ${(runSeconds / 60).toFixed(1)} min of training and testing in all;` +
      ' runs recorded by an earlier, interrupted invocation are reused, not re-timed).',
    '',
  );
  if (plots.length > 0) {
    lines.push('Learned activations of the seed-0 models (one panel per activation layer, on [−3, 3]):', '');
    for (const p of plots) lines.push(`* [${p}](${p})`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Replaces the block between this section's markers in FILE, or appends it; keeps the rest. */
function writeSection(file: string, id: string, body: string): void {
  const begin = `<!-- ${id}:begin -->`;
  const end = `<!-- ${id}:end -->`;
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const block = `${begin}\n${body.trimEnd()}\n${end}\n`;
  const i = old.indexOf(begin);
  const j = old.indexOf(end);
  let text: string;
  if (i >= 0 && j > i) text = old.slice(0, i) + block + old.slice(j + end.length).replace(/^\n/, '');
  else text = `${old.trimEnd()}${old.length ? '\n\n' : ''}${block}`;
  writeAtomic(file, text);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseOptions(WHO, argv, OPTIONS);
  if (args.help) {
    process.stdout.write(formatHelp(WHO, 'The PAU paper protocol at reduced scale: mean ± std test accuracy over seeds.', OPTIONS));
    return;
  }
  const model = args.model as ModelName;
  const datasets = list('datasets', args.datasets as string).map((d) => {
    if (!(DATASETS as readonly string[]).includes(d) || (d !== 'mnist' && d !== 'fashion')) throw new UsageError(`${WHO}: --datasets takes mnist, fashion; got '${d}'`);
    return d as DatasetName;
  });
  const acts = list('acts', args.acts as string).map((a) => {
    if (!isActivationName(a)) throw new UsageError(`${WHO}: unknown activation '${a}'`);
    return a;
  });
  const seeds = list('seeds', args.seeds as string).map((s) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`${WHO}: --seeds must be non-negative integers, got '${s}'`);
    return Number(s);
  });
  const plan: Plan = {
    model, datasets, acts, seeds,
    epochs: args.epochs as number, limit: args.limit as number, batch: args.batch as number, lr: args.lr as number,
    schedule: args.schedule as string,
    command: `npx tsx examples/pau/experiment.ts ${argv.join(' ')}`.trim(),
  };
  const work = args.work as string;
  const tracked = args['write-results'] === true;
  const resultsFile = tracked && args.results === join(OUT, 'RESULTS.md') ? join(HERE, 'RESULTS.md') : args.results as string;
  const plotDir = tracked && args.plots === OUT ? HERE : args.plots as string;
  mkdirSync(work, { recursive: true });
  mkdirSync(plotDir, { recursive: true });
  mkdirSync(dirname(resultsFile), { recursive: true });
  const store = join(work, 'runs.json');
  let records: RunRecord[] = !args.fresh && existsSync(store) ? (JSON.parse(readFileSync(store, 'utf8')) as RunRecord[]) : [];
  const began = performance.now();
  const quiet: Io = { stdout: process.stderr, stderr: new Writable({ write: (_c, _e, cb) => cb() }) };
  const keyOf = (dataset: string, act: string, seed: number): string => JSON.stringify([plan.model, dataset, act, seed, plan.epochs, plan.limit, plan.batch, plan.lr, plan.schedule]);
  const planned = (r: RunRecord): boolean => datasets.includes(r.dataset) && acts.includes(r.act) && seeds.includes(r.seed) && r.key === keyOf(r.dataset, r.act, r.seed);
  const plots: string[] = [];
  const total = datasets.length * acts.length * seeds.length;
  let n = 0;

  const report = (done: boolean): void => {
    const mine = records.filter(planned);
    writeSection(resultsFile, `experiment-${plan.model}-${plan.schedule}`, section(plan, mine, (performance.now() - began) / 1000, plots, done));
  };

  // Seeds outermost: an interrupted experiment has whole seeds of every (dataset, act).
  for (const seed of seeds) {
    for (const dataset of datasets) {
      for (const act of acts) {
        n++;
        const key = keyOf(dataset, act, seed);
        let record = records.find((r) => r.key === key);
        if (record) {
          console.log(`[${n}/${total}] ${dataset} ${act} seed ${seed}: recorded, ${pct(record.accuracy)}%`);
        } else {
          const out = join(work, `${model}-${dataset}-${act}-${plan.schedule}-s${seed}`);
          const trainArgs: TrainArgs = {
            model, act, dataset, seed, out,
            epochs: plan.epochs, batch: plan.batch, lr: plan.lr, limit: plan.limit,
            optimizer: 'adam', momentum: 0.9, schedule: plan.schedule as TrainArgs['schedule'],
            backend: 'cpu', progress: 'none',
          };
          const result = await train(trainArgs, quiet);
          const last = result.history[result.history.length - 1];
          record = {
            key, model, dataset, act, seed,
            epochs: plan.epochs, limit: plan.limit, batch: plan.batch, lr: plan.lr, schedule: plan.schedule,
            accuracy: last.metrics.accuracy, testLoss: last.testLoss ?? NaN, trainLoss: last.trainLoss,
            seconds: result.seconds, checkpoint: result.checkpoint,
          };
          records = [...records.filter((r) => r.key !== key), record];
          writeAtomic(store, `${JSON.stringify(records, null, 2)}\n`);
          console.log(`[${n}/${total}] ${dataset} ${act} seed ${seed}: test accuracy ${pct(record.accuracy)}%, loss ${record.testLoss.toFixed(4)} (${result.seconds.toFixed(1)} s)`);
        }
        if (seed === seeds[0] && (act === 'pau' || act === 'rpau') && existsSync(record.checkpoint)) {
          const svg = join(plotDir, `${model}-${dataset}-${act}${plan.schedule === 'constant' ? '' : `-${plan.schedule}`}-activations.svg`);
          const { model: net } = await loadTrained(record.checkpoint);
          try {
            const layers = activationCurves(net, { from: -3, to: 3, points: 241 });
            writeAtomic(svg, plotActivations(layers, { title: `Learned ${act.toUpperCase()} activations: ${model}, ${DATASET_TITLE[dataset] ?? dataset}, seed ${seed}, Adam lr ${plan.lr} (${plan.schedule}), test accuracy ${pct(record.accuracy)}%` }));
          } finally {
            net.dispose();
          }
          const rel = relative(dirname(resultsFile), svg); // the section links it from the results file
          if (!plots.includes(rel)) plots.push(rel);
        }
        report(false);
      }
    }
  }
  const mine = records.filter(planned);
  report(true);

  const wall = (performance.now() - began) / 1000;
  console.log(`\n${MODEL_TITLE[model] ?? model}, ${seeds.length} seeds: test accuracy %, mean ± std (n)`);
  console.log(`act     ${datasets.map((d) => (DATASET_TITLE[d] ?? d).padEnd(22)).join('')}`);
  for (const act of acts) {
    const cells = datasets.map((dataset) => {
      const accs = mine.filter((r) => r.act === act && r.dataset === dataset).map((r) => r.accuracy);
      return (accs.length ? `${pct(mean(accs))} ± ${pct(std(accs))} (${accs.length})` : '—').padEnd(22);
    });
    console.log(`${act.padEnd(8)}${cells.join('')}`);
  }
  console.log(`\nwall time ${(wall / 60).toFixed(1)} min; wrote ${resultsFile}${plots.length ? ` and ${plots.length} SVGs in ${plotDir}` : ''}`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
