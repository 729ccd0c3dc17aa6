// AssemblyScript source of the float32 matrix product (compiled to WebAssembly by
// core/wasm/build.ts; excluded from the TypeScript project). C = op(A)·op(B) for one m×n block,
// GotoBLAS-style:
//
// 1. Packing. op(A) is copied into row panels of MR rows and op(B) into column panels of NR
//    columns, interleaved (for every p the panel's MR or NR values are adjacent) and zero-padded,
//    so every transpose case and every edge size runs the same micro-kernel on sequential reads.
// 2. Register tiling. The micro-kernel keeps a 4×8 block of C in eight f32x4 registers: per step
//    it loads two vectors of B, splats four values of A and does 32 multiply-adds. With the two
//    B vectors and one splat that is 11 of the 16 vector registers x86-64 has.
// 3. Cache blocking. k is cut into KC-long slices so a B micro-panel (KC·NR floats, 8 KiB) stays
//    in L1 and an A block (MC·KC floats, 64 KiB) in L2; slices after the first add into C.
// 4. Products below float32's normal range. On x86 a multiplication whose result is subnormal takes a
//    microcode assist (a hundred cycles or more) unless flush-to-zero is set, which WebAssembly
//    cannot do: in bench/deu.ts's DEU net after 20 Adam steps at width 1024, whose gradients hold
//    values near 1e−37, five of the step's eight products took 1.1–2.8× the ReLU net's time for
//    them. So, in products whose m and n are both at least RANGED_FROM (below, the ranges cost more
//    than they would save), each packed panel's largest and smallest nonzero magnitude is taken,
//    and where an A block's and a B micro-panel's smallest multiply to below 2^−100 the micro-kernel reads a
//    copy of the A block multiplied by 2^e (its largest magnitude brought to [2^62, 2^63)) and
//    multiplies its 4×8 results by 2^−e before they reach C, when that cannot overflow (the
//    panel's largest magnitude · kc · 2^63 below 2^125). Multiplying by a power of two is exact,
//    so wherever the products and sums stay in the normal range the bits are the unscaled
//    product's; where they would not have, they keep float32's 24 bits until the 4×8 result is
//    brought back, instead of losing them product by product on the subnormal grid. The choice
//    depends on the A block and the B micro-panel only, which are the same whatever range of
//    columns a call covers (c0 is a multiple of NR): so not on the thread split either.
//
// Determinism: each C element is summed over p in the same order (slice by slice, p ascending
// within a slice) whatever range of columns a call covers, so splitting the columns across
// threads gives bit-identical results.
//
// All pointers are byte offsets into the one linear memory; strides are in elements.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 64;

/**
 * Workspace bytes one gemm call needs: the packed A block and its scaled copy, the packed B slice
 * for `cols` columns and its micro-panels' ranges, and a 4×8 scratch tile.
 */
export function gemmWorkspaceBytes(cols: i32): i32 {
  const panels = (cols + NR - 1) / NR;
  return (2 * MC * KC + panels * NR * KC + MR * NR) * 4 + panels * RANGE_BYTES;
}

// A panel's range, as the bits of the magnitudes |v| (for floats ≥ 0 the bits order as the
// values): the largest, and the smallest nonzero one less 1 (0 − 1 wraps to 0xffffffff, so a zero
// never is the minimum). NaN's bits are above +∞'s: a panel with a NaN has a largest magnitude
// beyond every bound below and is not scaled (NaN stays NaN either way).
const RANGE_BYTES: usize = 8;
const RANGED_FROM = 16;
const MAGNITUDE: u32 = 0x7fffffff;
let largestBits: u32 = 0, smallestLess1: u32 = 0; // rangeOf's result

