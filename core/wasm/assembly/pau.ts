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

// Two elements at a time: each f64x2 lane runs evaluate()'s scalar expression operation for
// operation (f64x2 arithmetic is IEEE's per lane), so a pair gives evaluate()'s bits for both
// elements; the coefficient sums still add lane 0, then lane 1, in element order. The results stay
// in locals of the loops (not in globals as evaluate()'s: V8 keeps a global in memory, a store and
// a load per value and element).
@inline function k2(v: f64): v128 { return f64x2.splat(v); }
@inline function add2(a: v128, b: v128): v128 { return f64x2.add(a, b); }
@inline function sub2(a: v128, b: v128): v128 { return f64x2.sub(a, b); }
@inline function mul2(a: v128, b: v128): v128 { return f64x2.mul(a, b); }
@inline function div2(a: v128, b: v128): v128 { return f64x2.div(a, b); }
@inline function abs2(a: v128): v128 { return f64x2.abs(a); }
/** v < 0 ? −1 : 1 lane by lane (NaN: 1), as sign(). */
@inline function sign2(v: v128): v128 { return v128.bitselect(k2(-1), k2(1), f64x2.lt(v, k2(0))); }
/** The pair of float32 values at p (element offsets in bytes) as float64. */
@inline function loadPair(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
@inline function storePair(p: usize, v: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0); }

/** Σ a_j·u^j = 0 + a0·1 + a1·u1 + … + a5·u5, evaluate()'s p (a_j splat). */
@inline function numeratorPair(u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128): v128 {
  return add2(add2(add2(add2(add2(add2(k2(0), mul2(a0, k2(1))), mul2(a1, u1)), mul2(a2, u2)), mul2(a3, u3)), mul2(a4, u4)), mul2(a5, u5));
}

/** evaluate()'s s: 0 + c1·|u1| + … (version A, c_k = |b_k|) or 0 + b1·u1 + … */
@inline function denominatorSum(version: i32, u1: v128, u2: v128, u3: v128, u4: v128, b1: v128, b2: v128, b3: v128, b4: v128): v128 {
  if (version == VERSION_A) return add2(add2(add2(add2(k2(0), mul2(abs2(b1), abs2(u1))), mul2(abs2(b2), abs2(u2))), mul2(abs2(b3), abs2(u3))), mul2(abs2(b4), abs2(u4)));
  return add2(add2(add2(add2(k2(0), mul2(b1, u1)), mul2(b2, u2)), mul2(b3, u3)), mul2(b4, u4));
}

/** evaluate()'s q from s: 1·u0 + s (A, N) or 1·u0 + side·s (B). */
@inline function denominatorOf(version: i32, s: v128): v128 {
  if (version == VERSION_A || version == VERSION_N) return add2(k2(1), s);
  return add2(k2(1), mul2(sign2(s), s));
}

