// A small SVG writer: line charts with axes, ticks, polylines and a legend, and nothing else.
// Every panel's group records its data → pixel mapping (data-x-domain, data-y-domain,
// data-plot-area) so a reader can map the drawn points back to data values (tests do).
// Points are written with 3 decimals: at a few hundred pixels per axis that is far below the
// resolution anyone reads a chart at, and keeps a 200-point curve short.
import { checkOptions } from '../../core/errors.js';

export type Point = readonly [number, number];

export interface Series {
  label: string;
  points: readonly Point[];
  /** A CSS colour; the palette's next one by default. */
  color?: string;
  /** Dash pattern, e.g. '4 3'. */
  dash?: string;
  /** Mark each point with a dot (default: when the series has at most 60 points, so one point still shows). */
  markers?: boolean;
}

export interface Panel {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly Series[];
  /** Data range of each axis; from the series (with 5% margin) by default. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Draw a legend when there are 2 up to this many series (default 10); one series is named by the title or axis. */
  legendLimit?: number;
  /** A line of text under the title (e.g. "64 of 512 neurons shown"). */
  note?: string;
  /** Only whole-number ticks on the x axis (epochs). */
  integerX?: boolean;
}

export interface FigureOptions {
  title?: string;
  /** Panels per row (default: up to 3). */
  columns?: number;
  panelWidth?: number;
  panelHeight?: number;
}

/** A colour-blind-safe palette (Okabe–Ito), then tab10's remaining hues. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000', '#8c564b', '#7f7f7f'];

const MARGIN = { left: 56, right: 16, top: 36, bottom: 44 };

/** Escapes text for element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A number as SVG writes it: at most 3 decimals, no trailing zeros, no "-0". */
export function fmt(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** The linear map from a data interval onto a pixel interval, and its inverse. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): { (v: number): number; invert(p: number): number } {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = (v: number) => r0 + ((v - d0) / span) * (r1 - r0);
  scale.invert = (p: number) => d0 + ((p - r0) / (r1 - r0)) * span;
  return scale;
}

/** Round tick values (steps of 1, 2 or 5 × 10^k) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5, { integer = false }: { integer?: boolean } = {}): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const step = integer ? Math.max(1, Math.round(nice)) : nice;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** The data range of the series' finite points, widened by `margin` of its span on each side. */
export function extent(values: Iterable<number>, margin = 0.05): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * margin;
  return [lo - pad, hi + pad];
}

/** Collects elements and prints the document. */
export class SvgDocument {
  private readonly parts: string[] = [];
  constructor(readonly width: number, readonly height: number) {}

  add(element: string): this {
    this.parts.push(element);
    return this;
  }

  toString(): string {
    const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(this.width)}" height="${fmt(this.height)}" viewBox="0 0 ${fmt(this.width)} ${fmt(this.height)}" font-family="sans-serif" font-size="11">`;
    return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n<rect width="100%" height="100%" fill="white"/>\n${this.parts.join('\n')}\n</svg>\n`;
  }
}

export function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  return `<text x="${fmt(x)}" y="${fmt(y)}"${attributes(attrs)}>${escapeXml(content)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, attrs: Record<string, string | number> = {}): string {
  return `<line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(x2)}" y2="${fmt(y2)}"${attributes(attrs)}/>`;
}

function attributes(attrs: Record<string, string | number>): string {
  return Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? fmt(v) : v)}"`).join('');
}

/** Splits a series at non-finite points, so a gap is drawn as a gap. */
function segments(points: readonly Point[]): Point[][] {
  const out: Point[][] = [[]];
  for (const p of points) {
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) out[out.length - 1].push(p);
    else if (out[out.length - 1].length > 0) out.push([]);
  }
  return out.filter((s) => s.length > 0);
}

