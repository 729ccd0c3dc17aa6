// The playground's model and training loop, with no DOM in it: a toy task from data/synthetic,
// an MLP whose hidden activation the user picks, an optimizer, and the readbacks the page draws
// (loss, test metric, the decision boundary or fit, every learned activation's curve).
// Everything runs on the backend that is active when a Session is made (the page makes it the
// gpu backend); a step reads nothing back, so many steps can run between two frames.
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { type PlaygroundActivation, YOUR_ACTIVATIONS } from './your_activations.js';

/** The toy tasks, grouped in the menu by kind (short labels, so the menu is never cut off). */
export const TASKS = {
  circles: 'Nested circles',
  spirals: 'Two spirals',
  challenging: 'Challenging function',
  sine: 'Sine',
} as const;
export type TaskName = keyof typeof TASKS;
export const TASK_KIND: Record<TaskName, 'Classification' | 'Regression'> = { circles: 'Classification', spirals: 'Classification', challenging: 'Regression', sine: 'Regression' };

const BUILT_IN_ACTIVATIONS = {
  relu: 'ReLU',
  lrelu: 'Leaky ReLU',
  maxout: 'Maxout (k = 2)',
  swish: 'Swish, learned β',
  prelu: 'PReLU, per neuron',
  apl: 'APL, per neuron',
  srelu: 'SReLU, per neuron',
  bspline: 'B-spline (KAN)',
  deu: 'DEU, per neuron',
  pau: 'PAU, per layer',
  rpau: 'RPAU, per layer',
} as const;
type BuiltInActivation = keyof typeof BUILT_IN_ACTIVATIONS;
type YourActivation = keyof typeof YOUR_ACTIVATIONS;
/** The menu: the built-in activations, then yours (examples/web/your_activations.ts). */
export const ACTIVATIONS = {
  ...BUILT_IN_ACTIVATIONS,
  ...(Object.fromEntries(Object.entries(YOUR_ACTIVATIONS).map(([name, a]) => [name, a.label])) as Record<YourActivation, string>),
};
export type ActivationName = BuiltInActivation | YourActivation;
/** Fixed activations first, then the learnable ones, then yours (menu groups). */
export const ACTIVATION_KIND: Record<ActivationName, 'Fixed' | 'Learnable' | 'Yours'> = {
  relu: 'Fixed', lrelu: 'Fixed', maxout: 'Fixed', swish: 'Learnable', prelu: 'Learnable', apl: 'Learnable', srelu: 'Learnable', bspline: 'Learnable', deu: 'Learnable', pau: 'Learnable', rpau: 'Learnable',
  ...(Object.fromEntries(Object.keys(YOUR_ACTIVATIONS).map((name) => [name, 'Yours'])) as Record<YourActivation, 'Yours'>),
};

export interface Config {
  task: TaskName;
  activation: ActivationName;
  /** Neurons per hidden layer. */
  width: number;
  /** Hidden layers. */
  depth: number;
  optimizer: 'sgd' | 'adam';
  lr: number;
  seed: number;
}

export const DEFAULT_CONFIG: Config = { task: 'circles', activation: 'deu', width: 8, depth: 1, optimizer: 'sgd', lr: 0.1, seed: 0 };

/** Gradients are clipped to this global L2 norm before each update. */
export const CLIP_NORM = 1;

/**
 * optim.clipGradNorm's rule, min(1, maxNorm / (‖g‖ + 1e-6)) over all gradients together, but with
 * the norm kept on the device: no read-back, so a step never waits for the GPU.
 */
function clipGradNormOnDevice(params: readonly Tensor[], maxNorm: number): void {
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return;
  tg.noGrad(() => tg.tidy(() => {
    const total = tg.stack(grads.map((g) => g.pow(2).sum())).sum().sqrt();
    const coefficient = total.add(1e-6).reciprocal().mul(maxNorm).clamp(0, 1);
    for (const g of grads) g.assign(g.mul(coefficient));
  }));
}

/** Host copies of a task's split, and how its inputs are scaled before the model sees them. */
interface TaskData {
  classes: number | null;
  train: { x: Float32Array; y: Float32Array; n: number };
  test: { x: Float32Array; y: Float32Array; n: number };
  /** Plot domain of the inputs: [lo, hi] on each axis (classification) or of t (regression). */
  domain: [number, number];
  /** The model sees x·inputScale. */
  inputScale: number;
}

function taskData(task: TaskName, seed: number): TaskData {
  const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
  if (task === 'circles' || task === 'spirals') {
    const ds = task === 'circles' ? tg.data.circles({ n: 500, seed }) : tg.data.spirals({ n: 500, seed, noise: 0.02 });
    const nTrain = 400;
    const split = (a: number, b: number) => ({ x: f32(ds.x.subarray(2 * a, 2 * b)), y: f32(ds.y.subarray(a, b)), n: b - a });
    return { classes: 2, train: split(0, nTrain), test: split(nTrain, ds.length), domain: [-1.5, 1.5], inputScale: task === 'spirals' ? 2 : 1 };
  }
  const make = task === 'sine' ? tg.data.sine : tg.data.challenging;
  const train = make({ n: 256, seed, noise: 0 });
  const test = make({ n: 200, sampling: 'grid' });
  return {
    classes: null,
    train: { x: f32(train.x), y: f32(train.y), n: train.length },
    test: { x: f32(test.x), y: f32(test.y), n: test.length },
    domain: [-6, 6],
    inputScale: 1 / 3,
  };
}

