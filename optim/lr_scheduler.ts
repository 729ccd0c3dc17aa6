// Learning-rate schedulers, as torch.optim.lr_scheduler: each step() advances `lastEpoch` and
// writes a new lr into every parameter group. Like PyTorch, step() uses the *recursive* form
// (the new lr from the group's current lr), so schedulers compose when several act on one
// optimizer; `closedFormLr(epoch)` is the same schedule computed from the base lrs directly.
// Construction performs the initial step (epoch 0). Call step() after optimizer.step().
import { fail } from '../core/errors.js';
import { finite, inRange, nonNegative, positiveInteger } from './checks.js';

/** What a scheduler needs of an optimizer: its groups' lrs (any of SGD, Adam, AdamW). */
export interface ScheduledOptimizer {
  readonly paramGroups: { lr: number; initialLr?: number }[];
}

export interface SchedulerStateDict {
  last_epoch: number;
  base_lrs: number[];
  _last_lr: number[];
  [hyperparameter: string]: unknown;
}

export abstract class LRScheduler {
  readonly baseLrs: number[];
  lastEpoch = -1;
  protected lastLrs: number[] = [];

  constructor(readonly name: string, readonly optimizer: ScheduledOptimizer) {
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      fail(name, `expected an optimizer, got ${String(optimizer)}`);
    }
    // The first scheduler records each group's starting lr; later ones share it (PyTorch's initial_lr).
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** The lrs for `lastEpoch`, from the groups' current lrs (the recursive form). */
  protected abstract getLr(): number[];
  /** The lrs at `epoch`, from the base lrs. */
  abstract closedFormLr(epoch: number): number[];
  /** Hyperparameters for the state dict, under PyTorch's names. */
  protected abstract hyper(): Record<string, unknown>;
  /** Validates and applies hyperparameters from a state dict. */
  protected abstract setHyper(h: Record<string, unknown>): void;

  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Subclasses call this at the end of their constructor, once their fields are set. */
  protected initialStep(): void {
    this.step();
  }

  step(): void {
    this.lastEpoch++;
    this.apply(this.getLr());
  }

  /** SequentialLR's hand-over: jump to `epoch` on the closed form (PyTorch's step(epoch)). */
  restartAt(epoch: number): void {
    this.lastEpoch = epoch;
    this.apply(this.closedFormLr(epoch));
  }

  private apply(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLrs = lrs;
  }

  /** The lrs the last step() set, one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): SchedulerStateDict {
    return { last_epoch: this.lastEpoch, base_lrs: [...this.baseLrs], _last_lr: this.getLastLr(), ...this.hyper() };
  }

  /** Restores the position and hyperparameters; the optimizer's lrs come from its own state dict. */
  loadStateDict(dict: SchedulerStateDict): void {
    const fn = `${this.name}.loadStateDict`;
    const groups = this.optimizer.paramGroups.length;
    const lrList = (key: string, value: unknown) => {
      if (!Array.isArray(value) || value.length !== groups) fail(fn, `${key} must list one lr per parameter group (${groups}), got ${JSON.stringify(value)}`);
      return value.map((v, i) => finite(fn, `${key}[${i}]`, v));
    };
    if (dict === null || typeof dict !== 'object') fail(fn, `expected a scheduler state dict, got ${String(dict)}`);
    const { last_epoch, base_lrs, _last_lr, ...hyper } = dict;
    if (typeof last_epoch !== 'number' || !Number.isInteger(last_epoch) || last_epoch < -1) fail(fn, `last_epoch must be an integer ≥ -1, got ${String(last_epoch)}`);
    const base = lrList('base_lrs', base_lrs);
    const last = lrList('_last_lr', _last_lr);
    this.setHyper(hyper); // validates before assigning
    this.lastEpoch = last_epoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...base);
    this.lastLrs = last;
  }
}

