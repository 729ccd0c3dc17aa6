// The DEU formulas of core/cpu/deu_solutions.ts and deu_gravitation.ts, rewritten as scalar
// functions gpu.js can transpile: no objects, arrays or closures, one number out per call (a
// `which` argument picks it), locals initialised with numbers so GLSL types agree. The
// backend adds them to its DEU kernels from their source. Flags are numbers, not booleans (GLSL
// will not store a bool in a float). The arithmetic is float32 on the GL
// modes, where the CPU kernel computes in float64 (see tests/gpu/parity_cases.ts for what that
// costs near the subspaces' boundaries and in outward gravitation's 2×2 solve).
//
// Subspace ids: 0 '0-0-0', 1 '0-0-1', 2 '0-1-0', 3 '0-1-1', 4 '1-0-0', 5 '1-0-1 ac>0',
// 6 '1-0-1 ac<0', 7 '1-1-0', 8 '1-1-1 Δ≈0', 9 '1-1-1 Δ<0', 10 '1-1-1 Δ>0', −1 non-finite.

/** The subspace of (a, b, c): subspaceOf in deu_solutions.ts. */
export function deu_sub(a: number, b: number, c: number, eps: number): number {
  if (a - a !== 0 || b - b !== 0 || c - c !== 0) {
    return -1;
  }
  const A = Math.abs(a) >= eps ? 1 : 0;
  const B = Math.abs(b) >= eps ? 1 : 0;
  const C = Math.abs(c) >= eps ? 1 : 0;
  if (A === 0 && B === 0) {
    return C === 1 ? 1 : 0;
  }
  if (A === 0) {
    return C === 1 ? 3 : 2;
  }
  if (B === 0 && C === 0) {
    return 4;
  }
  if (B === 0) {
    return a * c > 0 ? 5 : 6;
  }
  if (C === 0) {
    return 7;
  }
  const delta = b * b - 4 * a * c;
  if (Math.abs(delta) < eps && Math.sign(a) === Math.sign(c)) {
    return 8;
  }
  return delta < 0 ? 9 : 10;
}

/** E(x) = exp(min(x, 14)). */
export function deu_E(x: number): number {
  return Math.exp(Math.min(x, 14));
}

/** Clip to [−1000, 1000]. */
export function deu_clip(v: number): number {
  return v < -1000 ? -1000 : v > 1000 ? 1000 : v;
}

/**
 * wg·g_k + w1·φ1_k + w2·φ2_k for subspaces 2..10 (the SOLUTIONS table), where _k is the value
 * (k = 0) or the t-, a-, b-, c-partial (k = 1..4). One function returning one combination keeps
 * the shaders small: GLSL inlines every call site, and each call computes the whole table.
 */
