// Schedulers: stepped sequentially (PyTorch's recursive forms) they match their closed forms;
// specific values from PyTorch's documented examples; warm-up then cosine; state dicts; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const { SGD, StepLR, MultiStepLR, CosineAnnealingLR, LinearLR, SequentialLR } = tg.optim;

/** An optimizer with two groups, so every schedule is checked per group. */
function optimizer(lrs = [0.1, 0.05]) {
  return new SGD(lrs.map((lr) => ({ params: [tg.tensor([1], { requiresGrad: true })], lr })));
}

/** getLastLr() after each of `steps` steps, starting with the value after construction. */
function run(s: { step(): void; getLastLr(): number[] }, steps: number): number[][] {
  const out = [s.getLastLr()];
  for (let i = 0; i < steps; i++) {
    s.step();
    out.push(s.getLastLr());
  }
  return out;
}

function matchesClosedForm(s: tg.optim.LRScheduler, steps: number, tol: number, what: string) {
  const lrs = run(s, steps);
  lrs.forEach((l, epoch) => assertClose(l, s.closedFormLr(epoch), tol, 0, `${what}, epoch ${epoch}`));
  assert.equal(s.optimizer.paramGroups.map((g) => g.lr), lrs[steps], `${what}: the groups carry the lr`);
}

test('StepLR: lr = base · γ^⌊epoch / stepSize⌋', () => {
  const s = new StepLR(optimizer(), 3, 0.5);
  const lrs = run(s, 9).map((l) => l[0]);
  assertClose(lrs, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125], 1e-15, 0);
  matchesClosedForm(new StepLR(optimizer(), 7, 0.3), 40, 1e-15, 'StepLR');
});

test('MultiStepLR: decays at each milestone (PyTorch example: 0.05 until 30, 0.005 until 80, then 0.0005)', () => {
  const s = new MultiStepLR(optimizer([0.05, 0.05]), [30, 80], 0.1);
  const lrs = run(s, 100).map((l) => l[0]);
  assertClose([lrs[0], lrs[29], lrs[30], lrs[79], lrs[80], lrs[100]], [0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005], 1e-15, 1e-12);
  matchesClosedForm(new MultiStepLR(optimizer(), [9, 3, 12, 12], 0.5), 20, 1e-15, 'MultiStepLR (unsorted, repeated milestone)');
});

test('CosineAnnealingLR: the recursive steps match the closed form within 1e-12, through and past T_max', () => {
  for (const [tMax, etaMin] of [[10, 0], [10, 0.001], [7, 0.02], [100, 1e-4], [1, 0]] as const) {
    matchesClosedForm(new CosineAnnealingLR(optimizer(), tMax, etaMin), 4 * tMax + 3, 1e-12, `cosine T_max=${tMax}, etaMin=${etaMin}`);
  }
  const s = new CosineAnnealingLR(optimizer([1, 1]), 4);
  const lrs = run(s, 4).map((l) => l[0]);
  assertClose(lrs, [1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2, 0], 1e-15, 0);
});

test('LinearLR: warm-up from startFactor to endFactor over totalIters, then constant', () => {
  // PyTorch's example: factor 0.5 over 4 iterations on lr 0.05
  const s = new LinearLR(optimizer([0.05, 0.05]), 0.5, 1, 4);
  assertClose(run(s, 6).map((l) => l[0]), [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05], 1e-15, 1e-12);
  matchesClosedForm(new LinearLR(optimizer(), 0.1, 1, 10), 15, 1e-15, 'LinearLR warm-up');
  matchesClosedForm(new LinearLR(optimizer(), 1, 0.2, 6), 10, 1e-15, 'LinearLR decay');
});

test('SequentialLR: linear warm-up, then cosine from the base lr', () => {
  const opt = optimizer();
  const warm = 5;
  const s = new SequentialLR(opt, [new LinearLR(opt, 0.1, 1, warm), new CosineAnnealingLR(opt, 20, 0.001)], [warm]);
  const lrs = run(s, 30);
  lrs.forEach((l, epoch) => {
    const expected = [0.1, 0.05].map((base) => epoch < warm
      ? base * (0.1 + (0.9 * epoch) / warm)
      : 0.001 + ((base - 0.001) * (1 + Math.cos((Math.PI * (epoch - warm)) / 20))) / 2);
    assertClose(l, expected, 1e-12, 0, `epoch ${epoch}`);
    assertClose(l, s.closedFormLr(epoch), 1e-12, 0, `closed form, epoch ${epoch}`);
  });
});

