// customOp: a differentiable op of your own, written with tensor ops, with a backward rule of your
// own — the analogue of torch.autograd.Function, tf.custom_gradient and jax.custom_vjp.
//
//   const cube = tg.customOp({
//     name: 'cube',
//     forward: (ctx, x) => { ctx.save(x); return x.mul(x).mul(x); },
//     backward: (ctx, g) => { const [x] = ctx.saved; return [g.mul(x.square()).mul(3)]; },
//   });
//   cube(x).sum().backward();
//
// The forward runs with recording off, so whatever ops it uses leave no trace: the op is ONE tape
// entry, named after it, whose backward is yours. Since both halves are tensor ops, the op runs on
// every backend. The backward's result is checked as PyTorch checks a Function's: one gradient
// (or null) per tensor argument, each with its input's dtype, backend and shape — a gradient of a
// broadcast shape is summed back to the input's, as PyTorch does — and anything else is an error
// naming the op. Arguments that are not tensors (numbers, options) are passed to the forward as
// they are and get no gradient.
import { fail, formatShape } from '../core/errors.js';
import { tidy } from '../core/scope.js';
import { broadcastShapes } from '../core/shape.js';
import { isGradEnabled, noGrad, record } from '../core/tape.js';
import { Tensor } from '../core/tensor.js';
import { sum } from './reduce.js';
import { registerCustomOp } from './registry.js';
import { reshape } from './shape.js';

export interface CustomOpContext {
  /** Keeps tensors for the backward pass (PyTorch's ctx.save_for_backward). */
  save(...tensors: Tensor[]): void;
  /** The tensors given to save(), in order. */
  readonly saved: readonly Tensor[];
  /** Per tensor argument: is its gradient wanted? (ctx.needs_input_grad) A backward may skip the others. */
  readonly needsInputGrad: readonly boolean[];
  /** Plain values (numbers, shapes) the forward leaves for the backward. */
  readonly values: Record<string, unknown>;
}

export type CustomGradients = Tensor | null | readonly (Tensor | null | undefined)[];

export interface CustomOpDefinition<A extends unknown[]> {
  /** The op's name on the tape, in listOps() and in error messages. */
  name: string;
  /** Computes the output from the arguments (tensors and anything else); ctx.save() what backward needs. */
  forward: (ctx: CustomOpContext, ...args: A) => Tensor;
  /** Given dLoss/dOutput, returns dLoss/dInput for each tensor argument, in order (null: no gradient). */
  backward: (ctx: CustomOpContext, gradOutput: Tensor) => CustomGradients;
  /**
   * Set when the backward cannot itself be differentiated (PyTorch's @once_differentiable): a
   * second backward (createGraph) through the op is then an error naming it.
   */
  onceDifferentiable?: boolean;
}

export type CustomOp<A extends unknown[]> = ((...args: A) => Tensor) & { readonly opName: string };

class Context implements CustomOpContext {
  saved: Tensor[] = [];
  needsInputGrad: boolean[];
  readonly values: Record<string, unknown> = {};

  constructor(private readonly op: string, needsInputGrad: boolean[]) {
    this.needsInputGrad = needsInputGrad;
  }

  save(...tensors: Tensor[]): void {
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) fail(this.op, `ctx.save takes tensors; argument ${i} is ${t === null ? 'null' : typeof t} (keep plain values in ctx.values)`);
    });
    this.saved.push(...tensors);
  }
}

