// Toy sets of the DEU paper and the classic two spirals, drawn from a seeded Generator (never
// Math.random), so the same seed gives the same points on every machine and backend.
// The paper gives no sampling interval or noise for its regression curves; the defaults below
// are ours (specs/deu.md §5.2), and every one of them can be passed explicitly.
import { allocArray, type DType } from '../core/dtype.js';
import { checkFinite, checkInteger, checkOptions, fail } from '../core/errors.js';
import { checkElementCount } from '../core/shape.js';
import { Generator } from '../core/rng.js';
import { type ClassificationDataset, makeDataset, type RegressionDataset } from './dataset.js';
import { shuffleInPlace } from './random.js';

interface Common {
  /** Number of samples. */
  n?: number;
  seed?: number;
  dtype?: DType;
}

export interface CirclesOptions extends Common {
  /** Inner radius as a fraction of the outer radius 1 (sklearn's factor). */
  factor?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise?: number;
}

/**
 * Two nested noisy circles (DEU figure 1), as sklearn's make_circles, which the DEU reference
 * code calls with n = 500, factor = 0.5, noise = 0.05 (our defaults): ⌊n/2⌋ points evenly spaced
 * on the outer circle (class 0), the rest on the inner one (class 1), then noise, then a
 * seeded shuffle (the reference trains on the first 100 points, so order matters).
 */
export function circles(options: CirclesOptions = {}): ClassificationDataset {
  const fn = 'circles';
  const { n, seed, dtype } = common(fn, checkOptions(fn, options, ['n', 'seed', 'dtype', 'factor', 'noise']), 500);
  const factor = checkFinite(fn, 'factor', options.factor ?? 0.5);
  if (factor <= 0 || factor >= 1) fail(fn, `factor must be in (0, 1), got ${factor}`);
  const noise = checkNoise(fn, options.noise ?? 0.05);
  const rng = new Generator(seed);
  const outer = Math.floor(n / 2);
  const points: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const onOuter = i < outer;
    const count = onOuter ? outer : n - outer;
    const angle = (2 * Math.PI * (onOuter ? i : i - outer)) / count;
    const r = onOuter ? 1 : factor;
    points.push([r * Math.cos(angle) + noise * rng.normal(), r * Math.sin(angle) + noise * rng.normal(), onOuter ? 0 : 1]);
  }
  return classification(shuffleInPlace(points, rng), dtype);
}

export interface SpiralsOptions extends Common {
  /** How many half-turns each arm makes (the radius grows linearly with the angle). */
  turns?: number;
  noise?: number;
}

/** Two interleaved spirals, n/2 points each, radius from 0 to 1; class = arm. */
export function spirals(options: SpiralsOptions = {}): ClassificationDataset {
  const fn = 'spirals';
  const { n, seed, dtype } = common(fn, checkOptions(fn, options, ['n', 'seed', 'dtype', 'turns', 'noise']), 200);
  const turns = checkFinite(fn, 'turns', options.turns ?? 2);
  if (turns <= 0) fail(fn, `turns must be positive, got ${turns}`);
  const noise = checkNoise(fn, options.noise ?? 0.02);
  const rng = new Generator(seed);
  const half = Math.floor(n / 2);
  const points: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const arm = i < half ? 0 : 1;
    const k = arm === 0 ? i : i - half;
    const r = (k + 0.5) / (arm === 0 ? half : n - half);
    const angle = r * turns * Math.PI + arm * Math.PI;
    points.push([r * Math.cos(angle) + noise * rng.normal(), r * Math.sin(angle) + noise * rng.normal(), arm]);
  }
  return classification(shuffleInPlace(points, rng), dtype);
}

export interface CurveOptions extends Common {
  /** The interval t is drawn from; [−6, 6] by default. */
  range?: [number, number];
  /** 'uniform': t drawn at random from the range; 'grid': n evenly spaced t, ends included. */
  sampling?: 'uniform' | 'grid';
  /** Standard deviation of Gaussian noise added to y (0 by default: the paper fits the curve). */
  noise?: number;
}

/** y = sin t: the curve the DEU paper's single ReLU-initialised DEU learns to become. */
export function sine(options: CurveOptions = {}): RegressionDataset {
  return curve('sine', Math.sin, options);
}

/** The DEU paper's figure 2: y = (sin t − cos(2t)²)/2 + 4(1 + arccos(sin(t/2)))/3. */
export function challengingFunction(t: number): number {
  return (Math.sin(t) - Math.cos(2 * t) ** 2) / 2 + (4 * (1 + Math.acos(Math.sin(t / 2)))) / 3;
}

/** Samples of challengingFunction (DEU figure 2). */
export function challenging(options: CurveOptions = {}): RegressionDataset {
  return curve('challenging', challengingFunction, options);
}

/** x [n, 1] = t, y [n, 1] = f(t) + noise. */
function curve(fn: string, f: (t: number) => number, options: CurveOptions): RegressionDataset {
  const { n, seed, dtype } = common(fn, checkOptions(fn, options, ['n', 'seed', 'dtype', 'range', 'sampling', 'noise']), 256);
  const [lo, hi] = options.range ?? [-6, 6];
  checkFinite(fn, 'range[0]', lo);
  checkFinite(fn, 'range[1]', hi);
  if (!(lo < hi)) fail(fn, `range must be [low, high] with low < high, got [${lo}, ${hi}]`);
  const sampling = options.sampling ?? 'uniform';
  if (sampling !== 'uniform' && sampling !== 'grid') fail(fn, `sampling must be 'uniform' or 'grid', got ${String(sampling)}`);
  const noise = checkNoise(fn, options.noise ?? 0);
  const rng = new Generator(seed);
  const x = allocArray(dtype, n);
  const y = allocArray(dtype, n);
  for (let i = 0; i < n; i++) {
    const t = sampling === 'grid' ? (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)) : lo + (hi - lo) * rng.uniform();
    x[i] = t;
    y[i] = f(t) + (noise > 0 ? noise * rng.normal() : 0);
  }
  return makeDataset({ x, sampleShape: [1], y, targetShape: [1] });
}

function common(fn: string, options: Common, defaultN: number): { n: number; seed: number; dtype: DType } {
  const n = checkInteger(fn, 'n', options.n ?? defaultN);
  if (n < 2) fail(fn, `n must be at least 2, got ${n}`);
  checkElementCount(fn, 2 * n, `n = ${n} (two values per sample)`);
  const seed = checkInteger(fn, 'seed', options.seed ?? 0);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') fail(fn, `dtype must be 'float32' or 'float64', got ${String(dtype)}`);
  return { n, seed, dtype };
}

function checkNoise(fn: string, noise: number): number {
  checkFinite(fn, 'noise', noise);
  if (noise < 0) fail(fn, `noise must be non-negative, got ${noise}`);
  return noise;
}

function classification(points: [number, number, number][], dtype: DType): ClassificationDataset {
  const x = allocArray(dtype, points.length * 2);
  const y = allocArray(dtype, points.length);
  points.forEach(([a, b, label], i) => {
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = label;
  });
  return makeDataset({ x, sampleShape: [2], y, classes: 2 });
}
