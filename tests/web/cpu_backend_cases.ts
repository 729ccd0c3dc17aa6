// The computations tests/web/cpu_backend.test.ts runs on the float32 CPU backend, in chromium and
// in Node: a matmul large enough to be split across threads, a conv2d forward and both gradients,
// a DEU layer forward and both gradients (neurons of the subspaces the WebAssembly loops take), the
// same neurons in a layer large enough to be split across threads by neurons, and 30 Adam steps of a small MLP. Every input comes from a fixed seed, so each place computes
// the same numbers; the results come back as plain arrays (they cross page.evaluate as JSON).
import * as tg from '../../index.js';

export type CaseResults = Record<string, number[]>;

/** The sizes, shared with the bounds below. 128³ multiply-adds: above threads.ts's PARALLEL_MIN_WORK. */
export const MATMUL = { m: 128, k: 128, n: 128 };
export const CONV = { x: [2, 3, 9, 9], w: [4, 3, 3, 3], padding: 1 };
export const DEU_SHAPE = [3, 4, 6];
/** a, b, c > 0: two neurons with Δ = b² − 4ac > 0, two with Δ < 0 (one of each at rest). */
export const DEU_PARAMS = [[1, 3, 1, 0, 0], [0.5, 0.4, 1.2, 0, 0], [1.5, 4, 0.6, 0.2, -0.1], [0.8, 0.3, 0.9, -0.3, 0.25]];
/** [N, F, S] with N·F·S = 2^14, core/cpu/deu_wasm.ts's threshold for splitting a layer by neurons; DEU_PARAMS twice. */
export const DEU_SPLIT_SHAPE = [16, 8, 128];
export const TRAIN_STEPS = 30;

const list = (t: tg.Tensor): number[] => Array.from(t.data() as ArrayLike<number>);

/** The inputs of each case, float32 or (for the error bounds) float64, from fixed seeds. */
export function inputs(dtype: 'float32' | 'float64') {
  tg.manualSeed(11);
  const a = tg.randn([MATMUL.m, MATMUL.k], { dtype }), b = tg.randn([MATMUL.k, MATMUL.n], { dtype });
  tg.manualSeed(12);
  const x = tg.randn(CONV.x, { dtype }), w = tg.randn(CONV.w, { dtype });
  const [n, , h, wd] = CONV.x;
  const u = tg.randn([n, CONV.w[0], h + 2 * CONV.padding - CONV.w[2] + 1, wd + 2 * CONV.padding - CONV.w[3] + 1], { dtype });
  tg.manualSeed(13);
  const dx = tg.randn(DEU_SHAPE, { dtype }).mul(2), du = tg.randn(DEU_SHAPE, { dtype });
  const sx = tg.randn(DEU_SPLIT_SHAPE, { dtype }).mul(2), su = tg.randn(DEU_SPLIT_SHAPE, { dtype });
  return { a, b, x, w, u, dx, du, dp: tg.tensor(DEU_PARAMS, { dtype }), sx, su, sp: tg.tensor([...DEU_PARAMS, ...DEU_PARAMS], { dtype }) };
}

/** conv2d(x, w) and the gradients of Σ conv2d(x, w)·u; with `abs`, of |x|, |w|, |u| (a bound on the terms). */
function convPass(x: tg.Tensor, w: tg.Tensor, u: tg.Tensor, abs: boolean) {
  const xs = (abs ? x.abs() : x).detach().requiresGrad_(), ws = (abs ? w.abs() : w).detach().requiresGrad_();
  const y = tg.conv2d(xs, ws, null, { padding: CONV.padding });
  y.mul(abs ? u.abs() : u).sum().backward();
  return { y: list(y), dx: list(xs.grad!), dw: list(ws.grad!) };
}

/** Every case on the current backend settings (float32). */
export function runCases(): CaseResults {
  const out: CaseResults = {};
  const { a, b, x, w, u, dx, du, dp, sx, su, sp } = inputs('float32');
  out.matmul = list(tg.matmul(a, b));

  const conv = convPass(x, w, u, false);
  out.convY = conv.y;
  out.convDx = conv.dx;
  out.convDw = conv.dw;

  const deu = (x: tg.Tensor, p: tg.Tensor, u: tg.Tensor) => {
    const xs = x.detach().requiresGrad_(), ps = p.detach().requiresGrad_();
    const y = tg.deu(xs, ps);
    y.mul(u).sum().backward();
    return { y: list(y), dx: list(xs.grad!), dp: list(ps.grad!) };
  };
  const small = deu(dx, dp, du);
  out.deuY = small.y;
  out.deuDx = small.dx;
  out.deuDp = small.dp;
  const split = deu(sx, sp, su);
  out.deuSplitY = split.y;
  out.deuSplitDx = split.dx;
  out.deuSplitDp = split.dp;

  tg.manualSeed(14);
  const model = new tg.nn.Sequential(new tg.nn.Linear(4, 32), new tg.nn.ReLU(), new tg.nn.Linear(32, 3));
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-2 });
  const data = tg.randn([16, 4]);
  const labels = tg.tensor(Array.from({ length: 16 }, (_, i) => i % 3));
  out.losses = [];
  for (let s = 0; s < TRAIN_STEPS; s++) {
    out.losses.push(tg.tidy(() => {
      opt.zeroGrad();
      const loss = tg.crossEntropy(model.forward(data), labels);
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }
  out.params = model.parameters().flatMap(list);
  return out;
}

/**
 * Per element, a bound on the float32 rounding error of the linear cases: (terms + 2)·2⁻²³ times
 * the sum of the terms' magnitudes (computed in float64), the bound tests/wasm/conv_pool.test.ts
 * uses. Either side (WebAssembly or JavaScript) may be off by half of it from the exact value.
 */
export function linearBounds(): CaseResults {
  const { a, b, x, w, u } = inputs('float64');
  const scale = (terms: number) => (v: number) => (terms + 2) * 2 ** -23 * v + 1e-30;
  const [n, , h, wd] = CONV.x;
  const abs = convPass(x, w, u, true);
  return {
    matmul: list(tg.matmul(a.abs(), b.abs())).map(scale(MATMUL.k)),
    convY: abs.y.map(scale(CONV.w[1] * CONV.w[2] * CONV.w[3])),
    convDx: abs.dx.map(scale(CONV.w[0] * CONV.w[2] * CONV.w[3])),
    convDw: abs.dw.map(scale(n * h * wd)),
  };
}
