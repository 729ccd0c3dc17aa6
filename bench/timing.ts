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
