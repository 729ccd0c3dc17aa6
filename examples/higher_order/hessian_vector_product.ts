// Hessian-vector products by double backward (Pearlmutter's trick), checked against finite
// differences of gradients (issue 18.4).
//
//   H·v = ∇ₚ (∇ₚ L · v)
//
// The first grad runs with createGraph, so ∇ₚL is itself on the tape; its dot product with a fixed
// v is a scalar whose gradient is H·v — one extra backward, never the n×n Hessian. The reference
// is the central difference of the gradient along v: (∇L(p + εv) − ∇L(p − εv)) / 2ε.
//
//   npx tsx examples/higher_order/hessian_vector_product.ts
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { isMain, mlp, mlpParameters, regressionData, writeResult } from './common.js';

type Loss = (...params: Tensor[]) => Tensor;

/** H·v for the loss at `params`, one tensor per parameter. */
export function hessianVectorProduct(loss: Loss, params: readonly Tensor[], v: readonly Tensor[]): Tensor[] {
  return tg.tidy(() => {
    const grads = tg.grad(loss(...params), params, { createGraph: true });
    const dot = grads.map((g, i) => g!.mul(v[i]).sum()).reduce((a, b) => a.add(b));
    return tg.grad(dot, params).map((h) => h!);
  });
}

/** (∇L(p + εv) − ∇L(p − εv)) / 2ε: first-order backward passes only. */
export function finiteDifferenceHvp(loss: Loss, params: readonly Tensor[], v: readonly Tensor[], eps = 1e-5): Tensor[] {
  return tg.tidy(() => {
    const gradientAt = (sign: number) => {
      const shifted = params.map((p, i) => tg.noGrad(() => p.add(v[i].mul(sign * eps))).requiresGrad_());
      return tg.grad(loss(...shifted), shifted).map((g) => g!);
    };
    const plus = gradientAt(1), minus = gradientAt(-1);
    return plus.map((g, i) => g.sub(minus[i]).div(2 * eps));
  });
}

/** The loss the example (and its test) differentiates: MSE of a 2-8-8-1 tanh MLP on 32 points. */
export function exampleProblem(seed = 1): { loss: Loss; params: Tensor[]; v: Tensor[] } {
  const { x, y } = regressionData(32, 2, seed);
  const params = mlpParameters([2, 8, 8, 1], seed);
  const rng = new tg.Generator(seed + 100);
  const v = params.map((p) => tg.tensor(Float64Array.from({ length: p.size }, () => rng.uniform() * 2 - 1), { shape: [...p.shape], dtype: 'float64' }));
  return { loss: (...ps) => tg.mseLoss(mlp(ps, x), y), params, v };
}

/** max |Hv − FD| / max |FD| over all parameters. */
export function relativeError(a: readonly Tensor[], b: readonly Tensor[]): number {
  let diff = 0, scale = 0;
  a.forEach((t, i) => {
    const [u, w] = [t.data(), b[i].data()];
    for (let k = 0; k < u.length; k++) {
      diff = Math.max(diff, Math.abs(u[k] - w[k]));
      scale = Math.max(scale, Math.abs(w[k]));
    }
  });
  return diff / scale;
}

if (isMain(import.meta.url)) {
  const { loss, params, v } = exampleProblem();
  const started = performance.now();
  const hv = hessianVectorProduct(loss, params, v);
  const ms = performance.now() - started;
  const fd = finiteDifferenceHvp(loss, params, v);
  const error = relativeError(hv, fd);
  console.log(`H·v by double backward (${params.reduce((n, p) => n + p.size, 0)} parameters, ${ms.toFixed(1)} ms)`);
  console.log(`relative difference to central differences of the gradient: ${error.toExponential(2)}`);
  const rows = hv.flatMap((t, i) => Array.from(t.data(), (h, k) => `${i},${k},${h},${fd[i].data()[k]}`));
  console.log(`written: ${writeResult('hvp.csv', ['parameter,element,hv,finite_difference', ...rows].join('\n') + '\n')}`);
}
