// AssemblyScript source of conv2d's unrolling (im2col) and its adjoint (col2im) for float32
// (compiled by core/wasm/build.mjs; excluded from the TypeScript project): the same loops as
// core/cpu/conv.ts, the reference, so the results are bit for bit the same (tests/wasm/conv.test.ts).
// x and dx point at one sample's group of cg channels (H·W each); col is K × P with
// K = cg·kH·kW taps and P = Ho·Wo output positions.

/** col[k, q] = x[c, ih, iw] for tap k = (c, kh, kw) at output position q, 0 in the padding. */
export function im2col(x: usize, cg: i32, h: i32, w: i32, kh: i32, kw: i32, ho: i32, wo: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, col: usize): void {
  const p = ho * wo;
  for (let c = 0; c < cg; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = col + (<usize>(((c * kh + i) * kw + j) * p) << 2);
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * sh - ph + i * dh;
          const out = row + (<usize>(oh * wo) << 2);
          if (ih < 0 || ih >= h) {
            memory.fill(out, 0, <usize>wo << 2);
            continue;
          }
          const rowIn = x + (<usize>((c * h + ih) * w) << 2);
          for (let ow = 0; ow < wo; ow++) {
            const iw = ow * sw - pw + j * dw;
            store<f32>(out + (<usize>ow << 2), iw >= 0 && iw < w ? load<f32>(rowIn + (<usize>iw << 2)) : 0);
          }
        }
      }
    }
  }
}

/** dx[c, ih, iw] += dcol[k, q]: the adjoint of im2col. */
export function col2im(dcol: usize, cg: i32, h: i32, w: i32, kh: i32, kw: i32, ho: i32, wo: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, dx: usize): void {
  const p = ho * wo;
  for (let c = 0; c < cg; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = dcol + (<usize>(((c * kh + i) * kw + j) * p) << 2);
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * sh - ph + i * dh;
          if (ih < 0 || ih >= h) continue;
          const rowIn = dx + (<usize>((c * h + ih) * w) << 2);
          for (let ow = 0; ow < wo; ow++) {
            const iw = ow * sw - pw + j * dw;
            if (iw >= 0 && iw < w) {
              const at = rowIn + (<usize>iw << 2);
              store<f32>(at, load<f32>(at) + load<f32>(row + (<usize>(oh * wo + ow) << 2))); // f32 sum: JS's rounded f64 sum
            }
          }
        }
      }
    }
  }
}
