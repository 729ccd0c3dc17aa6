// A test of the second-order suite: corrupt each second-order rule on purpose — every entry that
// a twice-differentiable op's backward records under createGraph (mulGradA, expGrad, sliceGrad,
// the matmuls of matmul's backward, ...) has its gradients scaled by 1.01 or dropped, for that
// op's entries only — and check that the op's gradgradcheck property goes red every time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { setBackwardPerturbation, traceSecondOrderRules } from '../../core/autograd.js';
import { checkSecondOrderProperty } from './gradgrad_cases.js';

// enough draws that every rule is exercised on a nonempty tensor with a nonzero gradient (fast-check's
// doubles cluster near 0, so a rule active above a threshold needs a few draws)
const RUNS = { numRuns: 20, seed: 5 };
// ops whose backward is the identity (g itself): nothing recorded, nothing to perturb
const IDENTITY_BACKWARD = new Set(['clone']);
const primitives = tg.listOps().filter((op) => op.grad === 'primitive' && op.twice && !op.custom);

// the second-order rules each op's backward records, traced on the very draws perturbed below
const rules = new Map<string, string[]>();
test('tracing: the backward of every twice-differentiable primitive (with a nonzero gradient) records rules', () => {
  const none: string[] = [];
  for (const op of primitives) {
    const trace = traceSecondOrderRules(true)!;
    try {
      checkSecondOrderProperty(op.name, RUNS);
    } finally {
      traceSecondOrderRules(false);
    }
    const names = [...(trace.get(op.name) ?? [])];
    if (names.length === 0 && !IDENTITY_BACKWARD.has(op.name)) none.push(op.name);
    rules.set(op.name, names);
  }
  assert.equal(none, [], `no recorded second-order rule: ${none.join(', ')}`);
});

for (const mode of ['scale', 'drop'] as const) {
  test(`the second-order suite catches every second-order rule ${mode === 'scale' ? 'scaled by 1.01' : 'dropped'}`, () => {
    const missed: string[] = [];
    let count = 0;
    for (const [op, names] of rules) {
      for (const rule of names) {
        count++;
        setBackwardPerturbation({ op: rule, mode, within: op });
        let caught = false;
        try {
          checkSecondOrderProperty(op, RUNS);
        } catch {
          caught = true;
        } finally {
          setBackwardPerturbation(null);
        }
        if (!caught) missed.push(`${rule} (in ${op}'s backward)`);
      }
    }
    assert.ok(count >= primitives.length, `only ${count} rules perturbed`);
    assert.equal(missed, [], `perturbations not caught: ${missed.join(', ')}`);
  });
}

test('the perturbation reaches second-order rules only: first-order gradcheck stays green', () => {
  setBackwardPerturbation({ op: 'expGrad', mode: 'scale', within: 'exp' });
  try {
    const x = tg.tensor(Float64Array.from([0.3, -0.7]), { dtype: 'float64', requiresGrad: true });
    assert.ok(tg.gradcheck((t) => t.exp(), [x]).ok);
    assert.is(tg.gradgradcheck((t) => t.exp(), [x], { raiseException: false }).ok, false);
  } finally {
    setBackwardPerturbation(null);
  }
});

test.run();
