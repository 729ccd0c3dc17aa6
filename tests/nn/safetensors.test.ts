// The safetensors format: files built byte by byte from the specification (not with our
// encoder) are read correctly, our encoder writes exactly the bytes the specification
// prescribes, round trips are exact, and every kind of corruption is refused with a message
// naming the tensor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../index.js';
import type { Tensor } from '../../index.js';
import { assertThrows } from '../helpers.js';

const { nn } = tg;

/** A file from its parts, by the specification: u64 LE header length, the header, the data. */
function fileOf(header: string, data: number[] = [], pad = true): Uint8Array {
  const text = [...new TextEncoder().encode(header)];
  while (pad && text.length % 8 !== 0) text.push(0x20);
  const n = text.length;
  const length = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff, 0, 0, 0, 0];
  return Uint8Array.from([...length, ...text, ...data]);
}

const F32_ONE = [0x00, 0x00, 0x80, 0x3f]; // 1.0f = 0x3F800000, little-endian
const F32_MINUS_TWO = [0x00, 0x00, 0x00, 0xc0]; // -2.0f = 0xC0000000
const F64_HALF = [0, 0, 0, 0, 0, 0, 0xe0, 0x3f]; // 0.5 = 0x3FE0000000000000
const I64_SEVEN = [7, 0, 0, 0, 0, 0, 0, 0];

test('a file written byte by byte from the specification decodes to its tensors and metadata', () => {
  const header = '{"__metadata__":{"format":"pt"},'
    + '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
    + '"b":{"dtype":"F64","shape":[1,1],"data_offsets":[8,16]},'
    + '"num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[16,24]}}';
  const { tensors, metadata } = nn.decodeSafetensors(fileOf(header, [...F32_ONE, ...F32_MINUS_TWO, ...F64_HALF, ...I64_SEVEN]));
  assert.equal({ ...metadata }, { format: 'pt' });
  assert.equal(Object.keys(tensors), ['a', 'b', 'num_batches_tracked']);
  assert.is(tensors.a.dtype, 'float32');
  assert.equal(tensors.a.toArray(), [1, -2]);
  assert.is(tensors.b.dtype, 'float64');
  assert.equal(tensors.b.toArray(), [[0.5]]);
  assert.equal(tensors.num_batches_tracked.shape, []);
  assert.is(tensors.num_batches_tracked.item(), 7);
});

test('the encoder writes exactly the bytes of the specification: padded header, wide dtypes first', () => {
  const bytes = nn.encodeSafetensors({ w: tg.tensor([1, -2]), d: tg.tensor(0.5, { dtype: 'float64' }) }, { format: 'pt' });
  const header = '{"__metadata__":{"format":"pt"},'
    + '"d":{"dtype":"F64","shape":[],"data_offsets":[0,8]},'
    + '"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}';
  assert.equal(Array.from(bytes), Array.from(fileOf(header, [...F64_HALF, ...F32_ONE, ...F32_MINUS_TWO])));
  assert.is(new DataView(bytes.buffer).getUint32(0, true) % 8, 0);
  assert.equal(Array.from(nn.encodeSafetensors({})), Array.from(fileOf('{}')), 'an empty file is "{}" padded to 8 bytes');
});

const tensorCase = fc.record({
  dtype: fc.constantFrom('float32' as const, 'float64' as const),
  shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
});

test('round trips are exact for any names, shapes (empty and 0-d too), dtypes and metadata', () => {
  fc.assert(fc.property(
    fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__metadata__' && k !== '__proto__'), tensorCase, { maxKeys: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    fc.nat(1000),
    (cases, metadata, seed) => {
      tg.manualSeed(seed);
      const tensors: Record<string, Tensor> = {};
      for (const [name, c] of Object.entries(cases)) tensors[name] = tg.randn(c.shape, { dtype: c.dtype }).mul(1e3);
      const bytes = nn.encodeSafetensors(tensors, metadata);
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      assert.is(n % 8, 0);
      const decoded = nn.decodeSafetensors(bytes);
      assert.equal({ ...decoded.metadata }, { ...metadata });
      assert.equal(Object.keys(decoded.tensors).sort(), Object.keys(tensors).sort());
      for (const [name, t] of Object.entries(tensors)) {
        const d = decoded.tensors[name];
        assert.is(d.dtype, t.dtype, name);
        assert.equal(d.shape, t.shape, name);
        assert.equal(Array.from(d.data()), Array.from(t.data()), name);
      }
    },
  ), { numRuns: 60, seed: 4 });
});

