// The second-order property suite: every op the registry marks twice differentiable is
// gradgradchecked over fast-check draws in float64, and the registry is enumerated so that an op
// marked twice without a second-order check fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { GRADIENT_PROPERTIES } from './gradient_cases.js';
import { checkSecondOrderProperty } from './gradgrad_cases.js';

const twice = tg.listOps().filter((op) => op.twice && !op.custom);

test('100 % of the ops marked twice differentiable have a second-order property', () => {
  const missing = twice.filter((op) => !GRADIENT_PROPERTIES[op.name]).map((op) => op.name);
  assert.equal(missing, [], `twice-differentiable ops without a case: ${missing.join(', ')}`);
  assert.ok(twice.length > 0);
});

for (const op of twice) {
  test(`gradgradcheck: ${op.name} (${op.grad})`, () => checkSecondOrderProperty(op.name));
}

test.run();
