// The diabetes regression set of Efron et al. (2004), as scikit-learn's load_diabetes: 442
// patients, 10 baseline features (age, sex, bmi, bp, s1…s6), target = disease progression after
// one year. It ships inside the package (data/diabetes_raw.ts, unscaled), so it needs no file
// system and works in a browser too; the scaling is computed here, in float64, as sklearn does.
import { allocArray, type DType } from '../core/dtype.js';
import { checkOptions, fail } from '../core/errors.js';
import { parseNumericCsv } from './csv.js';
import { makeDataset, type RegressionDataset } from './dataset.js';
import { DIABETES_CSV } from './diabetes_raw.js';

export const DIABETES_FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'] as const;

export interface DiabetesOptions {
  /**
   * sklearn's default (true): each feature column centred and divided by its L2 norm, i.e. by
   * std·√n, so every column's sum of squares is 1. false gives the raw measurements.
   */
  scaled?: boolean;
  dtype?: DType;
}

/** x [442, 10], y [442, 1] (the target as a column, matching a Linear(…, 1) output). */
export function loadDiabetes(options: DiabetesOptions = {}): RegressionDataset {
  checkOptions('loadDiabetes', options, ['scaled', 'dtype']);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') fail('loadDiabetes', `dtype must be 'float32' or 'float64', got ${String(dtype)}`);
  const { rows } = parseNumericCsv(DIABETES_CSV, { header: true, name: 'diabetes_raw' });
  const n = rows.length;
  const columns = DIABETES_FEATURES.map((_, j) => rows.map((row) => row[j]));
  const features = options.scaled === false ? columns : columns.map(unitNorm);
  const x = allocArray(dtype, n * 10);
  features.forEach((column, j) => column.forEach((v, i) => (x[i * 10 + j] = v)));
  const y = allocArray(dtype, n);
  rows.forEach((row, i) => (y[i] = row[10]));
  return makeDataset({ x, sampleShape: [10], y, targetShape: [1] });
}

// sklearn: scale() (centre, divide by the population std) then divide by √n; same as dividing
// the centred column by its L2 norm.
function unitNorm(column: number[]): number[] {
  const mean = column.reduce((a, b) => a + b, 0) / column.length;
  const centred = column.map((v) => v - mean);
  const norm = Math.sqrt(centred.reduce((a, v) => a + v * v, 0));
  return centred.map((v) => v / norm);
}
