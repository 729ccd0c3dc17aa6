// The WebAssembly group norm (core/wasm/assembly/group_norm.ts) against the JavaScript kernel
// (core/cpu/group_norm.ts, the reference) for float32: fast-check over N, C, groups, spatial
// sizes (odd ones around the 4-lane vectors, 1×1 included), with and without weight and bias,
// and constant groups (variance 0). Both evaluate every expression in float64 and round once;
// only the order of the float64 sums differs, so each output is within 2 float32 ulps of the
// reference, or within 1e-6 of the largest magnitude of its tensor (where cancellation leaves
// a tiny result).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { inJavaScript } from './in_javascript.js';

function ulp(v: number): number {
  const f = Math.fround(Math.abs(v));
  if (f === 0) return 2 ** -149;
  const next = new Float32Array(new Int32Array([new Int32Array(new Float32Array([f]).buffer)[0] + 1]).buffer)[0];
  return next - f;
}

function assertNear(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= 2 * ulp(want[i]) || d <= 1e-6 * scale)) assert.unreachable(`${what}: element ${i} is ${got[i]}, the JavaScript kernel gives ${want[i]}`);
  }
}

/** y, and the gradients of sum(y·u) for a random u, on the current kernels. */
function run(x: tg.Tensor, groups: number, w: tg.Tensor | null, b: tg.Tensor | null, u: tg.Tensor) {
  const xs = x.detach().requiresGrad_();
  const ws = w && w.detach().requiresGrad_(), bs = b && b.detach().requiresGrad_();
  const y = tg.groupNorm(xs, groups, ws, bs, 1e-5);
  y.mul(u).sum().backward();
  return { y: y.data(), dx: xs.grad!.data(), dw: ws?.grad!.data() ?? null, db: bs?.grad!.data() ?? null };
}

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 1, max: 4 }),
  perGroup: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 9 }),
  affine: fc.boolean(),
  constant: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1000 }),
});

test('group norm forward and backward: within 2 ulps of the JavaScript kernel', () => {
  const before = cpuInfo().kernelRuns.groupNormGrad ?? 0;
  fc.assert(fc.property(caseArb, ({ n, groups, perGroup, h, w, affine, constant, seed }) => {
    tg.manualSeed(seed);
    const c = groups * perGroup;
    const x = constant ? tg.full([n, c, h, w], 0.75) : tg.randn([n, c, h, w]).mul(3).add(1);
    const weight = affine ? tg.randn([c]) : null, bias = affine ? tg.randn([c]) : null;
    const u = tg.randn([n, c, h, w]);
    const got = run(x, groups, weight, bias, u);
    const want = inJavaScript(() => run(x, groups, weight, bias, u));
    const what = `[${n}, ${c}, ${h}, ${w}] in ${groups} groups${affine ? ', affine' : ''}${constant ? ', constant' : ''}`;
    assertNear(got.y, want.y, `y ${what}`);
    assertNear(got.dx, want.dx, `dx ${what}`);
    if (affine) {
      assertNear(got.dw!, want.dw!, `dweight ${what}`);
      assertNear(got.db!, want.db!, `dbias ${what}`);
    }
  }), { seed: 21, numRuns: 120 });
  assert.ok((cpuInfo().kernelRuns.groupNormGrad ?? 0) > before, 'the WebAssembly group norm ran');
});

test.run();
