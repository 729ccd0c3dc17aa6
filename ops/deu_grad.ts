// DEU's gradients as ops of their own, for createGraph (issue 18): the first-order backward
// computes, per element and per neuron,
//   dx = g·f_t(x, params)          (deuGradX)
//   dparams[f] = Σ g·f_θ(x, params) (deuGradP)
// with the fused kernel, exactly as without createGraph (the same values, bit for bit); recorded
// as two ops, each with a backward of its own from the second partials of core/cpu/deu_second.ts.
// A third derivative throws by name.
//
// The second-order kernels are plain functions over host arrays (core/cpu/deu_second.ts), run
// here on the values read back from the tensors' backend: only the createGraph path pays that.
import { declareDifferentiableBackward, notDifferentiableAgain } from '../core/autograd.js';
import type { DeuParams } from '../core/backend.js';
import { deuGradPBackward, deuGradXBackward, type DeuSecondInput } from '../core/cpu/deu_second.js';
import { allocArray } from '../core/dtype.js';
import { record } from '../core/tape.js';
import { fromHost, fromStorage, type Tensor } from '../core/tensor.js';
import { fusedKernel } from './fused.js';

declareDifferentiableBackward('deuGradX');
declareDifferentiableBackward('deuGradP');

/** The first-order gradients of deu(x, p) for upstream g, recorded (createGraph). */
export function deuGradients(g: Tensor, x: Tensor, p: Tensor, hyper: DeuParams, needs: readonly boolean[]): [Tensor | null, Tensor | null] {
  const [dx, dp] = firstOrder(g, x, p, hyper);
  return [
    needs[0] ? gradX(dx, g, x, p, hyper) : (dx.dispose(), null),
    needs[1] ? gradP(dp, g, x, p, hyper) : (dp.dispose(), null),
  ];
}

function firstOrder(g: Tensor, x: Tensor, p: Tensor, hyper: DeuParams): [Tensor, Tensor] {
  const grads = fusedKernel('deu', x, 'deuBackward')(g.kernelView(), x.kernelView(), p.kernelView(), hyper);
  return [fromStorage(grads.dx, x.shape, x.dtype, x.backend), fromStorage(grads.dparams, p.shape, p.dtype, p.backend)];
}

function inputOf(x: Tensor, p: Tensor, hyper: DeuParams): DeuSecondInput {
  return { x: x.data(), params: p.data(), shape: x.shape, eps: hyper.eps, s: hyper.s };
}

/** A host result as a tensor like `like`, as a third-derivative-refusing entry over `inputs`. */
function result(values: Float64Array, like: Tensor, upstream: Tensor, inputs: readonly Tensor[]): Tensor {
  const array = allocArray(like.dtype, values.length);
  array.set(values);
  const t = fromHost(array, like.shape, like.backend);
  return notDifferentiableAgain('deu', "the second derivative of 'deu' (a third derivative)", t, upstream, inputs);
}

/** dx = g·f_t, with its backward: to g the same rule, to x and params the second partials. */
function gradX(value: Tensor, g: Tensor, x: Tensor, p: Tensor, hyper: DeuParams): Tensor {
  return record('deuGradX', [g, x, p], value, (u, needs) => {
    const second = needs[1] || needs[2] ? deuGradXBackward(u.data(), g.data(), inputOf(x, p, hyper)) : null;
    let toG: Tensor | null = null;
    if (needs[0]) {
      const [dx, dp] = firstOrder(u, x, p, hyper);
      dp.dispose();
      toG = gradX(dx, u, x, p, hyper);
    }
    return [toG, needs[1] ? result(second!.dx, x, u, [g, x, p]) : null, needs[2] ? result(second!.dparams, p, u, [g, x, p]) : null];
  }, [g, x, p]);
}

/** dparams = Σ g·f_θ, with its backward: to g the per-element f_θ, to x and params the second partials. */
function gradP(value: Tensor, g: Tensor, x: Tensor, p: Tensor, hyper: DeuParams): Tensor {
  return record('deuGradP', [g, x, p], value, (U, needs) => {
    const out = deuGradPBackward(U.data(), g.data(), inputOf(x, p, hyper), needs[1] || needs[2]);
    return [
      needs[0] ? result(out.dg, g, U, [g, x, p]) : null,
      needs[1] ? result(out.dx!, x, U, [g, x, p]) : null,
      needs[2] ? result(out.dparams!, p, U, [g, x, p]) : null,
    ];
  }, [g, x, p]);
}
