// Tensor: a shape, a dtype, a handle to backend-owned storage, and the autograd fields
// (requiresGrad, grad, and the tape entry that produced it). Op methods such as `add` and
// `matmul` are attached by ops/ (core never imports ops); see ops/methods.ts.
import ndarray from 'ndarray';
import type { NdArray } from './ndarray_types.js';
import { backward as runBackward } from './autograd.js';
import { getBackend, type Backend, type Storage, type View } from './backend.js';
import { allocArray, isDType, type DType, type TypedArray } from './dtype.js';
import { fail, formatShape } from './errors.js';
import { Allocation, freeAllocation, freeWhenCollected } from './memory.js';
import { trackTensor } from './scope.js';
import { type Shape, sizeOf, stridesOf } from './shape.js';
import { outputDisposed, record, type TapeEntry } from './tape.js';

export type NestedArray = number | NestedArray[];

export interface BackwardOptions {
  /** Keep the tape entries (and what they saved) so backward can run through them again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass, so the gradients are differentiable tensors (PyTorch's create_graph). */
  createGraph?: boolean;
}

const IDENTITY = { name: 'identity', fn: (x: number) => x };

export class Tensor {
  readonly isTensor = true;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly backend: Backend;
  requiresGrad = false;
  /** Accumulated by backward() into leaves (tensors created by the user, not by an op). */
  grad: Tensor | null = null;
  /** The tape entry that produced this tensor; null for leaves and untracked results. */
  entry: TapeEntry | null = null;
  /** Internal: the storage and who still needs it (the tape holds it through this). */
  readonly allocation: Allocation;

  /** Internal: wraps storage a kernel returned. Users create tensors with tensor(), zeros(), ... */
  constructor(storage: Storage, shape: Shape, dtype: DType, backend: Backend) {
    this.allocation = new Allocation(storage, backend);
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.backend = backend;
    freeWhenCollected(this, this.allocation);
    trackTensor(this);
  }

  get size(): number {
    return sizeOf(this.shape);
  }
  get rank(): number {
    return this.shape.length;
  }
  /** PyTorch's name for rank. */
  get ndim(): number {
    return this.shape.length;
  }
  get isLeaf(): boolean {
    return this.entry === null;
  }
  get isDisposed(): boolean {
    return this.allocation.storage === null;
  }

  /** Internal: the storage, checked alive. */
  get storage(): Storage {
    const storage = this.allocation.storage;
    if (storage === null) fail('Tensor', `a tensor of shape ${formatShape(this.shape)} was used after dispose()`);
    return storage;
  }

  /** Internal: what kernels take. */
  kernelView(): View {
    return { storage: this.storage, shape: this.shape, dtype: this.dtype };
  }

  /** A copy of the values as a flat typed array (reads back from the device). */
  data(): TypedArray {
    return this.backend.read(this.storage);
  }

  /** The values as nested arrays matching the shape (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const flat = this.data();
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return flat[offset];
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis] }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) fail('Tensor.item', `expected a tensor with one element, got shape ${formatShape(this.shape)}`);
    return this.data()[0];
  }

  /**
   * An ndarray over the values. On the CPU backend it shares the tensor's storage (zero-copy:
   * writes through it change the tensor); elsewhere it wraps a read-back copy.
   */
  toNdarray(): NdArray<TypedArray> {
    const array = this.backend.hostArray ? this.backend.hostArray(this.storage) : this.data();
    return ndarray(array, [...this.shape], stridesOf(this.shape));
  }

  /**
   * Frees the storage. If a tape entry still needs this tensor for a backward pass, the free is
   * deferred until that entry is released, so `tidy` can drop intermediates before backward().
   * A disposed output no longer keeps its own entry: once nothing downstream needs the entry
   * either, the entry is released and what it saved is freed (core/tape.ts).
   */
  dispose(): void {
    const allocation = this.allocation;
    if (allocation.storage === null || allocation.disposeRequested) return;
    allocation.disposeRequested = true;
    if (allocation.holds === 0) freeAllocation(allocation);
    if (this.entry !== null) outputDisposed(this.entry);
  }

  /** Same storage, cut off from the tape. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.dtype, this.backend);
  }

  /** A copy with its own storage; differentiable, like torch.clone. */
  clone(): Tensor {
    const out = this.mapped(this.dtype);
    return record('clone', [this], out, (g) => [g]);
  }