function activationLayer(name: ActivationName, width: number): tg.nn.Module {
  switch (name) {
    case 'relu': return new tg.nn.ReLU();
    case 'lrelu': return new tg.nn.LeakyReLU(0.1);
    case 'swish': return new tg.nn.SiLU({ learnable: true });
    case 'prelu': return new tg.nn.PReLU({ numParameters: width });
    case 'apl': return new tg.nn.APL({ numParameters: width });
    case 'srelu': return new tg.nn.SReLU({ numParameters: width });
    case 'bspline': return new tg.BSplineActivation({ numParameters: width });
    case 'maxout': return new tg.nn.Maxout(2);
    case 'deu': return new tg.nn.DEU(width, { init: 'relu' });
    case 'pau': return new tg.nn.PAU();
    case 'rpau': return new tg.nn.RPAU();
    default: return YOUR_ACTIVATIONS[name].make(width);
  }
}

/** One activation's curves, sampled at Session.curveInputs: one per neuron, or one for the layer. */
export interface ActivationCurves {
  label: string;
  curves: Float32Array[];
}

export interface Evaluation {
  trainLoss: number;
  /** Fraction of the test split classified right (classification), else null. */
  testAccuracy: number | null;
  /** Mean squared error on the test grid (regression), else null. */
  testMse: number | null;
}

export class Session {
  readonly config: Config;
  readonly data: TaskData;
  readonly model: tg.nn.Sequential;
  readonly activations: tg.nn.Module[] = [];
  step = 0;
  private readonly optimizer: tg.optim.Optimizer<any>;
  private readonly params: tg.nn.Parameter[];
  private readonly x: Tensor;
  private readonly yTensor: Tensor | null;
  private readonly yLabels: number[];
  private readonly testX: Tensor;
  /** Points of the boundary grid or of the fit, made once. */
  private probe: Tensor | null = null;
  private curveProbe: Tensor | null = null;
  lastLoss = NaN;

  constructor(config: Config) {
    this.config = { ...config };
    tg.manualSeed(config.seed);
    this.data = taskData(config.task, config.seed);
    const inputs = this.data.classes === null ? 1 : 2;
    const outputs = this.data.classes ?? 1;
    const layers: tg.nn.Module[] = [];
    let fanIn = inputs;
    for (let i = 0; i < config.depth; i++) {
      const k = config.activation === 'maxout' ? 2 : 1;
      layers.push(new tg.nn.Linear(fanIn, config.width * k));
      const act = activationLayer(config.activation, config.width);
      this.activations.push(act);
      layers.push(act);
      fanIn = config.width;
    }
    layers.push(new tg.nn.Linear(fanIn, outputs));
    this.model = new tg.nn.Sequential(...layers);
    const params = (this.params = this.model.parameters());
    this.optimizer = config.optimizer === 'adam' ? new tg.optim.Adam(params, { lr: config.lr }) : new tg.optim.SGD(params, { lr: config.lr, momentum: 0.9 });
    const s = this.data.inputScale;
    const scaled = (a: Float32Array) => a.map((v) => v * s);
    this.x = tg.tensor(scaled(this.data.train.x), { shape: [this.data.train.n, inputs] });
    this.testX = tg.tensor(scaled(this.data.test.x), { shape: [this.data.test.n, inputs] });
    this.yLabels = Array.from(this.data.train.y);
    this.yTensor = this.data.classes === null ? tg.tensor(this.data.train.y, { shape: [this.data.train.n, 1] }) : null;
  }

  private loss(out: Tensor): Tensor {
    return this.yTensor ? tg.mseLoss(out, this.yTensor) : tg.crossEntropy(out, this.yLabels);
  }

  /** `n` full-batch steps; reads back only the last loss. */
  train(n: number): number {
    this.model.train();
    let last: Tensor | null = null;
    for (let i = 0; i < n; i++) {
      last?.dispose();
      last = tg.tidy(() => {
        this.optimizer.zeroGrad();
        const loss = this.loss(this.model.forward(this.x));
        loss.backward();
        // DEU's coefficients can take a large step early on; clipping keeps training stable
        clipGradNormOnDevice(this.params, CLIP_NORM);
        this.optimizer.step();
        return loss;
      });
      this.step++;
    }
    if (last) {
      this.lastLoss = last.item();
      last.dispose();
    }
    return this.lastLoss;
  }

