// Building gpu.js kernel sources. Every kernel of the gpu backend is a JavaScript function
// written as a string, with every shape-dependent number (sizes, strides, loop bounds) baked in
// as a literal: a kernel is compiled once per shape signature anyway (see cache.ts), and a
// literal is the one thing every gpu.js target (GLSL, wasm, JS) treats as a constant.
//
// Index arithmetic is done in float32 on the GL targets. It is exact for integers below 2^24,
// which is why the backend rejects larger tensors (MAX_ELEMENTS). Divisions go through tg_div,
// which corrects the quotient of an inexact float division by one in either direction, so
// floor(a / b) is exact wherever a and b are exact.
import { fail } from '../errors.js';
import type { ElementwiseFn } from '../backend.js';
import { stridesOf, type Shape } from '../shape.js';

/** The largest tensor the gpu backend takes: float32 represents every integer up to 2^24. */
export const MAX_ELEMENTS = 2 ** 24;

/** A helper every kernel may call; added to each kernel with explicit float types. */
export interface HelperFn {
  readonly name: string;
  readonly source: string;
  readonly arity: number;
}

export const HELPERS: readonly HelperFn[] = [
  // converts an int (this.thread.x, a loop counter) to float: gpu.js casts at the call
  { name: 'tg_fl', arity: 1, source: 'function tg_fl(a) { return a; }' },
  {
    name: 'tg_div',
    arity: 2,
    source: `function tg_div(a, b) {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) { q = q - 1; }
  if (r >= b) { q = q + 1; }
  return q;
}`,
  },
];

/**
 * sin, cos and tan for the GL modes. GLSL ES leaves the precision of its built-in trigonometry
 * unspecified, and it varies: Chromium's SwiftShader is off by up to 1.9e-4 on [−3, 3], a
 * thousand float32 ulps, which (1 − cos ωt)-style formulas turn into percent errors. These are
 * Cephes' single-precision sinf/cosf: a three-part Cody–Waite reduction by π/2 (exact for
 * |x| < 2^15·π/2) and degree-7/8 polynomials on [−π/4, π/4], accurate to a few float32 ulps on
 * any GPU. The backend substitutes them for Math.sin/cos/tan in GL kernels (runtime.ts).
 */
export const TRIG_HELPERS: readonly HelperFn[] = [
  {
    name: 'tg_sincos',
    arity: 2,
    source: `function tg_sincos(x, wantCos) {
  const q = Math.floor(x * 0.6366197723675814 + 0.5);
  const r = ((x - q * 1.5703125) - q * 0.0004837512969970703) - q * 7.549789954891882e-8;
  const z = r * r;
  const sn = r + r * z * (-0.16666654611 + z * (0.0083321608736 + z * -0.00019515295891));
  const cs = 1 - 0.5 * z + z * z * (0.04166664568298827 + z * (-0.001388731625493765 + z * 0.00002443315711809948));
  const k = q + wantCos - 4 * Math.floor((q + wantCos) / 4);
  let v = sn;
  if (k === 1) { v = cs; }
  if (k === 2) { v = -sn; }
  if (k === 3) { v = -cs; }
  return v;
}`,
  },
  { name: 'tg_sin', arity: 1, source: 'function tg_sin(x) { return tg_sincos(x, 0); }' },
  { name: 'tg_cos', arity: 1, source: 'function tg_cos(x) { return tg_sincos(x, 1); }' },
  { name: 'tg_tan', arity: 1, source: 'function tg_tan(x) { return tg_sincos(x, 0) / tg_sincos(x, 1); }' },
];

