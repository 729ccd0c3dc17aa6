// Canvas 2D drawing for the playground: plain functions of host arrays, no library state.
// Every plot fills its canvas with a white background first, so "blank" means one colour.

const AXIS = '#9aa3ad';
const TEXT = '#5b6570';
const CLASS_COLOURS: [number, number, number][] = [[31, 111, 235], [234, 88, 12]];

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error(`canvas #${canvas.id}: no 2d context`);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = '11px system-ui, sans-serif';
  return ctx;
}

interface Box { x0: number; y0: number; x1: number; y1: number }

/** Maps data ranges to a box with a margin for tick labels. */
function scales(box: Box, [xlo, xhi]: [number, number], [ylo, yhi]: [number, number]) {
  return {
    x: (v: number) => box.x0 + ((v - xlo) / (xhi - xlo)) * (box.x1 - box.x0),
    y: (v: number) => box.y1 - ((v - ylo) / (yhi - ylo)) * (box.y1 - box.y0),
  };
}

const plain = (v: number) => String(+v.toPrecision(3));

function frame(ctx: CanvasRenderingContext2D, box: Box, xr: [number, number], yr: [number, number], fmtY = plain, fmtX = plain): void {
  ctx.strokeStyle = AXIS;
  ctx.lineWidth = 1;
  ctx.strokeRect(box.x0 + 0.5, box.y0 + 0.5, box.x1 - box.x0, box.y1 - box.y0);
  ctx.fillStyle = TEXT;
  ctx.textAlign = 'left';
  ctx.fillText(fmtY(yr[1]), 2, box.y0 + 10);
  ctx.fillText(fmtY(yr[0]), 2, box.y1);
  ctx.textAlign = 'left';
  ctx.fillText(fmtX(xr[0]), box.x0, box.y1 + 13);
  ctx.textAlign = 'right';
  ctx.fillText(fmtX(xr[1]), box.x1, box.y1 + 13);
}

function polyline(ctx: CanvasRenderingContext2D, xs: ArrayLike<number>, ys: ArrayLike<number>, sx: (v: number) => number, sy: (v: number) => number): void {
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) { pen = false; continue; }
    const px = sx(xs[i]), py = sy(y);
    if (pen) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    pen = true;
  }
  ctx.stroke();
}

function finiteRange(values: Iterable<number>, pad = 0.08): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!Number.isFinite(lo)) return [-1, 1];
  if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

/**
 * Tick values for a log axis over [10^lo, 10^hi] (lo, hi are log10 values): the powers of ten
 * inside, with 2× and 5× (or more multiples) when fewer than three fit, so a short range still
 * gets at least two labelled ticks; at most 6.
 */
export function logTicks(lo: number, hi: number): number[] {
  const decades = Math.floor(hi + 1e-9) - Math.ceil(lo - 1e-9) + 1; // powers of ten inside
  const multiples = decades >= 3 ? [1] : decades === 2 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
  const ticks: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of multiples) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9) ticks.push(v);
    }
  }
  const every = Math.ceil(ticks.length / 6); // at most 6 labels
  return ticks.filter((_, i) => i % every === 0);
}

/** A loss value as a short label: 0.01, 0.5, 2, 300; 1e-5 and 2e+6 outside [0.001, 10⁴). */
export function lossLabel(v: number): string {
  if (v >= 1e-3 && v < 1e4) return String(Number(v.toPrecision(2)));
  const [m, e] = v.toExponential(0).split('e');
  return `${m}e${Number(e)}`;
}

/** Round step numbers for the x axis: 0 … last in steps of 1, 2 or 5 × 10^k (at most ~5). */
export function stepTicks(last: number): number[] {
  if (last <= 0) return [0];
  const raw = last / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => Math.max(1, m * magnitude)).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v <= last + 1e-9; v += step) ticks.push(Math.round(v));
  return ticks;
}

