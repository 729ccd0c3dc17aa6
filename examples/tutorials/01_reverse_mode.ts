// Tutorial 1 — reverse mode in 60 lines.          npx tsx examples/tutorials/01_reverse_mode.ts
// We build y = tanh(w·x + b) on a tape of our own, walk it backwards, and compare with tg.grad.
import * as tg from '../../index.js';
import { check } from './check.js';

// A tape is the list of operations in the order the forward pass ran them. Each entry keeps its
// inputs and a `backward`: given ∂y/∂output, it returns ∂y/∂input for each input (the local
// chain rule). Nothing else is needed: no graph library, no symbolic algebra.
interface Value { value: number; grad: number }
interface Entry { output: Value; inputs: Value[]; backward: (g: number) => number[] }
const tape: Entry[] = [];
const leaf = (value: number): Value => ({ value, grad: 0 });
function record(value: number, inputs: Value[], backward: (g: number) => number[]): Value {
  const output = leaf(value);
  tape.push({ output, inputs, backward });
  return output;
}
const mul = (a: Value, b: Value) => record(a.value * b.value, [a, b], (g) => [g * b.value, g * a.value]);
const add = (a: Value, b: Value) => record(a.value + b.value, [a, b], (g) => [g, g]);
const tanh = (a: Value) => {
  const y = Math.tanh(a.value); // saved for backward: tanh' = 1 − tanh²
  return record(y, [a], (g) => [g * (1 - y * y)]);
};

// Reverse mode: seed ∂y/∂y = 1 and visit the entries newest first, so every value's gradient is
// complete (all its consumers have reported) before it is passed on. `+=` because a value used
// twice receives a gradient from each use.
function backward(root: Value): void {
  root.grad = 1;
  for (let i = tape.length - 1; i >= 0; i--) {
    const { output, inputs, backward: rule } = tape[i];
    rule(output.grad).forEach((g, k) => (inputs[k].grad += g));
  }
}

const [w, x, b] = [leaf(0.7), leaf(1.5), leaf(-0.2)];
const y = tanh(add(mul(w, x), b)); // three entries: mul, add, tanh
backward(y);
console.log(`our tape: ${tape.length} entries, y = ${y.value.toFixed(6)}, ∂y/∂(w, x, b) = ${[w, x, b].map((v) => v.grad.toFixed(6)).join(', ')}`);

// The chain rule written out: y = tanh(u), u = w·x + b, so ∂y/∂w = (1 − y²)·x, ∂y/∂b = 1 − y².
check('∂y/∂w = (1 − y²)·x', Math.abs(w.grad - (1 - y.value ** 2) * 1.5) < 1e-15);
check('∂y/∂b = 1 − y²', Math.abs(b.grad - (1 - y.value ** 2)) < 1e-15);

// tapegrad does the same with tensors: every op records one entry; tg.grad walks them backwards.
const [tw, tx, tb] = [0.7, 1.5, -0.2].map((v) => tg.tensor(v, { dtype: 'float64', requiresGrad: true }));
const ty = tw.mul(tx).add(tb).tanh();
const grads = tg.grad(ty, [tw, tx, tb]).map((g) => g!.item());
check('tg.grad agrees with our tape to 1e-15', grads.every((g, i) => Math.abs(g - [w, x, b][i].grad) < 1e-15));

// A value used twice: z = x·x + x, so ∂z/∂x = 2x + 1 — the `+=` at work, in both implementations.
tape.length = 0;
const x2 = leaf(1.5);
backward(add(mul(x2, x2), x2));
const tx2 = tg.tensor(1.5, { dtype: 'float64', requiresGrad: true });
const [gz] = tg.grad(tx2.mul(tx2).add(tx2), [tx2]);
check('a reused value sums its gradients: ∂(x·x + x)/∂x = 2x + 1 = 4', x2.grad === 4 && gz!.item() === 4);

// And the check every op in tapegrad passes: central differences (y(v + ε) − y(v − ε)) / 2ε.
const report = tg.gradcheck((w, x, b) => w.mul(x).add(b).tanh(), [tw, tx, tb]);
check(`gradcheck of tanh(w·x + b): ${report.message}`, report.ok);
