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

/** Loss against step, log scale. */
export function drawLoss(canvas: HTMLCanvasElement, steps: number[], losses: number[]): void {
  const ctx = context(canvas);
  const box = { x0: 40, y0: 8, x1: canvas.width - 8, y1: canvas.height - 18 };
  const logs = losses.map((l) => (l > 0 ? Math.log10(l) : NaN));
  if (logs.filter(Number.isFinite).length === 0) {
    frame(ctx, box, [0, 1], [0, 1]);
    ctx.fillStyle = TEXT;
    ctx.textAlign = 'center';
    ctx.fillText(losses.some((l) => !Number.isFinite(l)) ? 'the loss is not finite: lower the learning rate' : 'press Train', (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2);
    return;
  }
  const xr: [number, number] = [0, Math.max(1, steps[steps.length - 1] ?? 1)];
  const yr = finiteRange(logs, 0.05);
  frame(ctx, box, xr, yr, (v) => (10 ** v).toPrecision(2), (v) => (v === 0 ? '0' : `step ${v}`));
  const { x, y } = scales(box, xr, yr);
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

/** One activation layer's curve(s) at t, one colour per neuron; y range follows the curves. */
export function drawActivation(canvas: HTMLCanvasElement, t: Float32Array, curves: Float32Array[]): void {
  const ctx = context(canvas);
  const box = { x0: 30, y0: 8, x1: canvas.width - 8, y1: canvas.height - 18 };
  const xr: [number, number] = [t[0], t[t.length - 1]];
  // clip extreme values so one exploding neuron does not flatten the rest
  const all = curves.flatMap((c) => Array.from(c)).filter(Number.isFinite).sort((a, b) => a - b);
  const q = (f: number) => all[Math.min(all.length - 1, Math.max(0, Math.round(f * (all.length - 1))))] ?? 0;
  const yr = finiteRange([q(0.01), q(0.99), 0]);
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
