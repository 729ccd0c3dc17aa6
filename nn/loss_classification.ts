// Classification and divergence loss modules with PyTorch's names and defaults:
// CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss. A weight given as a Tensor is
// a buffer, as in PyTorch (saved in the state dict as 'weight' / 'pos_weight', moved by to());
// one given as numbers stays numbers and takes the input's dtype and backend at each call.
import { checkFinite, checkInteger, checkOptions, describe, fail } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import {
  bceWithLogits, binaryCrossEntropy, crossEntropy, klDiv, nllLoss, type ClassTarget, type KlDivOptions, type WeightLike,
} from '../ops/loss.js';
import { Loss, type ReductionOptions } from './loss.js';
import type { Module } from './module.js';

/** A weight option: registered as a buffer when a Tensor; numbers are returned to keep aside. */
function weightOption(module: Module, layer: string, key: string, value: WeightLike | undefined): WeightLike | undefined {
  if (value instanceof Tensor) {
    module.registerBuffer(key, value);
    return undefined;
  }
  module.registerBuffer(key, null);
  if (value === undefined) return undefined;
  const numbers = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(numbers) || !numbers.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    fail(layer, `${key} must be a Tensor, a number or an array of finite numbers, got ${describe(value)}`);
  }
  return value;
}

function ignoreIndexOption(layer: string, value: number | undefined): number {
  return checkInteger(layer, 'ignoreIndex', value ?? -100);
}

export interface NLLLossOptions extends ReductionOptions {
  /** A weight per class, [C]. */
  weight?: WeightLike;
  /** Targets equal to this are left out (default −100). */
  ignoreIndex?: number;
}

/** Negative log-likelihood of log-probabilities [N, C, ...] at class indices. */
export class NLLLoss extends Loss {
  declare readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly #weightNumbers: WeightLike | undefined;

  constructor(options: NLLLossOptions = {}) {
    super('NLLLoss', checkOptions('NLLLoss', options, ['weight', 'ignoreIndex', 'reduction']).reduction);
    this.#weightNumbers = weightOption(this, 'NLLLoss', 'weight', options.weight);
    this.ignoreIndex = ignoreIndexOption('NLLLoss', options.ignoreIndex);
  }

  override forward(input: Tensor, target: ClassTarget): Tensor {
    return nllLoss(input, target, { weight: this.weight ?? this.#weightNumbers, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export interface CrossEntropyLossOptions extends NLLLossOptions {
  /** ε in [0, 1]: the target distribution becomes (1 − ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

/** Softmax cross-entropy from logits, on class indices or class probabilities. */
export class CrossEntropyLoss extends Loss {
  declare readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  readonly #weightNumbers: WeightLike | undefined;

  constructor(options: CrossEntropyLossOptions = {}) {
    super('CrossEntropyLoss', checkOptions('CrossEntropyLoss', options, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']).reduction);
    this.#weightNumbers = weightOption(this, 'CrossEntropyLoss', 'weight', options.weight);
    this.ignoreIndex = ignoreIndexOption('CrossEntropyLoss', options.ignoreIndex);
    const eps = checkFinite('CrossEntropyLoss', 'labelSmoothing', options.labelSmoothing ?? 0);
    if (eps < 0 || eps > 1) fail('CrossEntropyLoss', `labelSmoothing must be in [0, 1], got ${eps}`);
    this.labelSmoothing = eps;
  }

  override forward(input: Tensor, target: ClassTarget): Tensor {
    const { weight, ignoreIndex, reduction, labelSmoothing } = this;
    return crossEntropy(input, target, { weight: weight ?? this.#weightNumbers, ignoreIndex, reduction, labelSmoothing });
  }
}

export interface BCELossOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: WeightLike;
}

/** Binary cross-entropy on probabilities in [0, 1]. */
export class BCELoss extends Loss {
  declare readonly weight: Tensor | null;
  readonly #weightNumbers: WeightLike | undefined;

  constructor(options: BCELossOptions = {}) {
    super('BCELoss', checkOptions('BCELoss', options, ['weight', 'reduction']).reduction);
    this.#weightNumbers = weightOption(this, 'BCELoss', 'weight', options.weight);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight ?? this.#weightNumbers, reduction: this.reduction });
  }
}

export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /** Weight of the positive term, per class (e.g. [C]). */
  posWeight?: WeightLike;
}

/** Binary cross-entropy on logits (sigmoid inside, stable for any logit). */
export class BCEWithLogitsLoss extends Loss {
  declare readonly weight: Tensor | null;
  declare readonly posWeight: Tensor | null;
  readonly #weightNumbers: WeightLike | undefined;
  readonly #posWeightNumbers: WeightLike | undefined;

  constructor(options: BCEWithLogitsLossOptions = {}) {
    super('BCEWithLogitsLoss', checkOptions('BCEWithLogitsLoss', options, ['weight', 'reduction', 'posWeight']).reduction);
    this.#weightNumbers = weightOption(this, 'BCEWithLogitsLoss', 'weight', options.weight);
    this.#posWeightNumbers = weightOption(this, 'BCEWithLogitsLoss', 'posWeight', options.posWeight);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogits(input, target, {
      weight: this.weight ?? this.#weightNumbers, posWeight: this.posWeight ?? this.#posWeightNumbers, reduction: this.reduction,
    });
  }
}

/** KL(target ‖ input) with input as log-probabilities; reduction 'batchmean' is the true KL. */
export class KLDivLoss extends Loss<NonNullable<KlDivOptions['reduction']>> {
  readonly logTarget: boolean;

  constructor(options: KlDivOptions = {}) {
    super('KLDivLoss', checkOptions('KLDivLoss', options, ['reduction', 'logTarget']).reduction, ['none', 'mean', 'batchmean', 'sum']);
    const logTarget = options.logTarget ?? false;
    if (typeof logTarget !== 'boolean') fail('KLDivLoss', `logTarget must be true or false, got ${describe(logTarget)}`);
    this.logTarget = logTarget;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