// W[...] = rows r0..r0+rows-1 of a matrix, elements p0..p0+kc-1, in panels of `width` rows.
// Element p of row i is at src + (i·rowStride + p·colStride)·4.
function pack(src: usize, rowStride: i32, colStride: i32, r0: i32, rows: i32, p0: i32, kc: i32, width: i32, W: usize): void {
  let o = W;
  for (let i0 = 0; i0 < rows; i0 += width) {
    const valid = min(width, rows - i0);
    for (let p = 0; p < kc; p++) {
      let s = src + (<usize>((r0 + i0) * rowStride + (p0 + p) * colStride) << 2);
      const step = <usize>rowStride << 2;
      let r = 0;
      for (; r < valid; r++, s += step) store<f32>(o + (<usize>r << 2), load<f32>(s));
      for (; r < width; r++) store<f32>(o + (<usize>r << 2), 0);
      o += <usize>width << 2;
    }
  }
}

// Column panels of B are packed with contiguous rows when B is not transposed: a faster copy of
// eight adjacent values per p.
function packRowsOfEight(src: usize, ld: i32, c0: i32, cols: i32, p0: i32, kc: i32, W: usize): void {
  let o = W;
  for (let j0 = 0; j0 < cols; j0 += NR) {
    const valid = min(NR, cols - j0);
    for (let p = 0; p < kc; p++) {
      const s = src + (<usize>((p0 + p) * ld + c0 + j0) << 2);
      if (valid == NR) {
        v128.store(o, v128.load(s));
        v128.store(o, v128.load(s, 16), 16);
      } else {
        let j = 0;
        for (; j < valid; j++) store<f32>(o + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
        for (; j < NR; j++) store<f32>(o + (<usize>j << 2), 0);
      }
      o += <usize>NR << 2;
    }
  }
}

/**
 * pack() for an A whose rows are contiguous (colStride 1) and panels of MR = 4 rows: four values of
 * each of the four rows at a time, transposed in registers.
 */
function packRowsOfA(src: usize, ld: i32, r0: i32, rows: i32, p0: i32, kc: i32, W: usize): void {
  let o = W;
  const row = <usize>ld << 2;
  for (let i0 = 0; i0 < rows; i0 += MR) {
    if (rows - i0 < MR) {
      // the last panel, with padding rows: one value at a time
      pack(src, ld, 1, r0 + i0, rows - i0, p0, kc, MR, o);
      break;
    }
    const s0 = src + (<usize>((r0 + i0) * ld + p0) << 2);
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      const s = s0 + (<usize>p << 2);
      const a = v128.load(s), b = v128.load(s + row), c = v128.load(s + 2 * row), d = v128.load(s + 3 * row);
      const ab01 = i32x4.shuffle(a, b, 0, 4, 1, 5), ab23 = i32x4.shuffle(a, b, 2, 6, 3, 7);
      const cd01 = i32x4.shuffle(c, d, 0, 4, 1, 5), cd23 = i32x4.shuffle(c, d, 2, 6, 3, 7);
      v128.store(o, i32x4.shuffle(ab01, cd01, 0, 1, 4, 5));
      v128.store(o, i32x4.shuffle(ab01, cd01, 2, 3, 6, 7), 16);
      v128.store(o, i32x4.shuffle(ab23, cd23, 0, 1, 4, 5), 32);
      v128.store(o, i32x4.shuffle(ab23, cd23, 2, 3, 6, 7), 48);
      o += 64;
    }
    for (; p < kc; p++) {
      const s = s0 + (<usize>p << 2);
      for (let r = 0; r < MR; r++) store<f32>(o + (<usize>r << 2), load<f32>(s + <usize>r * row));
      o += <usize>MR << 2;
    }
  }
}

/**
 * The range of the n packed floats at p (n a multiple of 4; the padding's zeros do not count) into
 * largestBits and smallestLess1: a packed B micro-panel's or A block's (contiguous there, so four
 * at a time, rather than value by value while packing).
 */
function rangeOf(p: usize, n: i32): void {
  largestBits = 0;
  smallestLess1 = u32.MAX_VALUE;
  const magnitude = i32x4.splat(MAGNITUDE), one = i32x4.splat(1);
  let largest = i32x4.splat(0), smallest = i32x4.splat(-1);
  for (let i = 0; i < n; i += 4) {
    const bits = v128.and(v128.load(p + (<usize>i << 2)), magnitude);
    largest = i32x4.max_u(largest, bits);
    smallest = i32x4.min_u(smallest, i32x4.sub(bits, one));
  }
  reduceLanes(largest, smallest);
}

