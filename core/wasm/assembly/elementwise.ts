// AssemblyScript source of the float32 elementwise kernels and reductions (compiled by
// core/wasm/build.mjs; excluded from the TypeScript project). The JavaScript kernels
// (core/cpu/elementwise.ts, core/cpu/reduce.ts) are the reference; these must give the same
// values (tests/wasm/elementwise.test.ts):
//
// - add, sub, mul, div, maximum, minimum on f32x4 are exactly JavaScript's: a float32 result of
//   a float64 operation on two float32 values is the correctly rounded float32 result, and the
//   WebAssembly instructions are correctly rounded too. NaN propagates as in PyTorch (wasm's
//   f32x4.max/min return NaN when either operand is NaN).
// - exp is computed in float64 (range reduction by ln 2, a degree-10 Taylor polynomial, error
//   ≈ 2e-13 relative) and rounded to float32, as the JavaScript kernel rounds Math.exp: the two
//   differ only when the float64 values straddle a float32 rounding boundary (≤ 1 ulp, rarely).
// - sums accumulate in float64, as the JavaScript kernel does, in a different order (f64x2 lanes,
//   and per row): the float32 results agree to within the float64 rounding of the sum.
//
// Pointers are byte offsets into the linear memory; strides and counts are in elements.

// op codes, shared with core/wasm/elementwise.ts
const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
const DIV: i32 = 3;
const MAXIMUM: i32 = 4;
const MINIMUM: i32 = 5;
const RELU_GRAD: i32 = 6; // (g, x) ↦ x > 0 or x is NaN ? g : 0, relu's first-order backward

const EXP: i32 = 0;
const RELU: i32 = 1;
const NEG: i32 = 2;
const ABS: i32 = 3;
const SQRT: i32 = 4;

@inline function binaryVector(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  if (op == MAXIMUM) return f32x4.max(a, b);
  if (op == RELU_GRAD) return v128.bitselect(a, f32x4.splat(0), v128.or(f32x4.gt(b, f32x4.splat(0)), f32x4.ne(b, b)));
  return f32x4.min(a, b);
}

@inline function binaryScalar(op: i32, a: f32, b: f32): f32 {
  return f32x4.extract_lane(binaryVector(op, f32x4.splat(a), f32x4.splat(b)), 0);
}

// One row of `cols` outputs; each input is read element by element (inner stride 1) or is one
// value for the whole row (inner stride 0, splatted).
@inline function binaryRow(op: i32, o: usize, a: usize, aInner: i32, b: usize, bInner: i32, cols: i32): void {
  let j = 0;
  if (aInner == 1 && bInner == 1) {
    for (; j + 4 <= cols; j += 4) {
      const at = <usize>j << 2;
      v128.store(o + at, binaryVector(op, v128.load(a + at), v128.load(b + at)));
    }
    for (; j < cols; j++) {
      const at = <usize>j << 2;
      store<f32>(o + at, binaryScalar(op, load<f32>(a + at), load<f32>(b + at)));
    }
  } else if (aInner == 1) {
    const bv = v128.load32_splat(b);
    for (; j + 4 <= cols; j += 4) {
      const at = <usize>j << 2;
      v128.store(o + at, binaryVector(op, v128.load(a + at), bv));
    }
    const bs = load<f32>(b);
    for (; j < cols; j++) store<f32>(o + (<usize>j << 2), binaryScalar(op, load<f32>(a + (<usize>j << 2)), bs));
  } else if (bInner == 1) {
    const av = v128.load32_splat(a);
    for (; j + 4 <= cols; j += 4) {
      const at = <usize>j << 2;
      v128.store(o + at, binaryVector(op, av, v128.load(b + at)));
    }
    const as = load<f32>(a);
    for (; j < cols; j++) store<f32>(o + (<usize>j << 2), binaryScalar(op, as, load<f32>(b + (<usize>j << 2))));
  } else {
    const v = binaryScalar(op, load<f32>(a), load<f32>(b));
    for (; j < cols; j++) store<f32>(o + (<usize>j << 2), v);
  }
}

@inline function binaryRows(op: i32, o: usize, rows: i32, cols: i32, a: usize, aInner: i32, aRow: i32, b: usize, bInner: i32, bRow: i32): void {
  for (let r = 0; r < rows; r++) {
    binaryRow(op, o, a, aInner, b, bInner, cols);
    o += <usize>cols << 2;
    a += <usize>aRow << 2;
    b += <usize>bRow << 2;
  }
}

/**
 * rows × cols outputs at o (contiguous): input t starts at its pointer, moves by its row stride
 * between rows and by its inner stride (0 or 1) within a row. The op is a constant in each
 * branch, so every op gets loops of its own after inlining.
 */
