// What every benchmark measures with: the median, and round-robin timing of contenders (one run
// of each per round, the order rotating every round, the first `warmup` rounds discarded), so a
// drift of the shared machine affects every contender alike.

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

/** Run times in ms per contender name. */
export function roundRobin(contenders: readonly Timed[], warmup: number, runs: number): Map<string, number[]> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + round) % contenders.length];
      c.setup?.();
      const t0 = performance.now();
      c.op();
      const ms = performance.now() - t0;
      if (round >= warmup) times.get(c.name)!.push(ms);
    }
  }
  return times;
}
