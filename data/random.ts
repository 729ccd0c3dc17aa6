// Seeded randomness for data pipelines: independent streams derived from one user seed, so
// shuffling and augmentation of epoch k can be replayed alone (resuming a run at epoch k).
import type { Generator } from '../core/rng.js';

/** A 32-bit seed for (seed, ...parts), e.g. (seed, epoch, stream): a murmur3-style mix. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  // the seed's high bits are folded in too, so seeds ≥ 2³² stay distinct
  let h = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x27d4eb2d);
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593) ^ 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Fisher–Yates, in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(items: T, rng: Generator): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.integer(0, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
