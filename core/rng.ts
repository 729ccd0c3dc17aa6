// One seeded generator for every random draw, so `manualSeed(n)` makes a whole run reproducible.
// Draws happen on the host and are uploaded, hence identical on every backend.
// The generator is sfc32 (Chris Doty-Humphrey's small fast counter), seeded through splitmix32.
// A piece of work that must not share the global stream (a fit() run, while another one is in
// flight) installs a generator of its own for its synchronous steps with withGenerator.
import { checkInteger, fail } from './errors.js';

export class Generator {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  seed(seed: number): void {
    checkInteger('manualSeed', 'seed', seed);
    let s = seed >>> 0;
    // the high bits go into the state too, so seeds that differ only above bit 31 stay distinct
    const high = Math.floor(seed / 4294967296) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next() ^ high;
    this.c = next();
    this.d = next();
    this.spareNormal = null;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The generator's whole state (as torch.get_rng_state): saved with checkpoints to resume runs exactly. */
  getState(): { a: number; b: number; c: number; d: number; spareNormal: number | null } {
    return { a: this.a, b: this.b, c: this.c, d: this.d, spareNormal: this.spareNormal };
  }

  /** Restores a state from getState (validated by the caller that read it from a file). */
  setState(state: { a: number; b: number; c: number; d: number; spareNormal: number | null }): void {
    this.a = state.a | 0;
    this.b = state.b | 0;
    this.c = state.c | 0;
    this.d = state.d | 0;
    this.spareNormal = state.spareNormal;
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by the Box–Muller transform (both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer uniform in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }
}

export const defaultGenerator = new Generator(0);

let current: Generator = defaultGenerator;

/** The generator draws come from now: the global one, or the one withGenerator installed. */
export function currentGenerator(): Generator {
  return current;
}

/**
 * Runs fn with every draw (rand, randn, dropout masks, RReLU slopes, RPAU noise) taken from
 * `generator` instead of the global one. fn must be synchronous: a generator installed across an
 * await would also serve whatever else runs meanwhile, which is what this exists to prevent.
 */
export function withGenerator<T>(generator: Generator, fn: () => T): T {
  if (!(generator instanceof Generator)) fail('withGenerator', `expected a Generator, got ${String(generator)}`);
  const previous = current;
  current = generator;
  let result: T;
  try {
    result = fn();
  } finally {
    current = previous;
  }
  const then = (result as { then?: unknown } | null)?.then;
  if (typeof then === 'function') fail('withGenerator', 'fn returned a Promise (an async function?); the generator serves only synchronous work: call withGenerator for each step between the awaits');
  return result;
}

/** Reseeds the global generator behind rand, randn, randint and every random initialisation. */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}