export function binary(op: i32, o: usize, rows: i32, cols: i32, a: usize, aInner: i32, aRow: i32, b: usize, bInner: i32, bRow: i32): void {
  if (op == ADD) binaryRows(ADD, o, rows, cols, a, aInner, aRow, b, bInner, bRow);
  else if (op == SUB) binaryRows(SUB, o, rows, cols, a, aInner, aRow, b, bInner, bRow);
  else if (op == MUL) binaryRows(MUL, o, rows, cols, a, aInner, aRow, b, bInner, bRow);
  else if (op == DIV) binaryRows(DIV, o, rows, cols, a, aInner, aRow, b, bInner, bRow);
  else if (op == MAXIMUM) binaryRows(MAXIMUM, o, rows, cols, a, aInner, aRow, b, bInner, bRow);
  else if (op == RELU_GRAD) binaryRows(RELU_GRAD, o, rows, cols, a, aInner, aRow, b, bInner, bRow);
  else binaryRows(MINIMUM, o, rows, cols, a, aInner, aRow, b, bInner, bRow);
}

// exp in float64, two lanes at a time: x = n·ln2 + r with |r| ≤ ln2/2, e^r by Horner, times 2^n
// built in the exponent bits. Inputs are clamped to ±200 first (e^±200 is far outside float32,
// so the float32 result is the same ∞ or 0), which keeps 2^n a normal float64; NaN passes the
// clamp (f64x2.min/max propagate it) and the polynomial.
const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 0.6931471803691238; // ln 2 split so that n·LN2_HI is exact
const LN2_LO: f64 = 1.9082149292705877e-10;
const SHIFTER: f64 = 6755399441055744.0; // 1.5·2^52: adding it leaves an integer in the low bits
const SHIFTER_BITS: i64 = 0x4338000000000000;

@inline function exp2Lanes(x: v128): v128 {
  x = f64x2.max(f64x2.min(x, f64x2.splat(200.0)), f64x2.splat(-200.0));
  const n = f64x2.nearest(f64x2.mul(x, f64x2.splat(LOG2E)));
  let r = f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI)));
  r = f64x2.sub(r, f64x2.mul(n, f64x2.splat(LN2_LO)));
  // Σ r^k/k! for k ≤ 10 (truncation error ≤ 0.347^11/11! ≈ 2e-13 relative: far below float32's
  // 6e-8), evaluated by Estrin's scheme: depth 6 instead of Horner's 20 dependent operations,
  // which is what limits the throughput of this loop.
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p01 = f64x2.add(f64x2.splat(1.0), r);
  const p23 = f64x2.add(f64x2.splat(0.5), f64x2.mul(f64x2.splat(0.16666666666666666), r));
  const p45 = f64x2.add(f64x2.splat(4.1666666666666664e-2), f64x2.mul(f64x2.splat(8.333333333333333e-3), r));
  const p67 = f64x2.add(f64x2.splat(1.388888888888889e-3), f64x2.mul(f64x2.splat(1.984126984126984e-4), r));
  const p89 = f64x2.add(f64x2.splat(2.48015873015873e-5), f64x2.mul(f64x2.splat(2.755731922398589e-6), r));
  const q0 = f64x2.add(p01, f64x2.mul(p23, r2));
  const q1 = f64x2.add(p45, f64x2.mul(p67, r2));
  const q2 = f64x2.add(p89, f64x2.mul(f64x2.splat(2.755731922398589e-7), r2));
  const p = f64x2.add(f64x2.add(q0, f64x2.mul(q1, r4)), f64x2.mul(q2, r8));
  // 2^n: n + 1023 in the exponent field. n is an integer in [−289, 289]: added to the shifter,
  // the sum's bits are the shifter's bits plus n.
  const shifted = f64x2.add(n, f64x2.splat(SHIFTER));
  const biased = i64x2.sub(i64x2.add(shifted, i64x2.splat(1023)), i64x2.splat(SHIFTER_BITS));
  const scale = i64x2.shl(biased, 52);
  return f64x2.mul(p, scale);
}

@inline function expVector(x: v128): v128 {
  const low = exp2Lanes(f64x2.promote_low_f32x4(x));
  const high = exp2Lanes(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)));
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
}

@inline function unaryVector(op: i32, x: v128): v128 {
  if (op == EXP) return expVector(x);
  // relu(NaN) = NaN and relu(−0) = +0, as the JavaScript kernel gives
  if (op == RELU) return f32x4.max(x, f32x4.splat(0));
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  return f32x4.sqrt(x);
}

