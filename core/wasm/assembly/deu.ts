// AssemblyScript source of the DEU loops for the two subspaces nearly every neuron is in, 1-1-1
// with Δ > 0 (real roots) and Δ < 0 (damped oscillation), float32 tensors (compiled by
// core/wasm/build.mjs; excluded from the TypeScript project). They are core/cpu/deu_fast.ts's
// loops, expression for expression in float64; the one difference is the library: exp, sin and
// cos here are AssemblyScript's (musl's algorithms), not V8's (fdlibm's), both within an ulp of
// the exact value, so results agree with the JavaScript kernel to within an ulp or two of float32
// (tests/wasm/deu.test.ts). The caller keeps ±∞ inputs (deu_far.ts's path) in JavaScript.
//
// x is [N, F, S]: neuron f's elements are x[n, f, :] for every n.

const M: f64 = 1000; // DEU_NUMERICS.maxValue: outputs and partials are clipped to ±M
const CAP: f64 = 14; // DEU_NUMERICS.expCap: exponents above it are capped

@inline function clip(v: f64): f64 {
  return v < -M ? -M : v > M ? M : v;
}

@inline function at(n: i32, f: i32, F: i32, S: i32): usize {
  return <usize>((n * F + f) * S) << 2;
}

/** y at t for the real roots r± (1-1-1, Δ > 0), before the clip. */
@inline function realRoots(t: f64, rPlus: f64, rMinus: f64, bD: f64, Db: f64, D2: f64, c: f64, c1: f64, c2: f64): f64 {
  const P = Math.exp(Math.min(rPlus * t, CAP)), Q = Math.exp(Math.min(rMinus * t, CAP));
  const g = (1 - (bD * P + Db * Q) / D2) / c;
  return (t > 0 ? 1 : 0) * g + c1 * Q + c2 * P;
}

/** y at t for the damped oscillation (1-1-1, Δ < 0), before the clip. */
@inline function oscillation(t: f64, alpha: f64, omega: f64, bw: f64, c: f64, c1: f64, c2: f64): f64 {
  const e = Math.exp(Math.min(-alpha * t, CAP)), cos = Math.cos(omega * t), sin = Math.sin(omega * t);
  const g = (1 - e * (cos + bw * sin)) / c;
  return (t > 0 ? 1 : 0) * g + c1 * (e * cos) + c2 * (e * sin);
}

/** y for neuron f's elements; kind 0: Δ > 0, kind 1: Δ < 0. */
export function deuForward111(kind: i32, a: f64, b: f64, c: f64, c1: f64, c2: f64, x: usize, y: usize, N: i32, F: i32, S: i32, f: i32): void {
  const rest = c1 == 0 && c2 == 0;
  // the neuron's constants: the roots (Δ > 0), or the decay and frequency (Δ < 0)
  const D = Math.sqrt(kind == 0 ? b * b - 4 * a * c : 4 * a * c - b * b);
  const rPlus = (-b + D) / (2 * a), rMinus = (-b - D) / (2 * a), bD = b + D, Db = D - b, D2 = 2 * D;
  const alpha = b / (2 * a), omega = D / (2 * a), bw = b / D;
  for (let n = 0; n < N; n++) {
    const base = at(n, f, F, S);
    for (let i = 0; i < S; i++) {
      const o = base + (<usize>i << 2);
      const t = <f64>load<f32>(x + o);
      if (rest && t <= 0) {
        store<f32>(y + o, 0); // H = 0 and c1 = c2 = 0: every term is ±0
        continue;
      }
      const v = kind == 0 ? realRoots(t, rPlus, rMinus, bD, Db, D2, c, c1, c2) : oscillation(t, alpha, omega, bw, c, c1, c2);
      store<f32>(y + o, <f32>clip(v));
    }
  }
}

/** δ_s(t), as deu_fast.ts's delta: the constant floor where the cap is active, 0 where exp underflows. */
@inline function delta(t: f64, s: f64, floor: f64): f64 {
  const z = -s * t;
  if (z >= CAP) return floor;
  if (z < -746) return 0;
  const e = Math.exp(z);
  return (s * e) / ((1 + e) * (1 + e));
}

/**
 * dx for neuron f's elements, and the five parameter-gradient sums (a, b, c, c1, c2) written as
 * float64 to sums.
 */
