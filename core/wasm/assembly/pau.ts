// AssemblyScript source of the Padé activation unit of degrees (5, 4), versions A, B and N,
// without noise, for float32 tensors (compiled by core/wasm/build.mjs; excluded from the
// TypeScript project). The arithmetic is core/cpu/pau_54.ts's, operation for operation in the
// same order and in float64 (the spec's float64-internal evaluation), and the coefficient sums run
// in element order within segments of 4096, added up segment by segment (see SEGMENT), as the
// JavaScript loop adds them: the results are bit for bit the JavaScript kernel's
// (tests/wasm/pau.test.ts). The caller keeps |x| < 2^32 here (pau_far.ts's scaled path stays in
// JavaScript). RPAU's noisy variant is rpau.ts, on the same evaluation.
//
// Layout: `blocks` runs of `run` elements; block k uses coefficient row k % rows (a: 6 per row,
// b: 4 per row, float32).

const VERSION_A: i32 = 0;
const VERSION_N: i32 = 2;

// The scratch the evaluation leaves its results in: f, ∂F/∂x, ∂F/∂a_0…a_5, ∂F/∂b_1…b_4.
// (exported to rpau.ts, which evaluates at noisy coefficients)
export let F: f64 = 0, DX: f64 = 0;
export let DA0: f64 = 0, DA1: f64 = 0, DA2: f64 = 0, DA3: f64 = 0, DA4: f64 = 0, DA5: f64 = 0;
export let DB1: f64 = 0, DB2: f64 = 0, DB3: f64 = 0, DB4: f64 = 0;

@inline function sign(v: f64): f64 {
  return v < 0 ? -1 : 1;
}

@inline export function evaluate(x: f64, version: i32, a0: f64, a1: f64, a2: f64, a3: f64, a4: f64, a5: f64, b1: f64, b2: f64, b3: f64, b4: f64, grads: bool): void {
  const u0: f64 = 1, u1 = x, u2 = u1 * x, u3 = u2 * x, u4 = u3 * x, u5 = u4 * x;
  const p = 0 + a0 * u0 + a1 * u1 + a2 * u2 + a3 * u3 + a4 * u4 + a5 * u5;
  let q: f64, s: f64, ds: f64 = 0, side: f64 = 1;
  if (version == VERSION_A) {
    const c1 = Math.abs(b1), c2 = Math.abs(b2), c3 = Math.abs(b3), c4 = Math.abs(b4);
    s = 0 + c1 * Math.abs(u1) + c2 * Math.abs(u2) + c3 * Math.abs(u3) + c4 * Math.abs(u4);
    if (grads) ds = 0 + 1 * c1 * Math.abs(u0) + 2 * c2 * Math.abs(u1) + 3 * c3 * Math.abs(u2) + 4 * c4 * Math.abs(u3);
    q = 1 * u0 + s;
  } else {
    s = 0 + b1 * u1 + b2 * u2 + b3 * u3 + b4 * u4;
    if (grads) ds = 0 + 1 * b1 * u0 + 2 * b2 * u1 + 3 * b3 * u2 + 4 * b4 * u3;
    if (version == VERSION_N) q = 1 * u0 + s;
    else {
      side = s < 0 ? -1 : 1;
      q = 1 * u0 + side * s;
    }
  }
  const f = p / q;
  F = f;
  if (!grads) return;
  const dp = 0 + 1 * a1 * u0 + 2 * a2 * u1 + 3 * a3 * u2 + 4 * a4 * u3 + 5 * a5 * u4;
  const dq = version == VERSION_A ? (x < 0 ? -1 : 1) * ds : side * ds;
  DX = (dp - dq * f) / q;
  DA0 = u0 / q; DA1 = u1 / q; DA2 = u2 / q; DA3 = u3 / q; DA4 = u4 / q; DA5 = u5 / q;
  const scale = -f / q;
  if (version == VERSION_A) {
    DB1 = scale * (sign(b1) * Math.abs(u1));
    DB2 = scale * (sign(b2) * Math.abs(u2));
    DB3 = scale * (sign(b3) * Math.abs(u3));
    DB4 = scale * (sign(b4) * Math.abs(u4));
  } else {
    DB1 = scale * (side * u1); DB2 = scale * (side * u2); DB3 = scale * (side * u3); DB4 = scale * (side * u4);
  }
}

@inline function coef(p: usize, k: i32): f64 {
  return <f64>load<f32>(p + (<usize>k << 2));
}

