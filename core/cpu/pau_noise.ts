// RPAU's noise (specs/pau.md §3.3): every coefficient of every element gets its own uniform draw.
// Storing ten draws per activation for the backward pass would cost ten times the activation's
// memory, so the draws come from a counter-based generator instead: a hash of (key, element,
// coefficient). The backward pass calls the same hash with the same key and gets the same
// numbers back: "replayed", not stored. The key is drawn once per forward call from the seeded
// generator (core/rng.ts), so manualSeed(n) reproduces a whole run.
//
// Only 32-bit integer multiplies, xors and shifts: a GPU kernel can compute the same bits.

/** lowbias32 (Chris Wellons' hash prospector): a bijection on 32-bit integers with good avalanche. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const GOLDEN = 0x9e3779b9; // keeps a zero input from hashing to zero

/** The hash of (key, element), the first two of noiseUniform's three rounds (shared by an element's coefficients). */
export function elementHash(key: number, element: number): number {
  const h = mix32((key + GOLDEN) | 0);
  return mix32((h ^ element) + GOLDEN | 0);
}

/** The last round: u for one coefficient of the element whose elementHash is h. */
export function coefficientUniform(h: number, coefficient: number): number {
  return mix32((h ^ coefficient) + GOLDEN | 0) / 4294967296;
}

/** u ∈ [0, 1) with 32 random bits, a pure function of its three integer arguments. */
export function noiseUniform(key: number, element: number, coefficient: number): number {
  return coefficientUniform(elementHash(key, element), coefficient);
}

/** The multiplicative factor 1 − α + 2α·u, uniform in [1 − α, 1 + α). */
export function noiseFactor(alpha: number, key: number, element: number, coefficient: number): number {
  return 1 - alpha + 2 * alpha * noiseUniform(key, element, coefficient);
}