/** Defines an op from a forward and a backward written with tensor ops; see the file's header. */
export function customOp<A extends unknown[]>(definition: CustomOpDefinition<A>): CustomOp<A> {
  if (definition === null || typeof definition !== 'object') fail('customOp', `expected { name, forward, backward }, got ${String(definition)}`);
  const { name, forward, backward, onceDifferentiable = false } = definition;
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$.-]*$/.test(name)) fail('customOp', `name must be an identifier-like string, got ${JSON.stringify(name)}`);
  if (typeof forward !== 'function') fail('customOp', `'${name}': forward must be a function (ctx, ...args) => Tensor, got ${typeof forward}`);
  if (typeof backward !== 'function') fail('customOp', `'${name}': backward must be a function (ctx, gradOutput) => gradients, got ${typeof backward}`);
  if (typeof onceDifferentiable !== 'boolean') fail('customOp', `'${name}': onceDifferentiable must be true or false, got ${String(onceDifferentiable)}`);
  registerCustomOp('customOp', name, 'primitive', !onceDifferentiable);
  const who = `customOp '${name}'`;

  const apply = (...args: A): Tensor => {
    const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
    const recording = isGradEnabled() && inputs.some((t) => t.requiresGrad);
    const ctx = new Context(who, inputs.map((t) => t.requiresGrad));
    // Tensors the forward made and saved outlive its tidy, as a built-in op's saved intermediates
    // do (the enclosing scope owns them; the tape entry holds them until it is released); when
    // nothing is recorded they are freed at once.
    const { output, saved } = tidy(() => {
      const out = noGrad(() => forward(ctx, ...args));
      if (!(out instanceof Tensor)) fail(who, `forward must return a Tensor, got ${out === null ? 'null' : typeof out}`);
      // a fresh tensor object over the same storage: the forward may have returned an input or a
      // captured tensor, which must not become this op's output on the tape
      return { output: out.detach(), saved: recording ? [...ctx.saved] : [] };
    });
    if (recording) record(name, inputs, output, (g, needs) => checkedGradients(who, ctx, inputs, g, needs, backward), saved);
    return output;
  };
  Object.defineProperty(apply, 'opName', { value: name });
  Object.defineProperty(apply, 'name', { value: name });
  return apply as CustomOp<A>;
}

/** Runs the user's backward and holds its result to PyTorch's rules, naming the op on failure. */
function checkedGradients(
  who: string, ctx: Context, inputs: readonly Tensor[], g: Tensor, needs: readonly boolean[] | undefined,
  backward: CustomOpDefinition<never>['backward'],
): (Tensor | null)[] {
  if (needs) ctx.needsInputGrad = [...needs];
  const raw = backward(ctx, g);
  const list = raw instanceof Tensor || raw === null ? [raw] : raw;
  if (!Array.isArray(list)) fail(who, `backward must return an array of gradients (or one Tensor for one input), got ${typeof raw}`);
  if (list.length !== inputs.length) {
    fail(who, `backward returned ${list.length} gradient${list.length === 1 ? '' : 's'}, expected ${inputs.length} (one per tensor argument, null for none)`);
  }
  return list.map((grad: unknown, i: number) => {
    if (grad === null || grad === undefined) return null;
    const input = inputs[i];
    if (!(grad instanceof Tensor)) fail(who, `backward's gradient ${i} must be a Tensor or null, got ${typeof grad}`);
    if (grad.dtype !== input.dtype) fail(who, `backward's gradient ${i} is ${grad.dtype}, but input ${i} is ${input.dtype}`);
    if (grad.backend !== input.backend) fail(who, `backward's gradient ${i} lives on '${grad.backend.name}', but input ${i} on '${input.backend.name}'`);
    if (grad.shape.length === input.shape.length && grad.shape.every((d, k) => d === input.shape[k])) return grad;
    return sumToInput(who, i, grad, input.shape);
  });
}

/** Sums a gradient of a shape that input's broadcasts to back to input's shape (with recorded ops). */
function sumToInput(who: string, i: number, grad: Tensor, shape: readonly number[]): Tensor {
  const wrong = () => fail(who, `backward's gradient ${i} has shape ${formatShape(grad.shape)}, but input ${i} has shape ${formatShape(shape)} (a gradient may be larger only by broadcasting)`);
  let out: number[];
  try {
    out = broadcastShapes(who, shape, grad.shape);
  } catch {
    return wrong();
  }
  if (out.length !== grad.shape.length || out.some((d, k) => d !== grad.shape[k])) return wrong();
  const offset = grad.rank - shape.length;
  const axes = grad.shape.map((_, k) => k).filter((k) => k < offset || (shape[k - offset] === 1 && grad.shape[k] !== 1));
  return reshape(sum(grad, axes, { keepDim: true }), shape);
}