test('a Uint8Array view into a larger buffer decodes too (the byteOffset is respected)', () => {
  const bytes = nn.encodeSafetensors({ x: tg.tensor([3, 4]) });
  const big = new Uint8Array(bytes.length + 13);
  big.set(bytes, 5);
  assert.equal(nn.decodeSafetensors(big.subarray(5, 5 + bytes.length)).tensors.x.toArray(), [3, 4]);
});

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });
const json = (header: object) => JSON.stringify(header);
const eight = [...F32_ONE, ...F32_MINUS_TWO];

test('corrupted files are refused, naming the problem and the tensor', () => {
  const decode = (bytes: Uint8Array) => () => nn.decodeSafetensors(bytes);
  assertThrows(decode(Uint8Array.from([1, 2, 3])), 'decodeSafetensors', '3 bytes', 'too short');
  assertThrows(decode(Uint8Array.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d])), 'header length 255', 'past the end');
  assertThrows(decode(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1, 0x7b])), 'header length 72057594037927936');
  assertThrows(decode(fileOf('{"a": ')), 'not valid JSON');
  assertThrows(decode(fileOf('[1, 2]')), "starting with '{'");
  assertThrows(decode(fileOf('{"a":1}')), "tensor 'a'", 'expected {dtype, shape, data_offsets}');
  assertThrows(decode(fileOf(json({ a: entry('F16', [2], 0, 4) }), [0, 0, 0, 0])), "tensor 'a'", 'unsupported dtype "F16"', 'F32, I32, U32');
  assertThrows(decode(fileOf(json({ a: entry('Q7', [2], 0, 8) }), eight)), "tensor 'a'", 'unknown dtype "Q7"');
  assertThrows(decode(fileOf(json({ a: entry('F32', [-2], 0, 8) }), eight)), "tensor 'a'", 'shape', '[-2]');
  assertThrows(decode(fileOf(json({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }), eight)), "tensor 'a'", 'data_offsets', '[0]');
  assertThrows(decode(fileOf(json({ a: entry('F32', [2], 0, 16) }), eight)), "tensor 'a'", '[0, 16]', 'outside the data section of 8 bytes');
  assertThrows(decode(fileOf(json({ a: entry('F32', [2], 8, 0) }), eight)), "tensor 'a'", '[8, 0]');
  assertThrows(decode(fileOf(json({ a: entry('F32', [3], 0, 8) }), eight)), "tensor 'a'", 'shape [3] of F32 needs 12 bytes', 'hold 8');
  assertThrows(decode(fileOf(json({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }), [...eight, 0, 0, 0, 0])), "tensor 'b'", "overlaps tensor 'a'");
  assertThrows(decode(fileOf(json({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }), [...eight, 0, 0, 0, 0])), 'bytes [4, 8)', "before tensor 'b'");
  assertThrows(decode(fileOf(json({ a: entry('F32', [1], 4, 8) }), eight)), 'bytes [0, 4)', "tensor 'a'");
  assertThrows(decode(fileOf(json({ a: entry('F32', [1], 0, 4) }), eight)), 'the data section has 8 bytes but the tensors cover 4', "'a'");
  assertThrows(decode(fileOf(json({ __metadata__: { epoch: 3 } }))), '__metadata__', "'epoch'", 'string');
  assertThrows(decode(Uint8Array.from([...fileOf('{}').slice(0, 8), 0xff, 0xfe, 0x7b, 0x7d, 0x20, 0x20, 0x20, 0x20])), 'not valid UTF-8');
  // a truncated file: the last tensor's bytes are cut off
  const whole = nn.encodeSafetensors({ a: tg.tensor([1, 2, 3]) });
  assertThrows(decode(whole.slice(0, whole.length - 4)), "tensor 'a'", 'outside the data section');
});

test('the encoder refuses what it cannot write', () => {
  assertThrows(() => nn.encodeSafetensors({ __metadata__: tg.zeros([1]) }), 'encodeSafetensors', '"__metadata__"');
  assertThrows(() => nn.encodeSafetensors({ a: [1] as unknown as Tensor }), 'encodeSafetensors', "'a'", 'Tensor');
  assertThrows(() => nn.encodeSafetensors({ a: tg.zeros([1]) }, { epoch: 3 as unknown as string }), 'encodeSafetensors', "'epoch'", 'string');
  const gone = tg.zeros([1]);
  gone.dispose();
  assertThrows(() => nn.encodeSafetensors({ gone }), "'gone'", 'disposed');
});

