// Reading and writing safetensors files in Node. Writes are atomic: the bytes go to a temporary
// file in the same directory, are flushed to disk (fsync), and the temporary file is then
// renamed over the target, so a crash leaves either the old file or the new one, never half of
// one. (A rename is atomic only within one file system, hence the same directory.)
//
// node:fs is imported lazily through a variable so that browser bundlers, which cannot resolve
// it, leave it alone; in a browser, use encodeSafetensors / decodeSafetensors directly.
import { fail, TapegradError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { decodeSafetensors, encodeSafetensors, type DecodeOptions, type Safetensors } from './serialization.js';

type Fs = typeof import('node:fs/promises');
type PathModule = typeof import('node:path');
const FS = 'node:fs/promises';
const PATH = 'node:path';

async function node(): Promise<{ fs: Fs; path: PathModule }> {
  const [fs, path] = await Promise.all([import(FS) as Promise<Fs>, import(PATH) as Promise<PathModule>]);
  return { fs, path };
}

export async function saveSafetensors(file: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata); // before touching the disk: a bad tensor writes nothing
  await writeAtomically(file, bytes);
}

/** Writes bytes to a temporary file beside `file`, flushes it, and renames it over `file`. */
export async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  if (typeof file !== 'string' || file === '') fail('writeAtomically', `expected a file path, got ${JSON.stringify(file)}`);
  const { fs, path } = await node();
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  // make the rename itself durable; not every platform can open a directory (Windows cannot)
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    /* best effort */
  }
}

export async function loadSafetensors(file: string, options: DecodeOptions = {}): Promise<Safetensors> {
  if (typeof file !== 'string' || file === '') fail('loadSafetensors', `expected a file path, got ${JSON.stringify(file)}`);
  const { fs } = await node();
  const bytes = await fs.readFile(file); // a Buffer is a Uint8Array: no copy
  try {
    return decodeSafetensors(bytes, options);
  } catch (error) {
    if (error instanceof TapegradError) fail('loadSafetensors', `${file}: ${error.message.slice(error.fn.length + 2)}`);
    throw error;
  }
}
