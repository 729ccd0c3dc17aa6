// Module: the base class of every layer and model, as torch.nn.Module.
//
// Registration is by assignment, as in PyTorch: a constructor that says
// `this.fc = new Linear(2, 3)` or `this.weight = new Parameter(t)` has registered a child or a
// parameter. The module finds them by looking at its own properties, in the order they were
// defined (a class's field declarations, in order: the order PyTorch reports them in). Buffers (state that is not learned, such as BatchNorm's
// running mean) are plain tensors, so they are declared with registerBuffer.
//
// Names are PyTorch's: dotted paths from the root ('features.0.weight'), and a camelCase
// property is reported in snake_case (runningMean → running_mean), so that parameter names and
// state dict keys match the PyTorch module's key for key and checkpoints move between the two.
//
// Layers create their parameters in float32 on the active backend, as PyTorch does;
// `model.double()` (for gradcheck) or `model.to('gpu')` converts them in place.
//
// Two mistakes PyTorch lets pass silently are errors here: modules or parameters kept in a plain
// array or object (which would never be trained or saved: use ModuleList / ModuleDict), and a
// tensor requiring grad assigned to a property without being wrapped in a Parameter.
import '../ops/methods.js'; // tensor methods (x.mul(y), x.reshape(...)) used by every layer
import { backendNames } from '../core/backend.js';
import { zerosLike } from '../core/creation.js';
import { isDType, type DType } from '../core/dtype.js';
import { fail } from '../core/errors.js';
import { keep, tidy } from '../core/scope.js';
import { noGrad } from '../core/tape.js';
import { Tensor } from '../core/tensor.js';
import { Parameter } from './parameter.js';
import { loadStateDictInto, type LoadStateDictOptions, type LoadStateDictResult } from './state_dict.js';

/** One tensor of a module tree: its PyTorch name, the module and property holding it. */
export interface Slot {
  readonly name: string;
  readonly owner: Module;
  readonly key: string;
  readonly kind: 'parameter' | 'buffer';
  /** Non-persistent buffers are left out of state dicts. */
  readonly persistent: boolean;
  readonly tensor: Tensor;
}

interface OwnMembers {
  parameters: [key: string, p: Parameter][];
  buffers: [key: string, t: Tensor, persistent: boolean][];
  children: [key: string, m: Module][];
}

