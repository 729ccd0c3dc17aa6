// torch.einsum and torch.outer, composed from permute, reshape, expand, sum, mul and matmul, so
// their gradients come from the parts. einsum contracts its operands left to right, two at a
// time, each pair as one batched matmul [batch, free₁, summed]·[batch, summed, free₂]; a label
// repeated inside one operand takes that operand's diagonal (x·eye summed, as 'ii->i' reads),
// and a label that no later operand nor the output needs is summed out as early as possible.
import { eye } from '../core/creation.js';
import { fail, formatShape } from '../core/errors.js';
import { sizeOf } from '../core/shape.js';
import { tidy } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { mul } from './binary.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { registerOp } from './registry.js';
import { expand, permute, reshape, unsqueeze } from './shape.js';
import { checkCompatible, checkTensor } from './util.js';

registerOp('einsum', 'composite');
registerOp('outer', 'composite');

/** torch.outer: [n] ⊗ [m] → [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor('outer', 'a', a);
  checkTensor('outer', 'b', b);
  if (a.rank !== 1 || b.rank !== 1) fail('outer', `expected two 1-d tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  checkCompatible('outer', [a, b]);
  return tidy(() => mul(unsqueeze(a, 1), unsqueeze(b, 0)));
}

/** An operand during contraction: a tensor and one label per axis. */
interface Term { x: Tensor; labels: string[] }

/** Labels of one subscript, '...' expanded into ellipsis labels '.0', '.1', … aligned from the right. */
function parseTerm(term: string, rank: number | null, ellipsisRank: number, where: string): string[] {
  const parts = term.split('...');
  if (parts.length > 2) fail('einsum', `${where} has more than one '...': '${term}'`);
  for (const c of parts.join('')) if (!/[a-zA-Z]/.test(c)) fail('einsum', `subscripts are letters a–z, A–Z and '...', got '${c}' in ${where} '${term}'`);
  const letters = parts.map((p) => [...p]);
  if (parts.length === 1) {
    if (rank !== null && letters[0].length !== rank) fail('einsum', `${where} '${term}' has ${letters[0].length} subscripts for a tensor of shape of rank ${rank}`);
    return letters[0];
  }
  const covered = rank === null ? ellipsisRank : rank - letters[0].length - letters[1].length;
  if (covered < 0) fail('einsum', `${where} '${term}' has more subscripts than the tensor's ${rank} axes`);
  const dots = Array.from({ length: covered }, (_, j) => `.${ellipsisRank - covered + j}`);
  return [...letters[0], ...dots, ...letters[1]];
}

/** The operand's diagonal over every label it repeats. */
function diagonals(term: Term): Term {
  let { x, labels } = term;
  for (let q = labels.length - 1; q >= 0; q--) {
    const p = labels.indexOf(labels[q]);
    if (p === q) continue;
    if (x.shape[p] !== x.shape[q]) fail('einsum', `subscript '${labels[q]}' repeats on axes of sizes ${x.shape[p]} and ${x.shape[q]} in one operand ${formatShape(x.shape)}`);
    const maskShape = x.shape.map((d, i) => (i === p || i === q ? d : 1));
    x = sum(mul(x, reshape(eye(x.shape[p], x.shape[p], { dtype: x.dtype, backend: x.backend.name }), maskShape)), q);
    labels = labels.filter((_, i) => i !== q);
  }
  return { x, labels };
}

/** Sums out the labels nothing downstream needs. */
function sumUnneeded(term: Term, needed: Set<string>): Term {
  const axes = term.labels.flatMap((l, i) => (needed.has(l) ? [] : [i]));
  if (axes.length === 0) return term;
  return { x: sum(term.x, axes), labels: term.labels.filter((l) => needed.has(l)) };
}

/** Brings a term's axes into `order` (all of them), each expanded to the label's size. */
function arrange(term: Term, order: string[], sizes: Map<string, number>): Tensor {
  const x = permute(term.x, order.map((l) => term.labels.indexOf(l)));
  const shape = order.map((l) => sizes.get(l)!);
  return x.shape.every((d, i) => d === shape[i]) ? x : expand(x, shape);
}