@inline function unaryLoop(op: i32, o: usize, x: usize, n: i32): void {
  let j = 0;
  // two independent vectors per iteration: exp's latency overlaps
  for (; j + 8 <= n; j += 8) {
    const at = <usize>j << 2;
    const u = unaryVector(op, v128.load(x + at));
    const v = unaryVector(op, v128.load(x + at + 16));
    v128.store(o + at, u);
    v128.store(o + at + 16, v);
  }
  for (; j + 4 <= n; j += 4) {
    const at = <usize>j << 2;
    v128.store(o + at, unaryVector(op, v128.load(x + at)));
  }
  for (; j < n; j++) {
    const at = <usize>j << 2;
    store<f32>(o + at, f32x4.extract_lane(unaryVector(op, f32x4.splat(load<f32>(x + at))), 0));
  }
}

/** n outputs at o from n contiguous inputs at x. */
export function unary(op: i32, o: usize, x: usize, n: i32): void {
  if (op == EXP) unaryLoop(EXP, o, x, n);
  else if (op == RELU) unaryLoop(RELU, o, x, n);
  else if (op == NEG) unaryLoop(NEG, o, x, n);
  else if (op == ABS) unaryLoop(ABS, o, x, n);
  else unaryLoop(SQRT, o, x, n);
}

/** Σ of n contiguous float32 values, accumulated in float64 (four f64x2 accumulators). */
export function sumF32(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const a = v128.load(x + (<usize>j << 2));
    const b = v128.load(x + (<usize>(j + 4) << 2));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(a));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 0, 1)));
    s2 = f64x2.add(s2, f64x2.promote_low_f32x4(b));
    s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 0, 1)));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; j < n; j++) total += <f64>load<f32>(x + (<usize>j << 2));
  return total;
}

/** o[r] = Σ of row r (cols contiguous values), for rows rows one after another. */
export function sumRows(o: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    store<f32>(o + (<usize>r << 2), <f32>sumF32(x + (<usize>r * <usize>cols << 2), cols));
  }
}

/**
 * x viewed as [A, C, B]: o[c] = Σ over a and b of x[a, c, b] (a bias gradient: a sum over every
 * axis but one block of kept axes), accumulated in float64 over a of each row's float64 sum.
 */
export function sumOuterInner(o: usize, x: usize, A: i32, C: i32, B: i32): void {
  if (B == 1) {
    sumColumns(o, x, A, C);
    return;
  }
  const rowBytes = <usize>B << 2;
  for (let c = 0; c < C; c++) {
    let total: f64 = 0;
    for (let a = 0; a < A; a++) total += sumF32(x + (<usize>a * <usize>C + <usize>c) * rowBytes, B);
    store<f32>(o + (<usize>c << 2), <f32>total);
  }
}

/**
 * sumOuterInner for B = 1 (a Linear layer's bias gradient, x [A, C]): each column's float64 sum in
 * the order of a, as the general loop adds them (the same bits), eight columns at a time down the
 * rows instead of a call of sumF32 per element.
 */
function sumColumns(o: usize, x: usize, A: i32, C: i32): void {
  const row = <usize>C << 2;
  let c = 0;
  for (; c + 8 <= C; c += 8) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let p = x + (<usize>c << 2);
    for (let a = 0; a < A; a++, p += row) {
      const u = v128.load(p), w = v128.load(p, 16);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(u));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(u, u, 2, 3, 0, 1)));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(w));
      s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 0, 1)));
    }
    const out = o + (<usize>c << 2);
    v128.store(out, v128.shuffle<f32>(f32x4.demote_f64x2_zero(s0), f32x4.demote_f64x2_zero(s1), 0, 1, 4, 5));
    v128.store(out, v128.shuffle<f32>(f32x4.demote_f64x2_zero(s2), f32x4.demote_f64x2_zero(s3), 0, 1, 4, 5), 16);
  }
  for (; c < C; c++) {
    let total: f64 = 0;
    for (let a = 0; a < A; a++) total += <f64>load<f32>(x + ((<usize>a * <usize>C + <usize>c) << 2));
    store<f32>(o + (<usize>c << 2), <f32>total);
  }
}

/** o[r] = max (or min) of row r; NaN if the row holds one, as the JavaScript kernel gives. */
export function extremumRows(isMax: bool, o: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>r * <usize>cols << 2);
    let v = f32x4.splat(isMax ? -Infinity : Infinity);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const a = v128.load(row + (<usize>j << 2));
      v = isMax ? f32x4.max(v, a) : f32x4.min(v, a);
    }
    let best: f32 = isMax
      ? max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)))
      : min(min(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), min(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
    for (; j < cols; j++) {
      const a = load<f32>(row + (<usize>j << 2));
      best = isMax ? max(best, a) : min(best, a);
    }
    store<f32>(o + (<usize>r << 2), best);
  }
}