/**
 * The work is cut into segments of at most SEGMENT elements, each inside one block: segment k is
 * block ⌊k/perBlock⌋'s piece k mod perBlock. Threads take runs of whole segments, and each
 * segment's coefficient sums are its own (core/cpu/pau_segments.ts adds them up in segment order,
 * as pau.ts's JavaScript loop does), so results do not depend on how the segments are shared out.
 * SEGMENT must equal PAU_SEGMENT there.
 */
export const SEGMENT: i32 = 4096;

/** y for the segments [lo, hi). */
export function pauForward54(version: i32, x: usize, a: usize, b: usize, rows: i32, blocks: i32, run: i32, out: usize, lo: i32, hi: i32): void {
  const perBlock = (run + SEGMENT - 1) / SEGMENT;
  for (let k = lo; k < hi; k++) {
    const block = k / perBlock, row = block % rows, ar = a + (<usize>(row * 6) << 2), br = b + (<usize>(row * 4) << 2);
    const a0 = coef(ar, 0), a1 = coef(ar, 1), a2 = coef(ar, 2), a3 = coef(ar, 3), a4 = coef(ar, 4), a5 = coef(ar, 5);
    const b1 = coef(br, 0), b2 = coef(br, 1), b3 = coef(br, 2), b4 = coef(br, 3);
    const first = (k % perBlock) * SEGMENT, count = min(SEGMENT, run - first);
    const start = <usize>(block * run + first) << 2;
    for (let i = 0; i < count; i++) {
      const at = start + (<usize>i << 2);
      evaluate(<f64>load<f32>(x + at), version, a0, a1, a2, a3, a4, a5, b1, b2, b3, b4, false);
      store<f32>(out + at, <f32>F);
    }
  }
}

/**
 * dx = g·∂F/∂x for the segments [lo, hi), and each segment's coefficient sums Σ g·∂F/∂c in
 * element order, float64, into partials (ten per segment: a_0…a_5, b_1…b_4).
 */
export function pauBackward54(version: i32, g: usize, x: usize, a: usize, b: usize, rows: i32, blocks: i32, run: i32, dx: usize, partials: usize, lo: i32, hi: i32): void {
  const perBlock = (run + SEGMENT - 1) / SEGMENT;
  for (let k = lo; k < hi; k++) {
    const block = k / perBlock, row = block % rows, ar = a + (<usize>(row * 6) << 2), br = b + (<usize>(row * 4) << 2);
    const a0 = coef(ar, 0), a1 = coef(ar, 1), a2 = coef(ar, 2), a3 = coef(ar, 3), a4 = coef(ar, 4), a5 = coef(ar, 5);
    const b1 = coef(br, 0), b2 = coef(br, 1), b3 = coef(br, 2), b4 = coef(br, 3);
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0, s5: f64 = 0;
    let t1: f64 = 0, t2: f64 = 0, t3: f64 = 0, t4: f64 = 0;
    const first = (k % perBlock) * SEGMENT, count = min(SEGMENT, run - first);
    const start = <usize>(block * run + first) << 2;
    for (let i = 0; i < count; i++) {
      const at = start + (<usize>i << 2);
      evaluate(<f64>load<f32>(x + at), version, a0, a1, a2, a3, a4, a5, b1, b2, b3, b4, true);
      const gi = <f64>load<f32>(g + at);
      store<f32>(dx + at, <f32>(gi * DX));
      s0 += gi * DA0; s1 += gi * DA1; s2 += gi * DA2; s3 += gi * DA3; s4 += gi * DA4; s5 += gi * DA5;
      t1 += gi * DB1; t2 += gi * DB2; t3 += gi * DB3; t4 += gi * DB4;
    }
    const p = partials + (<usize>k * 80);
    store<f64>(p, s0); store<f64>(p, s1, 8); store<f64>(p, s2, 16); store<f64>(p, s3, 24); store<f64>(p, s4, 32); store<f64>(p, s5, 40);
    store<f64>(p, t1, 48); store<f64>(p, t2, 56); store<f64>(p, t3, 64); store<f64>(p, t4, 72);
  }
}

/** Whether any of n float32 values has |x| ≥ limit (∞ included, NaN not): those take the scaled path. */
export function anyAtLeast(x: usize, n: i32, limit: f32): bool {
  const l = f32x4.splat(limit);
  let hit = v128.splat<i32>(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) hit = v128.or(hit, f32x4.ge(f32x4.abs(v128.load(x + (<usize>i << 2))), l));
  if (v128.any_true(hit)) return true;
  for (; i < n; i++) if (Math.abs(load<f32>(x + (<usize>i << 2))) >= limit) return true;
  return false;
}
