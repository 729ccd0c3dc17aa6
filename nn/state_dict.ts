// Loading a state dict into a module, as torch.nn.Module.load_state_dict.
//
// All or nothing: every key and shape is checked, every value converted to its target's dtype
// and backend, and only then are the tensors assigned. Assigning rebinds storage
// (Tensor.assign), so parameters keep their identity and an optimizer holding them stays valid.
// Should an assignment still fail (a parameter saved for a backward pass that has not run),
// the ones already made are undone.
import { fail, formatShape } from '../core/errors.js';
import { keep, tidy } from '../core/scope.js';
import { noGrad } from '../core/tape.js';
import { Tensor } from '../core/tensor.js';
import type { Module, Slot } from './module.js';

export interface LoadStateDictOptions {
  /** Missing and unexpected keys are errors (default). Shape mismatches always are. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const quoted = (keys: readonly string[]) => keys.map((k) => `'${k}'`).join(', ');

export function loadStateDictInto(module: Module, dict: Record<string, Tensor>, { strict = true }: LoadStateDictOptions = {}): LoadStateDictResult {
  const fn = `${module.typeName}.loadStateDict`;
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) fail(fn, `expected an object of tensors by name, got ${String(dict)}`);
  const slots = module.namedSlots().filter((s) => s.persistent);
  const expected = new Map<string, Slot[]>();
  for (const s of slots) expected.set(s.name, [...(expected.get(s.name) ?? []), s]);
  const missingKeys = [...expected.keys()].filter((k) => !Object.hasOwn(dict, k));
  const unexpectedKeys = Object.keys(dict).filter((k) => !expected.has(k));

  const problems: string[] = [];
  if (strict && missingKeys.length > 0) problems.push(`missing key${missingKeys.length > 1 ? 's' : ''} ${quoted(missingKeys)}`);
  if (strict && unexpectedKeys.length > 0) problems.push(`unexpected key${unexpectedKeys.length > 1 ? 's' : ''} ${quoted(unexpectedKeys)}`);
  const matched: [Slot, Tensor][] = [];
  for (const [name, targets] of expected) {
    if (!Object.hasOwn(dict, name)) continue;
    const value = dict[name];
    if (!(value instanceof Tensor)) {
      problems.push(`'${name}' is not a Tensor (got ${value === null ? 'null' : typeof value})`);
      continue;
    }
    if (value.isDisposed) {
      problems.push(`'${name}' was disposed`);
      continue;
    }
    const target = targets[0].tensor;
    if (value.rank !== target.rank || value.shape.some((d, i) => d !== target.shape[i])) {
      problems.push(`size mismatch for '${name}': the state dict has ${formatShape(value.shape)}, the module ${formatShape(target.shape)}`);
      continue;
    }
    for (const slot of targets) matched.push([slot, value]);
  }
  if (problems.length > 0) fail(fn, `${problems.join('; ')} (nothing was loaded)`);

  // copies on each target's backend and dtype (a copy, as torch's copy_: the dict stays independent)
  const values = noGrad(() => tidy(() => matched.map(([slot, v]) => keep(v.toBackend(slot.tensor.backend.name).to(slot.tensor.dtype).clone()))));
  const previous = matched.map(([slot]) => slot.tensor.detach()); // the old storage, for undoing
  let done = 0;
  try {
    for (; done < matched.length; done++) noGrad(() => matched[done][0].tensor.assign(values[done]));
  } catch (error) {
    for (let i = done - 1; i >= 0; i--) noGrad(() => matched[i][0].tensor.assign(previous[i]));
    fail(fn, `cannot assign '${matched[done][0].name}': ${(error as Error).message} (nothing was loaded)`);
  } finally {
    for (const t of [...values, ...previous]) t.dispose(); // the module's tensors hold what they need
  }
  return { missingKeys, unexpectedKeys };
}
