// The activation functions the CLI and the model zoo can put between layers, by name. The
// fixed ones take no size; the learned ones need the width of the layer they follow:
//   deu     one DEU per neuron or channel (5 coefficients each, specs/deu.md)
//   pau     one PAU per layer, leaky-ReLU initialised, version B (specs/pau.md §4.1: shared)
//   rpau    the randomized PAU, one per layer
//   prelu   one learned slope per layer (torch.nn.PReLU's default)
//   maxout  max over pairs: the layer before it must produce twice the width (activationWidth)
//   mixture the PAU paper's "Mixture" baseline: p·x + (1 − p)·relu(x), one learned p per layer
//           (nn.IdentityReLUMixture, p = sigmoid(w), starts at 0.5)
//   swish-beta  x·sigmoid(βx) with one learned β per layer (nn.Swish({learnable: true}), β = 1)
//   apl     adaptive piecewise linear: relu plus 2 learned hinges per neuron or channel (nn.APL)
//   srelu   S-shaped ReLU: 2 learned thresholds and slopes per neuron or channel (nn.SReLU)
//   bspline KAN-style: w·silu(x) plus a cubic spline on 5 intervals of [−3, 3], per neuron or
//           channel (BSplineActivation, models/bspline_activation.ts)
import { checkOptions, fail } from '../../core/errors.js';
import { CELU, ELU, LeakyReLU, ReLU, ReLU6, SELU, Tanh } from '../../nn/activation.js';
import { DEU } from '../../nn/deu.js';
import { IdentityReLUMixture } from '../../nn/identity_relu_mixture.js';
import { Maxout } from '../../nn/maxout.js';
import type { Module } from '../../nn/module.js';
import { PAU, RPAU } from '../../nn/pau.js';
import { PReLU } from '../../nn/prelu.js';
import { RReLU } from '../../nn/rrelu.js';
import { Swish } from '../../nn/silu.js';
import { APL } from '../../nn/apl.js';
import { SReLU } from '../../nn/srelu.js';
import { BSplineActivation } from '../bspline_activation.js';

export const ACTIVATIONS = ['relu', 'lrelu', 'relu6', 'elu', 'celu', 'selu', 'swish', 'prelu', 'rrelu', 'maxout', 'tanh', 'deu', 'pau', 'rpau', 'mixture', 'swish-beta', 'apl', 'srelu', 'bspline'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** The activations with learned parameters (the ones `tapegrad plot` draws). */
export const LEARNED_ACTIVATIONS: readonly ActivationName[] = ['prelu', 'deu', 'pau', 'rpau', 'mixture', 'swish-beta', 'apl', 'srelu', 'bspline'];

/** Maxout's group size: a maxout layer of width F follows a layer of width 2F. */
export const MAXOUT_K = 2;

export interface ActivationOptions {
  /** The width of the layer the activation follows (features of [N, F], channels of [N, C, H, W]); DEU, APL, SReLU and bspline need it. */
  features?: number;
  /** The same as features, for convolutional layers. */
  channels?: number;
}

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name);
}

/** How many outputs the preceding layer must have per output of the activation: 2 for maxout, 1 otherwise. */
export function activationWidth(name: ActivationName): number {
  return name === 'maxout' ? MAXOUT_K : 1;
}

/** A fresh activation module by name. */
export function buildActivation(name: ActivationName, options: ActivationOptions = {}): Module {
  const fn = 'buildActivation';
  checkOptions(fn, options, ['features', 'channels']);
  if (!isActivationName(name)) fail(fn, `unknown activation ${JSON.stringify(name)}; choose one of ${ACTIVATIONS.join(', ')}`);
  switch (name) {
    case 'relu': return new ReLU();
    case 'lrelu': return new LeakyReLU(0.01);
    case 'relu6': return new ReLU6();
    case 'elu': return new ELU();
    case 'celu': return new CELU();
    case 'selu': return new SELU();
    case 'swish': return new Swish();
    case 'prelu': return new PReLU();
    case 'rrelu': return new RReLU();
    case 'maxout': return new Maxout(MAXOUT_K);
    case 'tanh': return new Tanh();
    case 'pau': return new PAU();
    case 'rpau': return new RPAU();
    case 'mixture': return new IdentityReLUMixture();
    case 'swish-beta': return new Swish({ learnable: true });
    case 'deu': return new DEU(widthOf(name, options));
    case 'apl': return new APL({ numParameters: widthOf(name, options) });
    case 'srelu': return new SReLU({ numParameters: widthOf(name, options) });
    case 'bspline': return new BSplineActivation({ numParameters: widthOf(name, options) });
  }
}

/** The width a per-neuron activation needs. */
function widthOf(name: ActivationName, options: ActivationOptions): number {
  const width = options.features ?? options.channels;
  if (width === undefined) fail('buildActivation', `'${name}' has one unit per neuron: pass { features } (or { channels })`);
  return width;
}
