// cumsum, einsum and outer against plain loops (their gradients are in gradient_cases.ts), and
// einsum's refusals naming the subscript or operand at fault.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose } from '../helpers.js';

const f64 = { dtype: 'float64' as const };

test('cumsum matches a running sum along every axis, including lengths that are not powers of 2', () => {
  for (const shape of [[7], [3, 5], [2, 3, 6], [4, 1, 9]]) {
    const x = tg.randn(shape, f64);
    const values = Array.from(x.data());
    for (let axis = 0; axis < shape.length; axis++) {
      const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const ref = values.map((_, i) => {
        const k = Math.floor(i / stride) % shape[axis];
        let s = 0;
        for (let j = 0; j <= k; j++) s += values[i - (k - j) * stride];
        return s;
      });
      assertClose(tg.cumsum(x, axis).data(), ref, 1e-12, 1e-12, `cumsum ${JSON.stringify(shape)} axis ${axis}`);
      assertClose(x.cumsum(axis - shape.length).data(), ref, 1e-12, 1e-12, 'negative axis, method form');
    }
  }
  assert.is(tg.cumsum(tg.tensor(2.5, f64), 0).item(), 2.5);
  assert.equal(tg.cumsum(tg.zeros([2, 0], f64), 1).shape, [2, 0]);
  assert.throws(() => tg.cumsum(tg.ones([2, 3]), 2), /cumsum.*axis 2 is out of range/);
});

test('outer is a[i]·b[j] and refuses anything but two vectors', () => {
  const [a, b] = [[1, -2, 0.5], [3, 4]];
  assert.equal(tg.outer(tg.tensor(a, f64), tg.tensor(b, f64)).toArray(), a.map((u) => b.map((v) => u * v)));
  assert.equal(tg.tensor(a, f64).outer(tg.tensor(b, f64)).shape, [3, 2]);
  assert.throws(() => tg.outer(tg.ones([2, 2]), tg.ones([2])), /outer.*1-d.*\[2, 2\]/);
});

/** Σ over every assignment of the labels, for a reference einsum on small shapes. */
function einsumRef(inputs: string[], output: string, tensors: tg.Tensor[]): number[] {
  const sizes = new Map<string, number>();
  inputs.forEach((t, i) => [...t].forEach((l, k) => sizes.set(l, tensors[i].shape[k])));
  const labels = [...sizes.keys()];
  const data = tensors.map((t) => Array.from(t.data()));
  const outSize = [...output].reduce((n, l) => n * sizes.get(l)!, 1);
  const result = new Array<number>(outSize).fill(0);
  const at = (term: string, assign: Map<string, number>) => [...term].reduce((idx, l) => idx * sizes.get(l)! + assign.get(l)!, 0);
  const total = labels.reduce((n, l) => n * sizes.get(l)!, 1);
  for (let flat = 0; flat < total; flat++) {
    const assign = new Map<string, number>();
    let rest = flat;
    for (const l of [...labels].reverse()) {
      assign.set(l, rest % sizes.get(l)!);
      rest = Math.floor(rest / sizes.get(l)!);
    }
    result[at(output, assign)] += inputs.reduce((p, t, i) => p * data[i][at(t, assign)], 1);
  }
  return result;
}

test('einsum equals the sum over all index assignments', () => {
  const cases: [string, string[], string, number[][]][] = [
    ['ij,jk->ik', ['ij', 'jk'], 'ik', [[2, 3], [3, 4]]],
    ['bij,bjk->bik', ['bij', 'bjk'], 'bik', [[2, 2, 3], [2, 3, 2]]],
    ['ii->i', ['ii'], 'i', [[3, 3]]],
    ['ii', ['ii'], '', [[3, 3]]],
    ['ij->', ['ij'], '', [[2, 3]]],
    ['ijk,ik->j', ['ijk', 'ik'], 'j', [[2, 3, 2], [2, 2]]],
    ['ij,jk,kl->il', ['ij', 'jk', 'kl'], 'il', [[2, 3], [3, 2], [2, 4]]],
    ['ba,ca', ['ba', 'ca'], 'bc', [[2, 3], [4, 3]]],
    ['iij,jk->ki', ['iij', 'jk'], 'ki', [[3, 3, 2], [2, 2]]],
    ['i,i,i->', ['i', 'i', 'i'], '', [[4], [4], [4]]],
  ];
  for (const [equation, inputs, output, shapes] of cases) {
    const xs = shapes.map((s) => tg.randn(s, f64));
    assertClose(tg.einsum(equation, ...xs).data(), einsumRef(inputs, output, xs), 1e-12, 1e-12, equation);
  }
});

test("einsum: '...' and size-1 broadcasting, as torch.einsum", () => {
  const x = tg.randn([2, 3, 4, 5], f64);
  assert.equal(Array.from(tg.einsum('...ij->...ji', x).data()), Array.from(x.transpose(-1, -2).data()));
  const [a, b] = [tg.randn([2, 1, 3], f64), tg.randn([4, 3], f64)];
  assertClose(tg.einsum('...i,...i->...', a, b).data(), a.mul(b).sum(-1).data(), 1e-12, 1e-12, "'...i,...i->...' broadcasts [2, 1] with [4]");
  assert.equal(tg.einsum('...i,...i->...', a, b).shape, [2, 4]);
  assertClose(tg.einsum('ij,jk', tg.ones([2, 1], f64), tg.ones([3, 2], f64)).data(), new Array(4).fill(3), 0, 0, 'j of size 1 broadcasts against 3');
});

test('einsum refuses malformed equations, naming what is wrong', () => {
  const [m, v] = [tg.ones([2, 3]), tg.ones([3])];
  assert.throws(() => tg.einsum('ij,jk->ik', m), /einsum.*2 operand\(s\), got 1 tensor/);
  assert.throws(() => tg.einsum('ijk->i', m), /einsum.*operand 0 'ijk' has 3 subscripts.*rank 2/);
  assert.throws(() => tg.einsum('ij,j->ik', m, v), /einsum.*output subscript 'k' does not occur/);
  assert.throws(() => tg.einsum('ij->ii', m), /einsum.*'i' occurs twice/);
  assert.throws(() => tg.einsum('ij,ij->', m, tg.ones([2, 4])), /einsum.*subscript 'j' stands for axes of sizes 3 and 4 \(operand 1 is \[2, 4\]\)/);
  assert.throws(() => tg.einsum('i1->i', v), /einsum.*letters.*'1'/);
  assert.throws(() => tg.einsum('ii->i', m), /einsum.*subscript 'i' stands for axes of sizes 2 and 3/);
  assert.throws(() => tg.einsum('ii->i', tg.ones([1, 3])), /einsum.*'i' repeats on axes of sizes 1 and 3/);
  assert.throws(() => tg.einsum('i->i->i', v), /einsum.*more than one '->'/);
  assert.throws(() => tg.einsum(3 as unknown as string, v), /einsum.*equation must be a string, got number/);
  assert.throws(() => tg.einsum('i', [1, 2] as unknown as tg.Tensor), /einsum.*operand 0 must be a Tensor/);
  assert.throws(() => tg.einsum('i,i', v, tg.ones([3], f64)), /einsum.*dtypes differ/);
  assert.throws(() => tg.cumsum(tg.ones([2]), 0.5), /cumsum.*axis must be an integer/);
});

test.run();