  evaluate(): Evaluation {
    this.model.eval();
    return tg.noGrad(() => tg.tidy(() => {
      const trainLoss = this.loss(this.model.forward(this.x)).item();
      const out = this.model.forward(this.testX).data();
      const { y, n } = this.data.test;
      if (this.data.classes !== null) {
        let right = 0;
        for (let i = 0; i < n; i++) if ((out[2 * i + 1] > out[2 * i] ? 1 : 0) === y[i]) right++;
        return { trainLoss, testAccuracy: right / n, testMse: null };
      }
      let se = 0;
      for (let i = 0; i < n; i++) se += (out[i] - y[i]) ** 2;
      return { trainLoss, testAccuracy: null, testMse: se / n };
    }));
  }

  /**
   * Classification: P(class 1) on a res×res grid over the domain (row 0 at the top, y = hi).
   * Regression: the prediction at res evenly spaced t.
   */
  field(res: number): Float32Array {
    const [lo, hi] = this.data.domain;
    const s = this.data.inputScale;
    const classify = this.data.classes !== null;
    if (!this.probe || this.probe.shape[0] !== (classify ? res * res : res)) {
      this.probe?.dispose();
      const pts = new Float32Array(classify ? res * res * 2 : res);
      for (let r = 0; r < (classify ? res : 1); r++) {
        for (let c = 0; c < res; c++) {
          const u = lo + ((hi - lo) * (c + 0.5)) / res;
          if (!classify) pts[c] = (lo + ((hi - lo) * c) / (res - 1)) * s;
          else {
            pts[2 * (r * res + c)] = u * s;
            pts[2 * (r * res + c) + 1] = (hi - ((hi - lo) * (r + 0.5)) / res) * s;
          }
        }
      }
      this.probe = tg.tensor(pts, { shape: classify ? [res * res, 2] : [res, 1] });
    }
    this.model.eval();
    const probe = this.probe;
    return tg.noGrad(() => tg.tidy(() => {
      const out = this.model.forward(probe);
      return Float32Array.from((classify ? tg.softmax(out, 1).narrow(1, 1, 1) : out).data());
    }));
  }

  /** The t at which activation curves are sampled. */
  static curveInputs(points = 121, range: [number, number] = [-3, 3]): Float32Array {
    return Float32Array.from({ length: points }, (_, i) => range[0] + ((range[1] - range[0]) * i) / (points - 1));
  }

  /**
   * Every hidden activation's curve(s) at `t`: DEU, APL, SReLU and B-spline one per neuron, the
   * others one per layer (PAU/RPAU/Swish learn one; ReLU/LReLU are fixed). Maxout has no 1-D
   * curve (it takes the max of k learned linear pieces) and is left out.
   */
  activationCurves(t: Float32Array): ActivationCurves[] {
    const m = t.length;
    const { width } = this.config;
    if (!this.curveProbe || this.curveProbe.shape[0] !== m) {
      this.curveProbe?.dispose();
      const grid = new Float32Array(m * width);
      for (let i = 0; i < m; i++) grid.fill(t[i], i * width, (i + 1) * width);
      this.curveProbe = tg.tensor(grid, { shape: [m, width] });
    }
    const probe = this.curveProbe;
    this.model.eval();
    const result: ActivationCurves[] = [];
    this.activations.forEach((act, layer) => {
      if (act instanceof tg.nn.Maxout) return;
      const y = tg.noGrad(() => tg.tidy(() => act.forward(probe).data()));
      // one curve per neuron, or one for the layer
      const yours = (YOUR_ACTIVATIONS as Record<string, PlaygroundActivation>)[this.config.activation];
      const columns = tg.plot.learnedActivationWidth(act) ?? (yours?.perNeuron ? width : 1);
      const curves = Array.from({ length: columns }, (_, j) => Float32Array.from({ length: m }, (_, i) => y[i * width + j]));
      result.push({ label: `layer ${layer + 1}${columns > 1 ? ` · ${columns} neurons` : ''}`, curves });
    });
    return result;
  }

  /** The trained weights as a safetensors file (PyTorch state-dict names). */
  exportSafetensors(): Uint8Array {
    const { task, activation, width, depth, optimizer, lr, seed } = this.config;
    const dict = this.model.stateDict();
    try {
      return tg.nn.encodeSafetensors(dict, {
        format: 'pt', producer: 'tapegrad playground', task, activation,
        width: String(width), depth: String(depth), optimizer, lr: String(lr), seed: String(seed), step: String(this.step),
      });
    } finally {
      for (const t of Object.values(dict)) t.dispose(); // views sharing the parameters' storage
    }
  }

  dispose(): void {
    this.optimizer.zeroGrad();
    for (const state of this.optimizer.state.values()) {
      for (const value of Object.values(state)) if (value instanceof tg.Tensor) value.dispose();
    }
    this.optimizer.state.clear();
    this.model.dispose();
    for (const t of [this.x, this.testX, this.yTensor, this.probe, this.curveProbe]) t?.dispose();
  }
}
