// Resuming: before any weight is loaded, the loop state is checked against the run it is asked
// to continue (a different data seed, a scheduler added or removed, a test loader added or
// removed would each make the "continued" run silently differ from the original), then the
// scheduler, the run's generator and the loaders' epoch counters are put back.
import { fail } from '../../core/errors.js';
import type { Generator } from '../../core/rng.js';
import type { CheckedFitOptions } from './fit_options.js';
import type { LoopState } from './loop_state.js';
import { restoreRng } from './rng_state.js';

export function restoreLoop(fn: string, file: string, state: LoopState, o: CheckedFitOptions, rng: Generator): void {
  const mismatch = (field: string, message: string): never => fail(fn, `loop-state file ${file}: field '${field}' ${message}`);
  if (state.epoch > o.epochs) mismatch('epoch', `says ${state.epoch} epochs are done, more than epochs: ${o.epochs}`);
  if (state.seed !== o.train.seed) mismatch('seed', `is ${state.seed} but the training loader's seed is ${o.train.seed}; another seed would change the data order`);
  if ((state.loaders.test === null) !== (o.test === undefined)) {
    mismatch('loaders.test', state.loaders.test === null ? 'is null (the run had no test loader) but options.test is given' : `is ${state.loaders.test} (the run had a test loader) but options.test is missing`);
  }
  if ((state.scheduler === null) !== (o.scheduler === undefined)) {
    mismatch('scheduler', state.scheduler === null ? 'is null (the run had no scheduler) but options.scheduler is given' : 'holds a scheduler state but options.scheduler is missing');
  }
  if (o.scheduler && state.scheduler) {
    try {
      o.scheduler.loadStateDict(state.scheduler);
    } catch (error) {
      mismatch('scheduler', `does not fit ${o.scheduler.name}: ${(error as Error).message}`);
    }
  }
  restoreRng(state.rng, rng);
  o.train.epoch = state.loaders.train;
  if (o.test) o.test.epoch = state.loaders.test!;
}
