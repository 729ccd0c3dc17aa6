// Index helpers shared by the fused kernels.
import { lit } from './source.js';

/** Lines splitting f into the coordinates of an [A, B, C, D] layout: names[0..3]. */
export function split4(flat: string, dims: readonly number[], names: readonly string[]): string[] {
  const [, B, C, D] = dims;
  const [a, b, c, d] = names;
  return [
    `const ${a} = tg_div(${flat}, ${lit(B * C * D)});`,
    `const ${a}r = ${flat} - ${a} * ${lit(B * C * D)};`,
    `const ${b} = tg_div(${a}r, ${lit(C * D)});`,
    `const ${b}r = ${a}r - ${b} * ${lit(C * D)};`,
    `const ${c} = tg_div(${b}r, ${lit(D)});`,
    `const ${d} = ${b}r - ${c} * ${lit(D)};`,
  ];
}

