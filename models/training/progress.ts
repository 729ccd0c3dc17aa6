// Progress of a loop over batches, in one of two forms:
//   bar    for a terminal: one line redrawn in place with '\r' (done/total, items/s, ETA, loss),
//          replaced by a summary line when the loop ends;
//   lines  for logs and pipes, where '\r' would leave a mess: only the summary line.
// 'auto' picks the bar when the stream is a TTY. Redraws are throttled, since writing to a
// terminal after every small batch would cost more than the batch.
import { fail } from '../../core/errors.js';
import { formatNumber } from './records.js';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';
export const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'none'];

/**
 * Where progress goes: anything with write(text), such as process.stderr or a test's collector;
 * a TTY (isTTY) gets the bar. Declared here, not as Node's stream type, so that the package's
 * types need no @types/node (a browser project has none).
 */
export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBarOptions {
  /** Steps (batches) the loop will take. */
  total: number;
  /** Printed before the bar, e.g. 'epoch 3/10'. */
  label?: string;
  mode?: ProgressMode;
  /** Default process.stderr, so progress never mixes with a program's output. */
  stream?: TextStream;
  /** What the rate counts: '1234 items/s'. */
  unit?: string;
  /** Least time between two redraws of the bar. */
  redrawMs?: number;
  /** The clock, in milliseconds; tests pass a fake one. */
  now?: () => number;
}

export interface ProgressTick {
  /** Items this step processed (a batch's samples); default 1. */
  items?: number;
  /** The latest loss, shown after the rate. */
  loss?: number;
}

export class ProgressBar {
  readonly mode: 'bar' | 'lines' | 'none';
  readonly total: number;
  private readonly label: string;
  private readonly stream: TextStream | undefined;
  private readonly unit: string;
  private readonly redrawMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private done = 0;
  private items = 0;
  private loss: number | undefined;
  private lastDraw = -Infinity;
  private drawnWidth = 0;

  constructor(options: ProgressBarOptions) {
    const fn = 'ProgressBar';
    const { total, label = '', mode = 'auto', unit = 'items', redrawMs = 100 } = options ?? {};
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) fail(fn, `total must be a non-negative integer, got ${String(total)}`);
    if (!PROGRESS_MODES.includes(mode)) fail(fn, `unknown mode ${JSON.stringify(mode)}; expected one of ${PROGRESS_MODES.map((m) => `'${m}'`).join(', ')}`);
    // in a browser there is no stderr: nothing is printed unless a stream is given
    const stream: TextStream | undefined = options.stream ?? globalThis.process?.stderr;
    if (stream !== undefined && typeof stream?.write !== 'function') fail(fn, `stream must be a writable stream, got ${String(stream)}`);
    this.stream = stream;
    this.total = total;
    this.label = label;
    this.unit = unit;
    this.redrawMs = redrawMs;
    this.now = options.now ?? (() => performance.now());
    this.mode = stream === undefined ? 'none' : mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
    this.started = this.now();
  }

  /** Records one finished step; the bar is redrawn if enough time has passed. */
  tick({ items = 1, loss }: ProgressTick = {}): void {
    this.done++;
    this.items += items;
    if (loss !== undefined) this.loss = loss;
    if (this.mode !== 'bar') return;
    const t = this.now();
    if (t - this.lastDraw < this.redrawMs && this.done < this.total) return;
    this.lastDraw = t;
    this.draw(this.render(t));
  }

  /** Ends the loop: the bar (if any) is replaced by `summary`, which 'lines' prints alone. */
  finish(summary: string): void {
    if (this.mode === 'none') return;
    if (this.mode === 'bar') this.draw(summary);
    else this.stream!.write(summary);
    this.stream!.write('\n');
    this.drawnWidth = 0;
  }

  /** Items per second since the bar was made. */
  rate(at = this.now()): number {
    const seconds = (at - this.started) / 1000;
    return seconds > 0 ? this.items / seconds : 0;
  }

  /** The bar's text at time `at`: label [=====>    ] done/total  rate unit/s  ETA m:ss  loss x. */
  render(at = this.now()): string {
    const fraction = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = filled === width ? '='.repeat(width) : `${'='.repeat(filled)}>${' '.repeat(width - filled - 1)}`;
    const elapsed = (at - this.started) / 1000;
    const eta = this.done === 0 ? NaN : (elapsed / this.done) * (this.total - this.done);
    const parts = [`${this.label}${this.label ? ' ' : ''}[${bar}] ${this.done}/${this.total}`, `${formatNumber(Math.round(this.rate(at)))} ${this.unit}/s`, `ETA ${clock(eta)}`];
    if (this.loss !== undefined) parts.push(`loss ${formatNumber(this.loss)}`);
    return parts.join('  ');
  }

  /** Overwrites the current line; spaces wipe what a longer previous text left behind. */
  private draw(text: string): void {
    this.stream!.write(`\r${text.padEnd(this.drawnWidth)}`);
    this.drawnWidth = text.length;
  }
}

/** Seconds as m:ss (or h:mm:ss); '?' before the first step. */
function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