/** torch.optim.lr_scheduler.StepLR: lr = base · γ^⌊epoch / stepSize⌋. */
export class StepLR extends LRScheduler {
  constructor(optimizer: ScheduledOptimizer, public stepSize: number, public gamma = 0.1) {
    super('StepLR', optimizer);
    this.setHyper({ step_size: stepSize, gamma });
    this.initialStep();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    return this.currentLrs().map((lr) => (e === 0 || e % this.stepSize !== 0 ? lr : lr * this.gamma));
  }
  closedFormLr(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(epoch / this.stepSize));
  }
  protected hyper() {
    return { step_size: this.stepSize, gamma: this.gamma };
  }
  protected setHyper(h: Record<string, unknown>): void {
    const stepSize = positiveInteger(this.name, 'stepSize', h.step_size);
    this.gamma = nonNegative(this.name, 'gamma', h.gamma);
    this.stepSize = stepSize;
  }
}

/** torch.optim.lr_scheduler.MultiStepLR: lr = base · γ^(number of milestones ≤ epoch). */
export class MultiStepLR extends LRScheduler {
  milestones: number[] = [];
  constructor(optimizer: ScheduledOptimizer, milestones: readonly number[], public gamma = 0.1) {
    super('MultiStepLR', optimizer);
    this.setHyper({ milestones, gamma });
    this.initialStep();
  }
  protected getLr(): number[] {
    // a milestone listed twice decays twice, as PyTorch's Counter of milestones
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.currentLrs().map((lr) => (hits === 0 ? lr : lr * this.gamma ** hits));
  }
  closedFormLr(epoch: number): number[] {
    const passed = this.milestones.filter((m) => m <= epoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
  protected hyper() {
    return { milestones: [...this.milestones], gamma: this.gamma };
  }
  protected setHyper(h: Record<string, unknown>): void {
    // PyTorch saves its Counter of milestones as {epoch: count}; expand that to a list
    const raw = h.milestones !== null && typeof h.milestones === 'object' && !Array.isArray(h.milestones)
      ? Object.entries(h.milestones).flatMap(([m, count]) => Array.from({ length: positiveInteger(this.name, `milestones[${m}]`, count) }, () => Number(m)))
      : h.milestones;
    if (!Array.isArray(raw)) fail(this.name, `milestones must be an array of epochs, got ${String(h.milestones)}`);
    const milestones = raw.map((m, i) => positiveInteger(this.name, `milestones[${i}]`, m));
    this.gamma = nonNegative(this.name, 'gamma', h.gamma);
    this.milestones = milestones.sort((a, b) => a - b);
  }
}

/**
 * torch.optim.lr_scheduler.CosineAnnealingLR: the closed form is
 * lr = η_min + (base − η_min)(1 + cos(π·epoch / T_max)) / 2; step() uses PyTorch's recursion
 * lr ← η_min + (lr − η_min)(1 + cos(π·e/T)) / (1 + cos(π(e−1)/T)), which would divide 0 by 0
 * one step past each minimum, so there it adds the rise (base − η_min)(1 − cos(π/T)) / 2.
 * Past T_max the lr climbs back up: a cosine without restarts.
 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: ScheduledOptimizer, public tMax: number, public etaMin = 0) {
    super('CosineAnnealingLR', optimizer);
    this.setHyper({ T_max: tMax, eta_min: etaMin });
    this.initialStep();
  }
  protected getLr(): number[] {
    const [e, T, min] = [this.lastEpoch, this.tMax, this.etaMin];
    const lrs = this.currentLrs();
    if (e === 0) return lrs;
    if ((e - 1 - T) % (2 * T) === 0) return lrs.map((lr, i) => lr + ((this.baseLrs[i] - min) * (1 - Math.cos(Math.PI / T))) / 2);
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - min) + min);
  }
  closedFormLr(epoch: number): number[] {
    return this.baseLrs.map((lr) => this.etaMin + ((lr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2);
  }
  protected hyper() {
    return { T_max: this.tMax, eta_min: this.etaMin };
  }
  protected setHyper(h: Record<string, unknown>): void {
    const tMax = positiveInteger(this.name, 'tMax', h.T_max);
    this.etaMin = finite(this.name, 'etaMin', h.eta_min);
    this.tMax = tMax;
  }
}

/**
 * torch.optim.lr_scheduler.LinearLR, the usual linear warm-up: the lr factor goes linearly from
 * startFactor to endFactor over totalIters steps, then stays: lr = base · (s + (e − s)·min(epoch, n)/n).
 */
export class LinearLR extends LRScheduler {
  constructor(optimizer: ScheduledOptimizer, public startFactor = 1 / 3, public endFactor = 1, public totalIters = 5) {
    super('LinearLR', optimizer);
    this.setHyper({ start_factor: startFactor, end_factor: endFactor, total_iters: totalIters });
    this.initialStep();
  }
  protected getLr(): number[] {
    const [e, s, f, n] = [this.lastEpoch, this.startFactor, this.endFactor, this.totalIters];
    const lrs = this.currentLrs();
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
  closedFormLr(epoch: number): number[] {
    const [s, f, n] = [this.startFactor, this.endFactor, this.totalIters];
    return this.baseLrs.map((lr) => lr * (s + ((f - s) * Math.min(n, epoch)) / n));
  }
  protected hyper() {
    return { start_factor: this.startFactor, end_factor: this.endFactor, total_iters: this.totalIters };
  }
  protected setHyper(h: Record<string, unknown>): void {
    // startFactor 0 would make the recursion divide by zero; PyTorch refuses it too
    const start = inRange(this.name, 'startFactor', h.start_factor, 0, 1, false, true);
    const end = inRange(this.name, 'endFactor', h.end_factor, 0, 1);
    this.totalIters = positiveInteger(this.name, 'totalIters', h.total_iters);
    [this.startFactor, this.endFactor] = [start, end];
  }
}

/**
 * torch.optim.lr_scheduler.SequentialLR: runs schedulers[0] until milestones[0], then hands over
 * to schedulers[1] (restarted at its epoch 0 on its closed form), and so on: warm-up then cosine
 * is `new SequentialLR(opt, [new LinearLR(opt, 0.1, 1, 5), new CosineAnnealingLR(opt, 95)], [5])`.
 */
export class SequentialLR extends LRScheduler {
  readonly milestones: number[];
  constructor(optimizer: ScheduledOptimizer, readonly schedulers: LRScheduler[], milestones: readonly number[]) {
    super('SequentialLR', optimizer);
    if (!Array.isArray(schedulers) || schedulers.length === 0) fail(this.name, 'expected at least one scheduler');
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler) || s.optimizer !== optimizer) fail(this.name, `schedulers[${i}] must be a scheduler of the same optimizer`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      fail(this.name, `expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${JSON.stringify(milestones)}`);
    }
    milestones.forEach((m, i) => {
      positiveInteger(this.name, `milestones[${i}]`, m);
      if (i > 0 && m <= milestones[i - 1]) fail(this.name, `milestones must increase, got ${JSON.stringify(milestones)}`);
    });
    this.milestones = [...milestones];
    // Each scheduler's constructor already took its initial step; undo them and start only the first.
    optimizer.paramGroups.forEach((g) => (g.lr = g.initialLr!));
    for (const s of schedulers) s.lastEpoch = -1;
    schedulers[0].step();
    this.lastEpoch = 0;
    this.lastLrs = schedulers[0].getLastLr();
  }
  private active(): number {
    return this.milestones.filter((m) => m <= this.lastEpoch).length;
  }
  protected getLr(): number[] {
    return this.currentLrs(); // unused: step() delegates
  }
  override step(): void {
    this.lastEpoch++;
    const i = this.active();
    const s = this.schedulers[i];
    if (i > 0 && this.milestones[i - 1] === this.lastEpoch) s.restartAt(0);
    else s.step();
    this.lastLrs = s.getLastLr();
  }
  closedFormLr(epoch: number): number[] {
    const i = this.milestones.filter((m) => m <= epoch).length;
    return this.schedulers[i].closedFormLr(i === 0 ? epoch : epoch - this.milestones[i - 1]);
  }
  protected hyper() {
    return { _milestones: [...this.milestones], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  protected setHyper(h: Record<string, unknown>): void {
    const states = h._schedulers;
    if (!Array.isArray(states) || states.length !== this.schedulers.length) fail(this.name, `_schedulers must hold ${this.schedulers.length} state dicts`);
    if (JSON.stringify(h._milestones) !== JSON.stringify(this.milestones)) fail(this.name, `_milestones ${JSON.stringify(h._milestones)} differ from this scheduler's ${JSON.stringify(this.milestones)}`);
    this.schedulers.forEach((s, i) => s.loadStateDict(states[i] as SchedulerStateDict));
  }
}
