// A gradient penalty (WGAN-GP, Gulrajani et al. 2017) trained for a few steps: the critic D's loss
//
//   E[D(fake)] − E[D(real)] + λ·E[(‖∇ₓD(x̂)‖₂ − 1)²],   x̂ = α·real + (1 − α)·fake
//
// contains ∇ₓD, a gradient, so minimising it needs the gradient of a gradient: ∇ₓD is taken with
// createGraph, and loss.backward() then differentiates through that backward pass into D's weights
// (issue 18.4). The penalty keeps D near 1-Lipschitz, so the critic's loss decreases without D blowing up.
//
//   npx tsx examples/higher_order/gradient_penalty.ts [--steps 60]
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { isMain, mlp, mlpParameters, writeResult } from './common.js';

/** Two 2-D point clouds: "real" around (1, 1), "fake" around (−1, 0). */
export function clouds(n: number, seed: number): { real: Tensor; fake: Tensor } {
  const rng = new tg.Generator(seed);
  const cloud = (cx: number, cy: number) => tg.tensor(Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? cx : cy) + 0.3 * (rng.uniform() - 0.5)), { shape: [n, 2], dtype: 'float64' });
  return { real: cloud(1, 1), fake: cloud(-1, 0) };
}

/** λ·mean((‖∇ₓD(x̂)‖ − 1)²) at the points x̂, differentiable in D's parameters. */
export function gradientPenalty(params: readonly Tensor[], points: Tensor, lambda: number): Tensor {
  const x = points.detach().requiresGrad_();
  const [dx] = tg.grad(mlp(params, x).sum(), [x], { createGraph: true });
  return dx!.norm(2, 1).sub(1).square().mean().mul(lambda);
}

export function criticLoss(params: readonly Tensor[], real: Tensor, fake: Tensor, alpha: Tensor, lambda: number): { loss: Tensor; penalty: Tensor } {
  const between = real.mul(alpha).add(fake.mul(alpha.neg().add(1)));
  const penalty = gradientPenalty(params, between, lambda);
  const loss = mlp(params, fake).mean().sub(mlp(params, real).mean()).add(penalty);
  return { loss, penalty };
}

/** Trains the critic with Adam; returns the loss and the penalty after each step (before the update). */
export function train(steps: number, seed = 0, lambda = 10): { losses: number[]; penalties: number[] } {
  const params = mlpParameters([2, 16, 16, 1], seed);
  const { real, fake } = clouds(64, seed + 1);
  const optimizer = new tg.optim.Adam(params, { lr: 0.01 });
  const rng = new tg.Generator(seed + 2);
  const losses: number[] = [], penalties: number[] = [];
  for (let step = 0; step < steps; step++) {
    tg.tidy(() => {
      const alpha = tg.tensor(Float64Array.from({ length: 64 }, () => rng.uniform()), { shape: [64, 1], dtype: 'float64' });
      const { loss, penalty } = criticLoss(params, real, fake, alpha, lambda);
      optimizer.zeroGrad();
      loss.backward(); // through the createGraph backward inside the penalty
      optimizer.step();
      losses.push(loss.item());
      penalties.push(penalty.item());
    });
  }
  return { losses, penalties };
}

if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--steps');
  const steps = i >= 0 ? Number(process.argv[i + 1]) : 60;
  const { losses, penalties } = train(steps);
  for (let s = 0; s < steps; s += Math.max(1, Math.floor(steps / 10))) {
    console.log(`step ${String(s).padStart(3)}  critic loss ${losses[s].toFixed(4)}  penalty ${penalties[s].toFixed(4)}`);
  }
  console.log(`last     critic loss ${losses[steps - 1].toFixed(4)}  penalty ${penalties[steps - 1].toFixed(4)}`);
  const csv = ['step,loss,penalty', ...losses.map((l, s) => `${s},${l},${penalties[s]}`)].join('\n') + '\n';
  console.log(`written: ${writeResult('gradient_penalty.csv', csv)}`);
}
