// The loop state: everything besides the weights and the optimizer that a resumed run needs to
// continue exactly where an uninterrupted run would be. Weights and optimizer live in the
// epoch's safetensors file (nn/checkpoint.ts); this JSON file names it and adds
//   epoch       epochs completed
//   history     their records
//   scheduler   the LR scheduler's state dict (null without one)
//   rng         the run's own generator (dropout, RReLU, RPAU noise; fit.ts)
//   loaders     the loaders' epoch counters, which fix each epoch's shuffle and augmentation
//   seed        the training loader's seed: resuming with another would silently change the data order
// A file written by another program, or by a future format, is refused field by field.
import { fail } from '../../core/errors.js';
import { parseJsonText } from '../../nn/json_text.js';
import type { SchedulerStateDict } from '../../optim/lr_scheduler.js';
import type { EpochRecord } from './records.js';
import { checkRngState, type RngState } from './rng_state.js';

export const LOOP_STATE_FORMAT = 'tapegrad.fit.loop_state';
export const LOOP_STATE_VERSION = 1;

export interface LoopState {
  format: typeof LOOP_STATE_FORMAT;
  version: number;
  epoch: number;
  /** The safetensors file with this epoch's model and optimizer, relative to this file's folder. */
  checkpoint: string;
  history: EpochRecord[];
  scheduler: SchedulerStateDict | null;
  rng: RngState;
  loaders: { train: number; test: number | null };
  seed: number;
}

/**
 * A name that stays in its folder: no separator, not '.' or '..'. A run's pointers (latest.json,
 * a loop state's checkpoint) are such names, so a crafted file cannot send a resume elsewhere.
 */
export function isPlainFileName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && name.length <= 255;
}

/** epoch-0003.safetensors and epoch-0003.json: sortable names, one pair per epoch. */
export function epochFileNames(epoch: number): { checkpoint: string; loopState: string } {
  const stem = `epoch-${String(epoch).padStart(4, '0')}`;
  return { checkpoint: `${stem}.safetensors`, loopState: `${stem}.json` };
}

/** Parses and validates a loop-state file's text; every error names the file and the field. */
export function parseLoopState(fn: string, file: string, text: string): LoopState {
  const raw = parseJsonText(fn, `loop-state file ${file}`, text);
  type Bad = (field: string, expected: string, got: unknown) => never; // annotated, so TypeScript narrows after a call
  const bad: Bad = (field, expected, got) =>
    fail(fn, `loop-state file ${file}: field '${field}' must be ${expected}, got ${JSON.stringify(got)}`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('(root)', 'an object', raw);
  const s = raw as Record<string, unknown>;
  if (s.format !== LOOP_STATE_FORMAT) bad('format', `'${LOOP_STATE_FORMAT}'`, s.format);
  if (s.version !== LOOP_STATE_VERSION) bad('version', `${LOOP_STATE_VERSION} (the version this tapegrad reads)`, s.version);
  const count = (field: string, value: unknown, min: number) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) bad(field, `an integer ≥ ${min}`, value);
    return value as number;
  };
  const epoch = count('epoch', s.epoch, 1);
  if (!isPlainFileName(s.checkpoint)) bad('checkpoint', 'the name of a file in the same folder', s.checkpoint);
  if (!Array.isArray(s.history) || s.history.length !== epoch) bad('history', `an array of ${epoch} epoch records`, s.history);
  const history = (s.history as unknown[]).map((r, i) => checkEpochRecord(bad, `history[${i}]`, r, i + 1));
  if (s.scheduler !== null && (typeof s.scheduler !== 'object' || Array.isArray(s.scheduler))) bad('scheduler', 'a scheduler state dict or null', s.scheduler);
  const rng = checkRngState(fn, `loop-state file ${file}: field 'rng'`, s.rng);
  const loaders = s.loaders as Record<string, unknown> | null;
  if (loaders === null || typeof loaders !== 'object') bad('loaders', 'an object {train, test}', loaders);
  const train = count('loaders.train', loaders.train, 0);
  const test = loaders.test === null ? null : count('loaders.test', loaders.test, 0);
  if (typeof s.seed !== 'number' || !Number.isInteger(s.seed)) bad('seed', 'an integer', s.seed);
  return {
    format: LOOP_STATE_FORMAT, version: LOOP_STATE_VERSION, epoch, checkpoint: s.checkpoint as string, history,
    scheduler: s.scheduler as SchedulerStateDict | null, rng, loaders: { train, test }, seed: s.seed as number,
  };
}

/**
 * Checks one EpochRecord read from a file (the loop state or the metrics file). `bad` reports a
 * field; `epoch`, when given, is the epoch number the record must carry.
 */
export function checkEpochRecord(bad: (field: string, expected: string, got: unknown) => never, where: string, value: unknown, epoch?: number): EpochRecord {
  const r = value as Record<string, unknown> | null;
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return bad(where, 'an epoch record', value);
  if (epoch !== undefined ? r.epoch !== epoch : typeof r.epoch !== 'number' || !Number.isInteger(r.epoch) || r.epoch < 1) {
    bad(`${where}.epoch`, epoch !== undefined ? String(epoch) : 'an integer ≥ 1', r.epoch);
  }
  // NaN and Infinity are written as null by JSON.stringify, so a diverged run's losses read back as null
  const numeric = (key: string, optional = false) => {
    const v = r[key];
    if (optional && v === undefined) return;
    if (typeof v !== 'number' && v !== null) bad(`${where}.${key}`, 'a number', v);
  };
  for (const key of ['trainLoss', 'lr', 'seconds', 'samplesPerSecond']) numeric(key);
  numeric('testLoss', true);
  if (r.metrics === null || typeof r.metrics !== 'object' || Array.isArray(r.metrics)) bad(`${where}.metrics`, 'an object of numbers', r.metrics);
  for (const [name, v] of Object.entries(r.metrics as object)) if (typeof v !== 'number' && v !== null) bad(`${where}.metrics.${name}`, 'a number', v);
  const number = (v: unknown) => (v === null ? NaN : (v as number));
  const record: EpochRecord = {
    epoch: r.epoch as number, trainLoss: number(r.trainLoss),
    metrics: Object.fromEntries(Object.entries(r.metrics as object).map(([k, v]) => [k, number(v)])),
    lr: number(r.lr), seconds: number(r.seconds), samplesPerSecond: number(r.samplesPerSecond),
  };
  if (r.testLoss !== undefined) record.testLoss = number(r.testLoss);
  return record;
}