/** Draws one panel (axes, ticks, curves, legend) into the box whose top-left corner is (left, top). */
export function drawPanel(doc: SvgDocument, panel: Panel, left: number, top: number, width: number, height: number): void {
  const area = { x: left + MARGIN.left, y: top + MARGIN.top, w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
  const xDomain = panel.xDomain ?? extent(panel.series.flatMap((s) => s.points.map((p) => p[0])), 0);
  const yDomain = panel.yDomain ?? extent(panel.series.flatMap((s) => s.points.map((p) => p[1])));
  const sx = linearScale(xDomain, [area.x, area.x + area.w]);
  const sy = linearScale(yDomain, [area.y + area.h, area.y]);
  const out: string[] = [];
  out.push(`<g class="panel" data-x-domain="${fmtExact(xDomain[0])} ${fmtExact(xDomain[1])}" data-y-domain="${fmtExact(yDomain[0])} ${fmtExact(yDomain[1])}" data-plot-area="${fmt(area.x)} ${fmt(area.y)} ${fmt(area.w)} ${fmt(area.h)}">`);
  if (panel.title) out.push(text(left + width / 2, top + 16, panel.title, { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold', class: 'title' }));
  if (panel.note) out.push(text(left + width / 2, top + 29, panel.note, { 'text-anchor': 'middle', fill: '#555', class: 'note' }));
  out.push(`<rect class="plot-area" x="${fmt(area.x)}" y="${fmt(area.y)}" width="${fmt(area.w)}" height="${fmt(area.h)}" fill="none" stroke="#333"/>`);
  for (const t of niceTicks(xDomain[0], xDomain[1], 6, { integer: panel.integerX })) {
    const px = sx(t);
    out.push(line(px, area.y + area.h, px, area.y + area.h + 4, { stroke: '#333', class: 'x-tick' }));
    out.push(line(px, area.y, px, area.y + area.h, { stroke: '#eee', class: 'grid' }));
    out.push(text(px, area.y + area.h + 15, tickLabel(t), { 'text-anchor': 'middle', class: 'x-tick-label' }));
  }
  for (const t of niceTicks(yDomain[0], yDomain[1], 5)) {
    const py = sy(t);
    out.push(line(area.x - 4, py, area.x, py, { stroke: '#333', class: 'y-tick' }));
    out.push(line(area.x, py, area.x + area.w, py, { stroke: '#eee', class: 'grid' }));
    out.push(text(area.x - 6, py + 4, tickLabel(t), { 'text-anchor': 'end', class: 'y-tick-label' }));
  }
  if (panel.xLabel) out.push(text(area.x + area.w / 2, top + height - 8, panel.xLabel, { 'text-anchor': 'middle', class: 'x-label' }));
  if (panel.yLabel) out.push(text(left + 14, area.y + area.h / 2, panel.yLabel, { 'text-anchor': 'middle', transform: `rotate(-90 ${fmt(left + 14)} ${fmt(area.y + area.h / 2)})`, class: 'y-label' }));
  out.push(`<clipPath id="clip-${fmt(left)}-${fmt(top)}"><rect x="${fmt(area.x)}" y="${fmt(area.y)}" width="${fmt(area.w)}" height="${fmt(area.h)}"/></clipPath>`);
  out.push(`<g clip-path="url(#clip-${fmt(left)}-${fmt(top)})">`);
  panel.series.forEach((series, i) => {
    const color = series.color ?? PALETTE[i % PALETTE.length];
    const width = panel.series.length > 20 ? 0.8 : 1.6;
    for (const segment of segments(series.points)) {
      const pts = segment.map(([x, y]) => `${fmt(sx(x))},${fmt(sy(y))}`).join(' ');
      const dash = series.dash ? ` stroke-dasharray="${escapeXml(series.dash)}"` : '';
      out.push(`<polyline class="series" data-series="${escapeXml(series.label)}" fill="none" stroke="${escapeXml(color)}" stroke-width="${width}"${dash} points="${pts}"/>`);
      if (series.markers ?? series.points.length <= 60) {
        for (const [x, y] of segment) out.push(`<circle class="marker" cx="${fmt(sx(x))}" cy="${fmt(sy(y))}" r="2.5" fill="${escapeXml(color)}"/>`);
      }
    }
  });
  out.push('</g>');
  if (panel.series.length > 1 && panel.series.length <= (panel.legendLimit ?? 10)) {
    // in the corner of the plot area that the curves cross least
    const w = 28 + 6.5 * Math.max(...panel.series.map((series) => series.label.length));
    const h = 8 + 14 * panel.series.length;
    const pixels: number[][] = [];
    for (const series of panel.series) {
      for (const segment of segments(series.points)) {
        segment.forEach(([x, y], i) => {
          if (i === 0) return void pixels.push([sx(x), sy(y)]);
          const [x0, y0] = segment[i - 1];
          for (let k = 1; k <= 8; k++) pixels.push([sx(x0 + ((x - x0) * k) / 8), sy(y0 + ((y - y0) * k) / 8)]); // along the line too
        });
      }
    }
    const corners = [[area.x + 4, area.y + 4], [area.x + area.w - w - 4, area.y + 4], [area.x + area.w - w - 4, area.y + area.h - h - 4], [area.x + 4, area.y + area.h - h - 4]];
    const crossings = corners.map(([cx, cy]) => pixels.filter(([px, py]) => px >= cx && px <= cx + w && py >= cy && py <= cy + h).length);
    const [bx, by] = corners[crossings.indexOf(Math.min(...crossings))];
    out.push(`<rect class="legend" x="${fmt(bx)}" y="${fmt(by)}" width="${fmt(w)}" height="${fmt(h)}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
    panel.series.forEach((series, i) => {
      const lx = bx + 4;
      const ly = by + 14 + i * 14;
      const color = series.color ?? PALETTE[i % PALETTE.length];
      out.push(`<g class="legend-entry">${line(lx, ly - 4, lx + 16, ly - 4, { stroke: color, 'stroke-width': 2, ...(series.dash ? { 'stroke-dasharray': series.dash } : {}) })}${text(lx + 20, ly, series.label)}</g>`);
    });
  }
  out.push('</g>');
  doc.add(out.join('\n'));
}

// The domain goes into the data attributes at full precision, so the inverse map is exact.
function fmtExact(v: number): string {
  return String(v);
}

function tickLabel(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

/** Panels in a grid, as one SVG document. */
export function figure(panels: readonly Panel[], options: FigureOptions = {}): string {
  checkOptions('figure', options, ['title', 'columns', 'panelWidth', 'panelHeight']);
  const columns = Math.max(1, Math.min(options.columns ?? 3, panels.length || 1));
  const pw = options.panelWidth ?? 360;
  const ph = options.panelHeight ?? 280;
  const titleHeight = options.title ? 28 : 0;
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const doc = new SvgDocument(columns * pw, rows * ph + titleHeight);
  if (options.title) doc.add(text((columns * pw) / 2, 20, options.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold', class: 'figure-title' }));
  if (panels.length === 0) doc.add(text((columns * pw) / 2, titleHeight + ph / 2, 'nothing to draw', { 'text-anchor': 'middle', class: 'empty' }));
  panels.forEach((panel, i) => drawPanel(doc, panel, (i % columns) * pw, titleHeight + Math.floor(i / columns) * ph, pw, ph));
  return doc.toString();
}
