// A test of the test harness: corrupt each primitive op's backward on purpose — its gradients
// scaled by 1.01, or dropped — and check that the gradient property suite goes red every time.
// Ops whose gradient is identically zero (floor, sign, ...) cannot be caught this way: a scaled
// or dropped zero is still zero; their exact zero is asserted in subgradients.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { setBackwardPerturbation } from '../../core/autograd.js';
import { checkGradientProperty } from './gradient_cases.js';

const primitives = tg.listOps().filter((op) => op.grad === 'primitive');

for (const mode of ['scale', 'drop'] as const) {
  test(`the suite catches every primitive backward ${mode === 'scale' ? 'scaled by 1.01' : 'dropped'}`, () => {
    const missed: string[] = [];
    for (const op of primitives) {
      setBackwardPerturbation({ op: op.name, mode });
      let caught = false;
      try {
        checkGradientProperty(op.name, { numRuns: 12 });
      } catch {
        caught = true;
      } finally {
        setBackwardPerturbation(null);
      }
      if (!caught) missed.push(op.name);
    }
    assert.equal(missed, [], `perturbations not caught: ${missed.join(', ')}`);
  });
}

test('with no perturbation the same properties pass (the harness is not always red)', () => {
  for (const op of primitives.slice(0, 5)) checkGradientProperty(op.name, { numRuns: 3 });
});

test.run();
