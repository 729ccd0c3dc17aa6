// tapegrad's argument parsing: the option table's conversions, and every usage error through
// main(): the message names the command, the option, what was expected, what came (and the valid
// choices), and the exit code is 2. Work that fails for other reasons exits 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../index.js';
import { main, parseOptions, UsageError, type OptionTable } from '../../models/cli/index.js';
import { captureIo } from './io.js';

const table: OptionTable = {
  epochs: { type: 'positiveInt', default: 1, help: '' },
  seed: { type: 'nonNegativeInt', default: 0, help: '' },
  lr: { type: 'positiveNumber', help: '' },
  from: { type: 'number', default: -3, help: '' },
  model: { type: 'choice', choices: ['mlp', 'cnn'], what: 'model', default: 'mlp', help: '' },
  out: { type: 'string', meta: 'DIR', help: '' },
  resume: { type: 'flag', help: '' },
};

test('parseOptions: values, = syntax, flags, negative numbers, defaults', () => {
  assert.equal(parseOptions('t', ['--epochs', '3', '--lr=1e-3', '--from', '-2.5', '--model', 'cnn', '--out', 'runs/x', '--resume'], table),
    { epochs: 3, lr: 0.001, from: -2.5, model: 'cnn', out: 'runs/x', resume: true, seed: 0 });
  assert.equal(parseOptions('t', [], table), { epochs: 1, seed: 0, from: -3, model: 'mlp' });
  assert.equal(parseOptions('t', ['-h'], table), { help: true });
  assert.equal(parseOptions('t', ['--seed', '0'], table).seed, 0);
});

test('parseOptions: each mistake is a UsageError with the exact message', () => {
  const cases: [string[], string][] = [
    [['--epochs', 'x'], "t: --epochs must be a positive integer, got 'x'"],
    [['--epochs', '0'], "t: --epochs must be a positive integer, got '0'"],
    [['--epochs', '1.5'], "t: --epochs must be a positive integer, got '1.5'"],
    [['--epochs', ''], "t: --epochs must be a positive integer, got ''"],
    [['--seed', '-1'], "t: --seed must be a non-negative integer, got '-1'"],
    [['--lr', '0'], "t: --lr must be a positive number, got '0'"],
    [['--lr', 'fast'], "t: --lr must be a positive number, got 'fast'"],
    [['--lr', 'Infinity'], "t: --lr must be a positive number, got 'Infinity'"],
    [['--from', 'NaN'], "t: --from must be a number, got 'NaN'"],
    [['--model', 'resnet18'], "t: unknown model 'resnet18'; choose one of mlp, cnn"],
    [['--out', ''], "t: --out must be a non-empty DIR, got ''"],
    [['--epochs'], 't: --epochs needs a value (a positive integer)'],
    [['--model', '--epochs', '2'], 't: --model needs a value (one of mlp, cnn)'],
    [['--resume=yes'], "t: --resume is a flag and takes no value, got 'yes'"],
    [['--epochs', '2', '--epochs', '3'], 't: --epochs was given twice'],
    [['--bogus', '1'], 't: unknown option --bogus; valid options: --epochs, --seed, --lr, --from, --model, --out, --resume'],
    [['mlp'], "t: unexpected argument 'mlp' (options start with --; see t --help)"],
  ];
  for (const [argv, message] of cases) {
    try {
      parseOptions('t', argv, table);
      assert.unreachable(`${argv.join(' ')} should fail`);
    } catch (error) {
      assert.instance(error, UsageError, argv.join(' '));
      assert.is((error as Error).message, message);
    }
  }
  assert.throws(() => parseOptions('t', [], { x: { type: 'string', required: true, meta: 'FILE', help: '' } }), /t: --x is required \(FILE\)/);
});

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('--help, and a command’s --help, print usage and exit 0', async () => {
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const r = await run(...argv);
    assert.is(r.code, 0);
    assert.match(r.out, /usage: tapegrad <command> \[options\]/);
    assert.match(r.out, /train {3}train a model/);
  }
  const train = await run('train', '--help');
  assert.is(train.code, 0);
  for (const option of ['--model mlp|lenet|cnn|vgg8|resnet|node|gode', '--act relu|lrelu|relu6|elu|celu|selu|swish|prelu|rrelu|maxout|tanh|deu|pau|rpau', '--dataset mnist|fashion|diabetes|circles|spirals|sine', '--epochs N', '--batch N', '--lr X', '--optimizer adam|sgd', '--backend cpu|gpu', '--seed N', '--out DIR', '--limit N']) {
    assert.ok(train.out.includes(option), `train --help lists ${option}`);
  }
  assert.match((await run('eval', '--help')).out, /--checkpoint FILE/);
  assert.match((await run('plot', '-h')).out, /--checkpoint FILE[\s\S]*--out DIR/);
});