/** largestBits and smallestLess1 from four lanes of each (and what they held). */
@inline function reduceLanes(largest: v128, smallest: v128): void {
  for (let lane = 0; lane < 4; lane++) {
    largestBits = max(largestBits, <u32>i32x4.extract_lane(largest, 0));
    smallestLess1 = min(smallestLess1, <u32>i32x4.extract_lane(smallest, 0));
    largest = i32x4.shuffle(largest, largest, 1, 2, 3, 0);
    smallest = i32x4.shuffle(smallest, smallest, 1, 2, 3, 0);
  }
}

/** A range's smallest nonzero magnitude (+∞ when every value is 0). */
@inline function smallestOf(less1: u32): f64 {
  return less1 == u32.MAX_VALUE ? Infinity : <f64>reinterpret<f32>(less1 + 1);
}
/** A range's largest magnitude (NaN's bits read as +∞). */
@inline function largestOf(bits: u32): f64 {
  return bits >= 0x7f800000 ? Infinity : <f64>reinterpret<f32>(bits);
}

/** 2^e as a float32 (e in [−126, 127]). */
@inline function powerOfTwo(e: i32): f32 {
  return reinterpret<f32>(<u32>(e + 127) << 23);
}

/**
 * The exponent e that brings an A block's largest magnitude (its bits) to [2^62, 2^63): 0 when
 * that would not raise it (0, ≥ 2^62, ∞ or NaN), at most 126 (so 2^−e is a normal float32).
 */
function scaleExponent(largest: u32): i32 {
  if (largest == 0 || largest >= 0x7f800000) return 0;
  const floorLog2 = <i32>(largest >> 23) - 127; // −127 for a subnormal
  return floorLog2 >= 62 ? 0 : min(126, 62 - floorLog2);
}

/** C[mr×nr] at c (row stride ldc) (+)= u·the 4×8 results at `scratch`. */
function unscaleInto(scratch: usize, u: f32, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool): void {
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const at = c + (<usize>(r * ldc + j) << 2);
      const v = load<f32>(scratch + (<usize>(r * NR + j) << 2)) * u;
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

/** Writes the n floats at p multiplied by f to q (n a multiple of 4). */
function scaledCopy(p: usize, n: i32, f: f32, q: usize): void {
  const v = f32x4.splat(f);
  for (let i = 0; i < n; i += 4) {
    const at = <usize>i << 2;
    v128.store(q + at, f32x4.mul(v128.load(p + at), v));
  }
}

// The 4×8 micro-kernel: C[4×8] at c (row stride ldc elements) (+)= Apanel·Bpanel over kc steps.
// Only mr×nr of the block is stored; `accumulate` adds to what C holds (k slices after the first).
// @ts-ignore: decorator
@inline
function kernel(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16;
    pb += 32;
  }
  const row = <usize>ldc << 2;
  if (mr == MR && nr == NR) {
    if (accumulate) {
      c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c + row)); c11 = f32x4.add(c11, v128.load(c + row, 16));
      c20 = f32x4.add(c20, v128.load(c + 2 * row)); c21 = f32x4.add(c21, v128.load(c + 2 * row, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * row)); c31 = f32x4.add(c31, v128.load(c + 3 * row, 16));
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(c + row, c10); v128.store(c + row, c11, 16);
    v128.store(c + 2 * row, c20); v128.store(c + 2 * row, c21, 16);
    v128.store(c + 3 * row, c30); v128.store(c + 3 * row, c31, 16);
    return;
  }
  // an edge block: spill the registers to a 4×8 scratch tile and copy the valid part
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const at = c + <usize>r * row + (<usize>j << 2);
      const v = load<f32>(tile + (<usize>(r * NR + j) << 2));
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

