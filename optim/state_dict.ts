// The optimizer state dict in PyTorch's structure, so checkpoints map onto torch.optim's:
//   { state: { 0: { momentum_buffer } | { step, exp_avg, exp_avg_sq, max_exp_avg_sq }, ... },
//     param_groups: [ { lr, momentum, weight_decay, ..., params: [0, 1, ...] }, ... ] }
// Parameters are numbered consecutively across groups in group order; hyperparameter keys are
// PyTorch's snake_case (weightDecay ↔ weight_decay). Values are tensors or JSON-able numbers,
// booleans and number pairs; serialising them (safetensors) is nn/serialization's job.
import { fail, formatShape } from '../core/errors.js';
import { keep, tidy } from '../core/scope.js';
import { noGrad } from '../core/tape.js';
import { Tensor } from '../core/tensor.js';

export type HyperValue = number | boolean | readonly number[];
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number | null>>;
  param_groups: Array<Record<string, HyperValue> & { params: number[] }>;
}

/** Keys PyTorch writes for implementation choices that do not change the arithmetic. */
const TORCH_ONLY = new Set(['foreach', 'fused', 'differentiable', 'capturable']);


export const toSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const toCamel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

interface Group {
  params: Tensor[];
  [key: string]: unknown;
}

export function exportStateDict(groups: readonly Group[], state: ReadonlyMap<Tensor, Record<string, Tensor | number>>): OptimizerStateDict {
  const index = new Map<Tensor, number>();
  const paramGroups = groups.map(({ params, ...hyper }) => {
    const out: Record<string, HyperValue> = {};
    for (const [key, value] of Object.entries(hyper)) {
      if (value !== undefined) out[toSnake(key)] = Array.isArray(value) ? [...value] : (value as HyperValue);
    }
    const numbers = params.map((p) => {
      const i = index.size;
      index.set(p, i);
      return i;
    });
    return { ...out, params: numbers };
  });
  const saved: OptimizerStateDict['state'] = {};
  noGrad(() => tidy(() => {
    for (const [param, entries] of state) {
      const copy: Record<string, Tensor | number> = {};
      for (const [key, value] of Object.entries(entries)) copy[key] = value instanceof Tensor ? keep(value.clone()) : value;
      saved[index.get(param)!] = copy;
    }
  }));
  return { state: saved, param_groups: paramGroups };
}

export interface ImportedState {
  /** Per group, the hyperparameters to merge in (camelCase), not yet validated by the optimizer. */
  hyper: Record<string, unknown>[];
  /** Per parameter with saved state, its entries (tensors still the caller's). */
  state: [Tensor, Record<string, Tensor | number>][];
}

/** A parameter's index as JSON writes it: no sign, no leading zero, no exponent. */
const INDEX = /^(0|[1-9]\d{0,8})$/;

/**
 * The state entries a step reads for a parameter of this group (hyperparameters in camelCase):
 * a saved state without one of them would silently restart that buffer from zero, so it is
 * refused. AMSGrad's maximum exists only with amsgrad, SGD's buffer only with momentum.
 */
export function requiredState(stateKeys: readonly string[], group: Record<string, unknown>): string[] {
  return stateKeys.filter((key) => {
    if (key === 'max_exp_avg_sq') return group.amsgrad === true;
    if (key === 'momentum_buffer') return group.momentum !== 0;
    return true;
  });
}

/** Checks a state dict against the optimizer's groups; throws before anything is changed. */
export function importStateDict(fn: string, dict: OptimizerStateDict, groups: readonly Group[], defaults: object, stateKeys: readonly string[]): ImportedState {
  if (dict === null || typeof dict !== 'object' || !Array.isArray(dict.param_groups) || dict.state === null || typeof dict.state !== 'object') {
    fail(fn, "expected {state: {...}, param_groups: [...]} as stateDict() returns");
  }
  if (dict.param_groups.length !== groups.length) fail(fn, `the state dict has ${dict.param_groups.length} parameter groups, this optimizer ${groups.length}`);
  const byIndex = new Map<number, { param: Tensor; group: number }>();
  const hyper = dict.param_groups.map((saved, g) => {
    if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) fail(fn, `parameter group ${g} must be an object, got ${String(saved)}`);
    const indices = Object.hasOwn(saved, 'params') ? saved.params : undefined;
    if (!Array.isArray(indices) || indices.length !== groups[g].params.length) {
      fail(fn, `parameter group ${g} has ${groups[g].params.length} parameters, the state dict's has ${Array.isArray(indices) ? indices.length : 'none'}`);
    }
    indices.forEach((index, i) => {
      if (!Number.isSafeInteger(index) || index < 0) fail(fn, `parameter group ${g}: params[${i}] must be a parameter index (an integer ≥ 0), got ${String(index)}`);
      if (byIndex.has(index)) fail(fn, `parameter index ${index} appears twice in param_groups`);
      byIndex.set(index, { param: groups[g].params[i], group: g });
    });
    const h: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(saved)) {
      if (key === 'params' || TORCH_ONLY.has(key)) continue;
      const name = toCamel(key);
      // own keys only: 'constructor' or 'hasOwnProperty' are in every object, but are no hyperparameter
      if (!Object.hasOwn(defaults, name) && name !== 'initialLr') fail(fn, `unknown hyperparameter '${key}' in parameter group ${g}`);
      h[name] = Array.isArray(value) ? [...value] : value;
    }
    return h;
  });
  const state: ImportedState['state'] = [];
  for (const [key, entries] of Object.entries(dict.state)) {
    if (!INDEX.test(key)) fail(fn, `state key ${JSON.stringify(key)} is not a parameter index (0, 1, 2, ...)`);
    const owner = byIndex.get(Number(key));
    if (owner === undefined) fail(fn, `state for parameter ${key}, which no parameter group lists`);
    const { param } = owner;
    if (entries === null || typeof entries !== 'object') fail(fn, `state ${key} must be an object, got ${String(entries)}`);
    const out: Record<string, Tensor | number> = {};
    for (const [name, value] of Object.entries(entries)) {
      if (!stateKeys.includes(name)) fail(fn, `unexpected state '${name}' for parameter ${key}; expected some of ${stateKeys.join(', ')}`);
      if (value === null) continue; // PyTorch's momentum_buffer is None when momentum is 0
      if (name === 'step') {
        // PyTorch keeps step as a 0-d tensor
        const step = value instanceof Tensor ? (value.size === 1 ? value.item() : NaN) : value;
        if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) fail(fn, `state ${key}.step must be an integer ≥ 0, got ${String(step)}`);
        out[name] = step;
      } else if (value instanceof Tensor) {
        if (value.isDisposed) fail(fn, `state ${key}.${name} was disposed`);
        if (value.rank !== param.rank || value.shape.some((d, i) => d !== param.shape[i])) {
          fail(fn, `state ${key}.${name} has shape ${formatShape(value.shape)}, its parameter ${formatShape(param.shape)}`);
        }
        out[name] = value;
      } else fail(fn, `state ${key}.${name} must be a Tensor, got ${String(value)}`);
    }
    const group = { ...groups[owner.group], ...hyper[owner.group] };
    const missing = requiredState(stateKeys, group).filter((name) => !Object.hasOwn(out, name));
    if (missing.length > 0) {
      fail(fn, `state ${key} lacks ${missing.map((m) => `'${m}'`).join(', ')} (checkpoint key ${missing.map((m) => `optimizer.state.${key}.${m}`).join(', ')}); without it the next step would restart from zero`);
    }
    state.push([param, out]);
  }
  return { hyper, state };
}