test('usage errors exit 2 and name the valid choices', async () => {
  const cases: [string[], RegExp][] = [
    [[], /usage: tapegrad <command>/],
    [['fit'], /tapegrad: unknown command 'fit'; choose one of train, eval, plot/],
    [['train', '--model', 'resnet18'], /tapegrad train: unknown model 'resnet18'; choose one of mlp, lenet, cnn, vgg8, resnet, node, gode/],
    [['train', '--act', 'gelu'], /tapegrad train: unknown activation 'gelu'; choose one of relu, lrelu, relu6, elu, celu, selu, swish, prelu, rrelu, maxout, tanh, deu, pau, rpau/],
    [['train', '--dataset', 'cifar'], /tapegrad train: unknown dataset 'cifar'; choose one of mnist, fashion, diabetes, circles, spirals, sine/],
    [['train', '--optimizer', 'rmsprop'], /tapegrad train: unknown optimizer 'rmsprop'; choose one of adam, sgd/],
    [['train', '--schedule', 'step'], /tapegrad train: unknown schedule 'step'; choose one of cosine, constant/],
    [['train', '--backend', 'cuda'], /tapegrad train: unknown backend 'cuda'; choose one of cpu, gpu/],
    [['train', '--progress', 'fancy'], /tapegrad train: unknown progress mode 'fancy'; choose one of auto, bar, lines, none/],
    [['train', '--epochs', 'x'], /tapegrad train: --epochs must be a positive integer, got 'x'/],
    [['train', '--batch', '-4'], /tapegrad train: --batch must be a positive integer, got '-4'/],
    [['train', '--lr', '0'], /tapegrad train: --lr must be a positive number, got '0'/],
    [['train', '--seed', '1.5'], /tapegrad train: --seed must be a non-negative integer, got '1.5'/],
    [['train', '--limit', 'all'], /tapegrad train: --limit must be a positive integer, got 'all'/],
    [['train', '--momentum', 'high'], /tapegrad train: --momentum must be a number, got 'high'/],
    [['train', '--epoch', '2'], /tapegrad train: unknown option --epoch; valid options: --model, --act, --dataset, --epochs, /],
    [['train', '--model', 'lenet', '--dataset', 'circles'], /tapegrad train: --model lenet takes images \(mnist, fashion\), got --dataset circles; use --model mlp for circles/],
    [['train', '--model', 'gode', '--act', 'deu'], /tapegrad train: --model gode uses the Neural-GODE paper's ReLU, got --act deu; other activations go with mlp, lenet, cnn, vgg8/],
    [['train', '--hidden', '64,x'], /tapegrad train: --hidden must be positive integers separated by commas, got '64,x'/],
    [['train', '--hidden', '0'], /tapegrad train: --hidden must be positive integers separated by commas, got '0'/],
    [['train', '--model', 'cnn', '--hidden', '64'], /tapegrad train: --hidden applies to --model mlp, got --model cnn/],
    [['eval'], /tapegrad eval: --checkpoint is required \(FILE\)/],
    [['eval', '--checkpoint', 'x', '--batch', '0'], /tapegrad eval: --batch must be a positive integer, got '0'/],
    [['plot'], /tapegrad plot: --checkpoint is required \(FILE\)/],
    [['plot', '--checkpoint', 'x', '--from', '2', '--to', '1'], /tapegrad plot: --from must be less than --to, got --from 2 --to 1/],
    [['plot', '--checkpoint', 'x', '--points', '1'], /tapegrad plot: --points must be at least 2, got '1'/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(...argv);
    assert.is(r.code, 2, `${argv.join(' ')}: exit code (stderr: ${r.err})`);
    assert.match(r.err, message, argv.join(' '));
    assert.is(r.out, '', `${argv.join(' ')} writes nothing to stdout`);
  }
});

test('failures that are not usage errors exit 1 with the cause', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-args-'));
  const missing = await run('eval', '--checkpoint', join(dir, 'nope.safetensors'));
  assert.is(missing.code, 1);
  assert.match(missing.err, /^tapegrad eval: .*nope\.safetensors/);
  // a safetensors file that tapegrad train did not write
  const foreign = join(dir, 'foreign.safetensors');
  await tg.nn.saveCheckpoint(foreign, new tg.nn.Linear(2, 2));
  const r = await run('eval', '--checkpoint', foreign);
  assert.is(r.code, 1);
  assert.match(r.err, /foreign\.safetensors carries no 'tapegrad' metadata and there is no run\.json beside it: it was not written by tapegrad train/);
  // run.json describing another model than the weights: the keys that differ are named
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ format: 'tapegrad-run', version: 1, model: 'mlp', act: 'relu', dataset: 'circles', seed: 0, batch: 32, epochs: 1, lr: 0.01, optimizer: 'adam', backend: 'cpu', inputShape: [2], numClasses: 2, task: 'classification', loss: 'cross_entropy', metrics: ['accuracy'] }));
  const mismatch = await run('eval', '--checkpoint', foreign);
  assert.is(mismatch.code, 1);
  // (the size the run info implies is checked against the file before any model is built)
  assert.match(mismatch.err, /describes an MLP of at least 1,218 weights, but the file holds 6 numbers: the metadata does not describe these weights, so no model was built/);
});

test.run();
