// The optimizer base class, shaped like torch.optim.Optimizer: parameter groups that each carry
// their own hyperparameters (a group's keys override the defaults), per-parameter state created
// lazily by the first step, zeroGrad, step, and a PyTorch-structured state dict.
//
// Updates never write into storage: each step computes new tensors under noGrad and rebinds the
// parameter with `assign` (no copy, any backend). State buffers are replaced the same way: the
// new one is kept, the old one disposed. Everything else a step makes dies in its `tidy`, so the
// live-tensor count is flat from the second step on.
import '../ops/methods.js'; // tensor methods (add, mul, ...) used by every update rule
import { checkOptions, fail, formatShape } from '../core/errors.js';
import { keep, tidy } from '../core/scope.js';
import { noGrad } from '../core/tape.js';
import { Tensor } from '../core/tensor.js';
import { zerosLike } from '../core/creation.js';
import { exportStateDict, importStateDict, type OptimizerStateDict } from './state_dict.js';

/** A group's hyperparameters: numbers, flags, or Adam's beta pair. */
export type Hyper = Record<string, number | boolean | readonly [number, number]>;
export type ParamGroup<H extends Hyper> = H & {
  params: Tensor[];
  /** Set by the first scheduler attached to this optimizer: the lr its schedule starts from. */
  initialLr?: number;
};
export type ParamGroupInput<H extends Hyper> = Partial<H> & { params: Iterable<Tensor> | Tensor; initialLr?: number };
export type ParamsInput<H extends Hyper> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;
/** Per-parameter buffers (tensors on the parameter's backend) and counters, PyTorch's keys. */
export type ParamState = Record<string, Tensor | number>;

export interface ZeroGradOptions {
  /** Drop (and dispose) the gradient rather than filling it with zeros. Default true, as PyTorch. */
  setToNone?: boolean;
}

export abstract class Optimizer<H extends Hyper> {
  readonly paramGroups: ParamGroup<H>[] = [];
  readonly state = new Map<Tensor, ParamState>();
  readonly defaults: H;

