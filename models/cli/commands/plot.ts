// tapegrad plot: draws a trained model's learned activations (activations.svg: one panel per
// layer, one curve per neuron or channel, like the DEU paper's figure 3) and its training
// history (history.svg: loss and accuracy per epoch). A model without learned activations gets
// its fixed ones drawn instead, so the file is never empty.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeAtomically } from '../../../nn/safetensors_file.js';
import { activationCurves } from '../../plot/activations.js';
import { plotActivations, plotHistory } from '../../plot/figures.js';
import { readMetricsFile, type EpochRecord } from '../../training/index.js';
import { formatHelp, parseOptions, UsageError, type OptionTable } from '../args.js';
import { useBackend } from '../backend.js';
import { println, type Io } from '../io.js';
import { loadTrained } from './eval.js';

export const PLOT_OPTIONS: OptionTable = {
  checkpoint: { type: 'string', meta: 'FILE', required: true, help: 'a model.safetensors written by tapegrad train' },
  out: { type: 'string', meta: 'DIR', help: "where activations.svg and history.svg go (default: the checkpoint's folder)" },
  from: { type: 'number', default: -3, help: 'left end of the input range drawn' },
  to: { type: 'number', default: 3, help: 'right end of the input range drawn' },
  points: { type: 'positiveInt', default: 200, help: 'samples per curve' },
  'max-curves': { type: 'positiveInt', default: 64, help: 'curves per panel at most' },
};

export const PLOT_HELP = formatHelp('tapegrad plot', "Writes activations.svg (the model's learned activations) and history.svg (loss and accuracy per epoch).", PLOT_OPTIONS);

export interface PlotResult {
  activations: string;
  history: string;
  /** Panels drawn in activations.svg, and whether they are learned activations. */
  layers: { path: string; type: string; curves: number; learned: boolean }[];
  epochs: number;
}

export async function plotCommand(argv: readonly string[], io: Io): Promise<PlotResult | null> {
  const who = 'tapegrad plot';
  const args = parseOptions(who, argv, PLOT_OPTIONS);
  if (args.help) {
    io.stdout.write(PLOT_HELP);
    return null;
  }
  const { from, to, points } = args as { from: number; to: number; points: number };
  if (!(from < to)) throw new UsageError(`${who}: --from must be less than --to, got --from ${from} --to ${to}`);
  if (points < 2) throw new UsageError(`${who}: --points must be at least 2, got '${points}'`);
  const checkpoint = args.checkpoint as string;
  const out = (args.out as string | undefined) ?? dirname(checkpoint);
  useBackend('cpu');
  const { model, info } = await loadTrained(checkpoint);
  let layers;
  try {
    layers = activationCurves(model, { from, to, points });
    if (layers.length === 0) layers = activationCurves(model, { from, to, points, includeFixed: true });
  } finally {
    model.dispose();
  }
  const history: EpochRecord[] = info.history ?? (existsSync(join(dirname(checkpoint), 'metrics.jsonl')) ? await readMetricsFile(join(dirname(checkpoint), 'metrics.jsonl')) : []);
  mkdirSync(out, { recursive: true });
  const activations = join(out, 'activations.svg');
  const historyFile = join(out, 'history.svg');
  const learned = layers.some((l) => l.learned);
  // atomically (temporary file, rename): a link planted under either name is replaced, not written through
  const text = (svg: string) => new TextEncoder().encode(svg);
  await writeAtomically(activations, text(plotActivations(layers, { title: `${learned ? 'Learned activations' : 'Activations (none learned)'}: ${info.model}, ${info.act}, ${info.dataset}`, maxCurves: args['max-curves'] as number })));
  await writeAtomically(historyFile, text(plotHistory(history, { title: `Training history: ${info.model}, ${info.act}, ${info.dataset}` })));
  println(io.stdout, `wrote ${activations} (${layers.length} layer${layers.length === 1 ? '' : 's'}) and ${historyFile} (${history.length} epoch${history.length === 1 ? '' : 's'})`);
  return { activations, history: historyFile, layers: layers.map((l) => ({ path: l.path, type: l.type, curves: l.curves.length, learned: l.learned })), epochs: history.length };
}