/** Loss against step, log scale, with labelled ticks on both axes. */
export function drawLoss(canvas: HTMLCanvasElement, steps: number[], losses: number[]): void {
  const ctx = context(canvas);
  const box = { x0: 44, y0: 8, x1: canvas.width - 10, y1: canvas.height - 20 };
  const logs = losses.map((l) => (l > 0 ? Math.log10(l) : NaN));
  if (logs.filter(Number.isFinite).length === 0) {
    frame(ctx, box, [0, 1], [0, 1], () => '', () => '');
    ctx.fillStyle = TEXT;
    ctx.textAlign = 'center';
    ctx.fillText(losses.some((l) => !Number.isFinite(l)) ? 'the loss is not finite: lower the learning rate' : 'press Train', (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2);
    return;
  }
  const xr: [number, number] = [0, Math.max(1, steps[steps.length - 1] ?? 1)];
  let yr = finiteRange(logs, 0.05);
  if (yr[1] - yr[0] < 0.4) yr = [(yr[0] + yr[1]) / 2 - 0.2, (yr[0] + yr[1]) / 2 + 0.2]; // at least a factor 2.5, so ticks fit
  const { x, y } = scales(box, xr, yr);
  ctx.strokeStyle = AXIS;
  ctx.lineWidth = 1;
  ctx.strokeRect(box.x0 + 0.5, box.y0 + 0.5, box.x1 - box.x0, box.y1 - box.y0);
  ctx.fillStyle = TEXT;
  ctx.textAlign = 'right';
  for (const v of logTicks(yr[0], yr[1])) {
    const py = Math.round(y(Math.log10(v))) + 0.5;
    ctx.strokeStyle = '#eef0f2';
    ctx.beginPath();
    ctx.moveTo(box.x0, py);
    ctx.lineTo(box.x1, py);
    ctx.stroke();
    ctx.fillText(lossLabel(v), box.x0 - 4, py + 4);
  }
  ctx.textAlign = 'center';
  for (const v of stepTicks(xr[1])) ctx.fillText(String(v), Math.min(box.x1 - 8, x(v)), box.y1 + 13);
  ctx.strokeStyle = '#1f6feb';
  ctx.lineWidth = 1.5;
  polyline(ctx, steps, logs, x, y);
}

/**
 * P(class 1) on a res×res grid (row 0 at the top) as a two-colour map, with the 0.5 contour
 * showing as the colour change, and the data points on top (filled: train, ringed: test).
 */
export function drawBoundary(
  canvas: HTMLCanvasElement, field: Float32Array, res: number, domain: [number, number],
  points: { x: Float32Array; y: Float32Array; n: number; test: boolean }[],
): void {
  const ctx = context(canvas);
  const w = canvas.width, h = canvas.height;
  const image = ctx.createImageData(res, res);
  for (let i = 0; i < res * res; i++) {
    const p = Number.isFinite(field[i]) ? field[i] : 0.5;
    const [a, b] = CLASS_COLOURS;
    const mix = (k: number) => 255 + ((p >= 0.5 ? b[k] : a[k]) - 255) * Math.min(1, Math.abs(p - 0.5) * 2) * 0.45;
    image.data[4 * i] = mix(0);
    image.data[4 * i + 1] = mix(1);
    image.data[4 * i + 2] = mix(2);
    image.data[4 * i + 3] = 255;
  }
  const tmp = document.createElement('canvas');
  tmp.width = res;
  tmp.height = res;
  tmp.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, 0, 0, w, h);
  const { x, y } = scales({ x0: 0, y0: 0, x1: w, y1: h }, domain, domain);
  for (const set of points) {
    for (let i = 0; i < set.n; i++) {
      const [r, g, b] = CLASS_COLOURS[set.y[i]];
      ctx.beginPath();
      ctx.arc(x(set.x[2 * i]), y(set.x[2 * i + 1]), set.test ? 3.2 : 2.4, 0, 2 * Math.PI);
      if (set.test) {
        ctx.strokeStyle = `rgb(${r},${g},${b})`;
        ctx.lineWidth = 1.4;
        ctx.stroke();
      } else {
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fill();
      }
    }
  }
}

/** A regression fit: the target points and the model's curve at t. */
export function drawFit(canvas: HTMLCanvasElement, t: Float32Array, prediction: Float32Array, data: { x: Float32Array; y: Float32Array; n: number }, domain: [number, number]): void {
  const ctx = context(canvas);
  const box = { x0: 34, y0: 8, x1: canvas.width - 8, y1: canvas.height - 18 };
  const yr = finiteRange(data.y, 0.15);
  frame(ctx, box, domain, yr);
  const { x, y } = scales(box, domain, yr);
  ctx.fillStyle = 'rgba(31,111,235,0.55)';
  for (let i = 0; i < data.n; i++) {
    ctx.beginPath();
    ctx.arc(x(data.x[i]), y(data.y[i]), 2, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
  ctx.clip();
  ctx.strokeStyle = '#ea580c';
  ctx.lineWidth = 2;
  polyline(ctx, t, prediction, x, y);
  ctx.restore();
}

/**
 * The y range of an activation panel, robust to a few neurons that shoot off: a curve counts as
 * an outlier when its largest |y| is more than 4× the median curve's (and more than 3, the
 * x range's own scale); the range is the other curves' span (with 0 and a margin). Returns how
 * many curves were left partly off scale so the panel can say so.
 */
export function activationRange(curves: readonly ArrayLike<number>[]): { range: [number, number]; offScale: number } {
  const peaks = curves.map((c) => Array.from(c).reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0));
  const sorted = [...peaks].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  const limit = Math.max(4 * median, 3);
  const kept = curves.filter((_, j) => peaks[j] <= limit);
  const values = (kept.length > 0 ? kept : curves).flatMap((c) => Array.from(c));
  return { range: finiteRange([...values, 0]), offScale: curves.length - kept.length };
}

/** One activation layer's curve(s) at t, one colour per neuron; the y range follows the curves (activationRange). */
export function drawActivation(canvas: HTMLCanvasElement, t: Float32Array, curves: Float32Array[]): { range: [number, number]; offScale: number } {
  const ctx = context(canvas);
  const box = { x0: 34, y0: 8, x1: canvas.width - 8, y1: canvas.height - 18 };
  const xr: [number, number] = [t[0], t[t.length - 1]];
  const { range: yr, offScale } = activationRange(curves);
  frame(ctx, box, xr, yr);
  const { x, y } = scales(box, xr, yr);
  ctx.strokeStyle = '#dde1e6';
  ctx.beginPath();
  ctx.moveTo(x(0) + 0.5, box.y0);
  ctx.lineTo(x(0) + 0.5, box.y1);
  ctx.moveTo(box.x0, y(0) + 0.5);
  ctx.lineTo(box.x1, y(0) + 0.5);
  ctx.stroke();
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
  ctx.clip();
  ctx.lineWidth = 1.6;
  curves.forEach((c, i) => {
    ctx.strokeStyle = curves.length === 1 ? '#7c3aed' : `hsl(${Math.round((360 * i) / curves.length)}, 70%, 45%)`;
    polyline(ctx, t, c, x, y);
  });
  ctx.restore();
  if (offScale > 0) {
    ctx.fillStyle = TEXT;
    ctx.textAlign = 'right';
    ctx.fillText(`${offScale} off scale`, box.x1 - 4, box.y0 + 12);
  }
  return { range: yr, offScale };
}

/** Fraction of pixels that differ from the top-left one: 0 for a blank canvas. */
export function inkFraction(canvas: HTMLCanvasElement): number {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return 0;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let differ = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) differ++;
  }
  return differ / (data.length / 4);
}
