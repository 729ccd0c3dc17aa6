// AssemblyScript source of the Padé activation unit of any degrees, versions A, B, C and N,
// without noise, for float32 tensors (compiled by core/wasm/build.mjs; excluded from the
// TypeScript project): the cases pau.ts's written-out (5, 4) does not cover. The arithmetic is
// core/cpu/pau_rational.ts's RationalPoint.evaluate, operation for operation in the same order and
// in float64, and the coefficient sums run in element order within segments of 4096, added up
// segment by segment, as pau.ts's (5, 4) and as the JavaScript loop: the results are bit for bit
// the JavaScript kernel's for any thread count (tests/wasm/pau_general.test.ts). The caller keeps
// |x| < 2^32 here (pau_far.ts's scaled path stays in JavaScript) and bounds the lengths
// (core/cpu/pau_segments.ts's GENERAL_MAX_LENGTH): beyond, the JavaScript loop runs.
//
// The powers x^j are not kept in an array: each loop recomputes them by the same running product
// u_j = u_(j−1)·x that fills RationalPoint's array, so every power has the same bits, and the
// kernel needs no scratch memory, which threads would have to share.
//
// Layout: `blocks` runs of `run` elements; block k uses coefficient row k % rows (a: m1 per row,
// b: nb per row, float32). `shape` packs the version and the lengths (see versionOf).

const VERSION_A: i32 = 0;
const VERSION_N: i32 = 2;
const VERSION_C: i32 = 3;

/** shape = version | m1 << 8 | nb << 16 (version 0…3 = A, B, N, C; lengths below 256). */
@inline function versionOf(shape: i32): i32 {
  return shape & 0xff;
}
@inline function numeratorLength(shape: i32): i32 {
  return (shape >> 8) & 0xff;
}
@inline function denominatorLength(shape: i32): i32 {
  return (shape >> 16) & 0xff;
}

// The evaluation's results besides the coefficient partials: F, ∂F/∂x, Q, and the sign `side` of
// the polynomial inside |·| (B, C; 1 otherwise), which the partials need.
let F: f64 = 0, DX: f64 = 0, Q: f64 = 1, SIDE: f64 = 1;

@inline function sgn(v: f64): f64 {
  return v < 0 ? -1 : 1;
}

@inline function coef(p: usize, k: i32): f64 {
  return <f64>load<f32>(p + (<usize>k << 2));
}

/** RationalPoint.evaluate's F (and ∂F/∂x if grads) at x for the row at ar (m1 values), br (nb values). */
@inline function evaluate(x: f64, version: i32, ar: usize, m1: i32, br: usize, nb: i32, grads: bool): void {
  // P and R = P′: p += a_j·u_j, dp += j·a_j·u_(j−1)
  let p: f64 = 0, dp: f64 = 0, u: f64 = 1, below: f64 = 1;
  for (let j = 0; j < m1; j++) {
    const aj = coef(ar, j);
    p += aj * u;
    if (j > 0) dp += <f64>j * aj * below;
    below = u;
    u = u * x;
  }
  // the polynomial inside the denominator and its derivative, from u_first (b_0 for C, else b_1)
  const first = version == VERSION_C ? 0 : 1;
  let s: f64 = 0, ds: f64 = 0;
  let uk: f64 = first == 0 ? 1 : 1 * x, ukBelow: f64 = 1;
  for (let i = 0; i < nb; i++) {
    const k = i + first, bi = coef(br, i);
    if (version == VERSION_A) {
      s += Math.abs(bi) * Math.abs(uk);
      ds += <f64>k * Math.abs(bi) * Math.abs(ukBelow);
    } else {
      s += bi * uk;
      if (k > 0) ds += <f64>k * bi * ukBelow;
    }
    ukBelow = uk;
    uk = uk * x;
  }
  const one: f64 = (version == VERSION_C ? 0.1 : 1) * 1;
  let q: f64, dq: f64, side: f64;
  if (version == VERSION_A) {
    q = one + s; side = 1; dq = sgn(x) * ds;
  } else if (version == VERSION_N) {
    q = one + s; side = 1; dq = ds;
  } else {
    side = sgn(s); q = one + side * s; dq = side * ds;
  }
  const f = p / q;
  F = f;
  Q = q;
  SIDE = side;
  if (grads) DX = (dp - dq * f) / q;
}

