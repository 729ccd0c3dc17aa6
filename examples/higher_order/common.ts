// What the higher-order examples share: a tiny tanh MLP written with plain ops (so every parameter
// is an explicit tensor), seeded data, where results go (os.tmpdir()/out/higher_order, never the
// repository), and whether a file was run as a script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';

/** Weights and biases of an MLP with layer sizes `sizes` (PyTorch's default init), float64 leaves. */
export function mlpParameters(sizes: readonly number[], seed: number): Tensor[] {
  const rng = new tg.Generator(seed);
  const params: Tensor[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = 1 / Math.sqrt(sizes[i]);
    const draw = (n: number) => Float64Array.from({ length: n }, () => (2 * rng.uniform() - 1) * bound);
    params.push(tg.tensor(draw(sizes[i + 1] * sizes[i]), { shape: [sizes[i + 1], sizes[i]], dtype: 'float64', requiresGrad: true }));
    params.push(tg.tensor(draw(sizes[i + 1]), { shape: [sizes[i + 1]], dtype: 'float64', requiresGrad: true }));
  }
  return params;
}

/** tanh between the layers, none after the last. */
export function mlp(params: readonly Tensor[], x: Tensor): Tensor {
  let h = x;
  for (let i = 0; i < params.length; i += 2) {
    h = tg.linear(h, params[i], params[i + 1]);
    if (i + 2 < params.length) h = h.tanh();
  }
  return h;
}

/** n points of a noisy regression target y = sin(x₀) + x₁², float64. */
export function regressionData(n: number, inputs: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = new tg.Generator(seed);
  const xs = Float64Array.from({ length: n * inputs }, () => 2 * rng.uniform() - 1);
  const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(xs[i * inputs]) + (inputs > 1 ? xs[i * inputs + 1] ** 2 : 0) + 0.05 * (rng.uniform() - 0.5));
  return { x: tg.tensor(xs, { shape: [n, inputs], dtype: 'float64' }), y: tg.tensor(ys, { shape: [n, 1], dtype: 'float64' }) };
}

/** Writes a result file under os.tmpdir()/out/higher_order and returns its path. */
export function writeResult(name: string, text: string): string {
  const dir = join(tmpdir(), 'out', 'higher_order');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
}