test('saveSafetensors writes atomically and loadSafetensors reads it back; failures name the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-safetensors-'));
  try {
    const path = join(dir, 'weights.safetensors');
    await nn.saveSafetensors(path, { w: tg.tensor([[1, 2], [3, 4]]) }, { note: 'first' });
    await nn.saveSafetensors(path, { w: tg.tensor([[5, 6], [7, 8]]) }, { note: 'second' }); // replaces it
    const loaded = await nn.loadSafetensors(path);
    assert.equal(loaded.tensors.w.toArray(), [[5, 6], [7, 8]]);
    assert.equal({ ...loaded.metadata }, { note: 'second' });
    assert.equal(readdirSync(dir), ['weights.safetensors'], 'no temporary file is left behind');
    // a write that fails (here: before touching the disk) leaves the old file intact
    await assertRejects(() => nn.saveSafetensors(path, { bad: null as unknown as Tensor }), "'bad'");
    assert.equal((await nn.loadSafetensors(path)).tensors.w.toArray(), [[5, 6], [7, 8]]);
    // a write into a directory that does not exist fails and leaves nothing behind
    await assertRejects(() => nn.saveSafetensors(join(dir, 'missing', 'x.safetensors'), {}), 'ENOENT');
    assert.equal(readdirSync(dir), ['weights.safetensors']);
    const broken = join(dir, 'broken.safetensors');
    writeFileSync(broken, readFileSync(path).subarray(0, 20));
    await assertRejects(() => nn.loadSafetensors(broken), 'loadSafetensors', 'broken.safetensors', 'past the end');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('integer dtypes are read exactly, as float64; 64-bit values beyond 2^53 are refused, not rounded', () => {
  const le = (value: bigint, bytes: number) => Array.from({ length: bytes }, (_, i) => Number((BigInt.asUintN(bytes * 8, value) >> BigInt(8 * i)) & 0xffn));
  const cases: [string, number, bigint][] = [
    ['I64', 8, -(2n ** 53n)], ['U64', 8, 2n ** 53n], ['I32', 4, -(2n ** 31n)], ['U32', 4, 2n ** 32n - 1n],
    ['I16', 2, -300n], ['U16', 2, 65535n], ['I8', 1, -128n], ['U8', 1, 255n], ['BOOL', 1, 1n],
  ];
  let offset = 0;
  const header: Record<string, unknown> = {};
  const data: number[] = [];
  for (const [dtype, bytes, value] of cases) {
    header[dtype] = entry(dtype, [1], offset, offset + bytes);
    data.push(...le(value, bytes));
    offset += bytes;
  }
  const { tensors } = nn.decodeSafetensors(fileOf(json(header), data));
  for (const [dtype, , value] of cases) {
    assert.is(tensors[dtype].dtype, 'float64', dtype);
    assert.is(tensors[dtype].item(), Number(value), dtype);
  }
  // 2^53 + 1 has no float64: Number() would silently make it 2^53
  assertThrows(() => nn.decodeSafetensors(fileOf(json({ n: entry('I64', [1], 0, 8) }), le(2n ** 53n + 1n, 8))), 'decodeSafetensors', "tensor 'n'", '9007199254740993', '2^53');
  assertThrows(() => nn.decodeSafetensors(fileOf(json({ n: entry('U64', [1], 0, 8) }), le(2n ** 64n - 1n, 8))), "tensor 'n'", '18446744073709551615');
  assertThrows(() => nn.decodeSafetensors(fileOf(json({ b: entry('BOOL', [1], 0, 1) }), [2, 0, 0, 0, 0, 0, 0, 0].slice(0, 1))), "tensor 'b'", 'BOOL', 'the byte 2');
});

test('the encoder writes integer dtypes on request, and refuses values they cannot hold', () => {
  const bytes = nn.encodeSafetensors({ count: tg.tensor(7), w: tg.tensor([1.5]) }, {}, { dtypes: { count: 'I64' } });
  const header = '{"count":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}';
  assert.equal(Array.from(bytes), Array.from(fileOf(header, [...I64_SEVEN, 0x00, 0x00, 0xc0, 0x3f])));
  assert.is(nn.decodeSafetensors(bytes).tensors.count.item(), 7);
  assertThrows(() => nn.encodeSafetensors({ c: tg.tensor([1, 2.5]) }, {}, { dtypes: { c: 'I32' } }), 'encodeSafetensors', "'c'", 'I32', 'element 1 is 2.5');
  assertThrows(() => nn.encodeSafetensors({ c: tg.tensor([300]) }, {}, { dtypes: { c: 'U8' } }), "'c'", '[0, 255]', '300');
  assertThrows(() => nn.encodeSafetensors({ c: tg.tensor([1]) }, {}, { dtypes: { c: 'F16' as never } }), "options.dtypes['c']");
  assertThrows(() => nn.encodeSafetensors({ c: tg.tensor([1]) }, {}, { dtypes: { d: 'I64' } }), "'d'", 'not among the tensors');
});

test("a tensor or metadata key named '__proto__' round-trips; decoded maps have no prototype", () => {
  const tensors: Record<string, Tensor> = Object.create(null);
  tensors.__proto__ = tg.tensor([1, 2]);
  const ctor: string = 'constructor';
  tensors[ctor] = tg.tensor([3]);
  const metadata: Record<string, string> = Object.create(null);
  metadata.__proto__ = 'kept';
  const decoded = nn.decodeSafetensors(nn.encodeSafetensors(tensors, metadata));
  assert.is(Object.getPrototypeOf(decoded.tensors), null);
  assert.is(Object.getPrototypeOf(decoded.metadata), null);
  assert.equal(Object.keys(decoded.tensors).sort(), ['__proto__', 'constructor']);
  assert.equal(decoded.tensors.__proto__.toArray(), [1, 2]);
  assert.equal(decoded.tensors[ctor].toArray(), [3]);
  assert.is(decoded.metadata.__proto__, 'kept');
  // a file written by another program, with the key in its JSON text
  const file = fileOf(json({ a: entry('F32', [1], 0, 4) }).replace('"a"', '"__proto__"'), F32_ONE);
  assert.equal(Object.keys(nn.decodeSafetensors(file).tensors), ['__proto__']);
});

test('a header nested 200,000 deep is refused with a message, not a stack overflow', () => {
  const deep = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  assertThrows(() => nn.decodeSafetensors(fileOf(deep)), 'decodeSafetensors', 'the header nests more than 8 levels');
  const deepMeta = `{"__metadata__":{"k":${'{"k":'.repeat(200_000)}1${'}'.repeat(200_000)}}}`;
  assertThrows(() => nn.decodeSafetensors(fileOf(deepMeta)), 'decodeSafetensors', 'nests more than');
  assertThrows(() => nn.decodeSafetensors(fileOf(json({ a: entry('F32', new Array(65).fill(1), 0, 4) }), F32_ONE)), "tensor 'a'", 'at most 64');
});

test('loadSafetensors refuses what is not a regular file, and files longer than their header says', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-safetensors-'));
  try {
    await assertRejects(() => nn.loadSafetensors(join(dir, 'missing.safetensors')), 'loadSafetensors', 'missing.safetensors does not exist');
    await assertRejects(() => nn.loadSafetensors(dir), 'loadSafetensors', `${dir} is a directory, not a safetensors file`);
    await assertRejects(() => nn.loadSafetensors('/dev/zero'), 'loadSafetensors', '/dev/zero is a character device');
    const fifo = join(dir, 'pipe.safetensors');
    if (spawnSync('mkfifo', [fifo]).status === 0) await assertRejects(() => nn.loadSafetensors(fifo), 'loadSafetensors', 'is a FIFO');
    const long = join(dir, 'long.safetensors');
    writeFileSync(long, Uint8Array.from([...nn.encodeSafetensors({ a: tg.tensor([1]) }), 0, 0, 0, 0]));
    await assertRejects(() => nn.loadSafetensors(long), 'long.safetensors', '4 bytes longer than its header accounts for');
    // the header alone, without the data
    const path = join(dir, 'ok.safetensors');
    await nn.saveSafetensors(path, { w: tg.tensor([[1, 2]]) }, { note: 'n' });
    const header = await nn.readSafetensorsHeader(path);
    assert.equal(header.entries.map((e) => [e.name, e.dtype, e.shape]), [['w', 'F32', [1, 2]]]);
    assert.is(header.metadata.note, 'n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('removeStaleTemporaries deletes the temporary files of dead processes only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-safetensors-'));
  try {
    const dead = '.w.safetensors.999999999.abc.tmp'; // above Linux's pid_max
    const mine = `.w.safetensors.${process.pid}.def.tmp`;
    for (const name of [dead, mine, 'w.safetensors', '.hidden.tmp']) writeFileSync(join(dir, name), 'x');
    assert.equal(await nn.removeStaleTemporaries(dir), [dead]);
    assert.equal(readdirSync(dir).sort(), [mine, '.hidden.tmp', 'w.safetensors'].sort());
    assert.equal(await nn.removeStaleTemporaries(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function assertRejects(fn: () => Promise<unknown>, ...fragments: string[]): Promise<void> {
  let error: unknown = null;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof Error)) assert.unreachable(`expected a rejection mentioning ${fragments.join(', ')}`);
  for (const f of fragments) assert.ok((error as Error).message.includes(f), `"${(error as Error).message}" does not mention ${f}`);
}

test.run();
