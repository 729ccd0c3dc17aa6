// AssemblyScript source of RPAU's noisy Padé activation unit of degrees (5, 4): pau.ts's
// evaluation at coefficients multiplied by noise factors, for float32 tensors. The factors are
// core/cpu/pau_noise.ts's counter-based hash, ported operation for operation: Math.imul is i32
// multiplication modulo 2^32, `(v + GOLDEN) | 0` is i32 addition modulo 2^32, and the uniform
// u32 / 2^32 and the factor 1 − α + 2α·u are the same float64 operations in the same order, so
// every factor is bit for bit noiseFactor's. With the evaluation and the coefficient sums also
// core/cpu/pau.ts's (element order within segments of 4096, added up segment by segment, as for
// pau.ts's (5, 4); the exact mode's products (g·∂F/∂c̃)·φ in that association), the results are
// bit for bit the JavaScript kernel's for any thread count (tests/wasm/rpau.test.ts). The caller
// keeps |x| < 2^32 here, as for pau.ts.
//
// Layout as pau.ts: `blocks` runs of `run` elements, block k uses coefficient row k % rows, cut
// into pau.ts's segments, which threads share out (core/cpu/pau_segments.ts). The draw of element
// i is i itself (noise per element) or its row (one draw per channel and call): a function of the
// element's index and the key alone, so the factors do not depend on which thread draws them.
//
// With noise per element, hashing is most of the work (twelve lowbias32 rounds per element), so
// the factors of CHUNK elements are drawn first, four elements per i32x4/f64x2 lane group, into a
// scratch block the caller provides (rpauScratchBytes(), one per thread: no static buffer shared
// by threads), and the evaluation loop then reads them back.
import { evaluate, F, DX, DA0, DA1, DA2, DA3, DA4, DA5, DB1, DB2, DB3, DB4, SEGMENT } from './pau';

const GOLDEN: u32 = 0x9e3779b9;

// flags, one bit each
const PER_ELEMENT: i32 = 1;
const NOISY_DENOMINATOR: i32 = 2;
const EXACT: i32 = 4;

/** lowbias32, as mix32 in pau_noise.ts. */
@inline function mix32(v: u32): u32 {
  let h = v;
  h ^= h >>> 16;
  h *= 0x7feb352d;
  h ^= h >>> 15;
  h *= 0x846ca68b;
  h ^= h >>> 16;
  return h;
}