test('schedulers drive the optimizer: the lr a step uses is the one the scheduler set', () => {
  const p = tg.tensor([0], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([p], { lr: 1 });
  const s = new StepLR(opt, 1, 0.5);
  let expected = 0;
  for (let i = 0; i < 4; i++) {
    p.grad = tg.tensor([1], { dtype: 'float64' });
    opt.step();
    expected -= 0.5 ** i;
    s.step();
  }
  assertClose(p.data(), [expected], 0, 1e-15);
  assert.is(opt.paramGroups[0].initialLr, 1);
});

test('scheduler state dicts: a restored scheduler continues like the original', () => {
  const makers = [
    (o: tg.optim.SGD) => new StepLR(o, 3, 0.5),
    (o: tg.optim.SGD) => new MultiStepLR(o, [2, 5], 0.3),
    (o: tg.optim.SGD) => new CosineAnnealingLR(o, 6, 0.01),
    (o: tg.optim.SGD) => new LinearLR(o, 0.25, 1, 4),
    (o: tg.optim.SGD) => new SequentialLR(o, [new LinearLR(o, 0.5, 1, 2), new CosineAnnealingLR(o, 5)], [2]),
  ];
  for (const make of makers) {
    const optA = optimizer();
    const a = make(optA);
    run(a, 3);
    const sd = a.stateDict();
    assert.is(sd.last_epoch, 3);
    // PyTorch's resume order: build both, then load both (the lrs live in the optimizer's dict)
    const optB = optimizer([0.7, 0.7]);
    const b = make(optB);
    optB.loadStateDict(optA.stateDict());
    b.loadStateDict(JSON.parse(JSON.stringify(sd))); // JSON-able
    assert.equal(run(b, 8), run(a, 8), a.name);
  }
});

test('MultiStepLR loads PyTorch\'s saved Counter of milestones ({epoch: count})', () => {
  const s = new MultiStepLR(optimizer(), [1], 0.5);
  s.loadStateDict({ last_epoch: 0, base_lrs: [0.1, 0.05], _last_lr: [0.1, 0.05], milestones: { 2: 1, 4: 2 }, gamma: 0.5, _step_count: 1 });
  assert.equal(s.milestones, [2, 4, 4]);
  assertClose(run(s, 4).map((l) => l[0]), [0.1, 0.1, 0.05, 0.05, 0.0125], 1e-15, 0);
});

test('bad scheduler arguments are refused, naming the scheduler and the value', () => {
  assertThrows(() => new StepLR(optimizer(), 0), 'StepLR', 'stepSize', 'positive integer', 'got 0');
  assertThrows(() => new StepLR(optimizer(), 2, NaN), 'StepLR', 'gamma', 'NaN');
  assertThrows(() => new MultiStepLR(optimizer(), [3, 1.5]), 'MultiStepLR', 'milestones[1]', '1.5');
  assertThrows(() => new CosineAnnealingLR(optimizer(), -1), 'CosineAnnealingLR', 'tMax', '-1');
  assertThrows(() => new LinearLR(optimizer(), 0), 'LinearLR', 'startFactor', '(0, 1]', 'got 0');
  assertThrows(() => new LinearLR(optimizer(), 0.5, 1.5), 'LinearLR', 'endFactor', '1.5');
  assertThrows(() => new LinearLR(optimizer(), 0.5, 1, 2.5), 'LinearLR', 'totalIters', '2.5');
  const o = optimizer();
  assertThrows(() => new SequentialLR(o, [new LinearLR(o), new CosineAnnealingLR(o, 3)], []), 'SequentialLR', 'expected 1 milestones');
  assertThrows(() => new SequentialLR(o, [new LinearLR(o), new CosineAnnealingLR(optimizer(), 3)], [2]), 'SequentialLR', 'schedulers[1]', 'same optimizer');
  assertThrows(() => new StepLR(o, 2).loadStateDict({ last_epoch: 1, base_lrs: [0.1], _last_lr: [0.1, 0.1], step_size: 2, gamma: 0.1 }), 'StepLR.loadStateDict', 'base_lrs', 'one lr per parameter group (2)');
});

test.run();
