// The figures `tapegrad plot` writes: the learned activations (one panel per layer, one curve
// per neuron, like the DEU paper's figure 3) and the training history (loss and accuracy per epoch).
import { checkOptions } from '../../core/errors.js';
import type { Module } from '../../nn/module.js';
import { activationCurves, type ActivationCurves, type CurveOptions } from './activations.js';
import { extent, figure, PALETTE, type FigureOptions, type Panel, type Series } from './svg.js';

export interface PlotActivationsOptions extends CurveOptions, FigureOptions {
  /** At most this many curves per panel (default 64); the panel says how many were left out. */
  maxCurves?: number;
  /** The y range of every panel; by default each panel's data range, ignoring outlying tails (robustExtent). */
  yDomain?: readonly [number, number];
}

/**
 * The y range to draw: the data's range, unless a few curves shoot far off (a DEU's exponential
 * branches reach ±1000 on [−3, 3] while the rest stay within ±3), in which case the 5th–95th
 * percentile range, widened, so the bulk of the curves stays readable; what lies outside is
 * clipped at the plot area's edge.
 */
export function robustExtent(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  const full = extent(finite);
  if (finite.length < 20) return full;
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))];
  const [lo, hi] = [at(0.05), at(0.95)];
  const span = hi - lo;
  if (span <= 0 || full[1] - full[0] <= 4 * span) return full;
  return [lo - 0.5 * span, hi + 0.5 * span];
}

/** The activations as one SVG: a model, or curves already sampled by activationCurves. */
export function plotActivations(source: Module | readonly ActivationCurves[], options: PlotActivationsOptions = {}): string {
  checkOptions('plotActivations', options, ['from', 'to', 'points', 'includeFixed', 'title', 'columns', 'panelWidth', 'panelHeight', 'maxCurves', 'yDomain']);
  const curveOptions = { from: options.from, to: options.to, points: options.points, includeFixed: options.includeFixed };
  const found = Array.isArray(source) ? (source as readonly ActivationCurves[]) : activationCurves(source as Module, curveOptions);
  const maxCurves = options.maxCurves ?? 64;
  // panels are numbered by position among the activations (1, 2, 3), not by their path in the
  // model (a Sequential's '1', '3', '5' says nothing to a reader)
  const panels: Panel[] = found.map((layer, k) => {
    const shown = layer.curves.slice(0, maxCurves);
    const series: Series[] = shown.map((c) => ({ label: c.label, points: layer.x.map((x, i) => [x, c.y[i]] as const) }));
    const unit = layer.type === 'DEU' ? 'neurons' : 'curves';
    return {
      title: found.length === 1 ? layer.type : `${layer.type} ${k + 1}`,
      note: layer.curves.length > shown.length ? `${shown.length} of ${layer.curves.length} ${unit} shown` : undefined,
      xLabel: 'x',
      yLabel: 'f(x)',
      xDomain: [layer.x[0], layer.x[layer.x.length - 1]],
      yDomain: options.yDomain ?? robustExtent(shown.flatMap((c) => c.y)),
      series,
    };
  });
  return figure(panels, { title: options.title ?? 'Learned activations', columns: options.columns, panelWidth: options.panelWidth, panelHeight: options.panelHeight });
}

/** One epoch of training history: fit's EpochRecord, or anything with these fields. */
export interface HistoryRecord {
  epoch: number;
  trainLoss: number;
  testLoss?: number;
  metrics?: Record<string, number>;
}

/** One colour per split, the same in every panel: train solid, test dashed. */
export const SPLIT_STYLE = { train: { color: PALETTE[0] }, test: { color: PALETTE[1], dash: '5 3' } } as const;

/**
 * Loss per epoch (train, and test when recorded) in one panel, and each metric (accuracy, mse,
 * ...) in its own panel, with its running training value (train_<name>) beside it when
 * recorded. Accuracy is drawn in percent. Each split keeps its colour and dash across panels
 * (SPLIT_STYLE); a panel with a single curve names it on its y axis instead of in a legend.
 */
export function plotHistory(records: readonly HistoryRecord[], options: FigureOptions = {}): string {
  checkOptions('plotHistory', options, ['title', 'columns', 'panelWidth', 'panelHeight']);
  const loss: Series[] = [{ label: 'train loss', ...SPLIT_STYLE.train, points: records.map((r) => [r.epoch, r.trainLoss] as const) }];
  if (records.some((r) => r.testLoss !== undefined)) {
    loss.push({ label: 'test loss', ...SPLIT_STYLE.test, points: records.filter((r) => r.testLoss !== undefined).map((r) => [r.epoch, r.testLoss!] as const) });
  }
  const epochs = records.map((r) => r.epoch);
  const [first, last] = [Math.min(...epochs), Math.max(...epochs)];
  const xDomain: [number, number] | undefined = epochs.length === 0 ? undefined : first === last ? [first - 0.5, last + 0.5] : [first, last];
  const yLabel = (series: Series[], fallback: string) => (series.length === 1 ? series[0].label : fallback);
  const panels: Panel[] = [{ title: 'Loss', xLabel: 'epoch', yLabel: yLabel(loss, 'loss'), series: loss, xDomain, integerX: true }];
  // a metric and its running training value (fit's 'accuracy' and 'train_accuracy') share a panel;
  // an unprefixed metric is measured on the test split
  const names = [...new Set(records.flatMap((r) => Object.keys(r.metrics ?? {})))];
  const bases = [...new Set(names.map((n) => n.replace(/^train_/, '')))];
  for (const base of bases) {
    const percent = base === 'accuracy';
    const series: Series[] = [];
    for (const [name, split] of [[`train_${base}`, 'train'], [base, 'test']] as const) {
      if (!names.includes(name)) continue;
      const points = records.filter((r) => r.metrics?.[name] !== undefined).map((r) => [r.epoch, r.metrics![name] * (percent ? 100 : 1)] as const);
      series.push({ label: `${split} ${base}${percent ? ' (%)' : ''}`, ...SPLIT_STYLE[split], points });
    }
    panels.push({ title: percent ? 'Accuracy' : base, xLabel: 'epoch', yLabel: yLabel(series, percent ? 'accuracy (%)' : base), series, xDomain, integerX: true });
  }
  return figure(panels, { title: options.title ?? 'Training history', columns: options.columns ?? 2, panelWidth: options.panelWidth, panelHeight: options.panelHeight });
}