  /** A cast to another dtype; differentiable (the gradient is cast back). */
  to(dtype: DType): Tensor {
    if (!isDType(dtype)) fail('Tensor.to', `expected dtype 'float32' or 'float64', got ${String(dtype)}`);
    if (dtype === this.dtype) return this;
    const out = this.mapped(dtype);
    const from = this.dtype;
    return record('cast', [this], out, (g) => [g.to(from)]);
  }

  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }

  private mapped(dtype: DType): Tensor {
    const storage = this.backend.kernels.elementwise(IDENTITY, [this.kernelView()], this.shape, dtype, []);
    return new Tensor(storage, this.shape, dtype, this.backend);
  }

  /** Sets requiresGrad on a leaf and returns it (PyTorch's requires_grad_). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) fail('Tensor.requiresGrad_', 'only leaf tensors can change requiresGrad; use detach() first');
    this.requiresGrad = flag;
    return this;
  }

  /**
   * Reverse-mode differentiation from this tensor; gradients accumulate into leaves' `.grad`.
   * backward(), backward(gradOutput), backward(gradOutput, options) or backward(options), e.g.
   * loss.backward({ createGraph: true }) as PyTorch's loss.backward(create_graph=True).
   */
  backward(gradOutput?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    // disposing a root ends its graph (core/tape.ts): say so, rather than "already released"
    if (this.allocation.disposeRequested) fail('Tensor.backward', `the tensor ${this.toString()} was disposed, and its graph with it: call backward() before dispose() (or keep it out of tidy by returning it)`);
    const optionsFirst = gradOutput !== undefined && gradOutput !== null && !(gradOutput instanceof Tensor) && typeof gradOutput === 'object' && !Array.isArray(gradOutput);
    if (optionsFirst && options !== undefined) fail('Tensor.backward', 'takes (gradOutput, options) or (options): got two options objects');
    const g = optionsFirst ? undefined : (gradOutput as Tensor | undefined);
    runBackward([this], g === undefined ? undefined : [g], (optionsFirst ? gradOutput : options) ?? {});
  }

  /**
   * Replaces this tensor's values with `values`' (same shape and dtype), keeping its identity,
   * requiresGrad and grad: how optimizers update parameters (under noGrad). No data is copied:
   * this tensor now shares `values`' storage, so it works on any backend without a read-back.
   * A tape entry that saved this tensor before the assign refuses to run backward (as PyTorch's
   * in-place check), so a forward pass that is never backpropagated does not block updates.
   */
  assign(values: Tensor): this {
    if (!(values instanceof Tensor)) fail('Tensor.assign', 'expected a Tensor');
    if (values.dtype !== this.dtype || values.shape.length !== this.shape.length || values.shape.some((d, i) => d !== this.shape[i])) {
      fail('Tensor.assign', `expected ${this.dtype} ${formatShape(this.shape)}, got ${values.dtype} ${formatShape(values.shape)}`);
    }
    if (values.backend !== this.backend) fail('Tensor.assign', `values live on backend '${values.backend.name}', this tensor on '${this.backend.name}'`);
    const previous = this.storage;
    const next = values.storage;
    if (next === previous) return this;
    next.refs++;
    this.allocation.storage = next;
    previous.refs--;
    if (previous.refs === 0) this.backend.free(previous);
    return this;
  }

  /** A copy on another backend (a leaf; requiresGrad is kept). Reads back and uploads once. */
  toBackend(name: string): Tensor {
    const target = getBackend(name);
    if (target === this.backend) return this;
    const moved = new Tensor(target.upload(this.data()), this.shape, this.dtype, target);
    moved.requiresGrad = this.requiresGrad;
    return moved;
  }

  /** Internal: overwrites the values from a host array (gradcheck's perturbations). */
  writeValues(values: TypedArray): void {
    this.backend.write(this.storage, values);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/** Internal: wraps a kernel's result. */
export function fromStorage(storage: Storage, shape: Shape, dtype: DType, backend: Backend): Tensor {
  return new Tensor(storage, shape, dtype, backend);
}

/** Internal: a host array uploaded to a backend. */
export function fromHost(array: TypedArray, shape: Shape, backend: Backend = getBackend()): Tensor {
  if (array.length !== sizeOf(shape)) fail('tensor', `${array.length} values do not fill shape ${formatShape(shape)}`);
  const dtype: DType = array instanceof Float64Array ? 'float64' : 'float32';
  return new Tensor(backend.upload(array), shape, dtype, backend);
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

export { allocArray };