  /**
   * `defaults`: every hyperparameter with its default value; `options`: the caller's overrides
   * (a key outside defaults is a typo, e.g. weight_decay for weightDecay, and is refused);
   * `stateKeys`: the state entries this optimizer keeps, so loadStateDict can reject others.
   */
  constructor(readonly name: string, params: ParamsInput<H>, defaults: H, options: Partial<H>, readonly stateKeys: readonly string[]) {
    // own keys only: `'toString' in defaults` is true, so an `in` test let {toString: 5} through
    checkOptions<Partial<H>>(name, options, Object.keys(defaults) as (keyof H & string)[]);
    this.defaults = { ...defaults, ...options };
    this.check(this.defaults);
    if (params instanceof Tensor || params === null || typeof (params as Iterable<unknown>)?.[Symbol.iterator] !== 'function') {
      fail(name, `params must be an iterable of Tensors or of parameter groups ({params, lr, ...}), got ${params instanceof Tensor ? params.toString() : String(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0) fail(name, 'got an empty parameter list');
    const tensors = list.filter((p) => p instanceof Tensor).length;
    if (tensors === list.length) this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupInput<H>);
    else if (tensors === 0) for (const group of list as ParamGroupInput<H>[]) this.addParamGroup(group);
    else fail(name, 'params mixes Tensors and parameter groups; pass one or the other');
  }

  /** Validates one group's hyperparameters (and is re-run by step, since schedulers edit lr). */
  protected abstract check(group: H): void;
  /** The update rule for one parameter with a gradient; runs under noGrad inside a tidy. */
  protected abstract update(param: Tensor, grad: Tensor, group: ParamGroup<H>, state: ParamState): void;

  addParamGroup(group: ParamGroupInput<H>): void {
    if (group === null || typeof group !== 'object' || !('params' in group)) fail(this.name, `a parameter group must be an object with a 'params' key, got ${String(group)}`);
    const { params: raw, ...rest } = group;
    if (!(raw instanceof Tensor) && typeof (raw as Iterable<Tensor>)?.[Symbol.iterator] !== 'function') {
      fail(this.name, `the 'params' of parameter group ${this.paramGroups.length} must be a Tensor or an iterable of Tensors, got ${String(raw)}`);
    }
    const params = raw instanceof Tensor ? [raw] : [...raw];
    if (params.length === 0) fail(this.name, `parameter group ${this.paramGroups.length} has no parameters`);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      const where = `parameter ${i} of group ${this.paramGroups.length}`;
      if (!(p instanceof Tensor)) fail(this.name, `${where} is not a Tensor, got ${String(p)}`);
      if (!p.requiresGrad) fail(this.name, `${where} (${p.toString()}) does not require grad, so it can never be updated; set requiresGrad first`);
      if (!p.isLeaf) fail(this.name, `${where} (${p.toString()}) is not a leaf: an optimizer can only update tensors you created, not results of ops`);
      if (seen.has(p)) fail(this.name, `${where} (${p.toString()}) appears more than once; each parameter may belong to one group only`);
      seen.add(p);
    });
    for (const key of Object.keys(rest)) {
      if (!Object.hasOwn(this.defaults, key) && key !== 'initialLr') {
        fail(this.name, `unknown hyperparameter '${key}' in parameter group ${this.paramGroups.length}; expected some of ${Object.keys(this.defaults).join(', ')}`);
      }
    }
    const merged = { ...this.defaults, ...rest, params } as ParamGroup<H>;
    this.check(merged);
    this.paramGroups.push(merged);
  }

  /** Clears every parameter's gradient; with setToNone (default) the gradient is disposed. */
  zeroGrad({ setToNone = true }: ZeroGradOptions = {}): void {
    for (const p of this.params()) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) {
        g.dispose();
        p.grad = null;
      } else {
        noGrad(() => tidy(() => void g.assign(zerosLike(g))));
      }
    }
  }

  /** One update of every parameter that has a gradient (those whose `.grad` is null are skipped). */
  step(): void {
    noGrad(() => tidy(() => {
      for (const group of this.paramGroups) {
        this.check(group); // a scheduler or the user may have changed the group since
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          if (grad.dtype !== p.dtype || grad.backend !== p.backend || grad.shape.some((d, i) => d !== p.shape[i]) || grad.rank !== p.rank) {
            fail(`${this.name}.step`, `the gradient of ${p.toString()} is ${grad.dtype} ${formatShape(grad.shape)} on '${grad.backend.name}', expected ${p.dtype} ${formatShape(p.shape)} on '${p.backend.name}'`);
          }
          let state = this.state.get(p);
          if (state === undefined) this.state.set(p, (state = {}));
          this.update(p, grad, group, state);
        }
      }
    }));
  }

  /** Stores a new state buffer: kept past the step's tidy; the buffer it replaces is freed. */
  protected setState(state: ParamState, key: string, value: Tensor): Tensor {
    const old = state[key];
    state[key] = keep(value);
    if (old instanceof Tensor && old !== value) old.dispose();
    return value;
  }

  /** All parameters in group order: the order that numbers them in the state dict. */
  params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * PyTorch's structure: {state: {index: {buffers, step}}, param_groups: [{lr, ..., params:
   * [indices]}]}, hyperparameter keys in PyTorch's snake_case. The tensors are copies the caller
   * owns (the optimizer replaces its own buffers at every step).
   */
  stateDict(): OptimizerStateDict {
    return exportStateDict(this.paramGroups, this.state);
  }

  /**
   * Restores hyperparameters and state saved by stateDict (ours or PyTorch's, matched by
   * position). Everything is checked before anything changes, so a bad dict leaves the optimizer
   * as it was. Buffers are copied onto each parameter's backend and dtype.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const fn = `${this.name}.loadStateDict`;
    const loaded = importStateDict(fn, dict, this.paramGroups, this.defaults, this.stateKeys);
    loaded.hyper.forEach((h, i) => this.check({ ...this.paramGroups[i], ...h } as ParamGroup<H>));
    const fresh = noGrad(() => tidy(() => loaded.state.map(([param, entries]) => {
      const copy: ParamState = {};
      for (const [key, value] of Object.entries(entries)) {
        copy[key] = value instanceof Tensor ? keep(value.toBackend(param.backend.name).to(param.dtype).clone()) : value;
      }
      return [param, copy] as const;
    })));
    for (const state of this.state.values()) for (const v of Object.values(state)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
    for (const [param, state] of fresh) this.state.set(param, state);
    loaded.hyper.forEach((h, i) => Object.assign(this.paramGroups[i], h));
  }
}