/**
 * C[:, c0:c1] of C[m×n] = op(A)·op(B) where op(A) is m×k and op(B) is k×n.
 * A's element (i, p) is at a + (i·aRow + p·aCol)·4, B's (p, j) at b + (p·bRow + j·bCol)·4, C is
 * row-major with row stride n. c0 is a multiple of NR (the thread partition's unit).
 * `ws` is a workspace of gemmWorkspaceBytes(c1 - c0) bytes plus 128 for the edge tile. With `acc`
 * nonzero the product is added to what C holds (C += op(A)·op(B)), for sums over a batch.
 */
export function gemm(m: i32, n: i32, k: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, acc: i32, c0: i32, c1: i32, ws: usize): void {
  const cols = c1 - c0;
  if (m <= 0 || cols <= 0) return;
  if (k <= 0) {
    if (acc) return;
    for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * n + c0) << 2), 0, <usize>cols << 2);
    return;
  }
  // The ranges (point 4 above) cost about an operation per packed value, against the m (for B) or
  // n (for A) multiply-adds that reuse it: they are taken, and blocks scaled, only where both are
  // at least RANGED_FROM (a LeNet-5 step's weight gradients, m = 6 and 16, took 1.8× as long with
  // them). A choice by the product's shape, never by the thread's columns: the same for any split.
  const ranged = m >= RANGED_FROM && n >= RANGED_FROM;
  const panels = (cols + NR - 1) / NR;
  const packedA = ws;
  const scaledA = packedA + (<usize>(MC * KC) << 2);
  const packedB = scaledA + (<usize>(MC * KC) << 2);
  const rangesB = packedB + (<usize>(panels * NR * KC) << 2);
  const tile = rangesB + <usize>panels * RANGE_BYTES, scratch = tile + 128;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    if (bCol == 1) packRowsOfEight(b, bRow, c0, cols, p0, kc, packedB);
    else pack(b, bCol, bRow, c0, cols, p0, kc, NR, packedB);
    if (ranged) {
      for (let q = 0; q < panels; q++) {
        rangeOf(packedB + (<usize>(q * NR * kc) << 2), NR * kc);
        store<u32>(rangesB + <usize>q * RANGE_BYTES, largestBits);
        store<u32>(rangesB + <usize>q * RANGE_BYTES, smallestLess1, 4);
      }
    }
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = min(MC, m - i0), rowPanels = (mc + MR - 1) / MR;
      if (aCol == 1) packRowsOfA(a, aRow, i0, mc, p0, kc, packedA);
      else pack(a, aRow, aCol, i0, mc, p0, kc, MR, packedA);
      if (ranged) rangeOf(packedA, rowPanels * MR * kc);
      const e = ranged ? scaleExponent(largestBits) : 0, smallestA = smallestOf(smallestLess1);
      const raised = largestOf(largestBits) * <f64>powerOfTwo(e); // below 2^63
      let scaledReady = false;
      for (let j = 0; j < cols; j += NR) {
        const pb = packedB + (<usize>(j * kc) << 2);
        const nr = min(NR, cols - j);
        const range = rangesB + <usize>(j / NR) * RANGE_BYTES;
        // could a product come near the subnormal range (2^−100), and the raised block not overflow?
        const scaled = ranged && e > 0 && smallestA * smallestOf(load<u32>(range, 4)) < 7.888609052210118e-31 &&
          raised * largestOf(load<u32>(range)) * <f64>kc < 4.253529586511731e37;
        if (scaled && !scaledReady) {
          scaledCopy(packedA, rowPanels * MR * kc, powerOfTwo(e), scaledA);
          scaledReady = true;
        }
        for (let i = 0; i < mc; i += MR) {
          const at = c + (<usize>((i0 + i) * n + c0 + j) << 2), mr = min(MR, mc - i), accumulate = p0 > 0 || acc != 0;
          if (!scaled) {
            kernel(packedA + (<usize>(i * kc) << 2), pb, kc, at, n, mr, nr, accumulate, tile);
            continue;
          }
          // the raised block's 4×8 results into the scratch tile, then 2^−e times them into C
          kernel(scaledA + (<usize>(i * kc) << 2), pb, kc, scratch, NR, MR, NR, false, tile);
          unscaleInto(scratch, powerOfTwo(-e), at, n, mr, nr, accumulate);
        }
      }
    }
  }
}