function contract(a: Term, b: Term, keep: Set<string>, sizes: Map<string, number>): Term {
  const batch = a.labels.filter((l) => b.labels.includes(l) && keep.has(l));
  const summed = a.labels.filter((l) => b.labels.includes(l) && !keep.has(l));
  const freeA = a.labels.filter((l) => !b.labels.includes(l));
  const freeB = b.labels.filter((l) => !a.labels.includes(l));
  const size = (ls: string[]) => sizeOf(ls.map((l) => sizes.get(l)!));
  const x = reshape(arrange(a, [...batch, ...freeA, ...summed], sizes), [size(batch), size(freeA), size(summed)]);
  const y = reshape(arrange(b, [...batch, ...summed, ...freeB], sizes), [size(batch), size(summed), size(freeB)]);
  const labels = [...batch, ...freeA, ...freeB];
  return { x: reshape(matmul(x, y), labels.map((l) => sizes.get(l)!)), labels };
}

/**
 * torch.einsum: e.g. 'ij,jk->ik' (matmul), 'bij,bjk->bik', 'ii->i' (diagonal), 'ii' (trace),
 * 'i,j->ij' (outer), '...ij->...ji'. Without '->' the output is the ellipsis axes, then the
 * labels that occur once, in alphabetical order. Axes of size 1 broadcast against a label's size.
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (typeof equation !== 'string') fail('einsum', `the equation must be a string, got ${typeof equation}`);
  const flat = operands.length === 1 && Array.isArray(operands[0]) ? (operands[0] as unknown as Tensor[]) : operands;
  flat.forEach((t, i) => checkTensor('einsum', `operand ${i}`, t));
  if (flat.length === 0) fail('einsum', 'expected at least one operand');
  checkCompatible('einsum', flat);
  const [lhs, rhs, ...extra] = equation.replace(/\s/g, '').split('->');
  if (extra.length > 0) fail('einsum', `the equation has more than one '->': '${equation}'`);
  const inputs = lhs.split(',');
  if (inputs.length !== flat.length) fail('einsum', `the equation '${equation}' has ${inputs.length} operand(s), got ${flat.length} tensor(s)`);
  const ellipsisRank = Math.max(0, ...inputs.map((t, i) => (t.includes('...') ? flat[i].rank - t.replace('...', '').length : 0)));
  const labelled = inputs.map((t, i) => parseTerm(t, flat[i].rank, ellipsisRank, `operand ${i}`));
  const sizes = new Map<string, number>();
  labelled.forEach((labels, i) => labels.forEach((l, k) => {
    const [known, d] = [sizes.get(l), flat[i].shape[k]];
    if (known !== undefined && known !== d && known !== 1 && d !== 1) {
      fail('einsum', `subscript '${l.startsWith('.') ? '...' : l}' stands for axes of sizes ${known} and ${d} (operand ${i} is ${formatShape(flat[i].shape)}); they must be equal or 1`);
    }
    sizes.set(l, known === undefined || known === 1 ? d : known);
  }));
  const all = labelled.flat();
  const output = rhs !== undefined
    ? parseTerm(rhs, null, ellipsisRank, 'the output')
    : [...Array.from({ length: ellipsisRank }, (_, j) => `.${j}`), ...[...new Set(all)].filter((l) => !l.startsWith('.') && all.filter((m) => m === l).length === 1).sort()];
  for (const l of output) {
    if (!all.includes(l)) fail('einsum', `the output subscript '${l}' does not occur in any operand of '${equation}'`);
    if (output.indexOf(l) !== output.lastIndexOf(l)) fail('einsum', `the output subscript '${l}' occurs twice in '${equation}'`);
  }
  return tidy(() => {
    const neededAfter = (i: number) => new Set([...output, ...labelled.slice(i + 1).flat()]);
    let acc = sumUnneeded(diagonals({ x: flat[0], labels: labelled[0] }), new Set([...neededAfter(0)]));
    for (let i = 1; i < flat.length; i++) {
      const next = diagonals({ x: flat[i], labels: labelled[i] });
      const keep = neededAfter(i);
      // a label only one side has, and nobody after needs, is summed before the matmul
      acc = sumUnneeded(acc, new Set([...keep, ...next.labels]));
      const b = sumUnneeded(next, new Set([...keep, ...acc.labels]));
      acc = contract(acc, b, keep, sizes);
    }
    return arrange(acc, output, sizes);
  });
}
