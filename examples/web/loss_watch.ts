// The playground's learning-rate guard: a pure function of the recorded loss history that says
// when the loss spiked (rose far above the best value so far) or stopped being finite. Either
// usually means the step size is too large for the current curvature: with SGD the update
// overshoots, and a learnable activation's coefficients (a DEU's, a PAU's denominator) amplify it.

export interface LossAlarm {
  kind: 'spike' | 'diverged';
  /** The step at which the latest spike began (or the loss stopped being finite). */
  step: number;
  /** The best loss before it, and the highest loss of that spike. */
  best: number;
  loss: number;
  /** The step at which the latest spike was over (the loss back at or below `best`), or null. */
  recoveredAt: number | null;
  /** How many spikes the history has. */
  spikes: number;
}

/** A jump counts as a spike when it is this many times the best loss so far ... */
export const SPIKE_FACTOR = 10;
/** ... and at least this much above it in absolute terms (1e-4 → 2e-3 is noise, not a spike). */
export const SPIKE_MARGIN = 0.1;

/**
 * The latest spike or the divergence in the history, or null. A spike lasts until the loss is
 * back at or below the best loss before it; a later jump is a new spike.
 */
export function findLossAlarm(steps: readonly number[], losses: readonly number[]): LossAlarm | null {
  let best = Infinity;
  let latest: LossAlarm | null = null;
  let spikes = 0;
  for (let i = 0; i < losses.length; i++) {
    const loss = losses[i];
    if (!Number.isFinite(loss)) return { kind: 'diverged', step: steps[i], best, loss, recoveredAt: null, spikes };
    if (latest !== null && latest.recoveredAt === null) { // inside a spike: until the loss comes back
      latest.loss = Math.max(latest.loss, loss);
      if (loss <= latest.best) latest.recoveredAt = steps[i];
    } else if (loss > SPIKE_FACTOR * best && loss > best + SPIKE_MARGIN) {
      latest = { kind: 'spike', step: steps[i], best, loss, recoveredAt: null, spikes: ++spikes };
    }
    best = Math.min(best, loss);
  }
  return latest;
}

/** What the page says about an alarm, with a learning rate to try. */
export function describeAlarm(alarm: LossAlarm, lr: number): string {
  const suggestion = Number((lr / 3).toPrecision(2));
  const short = (v: number) => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(1));
  if (alarm.kind === 'diverged') {
    return `The loss became ${alarm.loss} at step ${alarm.step}, so training stopped. The learning rate ${lr} is too high for this model: Reset and try ${suggestion}.`;
  }
  const which = alarm.spikes === 1 ? 'Loss spike' : `${alarm.spikes} loss spikes; the latest`;
  const spike = `${which} at step ${alarm.step}: ${short(alarm.best)} → ${short(alarm.loss)}.`;
  if (alarm.recoveredAt !== null && alarm.spikes === 1) return `${spike} It recovered by step ${alarm.recoveredAt}; if spikes come back, try a learning rate of ${suggestion} instead of ${lr}.`;
  if (alarm.spikes === 1) return `${spike} The learning rate ${lr} may be too high; if training does not recover, try ${suggestion}.`;
  return `${spike} The learning rate ${lr} is likely too high: try ${suggestion}.`;
}
