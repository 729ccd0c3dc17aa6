// What every benchmark measures with: the median, and round-robin timing of contenders (one run
// of each per round, in an order that changes every round, the first `warmup` rounds discarded), so
// a drift of the shared machine affects every contender alike.

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export interface Timed {
  name: string;
  op: () => unknown;
  /** Runs before every run of op, untimed (e.g. to restore the state op starts from). */
  setup?: () => void;
}

/**
 * The order of n contenders in round r: the rows of a balanced Latin square (Williams' design, as
 * crossover trials use against carryover), 0, 1, n−1, 2, n−2, … shifted by r, and for odd n
 * reversed in every other block of n rounds. Over n rounds (2n for odd n) each contender runs
 * right after each other one. A rotation of one fixed order (r, r + 1, …) would keep each
 * contender's predecessor the same in every round, so a cost that recurs with the cycle — V8's
 * garbage collection after every few MB of fresh arrays, a freed buffer the next allocation
 * reuses — would fall on the same contender every time.
 */
export function orderOf(round: number, n: number): number[] {
  const shift = round % n;
  const row = Array.from({ length: n }, (_, k) => ((k % 2 ? (k + 1) / 2 : n - k / 2) % n + shift) % n);
  return n % 2 === 1 && Math.floor(round / n) % 2 === 1 ? row.reverse() : row;
}

/** A run longer than this (ms) leaves the host slow for whatever runs next: see timedRun. */
export const LONG_RUN_MS = 1000;

/**
 * The time of one run of op, in ms; when the run before it (another contender's) took more than
 * LONG_RUN_MS, after an untimed run of op first. On this shared host a core that has waited, or
 * run other code, for seconds comes back slow: a LeNet-5 step right after a 2-s pause took
 * 80–130 ms against 25 ms in a loop of its own, on one thread as on two, and bench/nn.ts times
 * tfjs-cpu's 4-s LeNet-5 step before it. Priming charges that wake-up to nobody; runs after short
 * ones are timed as they come. `now` is for the tests.
 */
export function timedRun(op: () => unknown, previousMs: number, now: () => number = () => performance.now()): number {
  if (previousMs > LONG_RUN_MS) op();
  const t0 = now();
  op();
  return now() - t0;
}

/** Run times in ms per contender name. */
export function roundRobin(contenders: readonly Timed[], warmup: number, runs: number): Map<string, number[]> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const i of orderOf(round, contenders.length)) {
      const c = contenders[i];
      c.setup?.();
      const t0 = performance.now();
      c.op();
      const ms = performance.now() - t0;
      if (round >= warmup) times.get(c.name)!.push(ms);
    }
  }
  return times;
}

/**
 * How a ratio of two contenders' medians moves with the machine within one run: the ratios a[i]/b[i]
 * of the rounds (roundRobin's arrays: run i of each was in round i), sorted, with their quartiles
 * and how many are at most `target`. A ratio of medians a few percent from a target says little
 * when the rounds' ratios spread over twice that.
 */
export interface RoundRatios {
  sorted: number[];
  q1: number;
  median: number;
  q3: number;
  atMost: number;
}
export function roundRatios(a: readonly number[], b: readonly number[], target: number): RoundRatios {
  if (a.length !== b.length || a.length === 0) throw new Error(`roundRatios: expected two equal, non-empty lists of run times, got ${a.length} and ${b.length}`);
  const sorted = a.map((x, i) => x / b[i]).sort((x, y) => x - y);
  return { sorted, q1: quantile(sorted, 0.25), median: quantile(sorted, 0.5), q3: quantile(sorted, 0.75), atMost: sorted.filter((r) => r <= target).length };
}

/** The q-quantile of sorted values, linear between neighbouring ranks (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q, lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}