export function deu_comb(sub: number, t: number, a: number, b: number, c: number, wg: number, w1: number, w2: number, k: number): number {
  let g = 0; let gt = 0; let ga = 0; let gb = 0; let gc = 0;
  let p1 = 0; let p1t = 0; let p1a = 0; let p1b = 0; let p1c = 0;
  let p2 = 0; let p2t = 0; let p2a = 0; let p2b = 0; let p2c = 0;
  if (sub === 2) {
    g = t / b; p1 = 1;
    gt = 1 / b; gb = -t / (b * b);
  }
  if (sub === 3) {
    const kk = c / b;
    const q = deu_E(-kk * t);
    g = (1 - q) / c; p1 = q;
    gt = q / b;
    gb = (-t * q) / (b * b);
    gc = (t * q) / (b * c) - (1 - q) / (c * c);
    p1t = -kk * q; p1b = (kk * t * q) / b; p1c = (-t * q) / b;
  }
  if (sub === 4) {
    g = (t * t) / (2 * a); p1 = t; p2 = 1;
    gt = t / a; ga = (-t * t) / (2 * a * a); p1t = 1;
  }
  if (sub === 5) {
    const w = Math.sqrt(a * c) / a;
    const C = Math.cos(w * t);
    const S = Math.sin(w * t);
    g = (1 - C) / c; p1 = C; p2 = S;
    const wa = -w / (2 * a);
    const wc = w / (2 * c);
    gt = (w * S) / c;
    ga = (t * S * wa) / c;
    gc = (t * S * wc) / c - (1 - C) / (c * c);
    p1t = -w * S; p1a = -t * S * wa; p1c = -t * S * wc;
    p2t = w * C; p2a = t * C * wa; p2c = t * C * wc;
  }
  if (sub === 6) {
    const lam = Math.sqrt(-a * c) / a;
    const kap = Math.abs(lam);
    const P = deu_E(lam * t);
    const Q = deu_E(-lam * t);
    const up = deu_E(kap * t);
    const down = deu_E(-kap * t);
    const cosh = (up + down) / 2;
    const sinh = (up - down) / 2;
    g = (1 - cosh) / c; p1 = Q; p2 = P;
    const la = -lam / (2 * a);
    const lc = lam / (2 * c);
    const ka = -kap / (2 * a);
    const kc = kap / (2 * c);
    gt = (-kap * sinh) / c;
    ga = (-t * sinh * ka) / c;
    gc = (-t * sinh * kc) / c - (1 - cosh) / (c * c);
    p1t = -lam * Q; p1a = -t * la * Q; p1c = -t * lc * Q;
    p2t = lam * P; p2a = t * la * P; p2c = t * lc * P;
  }
  if (sub === 7) {
    const q = deu_E((-b * t) / a);
    const b2 = b * b;
    g = t / b - (a * (1 - q)) / b2; p1 = (-a / b) * q; p2 = 1;
    gt = (1 - q) / b;
    ga = -(1 - q) / b2 + (t * q) / (a * b);
    gb = -t / b2 + (2 * a * (1 - q)) / (b2 * b) - (t * q) / b2;
    p1t = q; p1a = -q / b - (t * q) / a; p1b = (a * q) / b2 + (t * q) / b;
  }
  if (sub === 8) {
    const cf = (Math.sign(c) * Math.abs(b)) / 2;
    const rho = (-2 * cf) / b;
    const e = deu_E(rho * t);
    g = (1 - e * (1 - rho * t)) / cf; p1 = t * e; p2 = e;
    gt = (rho * rho * t * e) / cf;
    p1t = e + rho * t * e; p2t = rho * e;
    const rb = -rho / b;
    const rc = -2 / b;
    gb = (rho * t * t * rb * e) / cf; p1b = t * t * rb * e; p2b = t * rb * e;
    gc = (rho * t * t * rc * e) / cf - g / cf; p1c = t * t * rc * e; p2c = t * rc * e;
    ga = -gc; p1a = -p1c; p2a = -p2c;
  }
  if (sub === 9) {
    const W = Math.sqrt(4 * a * c - b * b);
    const alpha = b / (2 * a);
    const omega = W / (2 * a);
    const bw = b / W;
    const e = deu_E(-alpha * t);
    const cs = Math.cos(omega * t);
    const sn = Math.sin(omega * t);
    const K = cs + bw * sn;
    g = (1 - e * K) / c; p1 = e * cs; p2 = e * sn;
    gt = (2 * e * sn) / W;
    p1t = e * (-alpha * cs - omega * sn); p2t = e * (-alpha * sn + omega * cs);
    const W3 = W * W * W;
    const dK = -sn + bw * cs;
    // [∂α, ∂ω, ∂(b/W)] by a, b and c, then oscillationPartials for each
    const aAl = -alpha / a; const aOm = c / (a * W) - omega / a; const aBw = (-2 * b * c) / W3;
    const bAl = 1 / (2 * a); const bOm = -b / (2 * a * W); const bBw = (4 * a * c) / W3;
    const cAl = 0; const cOm = 1 / W; const cBw = (-2 * a * b) / W3;
    const aK = t * aOm * dK + sn * aBw;
    const bK = t * bOm * dK + sn * bBw;
    const cK = t * cOm * dK + sn * cBw;
    ga = -(e * aK - t * e * K * aAl) / c;
    gb = -(e * bK - t * e * K * bAl) / c;
    gc = -(e * cK - t * e * K * cAl) / c - g / c;
    p1a = e * t * (-aAl * cs - aOm * sn); p2a = e * t * (-aAl * sn + aOm * cs);
    p1b = e * t * (-bAl * cs - bOm * sn); p2b = e * t * (-bAl * sn + bOm * cs);
    p1c = e * t * (-cAl * cs - cOm * sn); p2c = e * t * (-cAl * sn + cOm * cs);
  }
  if (sub === 10) {
    const D = Math.sqrt(b * b - 4 * a * c);
    const rP = (-b + D) / (2 * a);
    const rM = (-b - D) / (2 * a);
    const P = deu_E(rP * t);
    const Q = deu_E(rM * t);
    const N = (b + D) * P + (D - b) * Q;
    g = (1 - N / (2 * D)) / c; p1 = Q; p2 = P;
    gt = (P - Q) / D;
    p1t = rM * Q; p2t = rP * P;
    // part(dD, db, da) for θ = a, b, c
    const Da = (-2 * c) / D; const Db = b / D; const Dc = (-2 * a) / D;
    const aP = Da / (2 * a) - rP / a; const aM = -Da / (2 * a) - rM / a;
    const bP = (-1 + Db) / (2 * a); const bM = (-1 - Db) / (2 * a);
    const cP = Dc / (2 * a); const cM = -Dc / (2 * a);
    const aN = Da * P + (b + D) * t * aP * P + Da * Q + (D - b) * t * aM * Q;
    const bN = (1 + Db) * P + (b + D) * t * bP * P + (Db - 1) * Q + (D - b) * t * bM * Q;
    const cN = Dc * P + (b + D) * t * cP * P + Dc * Q + (D - b) * t * cM * Q;
    ga = -(aN * D - N * Da) / (2 * D * D * c); p1a = t * aM * Q; p2a = t * aP * P;
    gb = -(bN * D - N * Db) / (2 * D * D * c); p1b = t * bM * Q; p2b = t * bP * P;
    gc = -(cN * D - N * Dc) / (2 * D * D * c) - g / c; p1c = t * cM * Q; p2c = t * cP * P;
  }
  let G = g;
  let P1 = p1;
  let P2 = p2;
  if (k === 1) { G = gt; P1 = p1t; P2 = p2t; }
  if (k === 2) { G = ga; P1 = p1a; P2 = p2a; }
  if (k === 3) { G = gb; P1 = p1b; P2 = p2b; }
  if (k === 4) { G = gc; P1 = p1c; P2 = p2c; }
  return wg * G + w1 * P1 + w2 * P2;
}

