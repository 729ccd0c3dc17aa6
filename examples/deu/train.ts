// The DEU experiments' shared pieces: command-line flags, the activations under comparison, a
// minimal training loop (Adam, full batch or a DataLoader), evaluation, and markdown tables.
// A general fit() is planned in models/training/; until then this loop is all the examples need.
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { subspaceOf } from '../../core/cpu/deu_solutions.js';

const { nn } = tg;

// ---------- flags ----------

/** `--name value` from the command line, or the fallback. */
export function flag(name: string, fallback: number): number;
export function flag(name: string, fallback: string): string;
export function flag(name: string, fallback: number | string): number | string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= args.length) return fallback;
  const raw = args[i + 1];
  if (typeof fallback === 'number') {
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new Error(`--${name} expects a number, got ${JSON.stringify(raw)}`);
    return v;
  }
  return raw;
}

/** A comma-separated list flag (`--widths 1,2,4`). */
export function listFlag(name: string, fallback: readonly string[]): string[] {
  const raw = flag(name, '');
  return raw === '' ? [...fallback] : raw.split(',').map((s) => s.trim()).filter(Boolean);
}

// ---------- activations ----------

export type ActivationName = 'DEU' | 'ReLU' | 'LReLU' | 'SELU' | 'Swish' | 'Maxout' | 'PReLU';

/** Maxout's pieces per unit (Goodfellow et al.'s k; the preceding Linear is k times wider). */
export const MAXOUT_K = 2;

/**
 * The preceding layer's output width for `units` activated units (Maxout needs k per unit) and the
 * activation module. `deuInit` picks the DEU's starting form (the reference's U(0, 1) by default).
 */
export function activation(name: ActivationName, units: number, deuInit: tg.nn.DEUInit = 'uniform'): { width: number; module: tg.nn.Module } {
  switch (name) {
    case 'DEU': return { width: units, module: new nn.DEU(units, { init: deuInit }) };
    case 'ReLU': return { width: units, module: new nn.ReLU() };
    case 'LReLU': return { width: units, module: new nn.LeakyReLU(0.01) };
    case 'SELU': return { width: units, module: new nn.SELU() };
    case 'Swish': return { width: units, module: new nn.Swish() };
    case 'PReLU': return { width: units, module: new nn.PReLU() };
    case 'Maxout': return { width: units * MAXOUT_K, module: new nn.Maxout(MAXOUT_K) };
  }
}

/** in → [Linear → activation] per hidden size → Linear → out. */
export function mlp(inFeatures: number, hidden: readonly number[], outFeatures: number, act: ActivationName, deuInit?: tg.nn.DEUInit): tg.nn.Sequential {
  const layers: tg.nn.Module[] = [];
  let width = inFeatures;
  for (const units of hidden) {
    const a = activation(act, units, deuInit);
    layers.push(new nn.Linear(width, a.width), a.module);
    width = units;
  }
  layers.push(new nn.Linear(width, outFeatures));
  return new nn.Sequential(...layers);
}

// ---------- training ----------

export interface FitOptions {
  /** 'ce' (cross-entropy, labels as number[]) or 'mse'. */
  loss: 'ce' | 'mse';
  lr: number;
  /** A separate learning rate for the DEU coefficients (a parameter group); `lr` by default, as the paper. */
  deuLr?: number;
  /** Full-batch steps (fitFull) or epochs (fitLoader). */
  steps: number;
  /** Called every `logEvery` steps with (step, loss). */
  log?: (step: number, loss: number) => void;
  logEvery?: number;
}

function lossOf(kind: 'ce' | 'mse', out: Tensor, y: Tensor | readonly number[]): Tensor {
  return kind === 'ce' ? tg.crossEntropy(out, y as readonly number[]) : tg.mseLoss(out, y as Tensor);
}

/** Adam over the model's parameters; the DEU coefficients in a group of their own when `deuLr` is given. */
export function adamFor(model: tg.nn.Module, lr: number, deuLr?: number): tg.optim.Adam {
  if (deuLr === undefined || deuLr === lr || !hasDeu(model)) return new tg.optim.Adam(model.parameters(), { lr });
  const deu = new Set<Tensor>();
  model.apply((m) => {
    if (m instanceof nn.DEU) deu.add(m.coeffs);
  });
  const rest = model.parameters().filter((p) => !deu.has(p));
  return new tg.optim.Adam([{ params: rest }, { params: [...deu], lr: deuLr }], { lr });
}

/** One Adam step on one batch; returns the loss. */
export function trainStep(model: tg.nn.Module, opt: tg.optim.Adam, kind: 'ce' | 'mse', x: Tensor, y: Tensor | readonly number[]): number {
  return tg.tidy(() => {
    opt.zeroGrad();
    const l = lossOf(kind, model.forward(x), y);
    l.backward();
    opt.step();
    return l.item();
  });
}

