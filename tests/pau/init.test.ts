// Initialisations fitted by the library (issue #7 point 2; specs/pau.md §2, §7.5, §7.25):
//   - Levenberg–Marquardt from all ones on 1e5 points of [−3, 3), version A, reproduces the
//     paper's Table 6 ReLU and LReLU(0.01) columns to rel 3e-4 (spec §2.1: "with 100k points the
//     same fits agree to about 5 digits": b_3, the flattest direction, differs by up to 2.1e-4 here; the paper's printed |b_k| are compared in absolute value);
//   - the shipped table (nn/pau_init/table.ts, written by examples/pau_init_table.ts) is what the
//     recipe produces: the Padé sets exactly, and the A fits above to rel 1e-9 (a fast subset:
//     the whole table takes about two minutes to regenerate);
//   - every shipped set's max error on [−3, 3) is the recorded one and within the spec's.
// The other four Table 6 columns are fitted too, but at 2e4 points (rel 2e-3), to stay fast.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import type { PauVersion } from '../../index.js';
import { fitRational } from '../../nn/pau_init/fit.js';
import { initialisationsFor, maxError } from '../../nn/pau_init/recipe.js';
import { PAU_INIT_GRID_POINTS, PAU_INIT_TABLE } from '../../nn/pau_init/table.js';
import { PAU_TARGETS, type PauTargetName } from '../../nn/pau_init/targets.js';
import { assertClose } from '../helpers.js';

/** Paper Table 6 (spec §2.2), a_0…a_5 then |b_1|…|b_4|. */
const TABLE6: Partial<Record<PauTargetName, number[]>> = {
  relu: [0.02996348, 0.61690165, 2.37539147, 3.06608078, 1.52474449, 0.25281987, 1.19160814, 4.40811795, 0.91111034, 0.34885983],
  'leaky_relu_0.01': [0.02979246, 0.61837738, 2.32335207, 3.05202660, 1.48548002, 0.25103717, 1.14201226, 4.39322834, 0.87154450, 0.34720652],
  'leaky_relu_0.2': [0.02557776, 0.66182815, 1.58182975, 2.94478759, 0.95287794, 0.23319681, 0.50962605, 4.18376890, 0.37832090, 0.32407314],
  'leaky_relu_0.25': [0.02423485, 0.67709718, 1.43858363, 2.95497990, 0.85679722, 0.23229612, 0.41014746, 4.14691964, 0.30292546, 0.32002850],
  'leaky_relu_0.3': [0.02282366, 0.69358438, 1.30847432, 2.97681599, 0.77165297, 0.23252265, 0.32849543, 4.11557902, 0.24155603, 0.31659365],
  'leaky_relu_-0.5': [0.02650441, 0.80772912, 13.56611639, 7.00217900, 11.61477781, 0.68720375, 13.70648993, 6.07781733, 12.32535229, 0.54006880],
};
/** Paper Table 6's Padé columns (exact fractions, spec §2.2). */
const PADE: Partial<Record<PauTargetName, string[]>> = {
  sigmoid: ['1/2', '1/4', '1/18', '1/144', '1/2016', '1/60480', '0', '1/9', '0', '1/1008'],
  tanh: ['0', '1', '0', '1/9', '0', '1/945', '0', '4/9', '0', '1/63'],
  swish: ['0', '1/2', '1/4', '3/56', '1/168', '1/3360', '0', '3/28', '0', '1/1680'],
};

const asTable6 = (r: { numerator: number[]; denominator: number[] }) => [...r.numerator, ...r.denominator.map(Math.abs)];

for (const name of ['relu', 'leaky_relu_0.01'] as const) {
  test(`version-A fit of ${name} from ones on 1e5 points reproduces Table 6 (rel 3e-4) and the shipped set (rel 1e-9)`, () => {
    const fit = fitRational(PAU_TARGETS[name].f, { version: 'A', points: PAU_INIT_GRID_POINTS });
    assertClose(asTable6(fit), TABLE6[name]!, 0, 3e-4, `${name} vs Table 6`);
    const shipped = PAU_INIT_TABLE.A[name];
    assertClose([...fit.numerator, ...fit.denominator], [...shipped.numerator, ...shipped.denominator], 0, 1e-9, `${name} vs the shipped table`);
    assertClose([fit.maxError], [shipped.maxError], 0, 1e-9);
  });
}