/** runningMean → running_mean; names already in snake_case are unchanged. */
export function toSnakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export abstract class Module {
  /** Set by train() and eval(); Dropout, BatchNorm and RReLU behave differently in training. */
  training = true;
  /** Buffer property names → persistent. A private field, so it is not an own property. */
  readonly #buffers = new Map<string, boolean>();

  /** The computation. Subclasses narrow the signature, e.g. forward(x: Tensor): Tensor. */
  abstract forward(...args: any[]): any;

  /**
   * Declares `this[key]` a buffer and sets it: state saved in the state dict (unless
   * persistent is false) and moved by to(), but not learned. Returns the tensor, so a
   * constructor can write `this.runningMean = this.registerBuffer('runningMean', zeros([n]))`.
   */
  registerBuffer<T extends Tensor | null>(key: string, tensor: T, { persistent = true }: { persistent?: boolean } = {}): T {
    if (typeof key !== 'string' || key === '' || key.includes('.')) fail('registerBuffer', `a buffer name must be a non-empty string without '.', got ${JSON.stringify(key)}`);
    if (tensor !== null && !(tensor instanceof Tensor)) fail('registerBuffer', `buffer '${key}' must be a Tensor or null, got ${typeof tensor}`);
    if (tensor instanceof Parameter) fail('registerBuffer', `'${key}' is a Parameter; assign it to a property instead (parameters are learned, buffers are not)`);
    const current = (this as Record<string, unknown>)[key];
    if (!this.#buffers.has(key) && current !== undefined && current !== null) fail('registerBuffer', `property '${key}' already exists`);
    if (tensor) keep(tensor); // module state outlives any tidy, like a Parameter
    (this as Record<string, unknown>)[key] = tensor;
    this.#buffers.set(key, persistent);
    return tensor;
  }

  /** Own parameters, buffers and children, read from the properties. */
  private ownMembers(): OwnMembers {
    const own: OwnMembers = { parameters: [], buffers: [], children: [] };
    const seen = new Map<string, string>(); // reported name → property, to catch fooBar next to foo_bar
    const claim = (key: string) => {
      const name = toSnakeCase(key);
      if (seen.has(name)) fail(this.typeName, `properties '${seen.get(name)}' and '${key}' would both be named '${name}'`);
      seen.set(name, key);
    };
    for (const [key, value] of Object.entries(this)) {
      if (this.#buffers.has(key)) {
        if (value !== null && value !== undefined && !(value instanceof Tensor)) fail(this.typeName, `buffer '${key}' holds ${typeof value}; a buffer is a Tensor or null`);
        if (value instanceof Tensor) own.buffers.push([key, value, this.#buffers.get(key)!]);
      } else if (value instanceof Parameter) own.parameters.push([key, value]);
      else if (value instanceof Module) own.children.push([key, value]);
      else if (value instanceof Tensor) {
        if (value.isLeaf && value.requiresGrad) {
          fail(this.typeName, `property '${key}' is a tensor that requires grad but is not a Parameter, so it would never be trained or saved; wrap it: new Parameter(t) (or registerBuffer for state that is not learned)`);
        }
        continue;
      } else {
        if (hidesMembers(value)) fail(this.typeName, `property '${key}' keeps modules or parameters in a plain ${Array.isArray(value) ? 'array' : 'object'}, where they would never be trained or saved; use ModuleList or ModuleDict`);
        continue;
      }
      claim(key);
    }
    return own;
  }

  /** Direct children with their names. Containers (Sequential, ModuleList...) override this. */
  namedChildren(): [string, Module][] {
    return this.ownMembers().children.map(([key, m]) => [toSnakeCase(key), m]);
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** Every module of the tree with its dotted name, this one first (named ''), each once. */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (module: Module, name: string) => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([name, module]);
      for (const [childName, child] of module.namedChildren()) visit(child, name === '' ? childName : `${name}.${childName}`);
    };
    visit(this, '');
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Internal: every parameter and buffer of the tree in PyTorch's state-dict order (a module's
   * parameters, then its buffers, then its children's, depth first). Not deduplicated: a tied
   * weight appears under each of its names, as in PyTorch's state_dict.
   */
  namedSlots(): Slot[] {
    const slots: Slot[] = [];
    const path = new Set<Module>();
    const visit = (module: Module, prefix: string) => {
      if (path.has(module)) fail(this.typeName, `the module at '${prefix.slice(0, -1)}' contains itself`);
      path.add(module);
      const own = module.ownMembers();
      for (const [key, tensor] of own.parameters) {
        slots.push({ name: prefix + toSnakeCase(key), owner: module, key, kind: 'parameter', persistent: true, tensor });
      }
      for (const [key, tensor, persistent] of own.buffers) {
        slots.push({ name: prefix + toSnakeCase(key), owner: module, key, kind: 'buffer', persistent, tensor });
      }
      for (const [name, child] of module.namedChildren()) visit(child, `${prefix}${name}.`);
      path.delete(module);
    };
    visit(this, '');
    return slots;
  }

  private uniqueSlots(kind: Slot['kind'], recurse: boolean): Slot[] {
    const seen = new Set<Tensor>();
    return this.namedSlots().filter((s) => {
      if (s.kind !== kind || (!recurse && s.owner !== this) || seen.has(s.tensor)) return false;
      seen.add(s.tensor);
      return true;
    });
  }

  /** Parameters with their dotted names, each once (a tied weight under its first name). */
  namedParameters({ recurse = true }: { recurse?: boolean } = {}): [string, Parameter][] {
    return this.uniqueSlots('parameter', recurse).map((s) => [s.name, s.tensor as Parameter]);
  }

  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  namedBuffers({ recurse = true }: { recurse?: boolean } = {}): [string, Tensor][] {
    return this.uniqueSlots('buffer', recurse).map((s) => [s.name, s.tensor]);
  }

  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, t]) => t);
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') fail(`${this.typeName}.train`, `mode must be a boolean, got ${String(mode)}`);
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient: disposed and set to null (default), or filled with zeros. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) {
        g.dispose();
        p.grad = null;
      } else noGrad(() => tidy(() => void g.assign(zerosLike(g))));
    }
  }

  /** Calls fn on every descendant, children before parents, then on this module (PyTorch's order). */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** The number of scalars in the parameters (each tied weight once). */
  numParameters({ trainableOnly = false }: { trainableOnly?: boolean } = {}): number {
    return this.parameters().reduce((n, p) => n + (trainableOnly && !p.requiresGrad ? 0 : p.size), 0);
  }

  /**
   * Parameters and persistent buffers by PyTorch name. The tensors share storage with the
   * module's (no copy); since updates rebind storage (Tensor.assign) rather than write into it,
   * the dict keeps the values it was taken with.
   */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = {};
    for (const slot of this.namedSlots()) if (slot.persistent) dict[slot.name] = slot.tensor.detach();
    return dict;
  }

  /**
   * Copies a state dict's values into the parameters and buffers (cast to their dtype and
   * backend; the tensors keep their identity, so an optimizer built on them stays valid).
   * Everything is checked before anything changes: a failed load leaves the module as it was.
   */
  loadStateDict(dict: Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDictInto(this, dict, options);
  }

  /**
   * Moves parameters and buffers to a backend ('cpu', 'gpu', ...) or casts them to a dtype
   * ('float32', 'float64'), in place, returning this module. The tensors are replaced (a tensor
   * cannot change backend or dtype), so build the optimizer after moving the model, as PyTorch
   * advises for .cuda(); the old tensors are disposed. Gradients move along.
   */
  to(target: DType | string): this {
    if (!isDType(target) && !backendNames().includes(target)) {
      fail(`${this.typeName}.to`, `expected a dtype ('float32', 'float64') or a backend name (${backendNames().join(', ')}), got ${JSON.stringify(target)}`);
    }
    const convert = (t: Tensor): Tensor => (isDType(target) ? t.to(target) : t.toBackend(target));
    // convert everything first, so a failure (an upload, say) leaves the module untouched
    const slots = this.namedSlots();
    const moved = new Map<Tensor, Tensor>(); // old → new, so a tied weight stays tied
    try {
      noGrad(() => {
        for (const slot of slots) if (!moved.has(slot.tensor)) moved.set(slot.tensor, this.converted(slot, convert));
      });
    } catch (error) {
      for (const [old, next] of moved) {
        if (next === old) continue;
        next.grad?.dispose();
        next.dispose();
      }
      throw error;
    }
    for (const slot of slots) (slot.owner as unknown as Record<string, unknown>)[slot.key] = moved.get(slot.tensor);
    for (const [old, next] of moved) {
      if (old === next) continue;
      old.grad?.dispose();
      old.dispose();
    }
    return this;
  }

  private converted(slot: Slot, convert: (t: Tensor) => Tensor): Tensor {
    const old = slot.tensor;
    const values = convert(old);
    if (values === old) return old;
    let next: Tensor;
    if (slot.kind === 'parameter') {
      next = new Parameter(values, old.requiresGrad);
      values.dispose(); // the Parameter holds the storage
    } else next = keep(values);
    if (old.grad) next.grad = keep(convert(old.grad));
    return next;
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  /** Frees every parameter, gradient and buffer; the module cannot be used afterwards. */
  dispose(): void {
    for (const t of new Set(this.namedSlots().map((s) => s.tensor))) {
      t.grad?.dispose();
      t.dispose();
    }
  }

  /** The class name, for printing and error messages. */
  get typeName(): string {
    return this.constructor.name;
  }

  /** The hyperparameters shown by toString, e.g. 'inFeatures=2, outFeatures=3, bias=true'. */
  extraRepr(): string {
    return '';
  }

  /** The module tree as PyTorch prints it. */
  toString(): string {
    const head = `${this.typeName}(${this.extraRepr()}`;
    const children = this.namedChildren();
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, m]) => `  (${name}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

/** An array, Map or plain object holding Modules or Parameters (one level deep). */
function hidesMembers(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const items = Array.isArray(value)
    ? value
    : value instanceof Map
      ? [...value.values()]
      : Object.getPrototypeOf(value) === Object.prototype
        ? Object.values(value)
        : [];
  return items.some((v) => v instanceof Module || v instanceof Parameter);
}
