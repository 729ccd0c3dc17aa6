// The IDX format of the MNIST files (yann.lecun.com/exdb/mnist): two zero bytes, a type code,
// the number of dimensions, then each dimension as a big-endian uint32, then the values in
// row-major order, big-endian. Files are often gzipped; gzip is detected by its magic 1f 8b.
// Every rejection names the byte offset where the file stops making sense, so a truncated
// download or a flipped bit is told apart from a wrong path.
import { fail } from '../core/errors.js';
import { nodeModule } from './node.js';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface Idx {
  shape: number[];
  dtype: IdxDType;
  /** The values, row-major. uint8 data is a view on the input bytes (no copy). */
  data: IdxArray;
}

/** Type code → element type. 0x0A is unassigned in the format. */
export const IDX_TYPES: Readonly<Record<number, { dtype: IdxDType; bytes: number }>> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses IDX bytes, gunzipping first when they are gzip (Node only). `name` labels errors. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): Idx {
  if (isGzip(bytes)) bytes = gunzip(bytes, name);
  const fn = 'parseIdx';
  if (bytes.length < 4) fail(fn, `${name} is truncated at byte offset ${bytes.length}: the header needs 4 bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const at = bytes[0] !== 0 ? 0 : 1;
    fail(fn, `${name} is not IDX: byte offset ${at} is ${hex(bytes[at])}, expected 0x00 (magic 00 00 <type> <ndims>)`);
  }
  const type = IDX_TYPES[bytes[2]];
  if (!type) fail(fn, `${name} is corrupted: byte offset 2 holds type code ${hex(bytes[2])}, expected one of ${Object.keys(IDX_TYPES).map((k) => hex(Number(k))).join(', ')}`);
  const ndims = bytes[3];
  if (ndims === 0) fail(fn, `${name} is corrupted: byte offset 3 says 0 dimensions`);
  const dataStart = 4 + 4 * ndims;
  if (bytes.length < dataStart) fail(fn, `${name} is truncated at byte offset ${bytes.length}: the header declares ${ndims} dimensions, which end at offset ${dataStart}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const dataEnd = dataStart + count * type.bytes;
  if (bytes.length < dataEnd) {
    fail(fn, `${name} is truncated at byte offset ${bytes.length}: shape [${shape.join(', ')}] of ${type.dtype} needs data up to offset ${dataEnd}`);
  }
  if (bytes.length > dataEnd) {
    fail(fn, `${name} is corrupted: ${bytes.length - dataEnd} unexpected bytes after the data end at byte offset ${dataEnd} (shape [${shape.join(', ')}] of ${type.dtype})`);
  }
  return { shape, dtype: type.dtype, data: readValues(bytes, view, dataStart, count, type.dtype) };
}

/** Reads a (possibly gzipped) IDX file. Node only. */
export function readIdx(path: string): Idx {
  const { readFileSync } = nodeModule('readIdx', 'node:fs');
  return parseIdx(readFileSync(path), path);
}

// Multi-byte values are big-endian in the file and native (little-endian) in typed arrays,
// so they go through a DataView one by one; bytes need no conversion.
function readValues(bytes: Uint8Array, view: DataView, start: number, count: number, dtype: IdxDType): IdxArray {
  switch (dtype) {
    case 'uint8':
      return bytes.subarray(start, start + count);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + start, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, false);
      return out;
    }
  }
}

function gunzip(bytes: Uint8Array, name: string): Uint8Array {
  const zlib = nodeModule('parseIdx', 'node:zlib');
  try {
    return zlib.gunzipSync(bytes);
  } catch (error) {
    const offset = firstBadGzipOffset(zlib, bytes);
    const where = offset === null
      ? `is truncated at byte offset ${bytes.length} of the compressed file`
      : `is corrupted: decompression fails at byte offset ${offset} of the compressed file (where the damage is first detectable)`;
    fail('parseIdx', `${name} (gzip) ${where}; zlib says: ${(error as Error).message}`);
  }
}

// zlib does not say where it failed, so bisect: the shortest prefix that fails to decompress
// (flushing what it can instead of demanding the end of the stream) ends at the bad byte.
// Runs only on the error path. null means every prefix is fine: the stream just stops early.
function firstBadGzipOffset(zlib: typeof import('node:zlib'), bytes: Uint8Array): number | null {
  const fails = (length: number) => {
    try {
      zlib.gunzipSync(bytes.subarray(0, length), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return false;
    } catch {
      return true;
    }
  };
  if (!fails(bytes.length)) return null;
  let lo = 0; // a prefix known to pass
  let hi = bytes.length; // a prefix known to fail
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fails(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}