/** mix32 on four lanes. */
@inline function mix32x4(v: v128): v128 {
  let h = v128.xor(v, i32x4.shr_u(v, 16));
  h = i32x4.mul(h, i32x4.splat(0x7feb352d));
  h = v128.xor(h, i32x4.shr_u(h, 15));
  h = i32x4.mul(h, i32x4.splat(<i32>0x846ca68b));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/** elementHash(key, element) = mix32((keyHash ^ element) + GOLDEN), keyHash = mix32(key + GOLDEN) once per call. */
@inline function keyHash(key: u32): u32 {
  return mix32(key + GOLDEN);
}

/** noiseFactor(α, key, draw, k) for the draw whose elementHash is h: (1 − α) + (2α)·u, as in JavaScript. */
@inline function factor(alpha: f64, h: u32, k: u32): f64 {
  const u = <f64>mix32((h ^ k) + GOLDEN) / 4294967296.0;
  return 1 - alpha + 2 * alpha * u;
}

@inline function coef(p: usize, k: i32): f64 {
  return <f64>load<f32>(p + (<usize>k << 2));
}

// The noise factors of the current draw (φ_0…φ_5 for a_0…a_5, ψ_1…ψ_4 for b_1…b_4; ψ = 1 when the
// denominator is not noisy) and the noisy coefficients they give.
let P0: f64 = 1, P1: f64 = 1, P2: f64 = 1, P3: f64 = 1, P4: f64 = 1, P5: f64 = 1;
let Q1: f64 = 1, Q2: f64 = 1, Q3: f64 = 1, Q4: f64 = 1;
let A0: f64 = 0, A1: f64 = 0, A2: f64 = 0, A3: f64 = 0, A4: f64 = 0, A5: f64 = 0;
let B1: f64 = 0, B2: f64 = 0, B3: f64 = 0, B4: f64 = 0;

/** Sets the factors and noisy coefficients of draw `draw` for the row at ar, br. */
@inline function drawRow(ar: usize, br: usize, hk: u32, alpha: f64, draw: u32, noisyDenominator: bool): void {
  const h = mix32((hk ^ draw) + GOLDEN);
  P0 = factor(alpha, h, 0); P1 = factor(alpha, h, 1); P2 = factor(alpha, h, 2);
  P3 = factor(alpha, h, 3); P4 = factor(alpha, h, 4); P5 = factor(alpha, h, 5);
  A0 = coef(ar, 0) * P0; A1 = coef(ar, 1) * P1; A2 = coef(ar, 2) * P2;
  A3 = coef(ar, 3) * P3; A4 = coef(ar, 4) * P4; A5 = coef(ar, 5) * P5;
  if (noisyDenominator) {
    Q1 = factor(alpha, h, 6); Q2 = factor(alpha, h, 7); Q3 = factor(alpha, h, 8); Q4 = factor(alpha, h, 9);
    B1 = coef(br, 0) * Q1; B2 = coef(br, 1) * Q2; B3 = coef(br, 2) * Q3; B4 = coef(br, 3) * Q4;
  } else {
    B1 = coef(br, 0); B2 = coef(br, 1); B3 = coef(br, 2); B4 = coef(br, 3);
  }
}

/** Elements whose factors are drawn together; scratch slot k (0…19) holds CHUNK float64. */
const CHUNK: i32 = 64;
const SLOT: usize = <usize>CHUNK << 3;
/** The scratch block the kernels need: noisy coefficients (slots 0…9), factors (10…19). */
export function rpauScratchBytes(): i32 {
  return 20 * CHUNK * 8;
}

/**
 * Factor k of four elements (element hashes h4) into slot 10 + k when keepFactors, and the noisy
 * coefficient c·factor into slot k. (1 − α) + (2α)·(w/2^32) is computed as (1 − α) + (2α·2^−32)·w:
 * u32 → f64 is exact and 2α·2^−32 is exact for α ≥ 2^−990 (a power-of-two scaling), so both round
 * the same real product; below that 1 − α rounds to 1 and either product is too small to move it.
 */
@inline function drawLanes(h4: v128, k: i32, c: v128, one: v128, two32: v128, lane: usize, keepFactors: bool): void {
  const w = mix32x4(i32x4.add(v128.xor(h4, i32x4.splat(k)), i32x4.splat(<i32>GOLDEN)));
  const lo = f64x2.add(one, f64x2.mul(two32, f64x2.convert_low_i32x4_u(w)));
  const hi = f64x2.add(one, f64x2.mul(two32, f64x2.convert_low_i32x4_u(i32x4.shuffle(w, w, 2, 3, 0, 1))));
  const at = lane + <usize>k * SLOT;
  v128.store(at, f64x2.mul(c, lo)); v128.store(at, f64x2.mul(c, hi), 16);
  if (keepFactors) { // only the exact gradients read them
    const fat = lane + <usize>(10 + k) * SLOT;
    v128.store(fat, lo); v128.store(fat, hi, 16);
  }
}

/**
 * For elements first…first+n−1 (n ≤ CHUNK; lanes up to the next multiple of 4 are filled too, and
 * unused), writes the noisy coefficient k (a_0…a_5, then b_1…b_4, noisy or not) to slot k and,
 * if keepFactors, its factor to slot 10 + k: factor()'s integer rounds on four lanes, each factor
 * bit for bit (drawLanes).
 */
@inline function drawChunk(scratch: usize, ar: usize, br: usize, hk: u32, alpha: f64, first: u32, n: i32, noisyDenominator: bool, keepFactors: bool): void {
  const one = f64x2.splat(1 - alpha), two32 = f64x2.splat(2 * alpha * (1.0 / 4294967296.0));
  const keyed = i32x4.splat(<i32>hk);
  const a0 = f64x2.splat(coef(ar, 0)), a1 = f64x2.splat(coef(ar, 1)), a2 = f64x2.splat(coef(ar, 2));
  const a3 = f64x2.splat(coef(ar, 3)), a4 = f64x2.splat(coef(ar, 4)), a5 = f64x2.splat(coef(ar, 5));
  const b1 = f64x2.splat(coef(br, 0)), b2 = f64x2.splat(coef(br, 1)), b3 = f64x2.splat(coef(br, 2)), b4 = f64x2.splat(coef(br, 3));
  for (let e = 0; e < n; e += 4) {
    const elements = i32x4.add(i32x4.splat(<i32>(first + <u32>e)), i32x4(0, 1, 2, 3));
    const h4 = mix32x4(i32x4.add(v128.xor(keyed, elements), i32x4.splat(<i32>GOLDEN)));
    const lane = scratch + (<usize>e << 3);
    drawLanes(h4, 0, a0, one, two32, lane, keepFactors); drawLanes(h4, 1, a1, one, two32, lane, keepFactors);
    drawLanes(h4, 2, a2, one, two32, lane, keepFactors); drawLanes(h4, 3, a3, one, two32, lane, keepFactors);
    drawLanes(h4, 4, a4, one, two32, lane, keepFactors); drawLanes(h4, 5, a5, one, two32, lane, keepFactors);
    if (noisyDenominator) {
      drawLanes(h4, 6, b1, one, two32, lane, keepFactors); drawLanes(h4, 7, b2, one, two32, lane, keepFactors);
      drawLanes(h4, 8, b3, one, two32, lane, keepFactors); drawLanes(h4, 9, b4, one, two32, lane, keepFactors);
    } else {
      v128.store(lane + 6 * SLOT, b1); v128.store(lane + 6 * SLOT, b1, 16);
      v128.store(lane + 7 * SLOT, b2); v128.store(lane + 7 * SLOT, b2, 16);
      v128.store(lane + 8 * SLOT, b3); v128.store(lane + 8 * SLOT, b3, 16);
      v128.store(lane + 9 * SLOT, b4); v128.store(lane + 9 * SLOT, b4, 16);
    }
  }
}

/** y for the segments [lo, hi) (pau.ts's segments: SEGMENT elements within a block, SEGMENT a multiple of CHUNK). */
export function rpauForward54(version: i32, x: usize, a: usize, b: usize, rows: i32, blocks: i32, run: i32, out: usize, key: u32, alpha: f64, flags: i32, scratch: usize, lo: i32, hi: i32): void {
  const perElement = (flags & PER_ELEMENT) != 0, noisyDenominator = (flags & NOISY_DENOMINATOR) != 0, hk = keyHash(key);
  const perBlock = (run + SEGMENT - 1) / SEGMENT;
  for (let k = lo; k < hi; k++) {
    const block = k / perBlock, row = block % rows, ar = a + (<usize>(row * 6) << 2), br = b + (<usize>(row * 4) << 2);
    const segmentFirst = (k % perBlock) * SEGMENT, count = min(SEGMENT, run - segmentFirst);
    const first = block * run + segmentFirst, start = <usize>first << 2;
    if (!perElement) {
      drawRow(ar, br, hk, alpha, <u32>row, noisyDenominator);
      for (let i = 0; i < count; i++) {
        const at = start + (<usize>i << 2);
        evaluate(<f64>load<f32>(x + at), version, A0, A1, A2, A3, A4, A5, B1, B2, B3, B4, false);
        store<f32>(out + at, <f32>F);
      }
      continue;
    }
    for (let c0 = 0; c0 < count; c0 += CHUNK) {
      const n = min(CHUNK, count - c0);
      drawChunk(scratch, ar, br, hk, alpha, <u32>(first + c0), n, noisyDenominator, false);
      for (let e = 0; e < n; e++) {
        const at = start + (<usize>(c0 + e) << 2), s = scratch + (<usize>e << 3);
        evaluate(<f64>load<f32>(x + at), version,
          load<f64>(s), load<f64>(s, SLOT), load<f64>(s, 2 * SLOT), load<f64>(s, 3 * SLOT), load<f64>(s, 4 * SLOT), load<f64>(s, 5 * SLOT),
          load<f64>(s, 6 * SLOT), load<f64>(s, 7 * SLOT), load<f64>(s, 8 * SLOT), load<f64>(s, 9 * SLOT), false);
        store<f32>(out + at, <f32>F);
      }
    }
  }
}

/**
 * dx = g·∂F/∂x at the noisy coefficients for the segments [lo, hi), and each segment's
 * coefficient sums in element order, float64, into partials (ten per segment: a_0…a_5,
 * b_1…b_4): Σ g·∂F/∂c̃ (straight-through) or Σ (g·∂F/∂c̃)·∂c̃/∂c (exact; ∂c̃/∂c is the factor).
 * core/cpu/pau_segments.ts adds them to their rows in segment order, as pau.ts's JavaScript loop.
 */
export function rpauBackward54(version: i32, g: usize, x: usize, a: usize, b: usize, rows: i32, blocks: i32, run: i32, dx: usize, partials: usize, key: u32, alpha: f64, flags: i32, scratch: usize, lo: i32, hi: i32): void {
  const perElement = (flags & PER_ELEMENT) != 0, noisyDenominator = (flags & NOISY_DENOMINATOR) != 0, hk = keyHash(key);
  const exact = (flags & EXACT) != 0, exactDenominator = exact && noisyDenominator;
  const perBlock = (run + SEGMENT - 1) / SEGMENT;
  for (let k = lo; k < hi; k++) {
    const block = k / perBlock, row = block % rows, ar = a + (<usize>(row * 6) << 2), br = b + (<usize>(row * 4) << 2);
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0, s5: f64 = 0;
    let t1: f64 = 0, t2: f64 = 0, t3: f64 = 0, t4: f64 = 0;
    const segmentFirst = (k % perBlock) * SEGMENT, count = min(SEGMENT, run - segmentFirst);
    const first = block * run + segmentFirst, start = <usize>first << 2;
    if (!perElement) {
      drawRow(ar, br, hk, alpha, <u32>row, noisyDenominator);
      for (let i = 0; i < count; i++) {
        const at = start + (<usize>i << 2);
        evaluate(<f64>load<f32>(x + at), version, A0, A1, A2, A3, A4, A5, B1, B2, B3, B4, true);
        const gi = <f64>load<f32>(g + at);
        store<f32>(dx + at, <f32>(gi * DX));
        if (exact) {
          s0 += gi * DA0 * P0; s1 += gi * DA1 * P1; s2 += gi * DA2 * P2; s3 += gi * DA3 * P3; s4 += gi * DA4 * P4; s5 += gi * DA5 * P5;
        } else {
          s0 += gi * DA0; s1 += gi * DA1; s2 += gi * DA2; s3 += gi * DA3; s4 += gi * DA4; s5 += gi * DA5;
        }
        if (exactDenominator) {
          t1 += gi * DB1 * Q1; t2 += gi * DB2 * Q2; t3 += gi * DB3 * Q3; t4 += gi * DB4 * Q4;
        } else {
          t1 += gi * DB1; t2 += gi * DB2; t3 += gi * DB3; t4 += gi * DB4;
        }
      }
    }
    for (let c0 = 0; perElement && c0 < count; c0 += CHUNK) {
      const n = min(CHUNK, count - c0);
      drawChunk(scratch, ar, br, hk, alpha, <u32>(first + c0), n, noisyDenominator, exact);
      for (let e = 0; e < n; e++) {
        const at = start + (<usize>(c0 + e) << 2), s = scratch + (<usize>e << 3);
        evaluate(<f64>load<f32>(x + at), version,
          load<f64>(s), load<f64>(s, SLOT), load<f64>(s, 2 * SLOT), load<f64>(s, 3 * SLOT), load<f64>(s, 4 * SLOT), load<f64>(s, 5 * SLOT),
          load<f64>(s, 6 * SLOT), load<f64>(s, 7 * SLOT), load<f64>(s, 8 * SLOT), load<f64>(s, 9 * SLOT), true);
        const gi = <f64>load<f32>(g + at);
        store<f32>(dx + at, <f32>(gi * DX));
        if (exact) { // the factors, slots 10…19
          s0 += gi * DA0 * load<f64>(s, 10 * SLOT); s1 += gi * DA1 * load<f64>(s, 11 * SLOT); s2 += gi * DA2 * load<f64>(s, 12 * SLOT);
          s3 += gi * DA3 * load<f64>(s, 13 * SLOT); s4 += gi * DA4 * load<f64>(s, 14 * SLOT); s5 += gi * DA5 * load<f64>(s, 15 * SLOT);
        } else {
          s0 += gi * DA0; s1 += gi * DA1; s2 += gi * DA2; s3 += gi * DA3; s4 += gi * DA4; s5 += gi * DA5;
        }
        if (exactDenominator) {
          t1 += gi * DB1 * load<f64>(s, 16 * SLOT); t2 += gi * DB2 * load<f64>(s, 17 * SLOT);
          t3 += gi * DB3 * load<f64>(s, 18 * SLOT); t4 += gi * DB4 * load<f64>(s, 19 * SLOT);
        } else {
          t1 += gi * DB1; t2 += gi * DB2; t3 += gi * DB3; t4 += gi * DB4;
        }
      }
    }
    const p = partials + (<usize>k * 80);
    store<f64>(p, s0); store<f64>(p, s1, 8); store<f64>(p, s2, 16); store<f64>(p, s3, 24); store<f64>(p, s4, 32); store<f64>(p, s5, 40);
    store<f64>(p, t1, 48); store<f64>(p, t2, 56); store<f64>(p, t3, 64); store<f64>(p, t4, 72);
  }
}
