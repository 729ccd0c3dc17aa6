// AssemblyScript source of float32 group normalisation, forward and backward (compiled by
// core/wasm/build.mjs; excluded from the TypeScript project). The same arithmetic as the
// JavaScript kernel, core/cpu/group_norm.ts (the reference): statistics accumulated in float64
// around the mean (two passes), every per-element expression evaluated in float64 and rounded
// once to float32. Only the summation order differs (two f64x2 lanes), so the results agree
// with the JavaScript kernel to within an ulp or so (tests/wasm/group_norm.test.ts).
//
// Layout NCHW with S = H·W: a group's Cg channels are Cg·S contiguous values. gamma and beta are
// pointers to C values, or 0 when absent.

@inline function lo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

@inline function sum2(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ x over m contiguous values, or Σ (x − mu)² when `squares`. */
function groupSum(x: usize, m: i32, mu: f64, squares: bool): f64 {
  const muv = f64x2.splat(mu);
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    let l = lo(v), h = hi(v);
    if (squares) {
      l = f64x2.sub(l, muv);
      h = f64x2.sub(h, muv);
      l = f64x2.mul(l, l);
      h = f64x2.mul(h, h);
    }
    a = f64x2.add(a, l);
    b = f64x2.add(b, h);
  }
  let s = sum2(f64x2.add(a, b));
  for (; i < m; i++) {
    const d = <f64>load<f32>(x + (<usize>i << 2)) - (squares ? mu : 0);
    s += squares ? d * d : d;
  }
  return s;
}

/** y = (x − mu)·scale + shift over s contiguous values, in float64. */
function affine(y: usize, x: usize, s: i32, mu: f64, scale: f64, shift: f64): void {
  const muv = f64x2.splat(mu), sc = f64x2.splat(scale), sh = f64x2.splat(shift);
  let i = 0;
  for (; i + 4 <= s; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const l = f64x2.add(f64x2.mul(f64x2.sub(lo(v), muv), sc), sh);
    const h = f64x2.add(f64x2.mul(f64x2.sub(hi(v), muv), sc), sh);
    v128.store(y + (<usize>i << 2), v128.shuffle<f32>(f32x4.demote_f64x2_zero(l), f32x4.demote_f64x2_zero(h), 0, 1, 4, 5));
  }
  for (; i < s; i++) store<f32>(y + (<usize>i << 2), <f32>((<f64>load<f32>(x + (<usize>i << 2)) - mu) * scale + shift));
}

export function groupNormForward(x: usize, gamma: usize, beta: usize, n: i32, c: i32, s: i32, groups: i32, eps: f64, y: usize, mean: usize, rstd: usize): void {
  const cg = c / groups, m = cg * s;
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < groups; g++) {
      const start = <usize>((i * c + g * cg) * s) << 2;
      const mu = groupSum(x + start, m, 0, false) / <f64>m;
      const r = 1 / Math.sqrt(groupSum(x + start, m, mu, true) / <f64>m + eps);
      store<f32>(mean + (<usize>(i * groups + g) << 2), <f32>mu);
      store<f32>(rstd + (<usize>(i * groups + g) << 2), <f32>r);
      for (let k = 0; k < cg; k++) {
        const channel = g * cg + k;
        const scale = gamma ? <f64>load<f32>(gamma + (<usize>channel << 2)) * r : r;
        const shift = beta ? <f64>load<f32>(beta + (<usize>channel << 2)) : 0;
        const base = start + (<usize>(k * s) << 2);
        affine(y + base, x + base, s, mu, scale, shift);
      }
    }
  }
}

/**
 * dx, and dweight/dbias accumulated (+=, the caller zeroes them), from dy, x, gamma and the
 * forward's mean and rstd (as stored, float32).
 */
