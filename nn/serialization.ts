// The safetensors format (https://github.com/huggingface/safetensors), in memory, so it works
// in the browser as well as in Node (Uint8Array in, Uint8Array out). A file is
//
//   8 bytes      N, the header's length: an unsigned 64-bit little-endian integer
//   N bytes      the header: UTF-8 JSON beginning with '{', padded with spaces
//                  { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] },
//                    ..., "__metadata__": { "<key>": "<string>" } }
//   the rest     the data section: each tensor's values, row-major, little-endian, at
//                [begin, end) relative to the start of this section
//
// The tensors must tile the data section exactly: no gaps, no overlaps, nothing left over.
// The writer lays tensors out by decreasing element size, then by name, and pads the header to
// a multiple of 8 bytes, as the reference writer does, so every tensor starts aligned.
//
// tapegrad writes F32 and F64 and also reads I64 (as float64, exact up to 2^53), which is how
// PyTorch stores BatchNorm's num_batches_tracked.
import { tensor } from '../core/creation.js';
import { fail, formatShape } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';

export type SafetensorsDType = 'F32' | 'F64' | 'I64';

export interface Safetensors {
  tensors: Record<string, Tensor>;
  /** The header's __metadata__: free-form string pairs. */
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDType, number> = { F64: 8, I64: 8, F32: 4 };
/** Dtypes of the format that tapegrad has no use for (named so the error can say so). */
const OTHER_DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'U64'];
const METADATA = '__metadata__';

export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const fn = 'encodeSafetensors';
  if (tensors === null || typeof tensors !== 'object') fail(fn, `expected an object of tensors by name, got ${String(tensors)}`);
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== 'string') fail(fn, `metadata '${key}' must be a string, got ${typeof value}`);
  }
  const entries = Object.entries(tensors).map(([name, t]) => {
    if (name === '' || name === METADATA) fail(fn, `invalid tensor name ${JSON.stringify(name)}`);
    if (!(t instanceof Tensor)) fail(fn, `'${name}' must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.isDisposed) fail(fn, `'${name}' was disposed`);
    const dtype: SafetensorsDType = t.dtype === 'float64' ? 'F64' : 'F32';
    return { name, t, dtype };
  });
  // wider elements first, then by name: every tensor starts at a multiple of its element size
  entries.sort((a, b) => BYTES[b.dtype] - BYTES[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (Object.keys(metadata ?? {}).length > 0) header[METADATA] = metadata;
  let offset = 0;
  for (const { name, t, dtype } of entries) {
    const size = t.size * BYTES[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded); // spaces

  let at = 8 + padded;
  for (const { t, dtype } of entries) {
    const values = t.data();
    if (dtype === 'F64') for (let i = 0; i < values.length; i++, at += 8) view.setFloat64(at, values[i], true);
    else for (let i = 0; i < values.length; i++, at += 4) view.setFloat32(at, values[i], true);
  }
  return out;
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

export interface DecodeOptions {
  /** The backend the tensors are created on (the active one by default). */
  backend?: string;
}

export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): Safetensors {
  const fn = 'decodeSafetensors';
  if (!(bytes instanceof Uint8Array)) fail(fn, `expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  if (bytes.length < 8) fail(fn, `the file is ${bytes.length} bytes, too short to hold the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) fail(fn, `the header length ${headerLength} runs past the end of the file (${bytes.length - 8} bytes follow the length)`);
  const n = Number(headerLength);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(fn, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(fn, `the header must be a JSON object starting with '{', got ${JSON.stringify(text.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(fn, `the header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(fn, 'the header must be a JSON object');

  const dataLength = bytes.length - 8 - n;
  const metadata = readMetadata(fn, (header as Record<string, unknown>)[METADATA]);
  const entries = Object.entries(header as Record<string, unknown>)
    .filter(([name]) => name !== METADATA)
    .map(([name, info]) => readEntry(fn, name, info, dataLength));
  checkTiling(fn, entries, dataLength);

  const data = new DataView(bytes.buffer, bytes.byteOffset + 8 + n, dataLength);
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) tensors[e.name] = readTensor(e, data, options.backend);
  return { tensors, metadata };
}

function readMetadata(fn: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(fn, '__metadata__ must be an object of strings');
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(fn, `__metadata__ '${key}' must be a string, got ${JSON.stringify(v)}`);
  }
  return { ...(value as Record<string, string>) };
}

function readEntry(fn: string, name: string, info: unknown, dataLength: number): Entry {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(fn, `tensor '${name}': expected {dtype, shape, data_offsets}, got ${JSON.stringify(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in BYTES)) {
    const known = typeof dtype === 'string' && OTHER_DTYPES.includes(dtype);
    fail(fn, `tensor '${name}': ${known ? 'unsupported' : 'unknown'} dtype ${JSON.stringify(dtype)} (tapegrad reads F32, F64 and I64)`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(fn, `tensor '${name}': shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(fn, `tensor '${name}': data_offsets must be [begin, end], two non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end || end > dataLength) fail(fn, `tensor '${name}': data_offsets [${begin}, ${end}] lie outside the data section of ${dataLength} bytes`);
  const size = shape.reduce((a: number, b: number) => a * b, 1) * BYTES[dtype as SafetensorsDType];
  if (end - begin !== size) {
    fail(fn, `tensor '${name}': shape ${formatShape(shape)} of ${dtype} needs ${size} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype: dtype as SafetensorsDType, shape, begin, end };
}

/** Sorted by offset, the tensors must follow one another from 0 to the end of the data. */
function checkTiling(fn: string, entries: Entry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < covered) fail(fn, `tensor '${e.name}' (bytes [${e.begin}, ${e.end})) overlaps tensor '${previous!.name}' (bytes [${previous!.begin}, ${previous!.end}))`);
    if (e.begin > covered) fail(fn, `bytes [${covered}, ${e.begin}) of the data section belong to no tensor (before tensor '${e.name}')`);
    covered = e.end;
    previous = e;
  }
  if (covered !== dataLength) fail(fn, `the data section has ${dataLength} bytes but the tensors cover ${covered}${previous ? ` (the last is '${previous.name}')` : ''}`);
}

function readTensor(e: Entry, data: DataView, backend: string | undefined): Tensor {
  const count = (e.end - e.begin) / BYTES[e.dtype];
  const values = e.dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = e.begin + i * BYTES[e.dtype];
    values[i] = e.dtype === 'F32' ? data.getFloat32(at, true) : e.dtype === 'F64' ? data.getFloat64(at, true) : Number(data.getBigInt64(at, true));
  }
  return tensor(values, { shape: e.shape, backend });
}