/**
 * evaluate() of deu_solutions.ts for a neuron in subspace `sub` at t: which 0..6 = y, ∂y/∂t,
 * ∂y/∂a, ∂y/∂b, ∂y/∂c, ∂y/∂c1, ∂y/∂c2, each clipped; 7, 8 = φ1, φ2 unclipped (subspaces 2..10).
 * A non-finite neuron (sub −1) gives nan.
 */
export function deu_eval(sub: number, t: number, a: number, b: number, c: number, c1: number, c2: number, s: number, which: number, nan: number): number {
  let v = 0;
  if (sub < 0) {
    v = nan;
  } else if (sub === 0) {
    if (which === 0) { v = deu_clip(t); }
    if (which === 1) { v = 1; }
  } else if (sub === 1) {
    const sig = 1 / (1 + deu_E(-s * t));
    if (which === 0) { v = deu_clip(sig / c); }
    if (which === 1) {
      const e = deu_E(-s * t);
      v = deu_clip((s * e) / ((1 + e) * (1 + e)) / c);
    }
    if (which === 4) { v = deu_clip(-sig / (c * c)); }
  } else {
    // one deu_comb call site (in a loop), so the shader holds one copy of the formulas
    const H = t > 0 ? 1 : 0;
    let k = 0;
    let wg = H;
    let w1 = c1;
    let w2 = c2;
    if (which >= 1 && which <= 4) { k = which; }
    if (which >= 5) {
      wg = 0;
      w1 = which === 5 || which === 7 ? 1 : 0;
      w2 = which === 6 || which === 8 ? 1 : 0;
    }
    let r = 0;
    for (let m = 0; m < 2; m++) {
      if (m === 0 || which === 1) {
        // m = 1: ∂y/∂t's δ_s(t)·g term
        const e = deu_E(-s * t);
        const weight = m === 0 ? 1 : (s * e) / ((1 + e) * (1 + e));
        r = r + weight * deu_comb(sub, t, a, b, c, m === 0 ? wg : 1, m === 0 ? w1 : 0, m === 0 ? w2 : 0, m === 0 ? k : 0);
      }
    }
    v = which >= 7 ? r : deu_clip(r);
  }
  return v;
}