test('the other Table 6 LReLU columns: version-A fits on 2e4 points agree to rel 2e-3 (3e-4 at 1e5 points, as shipped)', () => {
  for (const name of ['leaky_relu_0.2', 'leaky_relu_0.25', 'leaky_relu_0.3', 'leaky_relu_-0.5'] as const) {
    const fit = fitRational(PAU_TARGETS[name].f, { version: 'A', points: 20_000 });
    assertClose(asTable6(fit), TABLE6[name]!, 0, 2e-3, `${name} (2e4 points) vs Table 6`);
    assertClose(asTable6(PAU_INIT_TABLE.A[name]), TABLE6[name]!, 0, 3e-4, `shipped A ${name} vs Table 6`);
  }
});

test('the Padé sets are the exact approximants of Table 6, as the recipe computes them, in every version', () => {
  for (const [name, fractions] of Object.entries(PADE) as [PauTargetName, string[]][]) {
    const made = initialisationsFor(PAU_TARGETS[name]);
    for (const v of ['A', 'B', 'C', 'N'] as PauVersion[]) {
      const shipped = PAU_INIT_TABLE[v][name];
      assert.equal(shipped.fractions, fractions, `${v} ${name} fractions`);
      assert.equal(shipped.numerator, made[v].numerator, `${v} ${name} numerator`);
      assert.equal(shipped.denominator, made[v].denominator, `${v} ${name} denominator`);
      assert.equal(shipped.denominator, v === 'C' ? [0.9, ...made.A.denominator] : made.A.denominator);
    }
  }
});

/** The spec's max errors on [−3, 3] (§2.2, §2.3) plus 10% (§7.5), per version and set. */
function specBound(v: PauVersion, name: PauTargetName): number {
  switch (name) {
    case 'sigmoid': return 9.8e-7 * 1.1;
    case 'tanh': return 4.0e-4 * 1.1;
    case 'swish': return 1.4e-4 * 1.1;
    case 'relu': return (v === 'A' ? 0.030 : 0.0339) * 1.1;
    case 'leaky_relu_0.01': return (v === 'A' ? 0.0298 : 0.0336) * 1.1;
    // the other slopes: for A the error peaks at the origin, F(0) = a_0 of Table 6; the spec gives
    // none for B, C, N, whose fits (from ones or from the A optimum) are held to 2× A's
    default: return (v === 'A' ? 1.1 : 2) * TABLE6[name]![0];
  }
}

test('every shipped set: its max error on 1e5 points of [−3, 3) is the recorded one and within the spec (§7.5)', () => {
  for (const v of ['A', 'B', 'C', 'N'] as PauVersion[]) {
    for (const name of Object.keys(PAU_TARGETS) as PauTargetName[]) {
      const e = PAU_INIT_TABLE[v][name];
      const measured = maxError(PAU_TARGETS[name].f, v, e.numerator, e.denominator);
      assertClose([measured], [e.maxError], 0, 1e-9, `${v} ${name} recorded error`);
      assert.ok(measured <= specBound(v, name), `${v} ${name}: max error ${measured} > ${specBound(v, name)}`);
    }
  }
  // and through the public API: a PAU layer built with each init evaluates to its target
  const x = tg.linspace(-3, 3, 61, { dtype: 'float64' });
  for (const v of ['A', 'B'] as PauVersion[]) {
    const layer = new tg.nn.PAU({ version: v, init: 'leaky_relu' });
    layer.numerator.data(); // parameters are float32 by default: compare at float32 rounding
    const y = Array.from(layer.forward(x.to('float32')).data());
    const want = Array.from(x.data()).map((t) => (t >= 0 ? t : 0.01 * t));
    y.forEach((f, i) => assert.ok(Math.abs(f - want[i]) <= specBound(v, 'leaky_relu_0.01') + 1e-6, `${v} at ${want[i]}: ${f}`));
  }
});

test.run();
