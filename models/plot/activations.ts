// The learned activations of a model, sampled: every DEU (one curve per neuron), PAU / RPAU (one
// per layer, or per channel when not shared), PReLU, learnable Swish and identity–ReLU mixture
// (one per slope), APL, SReLU and the B-spline activation (one per channel or for the layer),
// found by walking the module tree. Sampling runs under noGrad on the CPU
// backend, in evaluation mode (RPAU and RReLU are deterministic there), whatever backend the
// model lives on: the activation's parameters are copied to the CPU and swapped in with
// functionalCall, so the model itself is not touched.
import { getBackend } from '../../core/backend.js';
import { checkOptions, fail } from '../../core/errors.js';
import { tidy } from '../../core/scope.js';
import { noGrad } from '../../core/tape.js';
import { fromHost, type Tensor } from '../../core/tensor.js';
import { CELU, ELU, LeakyReLU, ReLU, ReLU6, SELU, Sigmoid, Softplus, Tanh } from '../../nn/activation.js';
import { DEU } from '../../nn/deu.js';
import { functionalCall } from '../../nn/functional_call.js';
import { IdentityReLUMixture } from '../../nn/identity_relu_mixture.js';
import type { Module } from '../../nn/module.js';
import { PAU } from '../../nn/pau.js';
import { PReLU } from '../../nn/prelu.js';
import { RReLU } from '../../nn/rrelu.js';
import { SiLU } from '../../nn/silu.js';
import { APL } from '../../nn/apl.js';
import { SReLU } from '../../nn/srelu.js';
import { BSplineActivation } from '../bspline_activation.js';

export interface CurveOptions {
  /** Input range (default −3 … 3). */
  from?: number;
  to?: number;
  /** Samples, ends included (default 200). */
  points?: number;
  /** Also sample the fixed activations (ReLU, Tanh, ...), one curve each (default false). */
  includeFixed?: boolean;
}

export interface ActivationCurves {
  /** The module's path in the model ('1', 'blocks.0.act', ...; '' for the model itself). */
  path: string;
  /** Its class name: DEU, PAU, RPAU, PReLU, ... */
  type: string;
  /** True for modules with learned parameters. */
  learned: boolean;
  /** The sampled inputs, shared by every curve. */
  x: number[];
  /** One curve per neuron, channel or layer. */
  curves: { label: string; y: number[] }[];
}

const FIXED = [ReLU, LeakyReLU, ReLU6, ELU, CELU, SELU, Tanh, Sigmoid, Softplus, RReLU];

/** How many independent curves a learned activation has, or null if the module is not one. */
export function learnedActivationWidth(module: Module): number | null {
  if (module instanceof DEU) return module.numFeatures;
  if (module instanceof PAU) return module.numChannels ?? 1;
  if (module instanceof PReLU || module instanceof IdentityReLUMixture) return module.weight.shape[0];
  if (module instanceof SiLU) return module.beta ? 1 : null;
  if (module instanceof APL) return module.slopes.shape[1];
  if (module instanceof SReLU) return module.tLeft.shape[0];
  if (module instanceof BSplineActivation) return module.coefficients.shape[0];
  return null;
}

function isFixedActivation(module: Module): boolean {
  return FIXED.some((cls) => module instanceof cls) || (module instanceof SiLU && module.beta === null);
}

/** Every (learned, and optionally fixed) activation of the model, sampled over [from, to]. */
export function activationCurves(model: Module, options: CurveOptions = {}): ActivationCurves[] {
  const fn = 'activationCurves';
  checkOptions(fn, options, ['from', 'to', 'points', 'includeFixed']);
  const from = options.from ?? -3;
  const to = options.to ?? 3;
  const points = options.points ?? 200;
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(from < to)) fail(fn, `expected a range from < to, got from ${from}, to ${to}`);
  if (!Number.isInteger(points) || points < 2) fail(fn, `points must be an integer ≥ 2, got ${points}`);
  const x = Array.from({ length: points }, (_, i) => (i === points - 1 ? to : from + ((to - from) * i) / (points - 1)));
  const found: ActivationCurves[] = [];
  for (const [path, module] of model.namedModules()) {
    const width = learnedActivationWidth(module);
    if (width !== null) found.push({ path, type: module.typeName, learned: true, x, curves: sample(module, x, width) });
    else if (options.includeFixed && isFixedActivation(module)) found.push({ path, type: module.typeName, learned: false, x, curves: sample(module, x, 1) });
  }
  return found;
}

/** Evaluates the module on a [points, width] grid whose every column is x; returns the columns. */
function sample(module: Module, x: number[], width: number): { label: string; y: number[] }[] {
  const cpu = getBackend('cpu');
  const params = module.namedParameters();
  const dtype = params[0]?.[1].dtype ?? 'float32';
  const wasTraining = module.training;
  module.eval();
  try {
    const values = noGrad(() => tidy(() => {
      const grid = dtype === 'float64' ? new Float64Array(x.length * width) : new Float32Array(x.length * width);
      x.forEach((v, i) => grid.fill(v, i * width, (i + 1) * width));
      const input = fromHost(grid, [x.length, width], cpu);
      const onCpu = params.every(([, p]) => p.backend === cpu);
      const swapped: Record<string, Tensor> = onCpu ? {} : Object.fromEntries(params.map(([name, p]) => [name, p.toBackend('cpu')]));
      const y = onCpu ? (module.forward(input) as Tensor) : functionalCall<Tensor>(module, swapped, input);
      return Array.from(y.data());
    }));
    const label = (j: number) => (width === 1 ? module.typeName : `${module instanceof DEU ? 'neuron' : 'channel'} ${j}`);
    return Array.from({ length: width }, (_, j) => ({ label: label(j), y: x.map((_, i) => values[i * width + j]) }));
  } finally {
    module.train(wasTraining);
  }
}
