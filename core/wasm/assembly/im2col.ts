// AssemblyScript source of conv2d's unrolling (im2col) and its adjoint (col2im) for float32
// (compiled by core/wasm/build.mjs; excluded from the TypeScript project): the same loops as
// core/cpu/conv.ts, the reference, so the results are bit for bit the same (tests/wasm/conv.test.ts).
// x and dx point at one sample's group of cg channels (H·W each); col is K × P with
// K = cg·kH·kW taps and P = Ho·Wo output positions.
//
// With stride 1 along the width, a row's taps that fall inside the image read (or, for col2im,
// write) one contiguous run of the input row: that run is copied (added) four values at a time,
// and only the padding on either side is written one by one.

/** The output columns [first, end) whose tap iw = ow·sw − pw + j·dw lies inside [0, w). */
@inline function insideFrom(wo: i32, sw: i32, pw: i32, offset: i32): i32 {
  // the smallest ow with ow·sw ≥ pw − offset
  const need = pw - offset;
  return need <= 0 ? 0 : min(wo, (need + sw - 1) / sw);
}
@inline function insideEnd(w: i32, wo: i32, sw: i32, pw: i32, offset: i32): i32 {
  // one past the largest ow with ow·sw − pw + offset ≤ w − 1
  const room = w - 1 + pw - offset;
  return room < 0 ? 0 : min(wo, room / sw + 1);
}

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
          const first = insideFrom(wo, sw, pw, j * dw), end = max(first, insideEnd(w, wo, sw, pw, j * dw));
          for (let ow = 0; ow < first; ow++) store<f32>(out + (<usize>ow << 2), 0);
          let ow = first;
          if (sw == 1) {
            // iw = ow + shift: a contiguous run
            const shift = j * dw - pw;
            for (; ow + 4 <= end; ow += 4) v128.store(out + (<usize>ow << 2), v128.load(rowIn + (<usize>(ow + shift) << 2)));
          }
          for (; ow < end; ow++) store<f32>(out + (<usize>ow << 2), load<f32>(rowIn + (<usize>(ow * sw - pw + j * dw) << 2)));
          for (ow = end; ow < wo; ow++) store<f32>(out + (<usize>ow << 2), 0);
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
          const rowIn = dx + (<usize>((c * h + ih) * w) << 2), rowOut = row + (<usize>(oh * wo) << 2);
          const first = insideFrom(wo, sw, pw, j * dw), end = insideEnd(w, wo, sw, pw, j * dw);
          // f32 sums: the float32 rounding of JavaScript's float64 sum of two float32 values
          let ow = first;
          if (sw == 1) {
            const shift = j * dw - pw;
            for (; ow + 4 <= end; ow += 4) {
              const at = rowIn + (<usize>(ow + shift) << 2);
              v128.store(at, f32x4.add(v128.load(at), v128.load(rowOut + (<usize>ow << 2))));
            }
          }
          for (; ow < end; ow++) {
            const at = rowIn + (<usize>(ow * sw - pw + j * dw) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(rowOut + (<usize>ow << 2)));
          }
        }
      }
    }
  }
}