/** Full-batch Adam for `steps` steps; returns the last loss. */
export function fitFull(model: tg.nn.Module, x: Tensor, y: Tensor | readonly number[], o: FitOptions): number {
  model.train();
  const opt = adamFor(model, o.lr, o.deuLr);
  let loss = NaN;
  for (let step = 1; step <= o.steps; step++) {
    loss = trainStep(model, opt, o.loss, x, y);
    if (o.log && (step % (o.logEvery ?? 100) === 0 || step === 1)) o.log(step, loss);
  }
  model.eval();
  return loss;
}

/** Adam over a DataLoader for `steps` epochs; returns the mean loss of the last epoch. */
export function fitLoader(model: tg.nn.Module, loader: tg.data.DataLoader, o: FitOptions): number {
  model.train();
  const opt = adamFor(model, o.lr, o.deuLr);
  let mean = NaN;
  let step = 0;
  for (let epoch = 0; epoch < o.steps; epoch++) {
    let sum = 0, count = 0;
    for (const { x, y } of loader) {
      const l = trainStep(model, opt, o.loss, x, y);
      sum += l;
      count++;
      step++;
      if (o.log && (step % (o.logEvery ?? 100) === 0 || step === 1)) o.log(step, l);
    }
    mean = sum / count;
  }
  model.eval();
  return mean;
}

/** Accuracy of argmax(model(x)) against labels, without recording. */
export function accuracy(model: tg.nn.Module, x: Tensor, labels: readonly number[]): number {
  return tg.noGrad(() => tg.tidy(() => model.forward(x).argmax(1).eq(tg.tensor(labels as number[])).mean().item()));
}

/** Mean squared error of model(x) against y, without recording. */
export function mse(model: tg.nn.Module, x: Tensor, y: Tensor): number {
  return tg.noGrad(() => tg.tidy(() => tg.mseLoss(model.forward(x), y).item()));
}

/** Accuracy over a DataLoader (batched, so large test sets fit). */
export function loaderAccuracy(model: tg.nn.Module, loader: tg.data.DataLoader): number {
  let right = 0, total = 0;
  tg.noGrad(() => {
    for (const { x, y } of loader) {
      const labels = y as number[];
      right += tg.tidy(() => model.forward(x).argmax(1).eq(tg.tensor(labels)).sum().item());
      total += labels.length;
    }
  });
  return right / total;
}

// ---------- reporting ----------

/** Every DEU layer's neurons: (a, b, c, c1, c2) and subspace. */
export function deuNeurons(model: tg.nn.Module, eps = 0.01): { coeffs: number[]; subspace: string }[] {
  const out: { coeffs: number[]; subspace: string }[] = [];
  model.apply((m) => {
    if (!(m instanceof nn.DEU)) return;
    const v = Array.from(m.coeffs.data() as ArrayLike<number>);
    for (let f = 0; f < m.numFeatures; f++) {
      const [a, b, c, c1, c2] = v.slice(5 * f, 5 * f + 5);
      out.push({ coeffs: [a, b, c, c1, c2], subspace: subspaceOf(a, b, c, eps) ?? 'NaN' });
    }
  });
  return out;
}

/** How many neurons sit in each subspace, e.g. "1-1-1 Δ>0: 20, 1-1-1 Δ<0: 10". */
export function subspaceCounts(model: tg.nn.Module): string {
  const counts = new Map<string, number>();
  for (const n of deuNeurons(model)) counts.set(n.subspace, (counts.get(n.subspace) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
}

export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const stdOf = (xs: readonly number[]) => {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
};

/** The command line that ran this script, for the results table. */
export function commandLine(): string {
  const script = process.argv[1]?.replace(/^.*?(examples\/)/, '$1') ?? '?';
  return ['npx tsx', script, ...process.argv.slice(2)].join(' ');
}

export function footer(started: number): string {
  return `\n\`${commandLine()}\` — ${((performance.now() - started) / 1000).toFixed(1)} s on ${process.platform}, Node ${process.version}`;
}

/** A regression dataset's x and y as tensors. */
export function tensorsOf(ds: tg.data.Dataset): { x: Tensor; y: Tensor } {
  return {
    x: tg.tensor(ds.x as Float32Array, { shape: [ds.length, ...ds.sampleShape] }),
    y: tg.tensor(ds.y as Float32Array, { shape: [ds.length, ...ds.targetShape] }),
  };
}

/** A classification dataset's x as a tensor and labels as numbers. */
export function classesOf(ds: tg.data.ClassificationDataset): { x: Tensor; labels: number[] } {
  return { x: tg.tensor(ds.x as Float32Array, { shape: [ds.length, ...ds.sampleShape] }), labels: Array.from(ds.y) };
}

function hasDeu(model: tg.nn.Module): boolean {
  let found = false;
  model.apply((m) => {
    if (m instanceof nn.DEU) found = true;
  });
  return found;
}