/** Math.sin/cos/tan → the TRIG_HELPERS, in a source meant for a GL kernel. */
export function withPortableTrig(source: string): string {
  return source.replace(/\bMath\.(sin|cos|tan)\s*\(/g, 'tg_$1(');
}

/** A number as a source literal (integers without a fraction; gpu.js types them from use). */
export function lit(v: number): string {
  if (Number.isNaN(v)) return '(0 / 0)';
  if (v === Infinity) return '(1 / 0)';
  if (v === -Infinity) return '(-1 / 0)';
  const s = String(v);
  return v < 0 ? `(${s})` : s;
}

/**
 * Lines that split the float index `flat` into coordinates `${prefix}0..` of `shape`
 * (row-major). Axes of size 1 get coordinate 0 without arithmetic.
 */
export function coordLines(flat: string, shape: Shape, prefix: string): string[] {
  const lines: string[] = [];
  const strides = stridesOf(shape);
  const rank = shape.length;
  if (rank === 0) return lines;
  let rest = flat;
  for (let d = 0; d < rank; d++) {
    if (d === rank - 1) {
      lines.push(`const ${prefix}${d} = ${rest};`);
    } else if (shape[d] === 1) {
      lines.push(`const ${prefix}${d} = tg_fl(0);`);
    } else {
      lines.push(`const ${prefix}${d} = tg_div(${rest}, ${lit(strides[d])});`);
      const next = `${prefix}r${d}`;
      lines.push(`const ${next} = ${rest} - ${prefix}${d} * ${lit(strides[d])};`);
      rest = next;
    }
  }
  return lines;
}

/** Σ coord·stride as an expression (zero strides skipped), or tg_fl(0). */
export function dotExpr(coords: readonly string[], strides: readonly number[], offset = 0): string {
  const terms: string[] = [];
  for (let d = 0; d < coords.length; d++) {
    if (strides[d] === 0) continue;
    terms.push(strides[d] === 1 ? coords[d] : `${coords[d]} * ${lit(strides[d])}`);
  }
  if (offset !== 0) terms.push(lit(offset));
  return terms.length === 0 ? 'tg_fl(0)' : terms.join(' + ');
}

/** A kernel's source: `function (args) { lines }`, the output index available as `f`. */
export function kernelSource(args: readonly string[], body: readonly string[]): string {
  return `function (${args.join(', ')}) {\n  const f = tg_fl(this.thread.x);\n  ${body.join('\n  ')}\n}`;
}

const converted = new WeakMap<(...a: number[]) => number, { body: string; params: string[] }>();

/**
 * Turns an ElementwiseFn's function into a named function declaration gpu.js can add to a
 * kernel. Arrow functions (expression or block bodies), function expressions and method
 * shorthands are accepted; anything gpu.js cannot transpile fails when the kernel compiles,
 * with gpu.js's own message, wrapped in one that names the function.
 */
export function scalarFunctionSource(fn: ElementwiseFn, name: string): { source: string; arity: number } {
  let parsed = converted.get(fn.fn);
  if (!parsed) {
    parsed = parseFunction(fn);
    converted.set(fn.fn, parsed);
  }
  return { source: `function ${name}(${parsed.params.join(', ')}) ${parsed.body}`, arity: parsed.params.length };
}

function parseFunction(fn: ElementwiseFn): { body: string; params: string[] } {
  const text = fn.fn.toString().trim();
  const bad = (why: string): never => fail('gpu elementwise', `cannot translate the scalar function '${fn.name}' (${why}): ${text.slice(0, 120)}`);
  let head: string;
  let rest: string;
  let arrow = false;
  const paramList = (s: string): string[] => {
    const names = s.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
    for (const p of names) if (!/^[A-Za-z_$][\w$]*$/.test(p)) bad(`parameter '${p}' is not a plain identifier`);
    return names;
  };
  const fnMatch = /^(?:function\b\s*[\w$]*|[A-Za-z_$][\w$]*)\s*\(/.exec(text);
  if (text.startsWith('(') || /^[A-Za-z_$][\w$]*\s*=>/.test(text)) {
    arrow = true;
    if (text.startsWith('(')) {
      const close = text.indexOf(')');
      if (close < 0) bad('unbalanced parameter list');
      head = text.slice(1, close);
      rest = text.slice(close + 1).trim();
    } else {
      const m = /^([A-Za-z_$][\w$]*)\s*/.exec(text)!;
      head = m[1];
      rest = text.slice(m[0].length).trim();
    }
    if (!rest.startsWith('=>')) bad('expected =>');
    rest = rest.slice(2).trim();
  } else if (fnMatch) {
    const open = fnMatch[0].length - 1;
    const close = text.indexOf(')', open);
    head = text.slice(open + 1, close);
    rest = text.slice(close + 1).trim();
  } else {
    return bad('not a function expression');
  }
  const params = paramList(head);
  if (/\b(?:this|arguments|__name)\b/.test(rest)) bad('it uses this, arguments or a bundler helper');
  let body: string;
  if (rest.startsWith('{')) body = rest;
  else if (arrow) body = `{ return ${rest}; }`;
  else return bad('no body');
  return { body, params };
}
