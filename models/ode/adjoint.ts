// The adjoint method (Pontryagin; Chen et al. 2018). The forward solve runs untaped and keeps
// only the outputs. Backward, with a(t) = dL/dy(t), the augmented state (y, a, a_θ) is solved
// from the last requested time back to the first:
//   dy/dt = f(t, y),   da/dt = −aᵀ ∂f/∂y,   da_θ/dt = −aᵀ ∂f/∂θ,   a(t_N) = dL/dy(t_N), a_θ(t_N) = 0
// At each earlier output time the stored y is restored and that output's gradient is added to a.
// The vector–Jacobian products come from one taped evaluation of f per stage (tg.grad), so memory
// does not grow with the number of steps. The result is the gradient of the continuous problem,
// which differs from backprop through a coarse Euler map (spec gode.md §7.6).
import { grad } from '../../core/autograd.js';
import { fail } from '../../core/errors.js';
import { tidy } from '../../core/scope.js';
import { enableGrad, noGrad, record } from '../../core/tape.js';
import { Tensor } from '../../core/tensor.js';
import { zerosLike } from '../../core/creation.js';
import { narrow, reshape, stack } from '../../ops/shape.js';
import { checkedDynamics, solveState, type OdeOptions, type OdeStats } from './odeint.js';
import { checkOptions, checkProblem, describe } from './options.js';
import type { State } from './state.js';

export function odeintAdjoint(
  f: (t: number, y: Tensor) => Tensor,
  y0: Tensor,
  times: readonly number[],
  params: readonly Tensor[],
  options: OdeOptions = {},
): { ys: Tensor; stats: OdeStats } {
  checkProblem('odeintAdjoint', f, y0, times);
  checkOptions('odeintAdjoint', options, times);
  if (!Array.isArray(params)) fail('odeintAdjoint', `params must be an array of the leaf tensors f uses, got ${describe(params)}`);
  params.forEach((p, i) => {
    if (!(p instanceof Tensor) || !p.isLeaf) fail('odeintAdjoint', `params[${i}] must be a leaf tensor (a parameter of f)`);
  });
  let stats: OdeStats = { nfe: 0 };
  const ys = noGrad(() => tidy(() => {
    const solved = solveState('odeintAdjoint', checkedDynamics('odeintAdjoint', f, y0.shape), [y0], times, options);
    stats = solved.stats;
    return stack(solved.states.map(([y]) => y));
  }));
  const shape = y0.shape;
  const at = (g: Tensor, i: number) => reshape(narrow(g, 0, i, 1), shape);

  /** (y, a, a_θ...) ↦ (f, −aᵀ∂f/∂y, −aᵀ∂f/∂θ...), with one taped evaluation of f. */
  const augmented = (t: number, [y, a]: State): State => {
    const leaf = y.detach().requiresGrad_();
    const [fy, vjps] = enableGrad(() => {
      const out = f(t, leaf);
      const grads = grad(out, [leaf, ...params.filter((p) => p.requiresGrad)], { gradOutputs: [a] });
      return [out.detach(), grads] as const;
    });
    const trainable = params.filter((p) => p.requiresGrad);
    const paramVjps = params.map((p) => {
      const k = trainable.indexOf(p);
      const v = k >= 0 ? vjps[1 + k] : null;
      return v === null ? zerosLike(p) : v.neg();
    });
    return [fy, vjps[0] === null ? zerosLike(y) : vjps[0].neg(), ...paramVjps];
  };

  record('odeintAdjoint', [y0, ...params], ys, (g) => {
    let y = at(ys, times.length - 1);
    let a = at(g, times.length - 1);
    let aParams = params.map((p) => zerosLike(p));
    for (let i = times.length - 1; i > 0; i--) {
      const next = tidy(() => {
        const solved = solveState('odeintAdjoint', augmented, [y, a, ...aParams], [times[i], times[i - 1]], intervalOptions(options, times[i], times[i - 1]));
        const [, aEnd, ...pEnd] = solved.states[1];
        return { a: aEnd.add(at(g, i - 1)), aParams: pEnd };
      });
      y = at(ys, i - 1); // restore the stored state rather than trust the backward reconstruction
      a = next.a;
      aParams = next.aParams;
    }
    return [a, ...aParams];
  }, [ys]);
  return { ys, stats };
}

/**
 * The forward solve's options for the backward solve over one interval [to, from]: its grid
 * restricted to the interval and reversed (a step size needs no change), and a first step no
 * longer than the interval.
 */
function intervalOptions(options: OdeOptions, from: number, to: number): OdeOptions {
  if (options.firstStep !== undefined && options.firstStep > Math.abs(from - to)) options = { ...options, firstStep: Math.abs(from - to) };
  if (!options.grid || options.stepSize !== undefined) return options;
  const lo = Math.min(from, to), hi = Math.max(from, to);
  const inside = options.grid.filter((t) => t > lo && t < hi);
  const grid = [from, ...(from > to ? inside.reverse() : inside), to];
  return { ...options, grid };
}
