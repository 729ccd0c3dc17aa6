// A tiny SVG reader for the plot tests: checks that the document is well-formed XML (balanced
// tags, quoted attributes, no stray '<' or '&'), and reads each panel's axes mapping and its
// polylines back into data coordinates.
import * as assert from 'uvu/assert';

export interface ReadPanel {
  title: string;
  xDomain: [number, number];
  yDomain: [number, number];
  area: { x: number; y: number; w: number; h: number };
  /** Polylines by series label, each as data-space points (segments concatenated). */
  series: Map<string, [number, number][]>;
  /** Pixel points as written, by label. */
  pixels: Map<string, [number, number][]>;
  xTicks: { value: number; px: number }[];
  yTicks: { value: number; py: number }[];
  legend: string[];
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Throws unless the text is well-formed XML of the subset the writer produces. */
export function assertWellFormed(svg: string): void {
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, , selfClosing, textContent] = match;
    if (textContent !== undefined) {
      assert.not.match(textContent, /&(?!(amp|lt|gt|quot|apos);)/, 'a bare & in text');
      continue;
    }
    if (closing) assert.is(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClosing) stack.push(name);
  }
  assert.is(consumed, body.length, `unparseable SVG near: ${body.slice(consumed, consumed + 80)}`);
  assert.equal(stack, [], 'unclosed elements');
  assert.ok(body.startsWith('<svg'), 'the root element is <svg>');
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescape(m[1]) : undefined;
};
const numbers = (s: string | undefined) => (s ?? '').trim().split(/\s+/).map(Number);

export function readPanels(svg: string): ReadPanel[] {
  assertWellFormed(svg);
  const chunks = svg.split('<g class="panel"').slice(1);
  return chunks.map((chunk) => {
    const head = `<g class="panel"${chunk.slice(0, chunk.indexOf('>') + 1)}`;
    const [x0, x1] = numbers(attr(head, 'data-x-domain'));
    const [y0, y1] = numbers(attr(head, 'data-y-domain'));
    const [ax, ay, aw, ah] = numbers(attr(head, 'data-plot-area'));
    const toData = ([px, py]: [number, number]): [number, number] => [x0 + ((px - ax) / aw) * (x1 - x0), y0 + ((ay + ah - py) / ah) * (y1 - y0)];
    const series = new Map<string, [number, number][]>();
    const pixels = new Map<string, [number, number][]>();
    for (const m of chunk.matchAll(/<polyline [^>]*\/>/g)) {
      const label = attr(m[0], 'data-series')!;
      const pts = (attr(m[0], 'points') ?? '').trim().split(/\s+/).map((p) => p.split(',').map(Number) as [number, number]);
      pixels.set(label, [...(pixels.get(label) ?? []), ...pts]);
      series.set(label, [...(series.get(label) ?? []), ...pts.map(toData)]);
    }
    const texts = (cls: string) => [...chunk.matchAll(new RegExp(`<text x="([^"]*)" y="([^"]*)"[^>]*class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: unescape(m[3]) }));
    const title = texts('title')[0]?.text ?? '';
    const xTicks = texts('x-tick-label').map((t) => ({ value: Number(t.text), px: t.x }));
    const yTicks = texts('y-tick-label').map((t) => ({ value: Number(t.text), py: t.y - 4 }));
    const legend = [...chunk.matchAll(/<g class="legend-entry">.*?<text [^>]*>([^<]*)<\/text><\/g>/g)].map((m) => unescape(m[1]));
    return { title, xDomain: [x0, x1], yDomain: [y0, y1], area: { x: ax, y: ay, w: aw, h: ah }, series, pixels, xTicks, yTicks, legend };
  });
}

/** The data-space tolerance of a drawn point: the writer rounds pixels to 1e-3. */
export function pixelTolerance(panel: ReadPanel): { x: number; y: number } {
  return { x: (2e-3 * (panel.xDomain[1] - panel.xDomain[0])) / panel.area.w, y: (2e-3 * (panel.yDomain[1] - panel.yDomain[0])) / panel.area.h };
}
