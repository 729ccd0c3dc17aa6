// defineUnary: a user's scalar function and gradient rule become an op like the built-in
// activations (one tape entry, CPU kernel from the function, listOps, gradcheckUnary over the
// domain away from kinks); a function the GPU could not compile alone is refused by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertClose, assertThrows } from '../helpers.js';

const f64 = (values: number[], requiresGrad = true) => tg.tensor(values, { dtype: 'float64', requiresGrad });

test('a defined unary op computes f, records one entry and backpropagates grad', () => {
  const bent = tg.defineUnary({
    name: 'bentIdentity',
    f: (x) => (Math.sqrt(x * x + 1) - 1) / 2 + x,
    grad: (g, x) => g * (x / (2 * Math.sqrt(x * x + 1)) + 1),
  });
  const x = f64([-2, 0, 3]);
  const y = bent(x);
  assert.is(y.entry?.op, 'bentIdentity');
  assertClose(y.data(), [-2, 0, 3].map((v) => (Math.sqrt(v * v + 1) - 1) / 2 + v), 0, 1e-15);
  y.sum().backward();
  assertClose(x.grad!.data(), [-2, 0, 3].map((v) => v / (2 * Math.sqrt(v * v + 1)) + 1), 0, 1e-15);
  assert.ok(tg.gradcheckUnary(bent).ok);
  // float32 in, float32 out
  assert.is(bent(tg.tensor([1, 2])).dtype, 'float32');
  const info = tg.listOps().find((op) => op.name === 'bentIdentity');
  assert.equal(info, { name: 'bentIdentity', grad: 'primitive', twice: false, custom: true });
});

test('parameters: defaults from params, overridden per call; y is passed to grad', () => {
  const scaledExp = tg.defineUnary({
    name: 'scaledExp',
    f: (x, a) => a * Math.exp(x),
    grad: (g, x, y) => g * y, // d/dx a·eˣ = y
    params: [2],
    domain: [-2, 2],
  });
  assertClose(scaledExp(f64([0, 1])).data(), [2, 2 * Math.E], 0, 1e-15);
  assertClose(scaledExp(f64([0]), 0.5).data(), [0.5], 0, 0);
  assert.ok(tg.gradcheckUnary(scaledExp, { params: [-3] }).ok);
  assertThrows(() => scaledExp(f64([0]), 1, 2), 'scaledExp', 'takes 1 parameter(s) after x, got 2');
});

test('gradcheckUnary catches a wrong gradient rule, and skips the kinks it is told of', () => {
  const wrong = tg.defineUnary({ name: 'wrongSquare', f: (x) => x * x, grad: (g, x) => g * x });
  assertThrows(() => tg.gradcheckUnary(wrong), 'gradcheck');
  // |x| has no derivative at 0: with the kink declared, gradcheck passes; the subgradient 0 at 0 is never probed
  const absolute = tg.defineUnary({ name: 'myAbs', f: (x) => Math.abs(x), grad: (g, x) => (x > 0 ? g : x < 0 ? -g : 0), kinks: [0], domain: [-1, 1] });
  assert.ok(tg.gradcheckUnary(absolute, { points: 9 }).ok);
});

test('definitions the GPU backend could not compile, or that are malformed, fail by name', () => {
  const k = 3;
  assertThrows(() => tg.defineUnary({ name: 'closure', f: (x) => k * x, grad: (g) => g * 3 }), "defineUnary 'closure'", 'f uses something other than its arguments', 'k is not defined');
  assertThrows(() => tg.defineUnary({ name: 'closureGrad', f: (x) => 3 * x, grad: (g) => g * k }), "defineUnary 'closureGrad'", 'grad uses something other');
  assertThrows(() => tg.defineUnary({ name: 'relu', f: (x) => x, grad: (g) => g }), 'defineUnary', "'relu' is the name of a built-in op");
  assertThrows(() => tg.defineUnary({ name: 'no grad', f: (x) => x, grad: (g) => g }), 'defineUnary', 'name must be an identifier');
  assertThrows(() => tg.defineUnary({ name: 'noGradRule', f: (x: number) => x } as never), "defineUnary 'noGradRule'", 'grad must be a function');
  assertThrows(() => tg.defineUnary({ name: 'badDomain', f: (x) => x, grad: (g) => g, domain: [1, -1] }), "defineUnary 'badDomain'", 'lo < hi');
  assertThrows(() => tg.defineUnary({ name: 'missingParam', f: (x, a) => a * x, grad: (g, x, y, a) => a * g }), "defineUnary 'missingParam'", 'params must give their default values');
  assertThrows(() => tg.defineUnary({ name: 'notNumber', f: (x) => String(x) as unknown as number, grad: (g) => g }), "defineUnary 'notNumber'", 'must return a number, got string');
});

test('method shorthand and function expressions are accepted, as the GPU backend accepts them', () => {
  const table = {
    f(x: number) {
      return x * x * x;
    },
    grad: function (g: number, x: number) {
      return 3 * g * x * x;
    },
  };
  const cubed = tg.defineUnary({ name: 'cubedShorthand', f: table.f, grad: table.grad });
  assert.ok(tg.gradcheckUnary(cubed).ok);
});

test.run();