/**
 * Outward gravitation (deu_gravitation.ts) for a neuron, at t* = tStar: which 0..4 = the nudged
 * neuron's ã, b̃, c̃, c̃1, c̃2; 5..7 = 1 where a, b, c were nudged (0 elsewhere, and all 0 when
 * no coefficient is small); 8 = the nudged neuron's subspace.
 */
export function deu_grav(a: number, b: number, c: number, c1: number, c2: number, tStar: number, eps: number, s: number, which: number, nan: number): number {
  const na = Math.abs(a) < eps ? 1 : 0;
  const nb = Math.abs(b) < eps ? 1 : 0;
  const nc = Math.abs(c) < eps ? 1 : 0;
  const sub = deu_sub(a, b, c, eps);
  let v = 0;
  if (which === 5) { v = na; }
  if (which === 6) { v = nb; }
  if (which === 7) { v = nc; }
  if (which < 5 || which === 8) {
    const A = na > 0 ? (a < 0 ? -eps : eps) : a;
    const B = nb > 0 ? (b < 0 ? -eps : eps) : b;
    const C = nc > 0 ? (c < 0 ? -eps : eps) : c;
    const nsub = deu_sub(A, B, C, eps);
    if (which === 0) { v = A; }
    if (which === 1) { v = B; }
    if (which === 2) { v = C; }
    if (which === 8) { v = nsub; }
    if (which === 3 || which === 4) {
      // the eight evaluations through one deu_eval call site (see deu_eval)
      const dt = 0.001;
      let nowY = 0; let nowT = 0; let restY = 0; let restT = 0;
      let phi1 = 0; let phi2 = 0; let next1 = 0; let next2 = 0;
      for (let m = 0; m < 8; m++) {
        const own = m < 2 ? 1 : 0;
        const at = m >= 6 ? tStar + dt : tStar;
        let w = m;
        if (m >= 2 && m <= 3) { w = m - 2; }
        if (m >= 4) { w = m % 2 === 0 ? 7 : 8; }
        const r = deu_eval(own > 0 ? sub : nsub, at, own > 0 ? a : A, own > 0 ? b : B, own > 0 ? c : C, own > 0 ? c1 : 0, own > 0 ? c2 : 0, s, w, nan);
        if (m === 0) { nowY = r; }
        if (m === 1) { nowT = r; }
        if (m === 2) { restY = r; }
        if (m === 3) { restT = r; }
        if (m === 4) { phi1 = r; }
        if (m === 5) { phi2 = r; }
        if (m === 6) { next1 = r; }
        if (m === 7) { next2 = r; }
      }
      const a11 = deu_clip(phi1);
      const a12 = deu_clip(phi2);
      const a21 = deu_clip((deu_clip(next1) - phi1) / dt);
      const a22 = deu_clip((deu_clip(next2) - phi2) / dt);
      const f1 = nowY - restY;
      const f2 = nowT - restT;
      // the ridge 2×2 solve of deu_gravitation.ts, (AᵀA + λI)⁻¹Aᵀf with λ = 1e-9, rearranged for
      // float32: det(AᵀA) = det(A)² and the numerators' λ-free parts are det(A)·adj(A)f, so the
      // products of large entries that cancel in the textbook form are never formed
      const lambda = 1e-9;
      const p = a11 * a11 + a21 * a21;
      const q = a12 * a12 + a22 * a22;
      const u = a11 * f1 + a21 * f2;
      const w = a12 * f1 + a22 * f2;
      const detA = a11 * a22 - a12 * a21;
      const det = detA * detA + lambda * (p + q) + lambda * lambda;
      const x1 = (detA * (a22 * f1 - a12 * f2) + lambda * u) / det;
      const x2 = (detA * (a11 * f2 - a21 * f1) + lambda * w) / det;
      v = which === 3 ? x1 : x2;
    }
  }
  return v;
}

/** The functions above, for gpu.js (in dependency order does not matter: gpu.js resolves names). */
export const DEU_FUNCTIONS: readonly { source: string; arity: number }[] = [deu_sub, deu_E, deu_clip, deu_comb, deu_eval, deu_grav].map((fn) => ({
  source: fn.toString(),
  arity: fn.length,
}));
