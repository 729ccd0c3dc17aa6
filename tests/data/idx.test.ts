// The IDX reader on files built byte by byte here: every type code, big-endian values, gzip,
// and the rejections (truncated anywhere, bad magic, bad type, trailing bytes) naming an offset.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import * as tg from '../../index.js';
import { assertThrows } from '../helpers.js';

const { parseIdx } = tg.data;

const CODES = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e } as const;
type Kind = keyof typeof CODES;
const WIDTH: Record<Kind, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

/** An IDX file written by hand: magic 00 00 <code> <ndims>, big-endian dims, big-endian values. */
function idxBytes(kind: Kind, shape: number[], values: number[]): Uint8Array {
  const start = 4 + 4 * shape.length;
  const bytes = new Uint8Array(start + values.length * WIDTH[kind]);
  const view = new DataView(bytes.buffer);
  bytes[2] = CODES[kind];
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  values.forEach((v, i) => {
    const at = start + i * WIDTH[kind];
    if (kind === 'uint8') view.setUint8(at, v);
    else if (kind === 'int8') view.setInt8(at, v);
    else if (kind === 'int16') view.setInt16(at, v, false);
    else if (kind === 'int32') view.setInt32(at, v, false);
    else if (kind === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  });
  return bytes;
}

const valueArb: Record<Kind, fc.Arbitrary<number>> = {
  uint8: fc.integer({ min: 0, max: 255 }),
  int8: fc.integer({ min: -128, max: 127 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  float32: fc.float({ noNaN: true }),
  float64: fc.double({ noNaN: true }),
};

const fileArb = fc
  .record({ kind: fc.constantFrom(...(Object.keys(CODES) as Kind[])), shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }) })
  .chain(({ kind, shape }) => fc.array(valueArb[kind], { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }).map((values) => ({ kind, shape, values })));

test('every type code round-trips: shape, dtype and big-endian values', () => {
  fc.assert(fc.property(fileArb, fc.boolean(), ({ kind, shape, values }, gzip) => {
    const raw = idxBytes(kind, shape, values);
    const idx = parseIdx(gzip ? new Uint8Array(gzipSync(raw)) : raw);
    assert.equal(idx.shape, shape);
    assert.is(idx.dtype, kind);
    assert.equal(Array.from(idx.data), values.map((v) => (Object.is(v, -0) && kind.startsWith('float') ? -0 : v)));
  }), { numRuns: 200 });
});

test('a hand-checked file: 2×3 uint8, 1×2 int16 and float64 values land where expected', () => {
  const u8 = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);
  const a = parseIdx(u8);
  assert.equal(a.shape, [2, 3]);
  assert.ok(a.data instanceof Uint8Array);
  assert.equal(Array.from(a.data), [1, 2, 3, 4, 5, 255]);
  const i16 = new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  assert.equal(Array.from(parseIdx(i16).data), [258, -2]);
  const f64 = parseIdx(new Uint8Array([0, 0, 0x0e, 1, 0, 0, 0, 1, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]));
  assert.ok(f64.data instanceof Float64Array);
  assert.equal(Array.from(f64.data), [1.5]);
});

test('a file cut anywhere is rejected as truncated at the offset where it ends', () => {
  const raw = idxBytes('int32', [2, 3], [1, -2, 3, -4, 5, -6]);
  for (let cut = 0; cut < raw.length; cut++) {
    assertThrows(() => parseIdx(raw.subarray(0, cut), 'cut.idx'), 'parseIdx', 'cut.idx', 'truncated', `byte offset ${cut}`);
  }
});

test('bad magic, an unknown type code, zero dimensions and trailing bytes name their offset', () => {
  const raw = idxBytes('uint8', [2], [7, 8]);
  const at = (i: number, v: number) => {
    const b = raw.slice();
    b[i] = v;
    return b;
  };
  assertThrows(() => parseIdx(at(0, 1)), 'not IDX', 'byte offset 0', '0x01');
  assertThrows(() => parseIdx(at(1, 0x20)), 'not IDX', 'byte offset 1', '0x20');
  assertThrows(() => parseIdx(at(2, 0x0a)), 'corrupted', 'byte offset 2', '0x0a');
  assertThrows(() => parseIdx(at(3, 0)), 'corrupted', 'byte offset 3', '0 dimensions');
  const longer = new Uint8Array([...raw, 9, 9, 9]);
  assertThrows(() => parseIdx(longer), 'corrupted', '3 unexpected bytes', `byte offset ${raw.length}`);
});

test('gzip: truncated and corrupted streams are rejected with a compressed-file offset', () => {
  const values = Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251);
  const gz = new Uint8Array(gzipSync(idxBytes('uint8', [4000], values)));
  assert.equal(Array.from(parseIdx(gz).data), values);
  assertThrows(() => parseIdx(gz.subarray(0, gz.length - 20), 'x.gz'), 'x.gz', '(gzip)', 'truncated', `byte offset ${gz.length - 20}`);
  const crc = gz.slice();
  crc[crc.length - 8] ^= 0xff; // the CRC-32 in the trailer
  assertThrows(() => parseIdx(crc, 'x.gz'), 'corrupted', /byte offset \d+/, 'zlib');
  const body = gz.slice();
  body[gz.length >> 1] ^= 0xff;
  assertThrows(() => parseIdx(body, 'x.gz'), 'x.gz', /(corrupted|truncated).*byte offset \d+/);
});

test('readIdx reads a gzipped file from disk and names the path in errors', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-idx-'));
  const good = join(dir, 'good.gz');
  writeFileSync(good, gzipSync(idxBytes('float32', [2, 2], [0.5, -1, 2, 4])));
  assert.equal(Array.from(tg.data.readIdx(good).data), [0.5, -1, 2, 4]);
  const bad = join(dir, 'bad');
  writeFileSync(bad, idxBytes('float32', [2, 2], [0.5, -1, 2, 4]).subarray(0, 13));
  assertThrows(() => tg.data.readIdx(bad), bad, 'truncated', 'byte offset 13');
});

test.run();
