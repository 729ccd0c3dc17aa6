// The full Hessian of a small MLP's loss, row by row: each row is one Hessian-vector product with
// a unit vector, i.e. one backward through the createGraph gradient (retainGraph keeps it for the
// next row). It must be symmetric (the second derivatives commute) and match central differences
// of the gradient, column by column (issue 18.4).
//
//   npx tsx examples/higher_order/hessian_mlp.ts
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { isMain, mlp, mlpParameters, regressionData, writeResult } from './common.js';

type Loss = (...params: Tensor[]) => Tensor;

/** The n×n Hessian (row-major) over all parameters flattened in order. */
export function hessian(loss: Loss, params: readonly Tensor[]): { n: number; values: Float64Array } {
  return tg.tidy(() => {
    const grads = tg.grad(loss(...params), params, { createGraph: true });
    const flat = tg.concat(grads.map((g) => g!.reshape([-1])));
    const n = flat.size;
    const values = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const unit = new Float64Array(n);
      unit[i] = 1;
      const row = tg.grad(flat, params, { gradOutputs: [tg.tensor(unit, { dtype: 'float64' })], retainGraph: i < n - 1 });
      let k = 0;
      for (const r of row) for (const value of r!.data()) values[i * n + k++] = value;
    }
    return { n, values };
  });
}

/** Column j = (∇L(p + ε·e_j) − ∇L(p − ε·e_j)) / 2ε. */
export function finiteDifferenceHessian(loss: Loss, params: readonly Tensor[], eps = 1e-5): { n: number; values: Float64Array } {
  const sizes = params.map((p) => p.size);
  const n = sizes.reduce((a, b) => a + b, 0);
  const values = new Float64Array(n * n);
  const flatGradient = (ps: Tensor[]) => tg.tidy(() => Float64Array.from(tg.grad(loss(...ps), ps).flatMap((g) => Array.from(g!.data()))));
  let j = 0;
  params.forEach((p, which) => {
    const base = Float64Array.from(p.data());
    for (let e = 0; e < p.size; e++, j++) {
      const at = (delta: number) => {
        const moved = Float64Array.from(base);
        moved[e] += delta;
        const ps = params.map((q, i) => (i === which ? tg.tensor(moved, { shape: [...p.shape], dtype: 'float64', requiresGrad: true }) : q));
        return flatGradient(ps);
      };
      const [plus, minus] = [at(eps), at(-eps)];
      for (let i = 0; i < n; i++) values[i * n + j] = (plus[i] - minus[i]) / (2 * eps);
    }
  });
  return { n, values };
}

/** The example's loss: MSE of a 2-3-1 tanh MLP on 16 points (13 parameters, a 13×13 Hessian). */
export function exampleProblem(seed = 3): { loss: Loss; params: Tensor[] } {
  const { x, y } = regressionData(16, 2, seed);
  return { loss: (...ps) => tg.mseLoss(mlp(ps, x), y), params: mlpParameters([2, 3, 1], seed) };
}

/** max |H − Hᵀ| and max |H − FD|, each relative to max |H|. */
export function compare(h: { n: number; values: Float64Array }, fd: { n: number; values: Float64Array }): { asymmetry: number; error: number } {
  const { n, values } = h;
  let scale = 0, asymmetry = 0, error = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      scale = Math.max(scale, Math.abs(values[i * n + j]));
      asymmetry = Math.max(asymmetry, Math.abs(values[i * n + j] - values[j * n + i]));
      error = Math.max(error, Math.abs(values[i * n + j] - fd.values[i * n + j]));
    }
  }
  return { asymmetry: asymmetry / scale, error: error / scale };
}

if (isMain(import.meta.url)) {
  const { loss, params } = exampleProblem();
  const h = hessian(loss, params);
  const { asymmetry, error } = compare(h, finiteDifferenceHessian(loss, params));
  console.log(`Hessian of the loss of a 2-3-1 MLP: ${h.n}×${h.n}`);
  console.log(`max |H − Hᵀ| / max |H| = ${asymmetry.toExponential(2)}   max |H − FD| / max |H| = ${error.toExponential(2)}`);
  const lines = Array.from({ length: h.n }, (_, i) => Array.from(h.values.subarray(i * h.n, (i + 1) * h.n), (v) => v.toPrecision(8)).join(','));
  console.log(`written: ${writeResult('hessian.csv', lines.join('\n') + '\n')}`);
}
