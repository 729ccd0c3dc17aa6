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

/** Workspace bytes one gemm call needs (packed A block + packed B slice for `cols` columns). */
export function gemmWorkspaceBytes(cols: i32): i32 {
  const panels = (cols + NR - 1) / NR;
  return (MC * KC + panels * NR * KC) * 4;
}

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
  const packedA = ws;
  const packedB = ws + (<usize>(MC * KC) << 2);
  const tile = packedB + (<usize>(((cols + NR - 1) / NR) * NR * KC) << 2);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    if (bCol == 1) packRowsOfEight(b, bRow, c0, cols, p0, kc, packedB);
    else pack(b, bCol, bRow, c0, cols, p0, kc, NR, packedB);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = min(MC, m - i0);
      pack(a, aRow, aCol, i0, mc, p0, kc, MR, packedA);
      for (let j = 0; j < cols; j += NR) {
        const pb = packedB + (<usize>(j * kc) << 2);
        const nr = min(NR, cols - j);
        for (let i = 0; i < mc; i += MR) {
          const pa = packedA + (<usize>(i * kc) << 2);
          const at = c + (<usize>((i0 + i) * n + c0 + j) << 2);
          kernel(pa, pb, kc, at, n, min(MR, mc - i), nr, p0 > 0 || acc != 0, tile);
        }
      }
    }
  }
}