/** sum + lane 0 + lane 1, in that order. */
@inline function addBoth(sum: f64, v: v128): f64 {
  return sum + f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
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
    const A0 = k2(a0), A1 = k2(a1), A2 = k2(a2), A3 = k2(a3), A4 = k2(a4), A5 = k2(a5), B1 = k2(b1), B2 = k2(b2), B3 = k2(b3), B4 = k2(b4);
    let i = 0;
    for (; i + 1 < count; i += 2) {
      const at = start + (<usize>i << 2);
      const u1 = loadPair(x + at), u2 = mul2(u1, u1), u3 = mul2(u2, u1), u4 = mul2(u3, u1), u5 = mul2(u4, u1);
      const p = numeratorPair(u1, u2, u3, u4, u5, A0, A1, A2, A3, A4, A5);
      storePair(out + at, div2(p, denominatorOf(version, denominatorSum(version, u1, u2, u3, u4, B1, B2, B3, B4))));
    }
    if (i < count) {
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
    const A0 = k2(a0), A1 = k2(a1), A2 = k2(a2), A3 = k2(a3), A4 = k2(a4), A5 = k2(a5), B1 = k2(b1), B2 = k2(b2), B3 = k2(b3), B4 = k2(b4);
    // evaluate()'s constant products, left to right as it forms them (1·a1, 2·a2, …; 1·c1, 2·c2, … for A)
    const dA1 = k2(1 * a1), dA2 = k2(2 * a2), dA3 = k2(3 * a3), dA4 = k2(4 * a4), dA5 = k2(5 * a5);
    const versionA = version == VERSION_A;
    const dB1 = k2(versionA ? 1 * Math.abs(b1) : 1 * b1), dB2 = k2(versionA ? 2 * Math.abs(b2) : 2 * b2), dB3 = k2(versionA ? 3 * Math.abs(b3) : 3 * b3), dB4 = k2(versionA ? 4 * Math.abs(b4) : 4 * b4);
    const sB1 = k2(sign(b1)), sB2 = k2(sign(b2)), sB3 = k2(sign(b3)), sB4 = k2(sign(b4));
    let i = 0;
    for (; i + 1 < count; i += 2) {
      const at = start + (<usize>i << 2);
      const u1 = loadPair(x + at), u2 = mul2(u1, u1), u3 = mul2(u2, u1), u4 = mul2(u3, u1), u5 = mul2(u4, u1);
      const p = numeratorPair(u1, u2, u3, u4, u5, A0, A1, A2, A3, A4, A5);
      const s = denominatorSum(version, u1, u2, u3, u4, B1, B2, B3, B4), q = denominatorOf(version, s);
      // ds = 0 + 1·c1·|u0| + 2·c2·|u1| + … (A) or 0 + 1·b1·u0 + 2·b2·u1 + …; |u0| = u0 = 1
      const ds = versionA
        ? add2(add2(add2(add2(k2(0), mul2(dB1, k2(1))), mul2(dB2, abs2(u1))), mul2(dB3, abs2(u2))), mul2(dB4, abs2(u3)))
        : add2(add2(add2(add2(k2(0), mul2(dB1, k2(1))), mul2(dB2, u1)), mul2(dB3, u2)), mul2(dB4, u3));
      const side = version == VERSION_A || version == VERSION_N ? k2(1) : sign2(s);
      const f = div2(p, q);
      const dp = add2(add2(add2(add2(add2(k2(0), mul2(dA1, k2(1))), mul2(dA2, u1)), mul2(dA3, u2)), mul2(dA4, u3)), mul2(dA5, u4));
      const dq = mul2(versionA ? sign2(u1) : side, ds);
      const gi = loadPair(g + at);
      storePair(dx + at, mul2(gi, div2(sub2(dp, mul2(dq, f)), q)));
      const scale = div2(f64x2.neg(f), q);
      // Σ g·∂F/∂c in element order: lane 0, then lane 1
      const da0 = mul2(gi, div2(k2(1), q)), da1 = mul2(gi, div2(u1, q)), da2 = mul2(gi, div2(u2, q));
      const da3 = mul2(gi, div2(u3, q)), da4 = mul2(gi, div2(u4, q)), da5 = mul2(gi, div2(u5, q));
      s0 = addBoth(s0, da0); s1 = addBoth(s1, da1); s2 = addBoth(s2, da2); s3 = addBoth(s3, da3); s4 = addBoth(s4, da4); s5 = addBoth(s5, da5);
      const db1 = mul2(gi, mul2(scale, versionA ? mul2(sB1, abs2(u1)) : mul2(side, u1)));
      const db2 = mul2(gi, mul2(scale, versionA ? mul2(sB2, abs2(u2)) : mul2(side, u2)));
      const db3 = mul2(gi, mul2(scale, versionA ? mul2(sB3, abs2(u3)) : mul2(side, u3)));
      const db4 = mul2(gi, mul2(scale, versionA ? mul2(sB4, abs2(u4)) : mul2(side, u4)));
      t1 = addBoth(t1, db1); t2 = addBoth(t2, db2); t3 = addBoth(t3, db3); t4 = addBoth(t4, db4);
    }
    if (i < count) {
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
