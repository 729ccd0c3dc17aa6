// The solvers integrate a state that is a list of tensors (one for a plain ODE; several for the
// adjoint's augmented system), so these helpers combine lists component by component.
import { noGrad } from '../../core/tape.js';
import type { Tensor } from '../../core/tensor.js';

export type State = Tensor[];

/** y + h·Σ_j w_j·k_j, skipping zero weights. */
export function combine(y: State, h: number, weights: readonly number[], ks: readonly State[]): State {
  return y.map((yi, i) => {
    let acc: Tensor | null = null;
    weights.forEach((w, j) => {
      if (w === 0 || j >= ks.length) return;
      const term = ks[j][i].mul(w);
      acc = acc === null ? term : acc.add(term);
    });
    return acc === null ? yi : yi.add((acc as Tensor).mul(h));
  });
}

/** The root mean square of a tensor, as a number (read back: step control runs on the host). */
export function rms(t: Tensor): number {
  if (t.size === 0) return 0;
  return noGrad(() => Math.sqrt(t.square().mean().item()));
}

/** The largest RMS over the components: the error norm for a multi-tensor state. */
export function stateNorm(parts: State): number {
  return Math.max(0, ...parts.map(rms));
}
