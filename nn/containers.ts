// Containers, as torch.nn.Sequential, ModuleList and ModuleDict. Their children are named by
// position ('0', '1', ...) or by key, so a PyTorch model's names carry over: features.0.weight.
// The modules live in a private field, not in properties, so a key can never clash with a
// method name.
import { fail } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { Module } from './module.js';

function checkModule(fn: string, value: unknown, where: string): Module {
  if (!(value instanceof Module)) fail(fn, `${where} must be a Module, got ${value === null ? 'null' : typeof value}`);
  return value;
}

/** The list behaviour shared by Sequential and ModuleList. */
export abstract class ModuleSequence extends Module {
  readonly #modules: Module[] = [];

  constructor(modules: readonly Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  append(module: Module): this {
    this.#modules.push(checkModule(`${this.typeName}.append`, module, `module ${this.#modules.length}`));
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(index: number, module: Module): this {
    const i = this.index(`${this.typeName}.insert`, index, this.#modules.length + 1);
    this.#modules.splice(i, 0, checkModule(`${this.typeName}.insert`, module, 'module'));
    return this;
  }

  /** The module at `index`; negative indices count from the end, as Array.prototype.at. */
  at(index: number): Module {
    return this.#modules[this.index(`${this.typeName}.at`, index, this.#modules.length)];
  }

  get length(): number {
    return this.#modules.length;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.#modules[Symbol.iterator]();
  }

  override namedChildren(): [string, Module][] {
    return this.#modules.map((m, i) => [String(i), m]);
  }

  private index(fn: string, index: number, size: number): number {
    const i = Number.isInteger(index) && index < 0 ? index + size : index;
    if (!Number.isInteger(index) || i < 0 || i >= size) fail(fn, `index ${index} is out of range for ${this.#modules.length} modules`);
    return i;
  }
}

/** Modules applied in order: forward(x) = m_n(...m_1(m_0(x))). */
export class Sequential extends ModuleSequence {
  constructor(...modules: Module[]) {
    super(modules);
  }

  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this) y = m.forward(y);
    return y;
  }
}

/** A list of modules, registered so they are trained and saved; the owner's forward uses them. */
export class ModuleList extends ModuleSequence {
  constructor(modules: Iterable<Module> = []) {
    super([...modules]);
  }

  override forward(): never {
    fail('ModuleList', 'a ModuleList has no forward of its own; iterate over it in the forward of the module that owns it');
  }
}

/** Modules by name, in insertion order. */
export class ModuleDict extends Module {
  readonly #modules = new Map<string, Module>();

  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [key, m] of entries) this.set(key, m);
  }

  set(key: string, module: Module): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) fail('ModuleDict.set', `a key must be a non-empty string without '.', got ${JSON.stringify(key)}`);
    this.#modules.set(key, checkModule('ModuleDict.set', module, `module '${key}'`));
    return this;
  }

  get(key: string): Module {
    const m = this.#modules.get(key);
    if (m === undefined) fail('ModuleDict.get', `no module '${key}'; keys: ${[...this.#modules.keys()].join(', ') || '(none)'}`);
    return m;
  }

  has(key: string): boolean {
    return this.#modules.has(key);
  }

  delete(key: string): boolean {
    return this.#modules.delete(key);
  }

  keys(): string[] {
    return [...this.#modules.keys()];
  }

  values(): Module[] {
    return [...this.#modules.values()];
  }

  entries(): [string, Module][] {
    return [...this.#modules.entries()];
  }

  get size(): number {
    return this.#modules.size;
  }

  override namedChildren(): [string, Module][] {
    return this.entries();
  }

  override forward(): never {
    fail('ModuleDict', 'a ModuleDict has no forward of its own; look its modules up in the forward of the module that owns it');
  }
}