export function groupNormBackward(dy: usize, x: usize, gamma: usize, mean: usize, rstd: usize, n: i32, c: i32, s: i32, groups: i32, dx: usize, dweight: usize, dbias: usize): void {
  const cg = c / groups, m = cg * s;
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < groups; g++) {
      const mu = <f64>load<f32>(mean + (<usize>(i * groups + g) << 2));
      const r = <f64>load<f32>(rstd + (<usize>(i * groups + g) << 2));
      const muv = f64x2.splat(mu), rv = f64x2.splat(r);
      const start = <usize>((i * c + g * cg) * s) << 2;
      // pass 1: Σ dy·x̂ and Σ dy per channel; the group sums of dx̂ = dy·γ and dx̂·x̂
      let sumDxhat: f64 = 0, sumDxhatXhat: f64 = 0;
      for (let k = 0; k < cg; k++) {
        const channel = g * cg + k;
        const gm = gamma ? <f64>load<f32>(gamma + (<usize>channel << 2)) : 1;
        const base = start + (<usize>(k * s) << 2);
        let dg = f64x2.splat(0), db = f64x2.splat(0);
        let j = 0;
        for (; j + 4 <= s; j += 4) {
          const at = base + (<usize>j << 2);
          const xv = v128.load(x + at), dv = v128.load(dy + at);
          const xl = f64x2.mul(f64x2.sub(lo(xv), muv), rv), xh = f64x2.mul(f64x2.sub(hi(xv), muv), rv);
          const dl = lo(dv), dh = hi(dv);
          dg = f64x2.add(dg, f64x2.add(f64x2.mul(dl, xl), f64x2.mul(dh, xh)));
          db = f64x2.add(db, f64x2.add(dl, dh));
        }
        let dGamma = sum2(dg), dBeta = sum2(db);
        for (; j < s; j++) {
          const at = base + (<usize>j << 2);
          const xhat = (<f64>load<f32>(x + at) - mu) * r;
          const d = <f64>load<f32>(dy + at);
          dGamma += d * xhat;
          dBeta += d;
        }
        sumDxhat += dBeta * gm;
        sumDxhatXhat += dGamma * gm;
        const wAt = dweight + (<usize>channel << 2), bAt = dbias + (<usize>channel << 2);
        store<f32>(wAt, <f32>(<f64>load<f32>(wAt) + dGamma));
        store<f32>(bAt, <f32>(<f64>load<f32>(bAt) + dBeta));
      }
      const meanDxhat = sumDxhat / <f64>m, meanDxhatXhat = sumDxhatXhat / <f64>m;
      const a = f64x2.splat(meanDxhat), b = f64x2.splat(meanDxhatXhat);
      // pass 2: dx = rstd·(dy·γ − mean(dx̂) − x̂·mean(dx̂·x̂))
      for (let k = 0; k < cg; k++) {
        const gm = gamma ? <f64>load<f32>(gamma + (<usize>(g * cg + k) << 2)) : 1;
        const gv = f64x2.splat(gm);
        const base = start + (<usize>(k * s) << 2);
        let j = 0;
        for (; j + 4 <= s; j += 4) {
          const at = base + (<usize>j << 2);
          const xv = v128.load(x + at), dv = v128.load(dy + at);
          const xl = f64x2.mul(f64x2.sub(lo(xv), muv), rv), xh = f64x2.mul(f64x2.sub(hi(xv), muv), rv);
          const l = f64x2.mul(rv, f64x2.sub(f64x2.sub(f64x2.mul(lo(dv), gv), a), f64x2.mul(xl, b)));
          const h = f64x2.mul(rv, f64x2.sub(f64x2.sub(f64x2.mul(hi(dv), gv), a), f64x2.mul(xh, b)));
          v128.store(dx + at, v128.shuffle<f32>(f32x4.demote_f64x2_zero(l), f32x4.demote_f64x2_zero(h), 0, 1, 4, 5));
        }
        for (; j < s; j++) {
          const at = base + (<usize>j << 2);
          const xhat = (<f64>load<f32>(x + at) - mu) * r;
          store<f32>(dx + at, <f32>(r * (<f64>load<f32>(dy + at) * gm - meanDxhat - xhat * meanDxhatXhat)));
        }
      }
    }
  }
}
