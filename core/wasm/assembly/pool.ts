// AssemblyScript source of float32 2-D pooling, forward and backward (compiled by
// core/wasm/build.mjs; excluded from the TypeScript project). The JavaScript kernel,
// core/cpu/pool.ts, is the reference: it computes each output position's window (clipped,
// dilated, and the average's divisor) and hands the table here, so both run the same windows.
// Per element the operations are the JavaScript ones in the same order (max: the first NaN or
// the largest value; average: a float64 sum divided by the divisor, rounded once; gradients
// added to dx position by position in the same order), so the results are bit for bit the same
// (tests/wasm/pool.test.ts).
//
// windows: per output position (oh·Wo + ow) six i32 — h0, h1, w0, w1, dh, dw — then the
// divisors as f64 (8-byte aligned, after the ints).

const MAX: i32 = 0;

@inline function win(windows: usize, q: i32, k: i32): i32 {
  return load<i32>(windows + (<usize>(q * 6 + k) << 2));
}

export function pool2d(kind: i32, x: usize, planes: i32, h: i32, w: i32, ho: i32, wo: i32, windows: usize, divisors: usize, out: usize): void {
  const positions = ho * wo;
  for (let plane = 0; plane < planes; plane++) {
    const base = x + (<usize>(plane * h * w) << 2);
    const o = out + (<usize>(plane * positions) << 2);
    for (let q = 0; q < positions; q++) {
      const h0 = win(windows, q, 0), h1 = win(windows, q, 1), w0 = win(windows, q, 2), w1 = win(windows, q, 3);
      const dh = win(windows, q, 4), dw = win(windows, q, 5);
      if (kind == MAX) {
        let acc: f32 = -Infinity;
        for (let r = h0; r < h1; r += dh) {
          for (let c = w0; c < w1; c += dw) {
            const v = load<f32>(base + (<usize>(r * w + c) << 2));
            if (v > acc || v != v) acc = v;
          }
        }
        store<f32>(o + (<usize>q << 2), acc);
      } else {
        let acc: f64 = 0;
        for (let r = h0; r < h1; r += dh) {
          for (let c = w0; c < w1; c += dw) acc += <f64>load<f32>(base + (<usize>(r * w + c) << 2));
        }
        store<f32>(o + (<usize>q << 2), <f32>(acc / load<f64>(divisors + (<usize>q << 3))));
      }
    }
  }
}

/** dx (zeroed by the caller) += each output gradient routed to its window. */
export function pool2dGrad(kind: i32, g: usize, x: usize, planes: i32, h: i32, w: i32, ho: i32, wo: i32, windows: usize, divisors: usize, dx: usize): void {
  const positions = ho * wo;
  for (let plane = 0; plane < planes; plane++) {
    const base = <usize>(plane * h * w) << 2;
    const gp = g + (<usize>(plane * positions) << 2);
    for (let q = 0; q < positions; q++) {
      const h0 = win(windows, q, 0), h1 = win(windows, q, 1), w0 = win(windows, q, 2), w1 = win(windows, q, 3);
      const dh = win(windows, q, 4), dw = win(windows, q, 5);
      const grad = load<f32>(gp + (<usize>q << 2));
      if (kind == MAX) {
        // the first maximum (the first NaN, if any) takes the whole gradient
        let best: f32 = -Infinity;
        let at: isize = -1;
        for (let r = h0; r < h1; r += dh) {
          for (let c = w0; c < w1; c += dw) {
            const offset = base + (<usize>(r * w + c) << 2);
            const v = load<f32>(x + offset);
            if (v > best || (v != v && best == best)) {
              best = v;
              at = <isize>offset;
            }
          }
        }
        if (at >= 0) store<f32>(dx + <usize>at, load<f32>(dx + <usize>at) + grad);
      } else {
        const share = <f64>grad / load<f64>(divisors + (<usize>q << 3));
        for (let r = h0; r < h1; r += dh) {
          for (let c = w0; c < w1; c += dw) {
            const at = dx + base + (<usize>(r * w + c) << 2);
            store<f32>(at, <f32>(<f64>load<f32>(at) + share));
          }
        }
      }
    }
  }
}