export function deuBackward111(kind: i32, a: f64, b: f64, c: f64, c1: f64, c2: f64, s: f64, g: usize, x: usize, dx: usize, N: i32, F: i32, S: i32, f: i32, sums: usize): void {
  let da: f64 = 0, db: f64 = 0, dc: f64 = 0, dc1: f64 = 0, dc2: f64 = 0;
  const ecap = Math.exp(CAP);
  const floor = (s * ecap) / ((1 + ecap) * (1 + ecap));
  if (kind == 0) {
    const D = Math.sqrt(b * b - 4 * a * c), rPlus = (-b + D) / (2 * a), rMinus = (-b - D) / (2 * a);
    const bD = b + D, Db = D - b, D2 = 2 * D;
    const Da = (-2 * c) / D, Dbb = b / D, Dc = (-2 * a) / D;
    const rpA = Da / (2 * a) - rPlus / a, rmA = -Da / (2 * a) - rMinus / a;
    const rpB = (-1 + Dbb) / (2 * a), rmB = (-1 - Dbb) / (2 * a);
    const rpC = Dc / (2 * a), rmC = -Dc / (2 * a);
    const den = 2 * D * D * c;
    const sumB = 1 + Dbb, diffB = Dbb - 1;
    for (let n = 0; n < N; n++) {
      const base = at(n, f, F, S);
      for (let i = 0; i < S; i++) {
        const o = base + (<usize>i << 2);
        const t = <f64>load<f32>(x + o), gi = <f64>load<f32>(g + o);
        const P = Math.exp(Math.min(rPlus * t, CAP)), Q = Math.exp(Math.min(rMinus * t, CAP));
        const Nn = bD * P + Db * Q;
        const gg = (1 - Nn / D2) / c;
        const gt = (P - Q) / D;
        const p1t = rMinus * Q, p2t = rPlus * P;
        const H: f64 = t > 0 ? 1 : 0;
        let ga: f64 = 0, gb: f64 = 0, gc: f64 = 0;
        if (t > 0) {
          const bDtP = bD * t, DbtQ = Db * t;
          const dNa = Da * P + bDtP * rpA * P + Da * Q + DbtQ * rmA * Q;
          ga = -(dNa * D - Nn * Da) / den;
          const dNb = sumB * P + bDtP * rpB * P + diffB * Q + DbtQ * rmB * Q;
          gb = -(dNb * D - Nn * Dbb) / den;
          const dNc = Dc * P + bDtP * rpC * P + Dc * Q + DbtQ * rmC * Q;
          gc = -(dNc * D - Nn * Dc) / den - gg / c;
        }
        store<f32>(dx + o, <f32>(gi * clip(H * gt + delta(t, s, floor) * gg + c1 * p1t + c2 * p2t)));
        da += gi * clip(H * ga + c1 * (t * rmA * Q) + c2 * (t * rpA * P));
        db += gi * clip(H * gb + c1 * (t * rmB * Q) + c2 * (t * rpB * P));
        dc += gi * clip(H * gc + c1 * (t * rmC * Q) + c2 * (t * rpC * P));
        dc1 += gi * clip(Q);
        dc2 += gi * clip(P);
      }
    }
  } else {
    const W = Math.sqrt(4 * a * c - b * b), alpha = b / (2 * a), omega = W / (2 * a), bw = b / W;
    const W3 = W * W * W;
    const alA = -alpha / a, omA = c / (a * W) - omega / a, bwA = (-2 * b * c) / W3;
    const alB = 1 / (2 * a), omB = -b / (2 * a * W), bwB = (4 * a * c) / W3;
    const omC = 1 / W, bwC = (-2 * a * b) / W3;
    for (let n = 0; n < N; n++) {
      const base = at(n, f, F, S);
      for (let i = 0; i < S; i++) {
        const o = base + (<usize>i << 2);
        const t = <f64>load<f32>(x + o), gi = <f64>load<f32>(g + o);
        const e = Math.exp(Math.min(-alpha * t, CAP)), cos = Math.cos(omega * t), sin = Math.sin(omega * t), K = cos + bw * sin;
        const gg = (1 - e * K) / c;
        const gt = (2 * e * sin) / W;
        const p1t = e * (-alpha * cos - omega * sin), p2t = e * (-alpha * sin + omega * cos);
        const H: f64 = t > 0 ? 1 : 0;
        let ga: f64 = 0, gb: f64 = 0, gc: f64 = 0;
        if (t > 0) {
          const dK = -sin + bw * cos;
          ga = -(e * (t * omA * dK + sin * bwA) - t * e * K * alA) / c;
          gb = -(e * (t * omB * dK + sin * bwB) - t * e * K * alB) / c;
          gc = -(e * (t * omC * dK + sin * bwC) - t * e * K * 0) / c - gg / c;
        }
        const et = e * t;
        store<f32>(dx + o, <f32>(gi * clip(H * gt + delta(t, s, floor) * gg + c1 * p1t + c2 * p2t)));
        da += gi * clip(H * ga + c1 * (et * (-alA * cos - omA * sin)) + c2 * (et * (-alA * sin + omA * cos)));
        db += gi * clip(H * gb + c1 * (et * (-alB * cos - omB * sin)) + c2 * (et * (-alB * sin + omB * cos)));
        dc += gi * clip(H * gc + c1 * (et * -omC * sin) + c2 * (et * omC * cos));
        dc1 += gi * clip(e * cos);
        dc2 += gi * clip(e * sin);
      }
    }
  }
  store<f64>(sums, da);
  store<f64>(sums, db, 8);
  store<f64>(sums, dc, 16);
  store<f64>(sums, dc1, 24);
  store<f64>(sums, dc2, 32);
}
