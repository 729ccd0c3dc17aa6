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
// Tensors are float32 or float64; the format's integer dtypes (I8 … U64, BOOL) are read as
// float64, exactly, and written on request (EncodeOptions.dtypes), so BatchNorm's
// num_batches_tracked travels as the I64 PyTorch writes. An integer beyond 2^53 has no exact
// float64, so it is refused rather than rounded.
//
// A file is untrusted input: the header's length, nesting and size are bounded, its tensors are
// returned in a prototype-free object (a tensor may be called '__proto__'), and the bytes a
// tensor claims are checked against the file before anything is allocated for it.
import { tensor } from '../core/creation.js';
import { checkOptions, fail, formatShape } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { parseJsonText, preview } from './json_text.js';

export type SafetensorsDType = 'F32' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

export interface Safetensors {
  /** By name, in a prototype-free object: any name is a plain key. */
  tensors: Record<string, Tensor>;
  /** The header's __metadata__: free-form string pairs (prototype-free too). */
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDType, number> = { F64: 8, I64: 8, U64: 8, F32: 4, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1 };
/** The integer dtypes' ranges (64-bit ones clipped to the integers float64 holds exactly). */
const RANGE: Partial<Record<SafetensorsDType, readonly [number, number]>> = {
  I64: [-(2 ** 53), 2 ** 53], U64: [0, 2 ** 53], I32: [-(2 ** 31), 2 ** 31 - 1], U32: [0, 2 ** 32 - 1],
  I16: [-(2 ** 15), 2 ** 15 - 1], U16: [0, 2 ** 16 - 1], I8: [-128, 127], U8: [0, 255], BOOL: [0, 1],
};
/** Dtypes of the format that tapegrad does not read (named so the error can say so). */
const OTHER_DTYPES = ['F8_E5M2', 'F8_E4M3', 'F16', 'BF16'];
const METADATA = '__metadata__';
/** The reference implementation's limit: a longer header is not a safetensors file. */
export const MAX_HEADER_BYTES = 100_000_000;
/** A header nests 3 deep ({name: {shape: [...]}}); anything much deeper is not one. */
const MAX_HEADER_DEPTH = 8;
/** PyTorch's limit on a tensor's dimensions. */
const MAX_RANK = 64;

const isDType = (d: unknown): d is SafetensorsDType => typeof d === 'string' && Object.hasOwn(BYTES, d);
const READABLE = Object.keys(BYTES).join(', ');

export interface EncodeOptions {
  /** A file dtype per tensor name, e.g. {'bn.num_batches_tracked': 'I64'}; default F32/F64 by the tensor's dtype. */
  dtypes?: Record<string, SafetensorsDType>;
}

export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}, options: EncodeOptions = {}): Uint8Array {
  const fn = 'encodeSafetensors';
  if (tensors === null || typeof tensors !== 'object') fail(fn, `expected an object of tensors by name, got ${String(tensors)}`);
  if (metadata === null || typeof metadata !== 'object') fail(fn, `metadata must be an object of strings, got ${String(metadata)}`);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') fail(fn, `metadata '${key}' must be a string, got ${typeof value}`);
  }
  const dtypes = options.dtypes ?? {};
  for (const [name, d] of Object.entries(dtypes)) {
    if (!isDType(d)) fail(fn, `options.dtypes['${name}'] must be one of ${READABLE}, got ${preview(d)}`);
    if (!Object.hasOwn(tensors, name)) fail(fn, `options.dtypes names '${name}', which is not among the tensors`);
  }
  const entries = Object.entries(tensors).map(([name, t]) => {
    if (name === '' || name === METADATA) fail(fn, `invalid tensor name ${JSON.stringify(name)}`);
    if (!(t instanceof Tensor)) fail(fn, `'${name}' must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.isDisposed) fail(fn, `'${name}' was disposed`);
    const dtype: SafetensorsDType = Object.hasOwn(dtypes, name) ? dtypes[name] : t.dtype === 'float64' ? 'F64' : 'F32';
    return { name, t, dtype };
  });
  // wider elements first, then by name: every tensor starts at a multiple of its element size
  entries.sort((a, b) => BYTES[b.dtype] - BYTES[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // prototype-free, so a tensor named '__proto__' is an entry like any other
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length > 0) header[METADATA] = metadata;
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
  for (const { name, t, dtype } of entries) {
    const values = t.data();
    const range = RANGE[dtype];
    if (range) {
      const bad = values.findIndex((v) => !Number.isInteger(v) || v < range[0] || v > range[1]);
      if (bad >= 0) fail(fn, `'${name}' is written as ${dtype}, which holds integers in [${range[0]}, ${range[1]}], but element ${bad} is ${values[bad]}`);
    }
    for (let i = 0; i < values.length; i++, at += BYTES[dtype]) writeValue(view, at, dtype, values[i]);
  }
  return out;
}

function writeValue(view: DataView, at: number, dtype: SafetensorsDType, v: number): void {
  switch (dtype) {
    case 'F64': return view.setFloat64(at, v, true);
    case 'F32': return view.setFloat32(at, v, true);
    case 'I64': return view.setBigInt64(at, BigInt(v), true);
    case 'U64': return view.setBigUint64(at, BigInt(v), true);
    case 'I32': return view.setInt32(at, v, true);
    case 'U32': return view.setUint32(at, v, true);
    case 'I16': return view.setInt16(at, v, true);
    case 'U16': return view.setUint16(at, v, true);
    case 'I8': return view.setInt8(at, v);
    case 'U8': case 'BOOL': return view.setUint8(at, v);
  }
}

function readValue(view: DataView, at: number, dtype: SafetensorsDType): number {
  switch (dtype) {
    case 'F64': return view.getFloat64(at, true);
    case 'F32': return view.getFloat32(at, true);
    case 'I64': return Number(view.getBigInt64(at, true)); // readTensor checks the range first
    case 'U64': return Number(view.getBigUint64(at, true));
    case 'I32': return view.getInt32(at, true);
    case 'U32': return view.getUint32(at, true);
    case 'I16': return view.getInt16(at, true);
    case 'U16': return view.getUint16(at, true);
    case 'I8': return view.getInt8(at);
    case 'U8': case 'BOOL': return view.getUint8(at);
  }
}

/** A tensor's entry in the header, checked against the data section's length. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** What the header alone says: enough to check a file before reading its data. */
export interface SafetensorsHeader {
  /** Bytes of the header (after the 8-byte length). */
  headerLength: number;
  /** Bytes of the data section the tensors tile. */
  dataLength: number;
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
}

export interface DecodeOptions {
  /** The backend the tensors are created on (the active one by default). */
  backend?: string;
}

/** The header's length from the file's first 8 bytes, checked against the reference limit. */
export function readHeaderLength(fn: string, first8: Uint8Array, fileLength: number): number {
  if (fileLength < 8) fail(fn, `the file is ${fileLength} bytes, too short to hold the 8-byte header length`);
  const length = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(fileLength - 8)) fail(fn, `the header length ${length} runs past the end of the file (${fileLength - 8} bytes follow the length)`);
  if (length > BigInt(MAX_HEADER_BYTES)) fail(fn, `the header length ${length} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  return Number(length);
}

/**
 * Parses and checks the header: every entry's dtype, shape and offsets, and that the entries
 * tile exactly `dataLength` bytes. Allocates nothing in proportion to what the header claims.
 */
export function parseHeader(fn: string, headerBytes: Uint8Array, dataLength: number): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail(fn, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(fn, `the header must be a JSON object starting with '{', got ${JSON.stringify(text.slice(0, 20))}`);
  const header = parseJsonText(fn, 'the header', text, MAX_HEADER_DEPTH);
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(fn, 'the header must be a JSON object');
  const fields = header as Record<string, unknown>;
  const metadata = readMetadata(fn, fields[METADATA]);
  const entries = Object.entries(fields)
    .filter(([name]) => name !== METADATA)
    .map(([name, info]) => readEntry(fn, name, info, dataLength));
  checkTiling(fn, entries, dataLength);
  return { headerLength: headerBytes.length, dataLength, entries, metadata };
}

export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): Safetensors {
  const fn = 'decodeSafetensors';
  checkOptions(fn, options, ['backend']);
  if (!(bytes instanceof Uint8Array)) fail(fn, `expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  const n = readHeaderLength(fn, bytes.subarray(0, 8), bytes.length);
  const header = parseHeader(fn, bytes.subarray(8, 8 + n), bytes.length - 8 - n);
  return decodeData(fn, header, bytes.subarray(8 + n), options);
}

/** The tensors of a checked header from its data section; all of them or (on failure) none. */
export function decodeData(fn: string, header: SafetensorsHeader, data: Uint8Array, options: DecodeOptions = {}): Safetensors {
  if (data.length !== header.dataLength) fail(fn, `the data section has ${data.length} bytes, the header describes ${header.dataLength}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors: Record<string, Tensor> = Object.create(null);
  try {
    for (const e of header.entries) tensors[e.name] = readTensor(fn, e, view, options.backend);
  } catch (error) {
    for (const t of Object.values(tensors)) t.dispose();
    throw error;
  }
  return { tensors, metadata: header.metadata };
}

function readMetadata(fn: string, value: unknown): Record<string, string> {
  const metadata: Record<string, string> = Object.create(null);
  if (value === undefined) return metadata;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(fn, '__metadata__ must be an object of strings');
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(fn, `__metadata__ '${key}' must be a string, got ${preview(v)}`);
    metadata[key] = v;
  }
  return metadata;
}

function readEntry(fn: string, name: string, info: unknown, dataLength: number): SafetensorsEntry {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(fn, `tensor '${name}': expected {dtype, shape, data_offsets}, got ${preview(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!isDType(dtype)) {
    const known = typeof dtype === 'string' && OTHER_DTYPES.includes(dtype);
    fail(fn, `tensor '${name}': ${known ? 'unsupported' : 'unknown'} dtype ${preview(dtype)} (tapegrad reads ${READABLE})`);
  }
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(fn, `tensor '${name}': shape must be a list of at most ${MAX_RANK} non-negative integers, got ${preview(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(fn, `tensor '${name}': data_offsets must be [begin, end], two non-negative integers, got ${preview(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end || end > dataLength) fail(fn, `tensor '${name}': data_offsets [${begin}, ${end}] lie outside the data section of ${dataLength} bytes`);
  const size = shape.reduce((a: number, b: number) => a * b, 1) * BYTES[dtype];
  if (end - begin !== size) {
    fail(fn, `tensor '${name}': shape ${formatShape(shape)} of ${dtype} needs ${size} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape, begin, end };
}

/** Sorted by offset, the tensors must follow one another from 0 to the end of the data. */
function checkTiling(fn: string, entries: SafetensorsEntry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: SafetensorsEntry | null = null;
  for (const e of sorted) {
    if (e.begin < covered) fail(fn, `tensor '${e.name}' (bytes [${e.begin}, ${e.end})) overlaps tensor '${previous!.name}' (bytes [${previous!.begin}, ${previous!.end}))`);
    if (e.begin > covered) fail(fn, `bytes [${covered}, ${e.begin}) of the data section belong to no tensor (before tensor '${e.name}')`);
    covered = e.end;
    previous = e;
  }
  if (covered !== dataLength) {
    fail(fn, `the data section has ${dataLength} bytes but the tensors cover ${covered}${previous ? ` (the last is '${previous.name}')` : ''}: the file is ${dataLength - covered} bytes longer than its header accounts for`);
  }
}

const EXACT = 2n ** 53n;

function readTensor(fn: string, e: SafetensorsEntry, data: DataView, backend: string | undefined): Tensor {
  const width = BYTES[e.dtype];
  const count = (e.end - e.begin) / width;
  const values = e.dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0, at = e.begin; i < count; i++, at += width) {
    if (e.dtype === 'I64' || e.dtype === 'U64') {
      // compared as 64-bit integers: Number() would round 2^53 + 1 to 2^53 silently
      const big = e.dtype === 'I64' ? data.getBigInt64(at, true) : data.getBigUint64(at, true);
      if (big > EXACT || big < -EXACT) fail(fn, `tensor '${e.name}': element ${i} is ${big}, beyond ±2^53, the integers float64 (and so tapegrad) holds exactly`);
      values[i] = Number(big);
      continue;
    }
    const v = readValue(data, at, e.dtype);
    if (e.dtype === 'BOOL' && v > 1) fail(fn, `tensor '${e.name}': element ${i} of BOOL is the byte ${v}, expected 0 or 1`);
    values[i] = v;
  }
  return tensor(values, { shape: e.shape, backend });
}
