// PAU and RPAU, the layers: Padé activation units (specs/pau.md). The activation is a learned
// rational function F(x) = P(x)/Q(x) of orders (m, n) = (5, 4), trained with the network's
// weights. One PAU per layer by default (10 parameters, shared by every element, as the paper);
// shared: 'channel' gives each of numChannels channels its own row (input [N, C, ...]).
//
// The parameters are named `numerator` and `denominator`, as in rational_activations, so
// checkpoints move between the two. A coefficient set belongs to its version (§1.3), so a named
// init is looked up in that version's table (nn/pau_init). The math, and every deviation from
// the reference, is documented in ops/pau.ts.
import { tensor } from '../core/creation.js';
import { checkFinite, checkOptions, fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { pau, rpau, type PauVersion } from '../ops/pau.js';
import { checkInput, flag, positiveInt } from './checks.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { PAU_INIT_NAMES, pauInitialCoefficients, type PauInitName } from './pau_init/index.js';

export type PAUInit = PauInitName | { numerator: readonly number[]; denominator: readonly number[] };

export interface PAUOptions {
  /** Numerator degree (default 5). */
  m?: number;
  /** Denominator degree (default 4). */
  n?: number;
  /** Denominator form, specs/pau.md §1.2 (default 'B', the paper's safe PAU). */
  version?: PauVersion;
  /** A named set (default 'leaky_relu_0.01', the paper's) or explicit coefficients. */
  init?: PAUInit;
  /** One coefficient set for the layer (default), or one per channel. */
  shared?: 'layer' | 'channel';
  /** The channel count (axis 1 of the input), required for shared: 'channel'. */
  numChannels?: number;
}

export class PAU extends Module {
  numerator: Parameter;
  denominator: Parameter;
  readonly m: number;
  readonly n: number;
  readonly version: PauVersion;
  readonly shared: 'layer' | 'channel';
  readonly numChannels: number | null;
  readonly init: PAUInit;

  constructor(options: PAUOptions = {}, layer = 'PAU') {
    super();
    // RPAU has checked its own options (and set version) before calling this
    if (layer === 'PAU') checkOptions(layer, options, ['m', 'n', 'version', 'init', 'shared', 'numChannels']);
    const { m = 5, n = 4, version = 'B', init = 'leaky_relu_0.01', shared = 'layer' } = options;
    this.m = positiveInt(layer, 'm', m);
    if (!Number.isInteger(n) || n < 0) fail(layer, `n must be a non-negative integer, got ${String(n)}`);
    this.n = n;
    if (!['A', 'B', 'C', 'N'].includes(version)) fail(layer, `version must be 'A', 'B', 'C' or 'N', got ${String(version)}`);
    this.version = version;
    if (shared !== 'layer' && shared !== 'channel') fail(layer, `shared must be 'layer' or 'channel', got ${String(shared)}`);
    this.shared = shared;
    this.numChannels = shared === 'channel' ? positiveInt(layer, 'numChannels', options.numChannels) : null;
    if (typeof init === 'string' && !PAU_INIT_NAMES.includes(init)) fail(layer, `unknown init '${init}'; known: ${PAU_INIT_NAMES.join(', ')}, or {numerator, denominator}`);
    this.init = init;
    const { numerator, denominator } = this.startingCoefficients(layer);
    this.numerator = parameterOf(this.rows(numerator));
    this.denominator = parameterOf(this.rows(denominator));
  }

  /** The initial coefficients for one row, checked against the degrees. */
  private startingCoefficients(layer: string): { numerator: number[]; denominator: number[] } {
    const nb = this.version === 'C' ? this.n + 1 : this.n;
    if (typeof this.init === 'string') return pauInitialCoefficients(this.init, this.version, this.m, this.n);
    const { numerator, denominator } = this.init;
    if (!Array.isArray(numerator) || numerator.length !== this.m + 1 || !Array.isArray(denominator) || denominator.length !== nb) {
      fail(layer, `init coefficients must be numerator [${this.m + 1}] and denominator [${nb}] for m = ${this.m}, n = ${this.n}, version ${this.version}`);
    }
    [...numerator, ...denominator].forEach((v, i) => checkFinite(layer, `init coefficient ${i}`, v));
    return { numerator: [...numerator], denominator: [...denominator] };
  }

  /** One row for the layer, or numChannels copies. */
  private rows(row: number[]): number[] | number[][] {
    return this.numChannels === null ? row : Array.from({ length: this.numChannels }, () => [...row]);
  }

  protected checked(x: Tensor): Tensor {
    const name = `${this.typeName}(${this.extraRepr()})`;
    return this.numChannels === null ? checkInput(name, x, ['...']) : checkInput(name, x, ['N', this.numChannels, '...']);
  }

  override forward(x: Tensor): Tensor {
    return pau(this.checked(x), this.numerator, this.denominator, { version: this.version });
  }

  override extraRepr(): string {
    const channels = this.numChannels === null ? '' : `, numChannels=${this.numChannels}`;
    const init = typeof this.init === 'string' ? this.init : 'coefficients';
    return `m=${this.m}, n=${this.n}, version=${this.version}, init=${init}, shared=${this.shared}${channels}`;
  }
}

export interface RPAUOptions extends Omit<PAUOptions, 'version'> {
  /** Noise half-width: coefficients are redrawn in [(1 − α)c, (1 + α)c] (default 0.1). */
  alpha?: number;
  /** Fresh noise per element (default) or one draw per coefficient per call. */
  perElement?: boolean;
  /** Noise on the denominator too (default). */
  noisyDenominator?: boolean;
  /** The paper's gradient, without the noise factor (default); false: the exact gradient. */
  straightThrough?: boolean;
}

/**
 * Randomized PAU (version D): in training, version B with per-element noisy coefficients drawn
 * from the seeded generator; in eval, exactly version B. Its init table is B's (D is fitted as B).
 */
export class RPAU extends PAU {
  readonly alpha: number;
  readonly perElement: boolean;
  readonly noisyDenominator: boolean;
  readonly straightThrough: boolean;

  constructor(options: RPAUOptions = {}) {
    const keys = ['m', 'n', 'init', 'shared', 'numChannels', 'alpha', 'perElement', 'noisyDenominator', 'straightThrough'] as const;
    super({ ...checkOptions('RPAU', options, [...keys]), version: 'B' }, 'RPAU');
    const { alpha = 0.1, perElement = true, noisyDenominator = true, straightThrough = true } = options;
    this.alpha = checkFinite('RPAU', 'alpha', alpha);
    if (alpha < 0 || alpha > 1) fail('RPAU', `alpha must be in [0, 1], got ${alpha}`);
    this.perElement = flag('RPAU', 'perElement', perElement);
    this.noisyDenominator = flag('RPAU', 'noisyDenominator', noisyDenominator);
    this.straightThrough = flag('RPAU', 'straightThrough', straightThrough);
  }

  override forward(x: Tensor): Tensor {
    const { alpha, perElement, noisyDenominator, straightThrough, training } = this;
    return rpau(this.checked(x), this.numerator, this.denominator, { alpha, perElement, noisyDenominator, straightThrough, training });
  }

  override extraRepr(): string {
    return `${super.extraRepr().replace(', version=B', '')}, alpha=${this.alpha}`;
  }
}

function parameterOf(values: number[] | number[][]): Parameter {
  const t = tensor(values);
  const p = new Parameter(t);
  t.dispose(); // the parameter holds the storage
  return p;
}
