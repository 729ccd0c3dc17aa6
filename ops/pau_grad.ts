// PAU's and RPAU's gradients as ops of their own, for createGraph (issue 18): the first-order
// backward computes, per element, dx = g·F_x and the coefficient gradients Σ g·F_a, Σ g·F_b with
// the fused kernel, exactly as without createGraph (the same values, bit for bit); recorded as three
// ops, each with a backward from the closed-form second derivatives of core/cpu/pau_second.ts.
// A third derivative throws by name.
//
// The second-order kernel is a plain function over host arrays, run here on the values read back
// from the tensors' backend: only the createGraph path pays that.
import { declareDifferentiableBackward, notDifferentiableAgain } from '../core/autograd.js';
import type { PauParams } from '../core/backend.js';
import { pauSecond, type PauSecondInput, type PauWeights } from '../core/cpu/pau_second.js';
import { allocArray } from '../core/dtype.js';
import { record } from '../core/tape.js';
import { fromHost, fromStorage, type Tensor } from '../core/tensor.js';
import { fusedKernel } from './fused.js';

type Which = 'X' | 'A' | 'B';

/** The first-order gradients of pau/rpau(x, a, b) for upstream g, recorded (createGraph). */
export function pauGradients(op: string, g: Tensor, x: Tensor, a: Tensor, b: Tensor, params: PauParams, needs: readonly boolean[]): (Tensor | null)[] {
  const first = firstOrder(op, g, x, a, b, params);
  return (['X', 'A', 'B'] as const).map((which, i) => (needs[i] ? recordGrad(op, which, first[i], g, x, a, b, params) : (first[i].dispose(), null)));
}

function firstOrder(op: string, g: Tensor, x: Tensor, a: Tensor, b: Tensor, params: PauParams): [Tensor, Tensor, Tensor] {
  const grads = fusedKernel(op, x, 'pauBackward')(g.kernelView(), x.kernelView(), a.kernelView(), b.kernelView(), params);
  return [
    fromStorage(grads.dx, x.shape, x.dtype, x.backend),
    fromStorage(grads.dnumerator, a.shape, a.dtype, a.backend),
    fromStorage(grads.ddenominator, b.shape, b.dtype, b.backend),
  ];
}

const declared = new Set<string>();

/** g·F_x (X), Σ g·F_a (A) or Σ g·F_b (B), recorded with its second-order backward. */
function recordGrad(op: string, which: Which, value: Tensor, g: Tensor, x: Tensor, a: Tensor, b: Tensor, params: PauParams): Tensor {
  const name = `${op}Grad${which}`;
  if (!declared.has(name)) {
    declared.add(name);
    declareDifferentiableBackward(name);
  }
  return record(name, [g, x, a, b], value, (u, needs) => {
    const inputs = [g, x, a, b];
    const wrap = (values: Float64Array, like: Tensor) => {
      const array = allocArray(like.dtype, values.length);
      array.set(values);
      return notDifferentiableAgain(op, `the second derivative of '${op}' (a third derivative)`, fromHost(array, like.shape, like.backend), u, inputs);
    };
    const second = needs.some((n) => n) ? pauSecond(inputOf(x, a, b, params), weightsOf(which, u, g)) : null;
    let toG: Tensor | null = null;
    if (needs[0]) {
      if (which === 'X') {
        // dx = g·F_x is linear in g with the same rule: the first-order op again
        const [dx, da, db] = firstOrder(op, u, x, a, b, params);
        da.dispose();
        db.dispose();
        toG = recordGrad(op, 'X', dx, u, x, a, b, params);
      } else {
        toG = wrap(second!.dg, g);
      }
    }
    return [toG, needs[1] ? wrap(second!.dx, x) : null, needs[2] ? wrap(second!.da, a) : null, needs[3] ? wrap(second!.db, b) : null];
  }, [g, x, a, b]);
}

function inputOf(x: Tensor, a: Tensor, b: Tensor, params: PauParams): PauSecondInput {
  return {
    x: x.data(), a: a.data(), b: b.data(), xShape: x.shape,
    rows: a.rank === 2 ? a.shape[0] : 1, m1: a.shape[a.rank - 1], nb: b.shape[b.rank - 1], params,
  };
}

/** The rows of the second derivatives the upstream u of gradient `which` weights. */
function weightsOf(which: Which, u: Tensor, g: Tensor): PauWeights {
  if (which === 'X') {
    const uu = u.data(), gg = g.data();
    return { wx: uu.map((v, i) => v * gg[i]) };
  }
  return which === 'A' ? { g: g.data(), ua: u.data() } : { g: g.data(), ub: u.data() };
}