/**
 * The work is cut into segments of at most SEGMENT elements, each inside one block: segment k is
 * block ⌊k/perBlock⌋'s piece k mod perBlock, as in pau.ts. SEGMENT must equal PAU_SEGMENT in
 * core/cpu/pau_segments.ts.
 */
const SEGMENT: i32 = 4096;

/** y for the segments [lo, hi). */
export function pauForwardGeneral(shape: i32, x: usize, a: usize, b: usize, rows: i32, blocks: i32, run: i32, out: usize, lo: i32, hi: i32): void {
  const version = versionOf(shape), m1 = numeratorLength(shape), nb = denominatorLength(shape);
  const perBlock = (run + SEGMENT - 1) / SEGMENT;
  for (let k = lo; k < hi; k++) {
    const block = k / perBlock, row = block % rows;
    const ar = a + (<usize>(row * m1) << 2), br = b + (<usize>(row * nb) << 2);
    const first = (k % perBlock) * SEGMENT, count = min(SEGMENT, run - first);
    const start = <usize>(block * run + first) << 2;
    for (let i = 0; i < count; i++) {
      const at = start + (<usize>i << 2);
      evaluate(<f64>load<f32>(x + at), version, ar, m1, br, nb, false);
      store<f32>(out + at, <f32>F);
    }
  }
}

/**
 * dx = g·∂F/∂x for the segments [lo, hi), and each segment's coefficient sums Σ g·∂F/∂c in
 * element order, float64, into partials (m1 + nb per segment: a_0…, then the denominator's).
 * ∂F/∂a_j = u_j/Q and ∂F/∂b_i = (−F/Q)·∂Q/∂b_i as RationalPoint computes them, and each sum adds
 * g·(that partial), as pau.ts's JavaScript loop does.
 */
export function pauBackwardGeneral(shape: i32, g: usize, x: usize, a: usize, b: usize, rows: i32, blocks: i32, run: i32, dx: usize, partials: usize, lo: i32, hi: i32): void {
  const version = versionOf(shape), m1 = numeratorLength(shape), nb = denominatorLength(shape);
  const first = version == VERSION_C ? 0 : 1, width = <usize>(m1 + nb) << 3;
  const perBlock = (run + SEGMENT - 1) / SEGMENT;
  for (let k = lo; k < hi; k++) {
    const block = k / perBlock, row = block % rows;
    const ar = a + (<usize>(row * m1) << 2), br = b + (<usize>(row * nb) << 2);
    const sa = partials + <usize>k * width, sb = sa + (<usize>m1 << 3);
    memory.fill(sa, 0, width);
    const segmentFirst = (k % perBlock) * SEGMENT, count = min(SEGMENT, run - segmentFirst);
    const start = <usize>(block * run + segmentFirst) << 2;
    for (let i = 0; i < count; i++) {
      const at = start + (<usize>i << 2);
      const xi = <f64>load<f32>(x + at);
      evaluate(xi, version, ar, m1, br, nb, true);
      const gi = <f64>load<f32>(g + at);
      store<f32>(dx + at, <f32>(gi * DX));
      const q = Q;
      let u: f64 = 1;
      for (let j = 0; j < m1; j++) {
        const at8 = sa + (<usize>j << 3);
        store<f64>(at8, load<f64>(at8) + gi * (u / q));
        u = u * xi;
      }
      const scale = -F / q, side = SIDE;
      let uk: f64 = first == 0 ? 1 : 1 * xi;
      for (let j = 0; j < nb; j++) {
        const dQdb = version == VERSION_A ? sgn(coef(br, j)) * Math.abs(uk) : side * uk;
        const at8 = sb + (<usize>j << 3);
        store<f64>(at8, load<f64>(at8) + gi * (scale * dQdb));
        uk = uk * xi;
      }
    }
  }
}
