// The benchmarks' round-robin order (bench/timing.ts): every round runs each contender once, and
// over the rounds every contender follows every other, so a cost that recurs with the cycle (a
// garbage collection every few MB of fresh arrays) is not charged to one contender every time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LONG_RUN_MS, orderOf, quantile, roundRatios, timedRun } from '../../bench/timing.js';

/** How often each contender ran right after each other one within a round, over `rounds` rounds: [before][after]. */
function follows(order: (round: number) => number[], n: number, rounds: number): number[][] {
  const count = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let r = 0; r < rounds; r++) {
    const o = order(r);
    for (let k = 1; k < n; k++) count[o[k - 1]][o[k]]++;
  }
  return count;
}

/** Whether every contender ran right after every other one. */
const balanced = (count: number[][]) => count.every((row, a) => row.every((c, b) => a === b || c > 0));

test('orderOf: each round is a permutation, the same on every call', () => {
  for (const n of [1, 2, 3, 4, 7]) {
    for (let r = 0; r < 50; r++) {
      const order = orderOf(r, n);
      assert.equal([...order].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
      assert.equal(orderOf(r, n), order);
    }
  }
});

test('orderOf: over n rounds (2n for odd n) every contender runs right after every other one; a rotation does not', () => {
  for (const n of [2, 3, 4, 5, 6, 7, 8]) {
    const rounds = n % 2 ? 2 * n : n;
    assert.ok(balanced(follows((r) => orderOf(r, n), n, rounds)), `n = ${n}`);
    // the harness: the rotation bench/timing.ts used before runs each contender after one other only
    if (n >= 3) assert.not.ok(balanced(follows((r) => Array.from({ length: n }, (_, i) => (i + r) % n), n, rounds)), `rotation, n = ${n}`);
  }
});

test('roundRatios: the ratios of the runs of one round, their median and quartiles (numpy\'s linear rule) and the count at most the target', () => {
  const deu = [12, 13, 10, 15, 11], relu = [10, 10, 10, 10, 10];
  const r = roundRatios(deu, relu, 1.25);
  assert.equal(r.sorted, [1, 1.1, 1.2, 1.3, 1.5]);
  assert.ok(Math.abs(r.q1 - 1.1) < 1e-12 && Math.abs(r.q3 - 1.3) < 1e-12, `${r.q1} ${r.q3}`);
  assert.is(r.median, 1.2);
  assert.is(r.atMost, 3);
  // pairs by round, not by rank: sorting each list first would give other ratios
  assert.equal(roundRatios([2, 1], [1, 2], 1).sorted, [0.5, 2]);
  assert.ok(Math.abs(quantile([0, 10], 0.25) - 2.5) < 1e-12);
  assert.throws(() => roundRatios([1], [1, 2], 1), /two equal, non-empty lists/);
});

test('timedRun: after a run longer than LONG_RUN_MS, op runs twice and only the second run is timed; after a short one, once', () => {
  // a clock that advances 100 per reading, and an op that advances it by 7 on its first run and by 3 on the next
  const measure = (previousMs: number) => {
    let clock = 0, calls = 0;
    const took = timedRun(() => (clock += ++calls === 1 ? 7 : 3), previousMs, () => (clock += 100));
    return { calls, took };
  };
  assert.equal(measure(LONG_RUN_MS + 1), { calls: 2, took: 103 }, 'primed: the second run and one clock step');
  assert.equal(measure(LONG_RUN_MS), { calls: 1, took: 107 }, 'not primed: the first run');
  assert.equal(measure(0), { calls: 1, took: 107 });
});

test.run();
