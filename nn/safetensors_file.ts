// Reading and writing safetensors files in Node. Writes are atomic: the bytes go to a temporary
// file in the same directory, are flushed to disk (fsync), and the temporary file is then
// renamed over the target, so a crash leaves either the old file or the new one, never half of
// one. (A rename is atomic only within one file system, hence the same directory.)
//
// Reading treats the file as untrusted: only a regular file is opened (not a directory, a FIFO
// or /dev/zero), the 8-byte length and the header are read and checked first, and the data
// section is read only once the header has accounted for every byte of the file, so the memory
// a read takes is the file's size, whatever the header claims.
//
// A save killed between creating its temporary file and renaming it leaves that file behind;
// removeStaleTemporaries deletes those whose writing process is gone.
//
// node:fs is imported lazily through a variable so that browser bundlers, which cannot resolve
// it, leave it alone; in a browser, use encodeSafetensors / decodeSafetensors directly.
import { fail, TapegradError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { decodeData, encodeSafetensors, parseHeader, readHeaderLength, type DecodeOptions, type EncodeOptions, type Safetensors, type SafetensorsHeader } from './serialization.js';

type Fs = typeof import('node:fs/promises');
type PathModule = typeof import('node:path');
const FS = 'node:fs/promises';
const PATH = 'node:path';

async function node(): Promise<{ fs: Fs; path: PathModule }> {
  const [fs, path] = await Promise.all([import(FS) as Promise<Fs>, import(PATH) as Promise<PathModule>]);
  return { fs, path };
}

export async function saveSafetensors(file: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}, options: EncodeOptions = {}): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata, options); // before touching the disk: a bad tensor writes nothing
  await writeAtomically(file, bytes);
}

/** Writes bytes to a temporary file beside `file`, flushes it, and renames it over `file`. */
export async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  if (typeof file !== 'string' || file === '') fail('writeAtomically', `expected a file path, got ${JSON.stringify(file)}`);
  const { fs, path } = await node();
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}${TEMP_SUFFIX}`);
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

const TEMP_SUFFIX = '.tmp';
/** .NAME.PID.RANDOM.tmp, as writeAtomically names its temporary files. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.([a-z0-9]+)\.tmp$/;

/** Whether a process with this id still runs (a temporary file of a live process is in use). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0); // signal 0: checks, sends nothing
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, as another user's
  }
}

/**
 * Deletes the temporary files that writeAtomically left in `dir` when its process was killed
 * mid-save (their process is gone). Returns their names. A missing folder has none.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const { fs, path } = await node();
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match || alive(Number(match[2]))) continue;
    const full = path.join(dir, name);
    const stat = await fs.lstat(full).catch(() => null);
    if (!stat || stat.isDirectory()) continue;
    await fs.rm(full, { force: true }); // removes a link itself, never its target
    removed.push(name);
  }
  return removed;
}

/** Why a path cannot be read, in words (ENOENT, EISDIR... are not messages for people). */
function openProblem(file: string, error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT': return `${file} does not exist`;
    case 'EISDIR': return `${file} is a directory, not a safetensors file`;
    case 'EACCES': case 'EPERM': return `${file} cannot be read (permission denied)`;
    case 'ENOTDIR': return `${file}: a part of the path is not a directory`;
    case 'ELOOP': return `${file}: too many levels of symbolic links`;
    default: return `cannot read ${file}: ${(error as Error).message}`;
  }
}

/** The kind of a non-regular file, for the refusal. */
function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a safetensors file: the header first, checked, then exactly the data it describes.
 * Refuses a path that is not a regular file, and a file with more or fewer bytes than its
 * header accounts for, before allocating anything for its tensors.
 */
export async function loadSafetensors(file: string, options: DecodeOptions = {}): Promise<Safetensors> {
  const fn = 'loadSafetensors';
  if (typeof file !== 'string' || file === '') fail(fn, `expected a file path, got ${JSON.stringify(file)}`);
  const { header, data } = await readFileChecked(fn, file);
  try {
    return decodeData(fn, header, data, options);
  } catch (error) {
    rethrowNamingFile(fn, file, error);
  }
}

/** The header of a safetensors file, checked, without reading its data (for checks before a load). */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const fn = 'readSafetensorsHeader';
  if (typeof file !== 'string' || file === '') fail(fn, `expected a file path, got ${JSON.stringify(file)}`);
  return (await readFileChecked(fn, file, false)).header;
}

function rethrowNamingFile(fn: string, file: string, error: unknown): never {
  if (error instanceof TapegradError) fail(fn, `${file}: ${error.message.slice(error.fn.length + 2)}`);
  throw error;
}

async function readFileChecked(fn: string, file: string, withData = true): Promise<{ header: SafetensorsHeader; data: Uint8Array }> {
  const { fs } = await node();
  // stat before opening: opening a FIFO for reading would wait for a writer
  const before = await fs.stat(file).catch((error: unknown) => fail(fn, openProblem(file, error)));
  if (!before.isFile()) fail(fn, `${file} is ${kindOf(before)}, not a safetensors file`);
  const { O_RDONLY, O_NONBLOCK } = fs.constants; // not import('node:fs'): browser bundles must not see it
  const handle = await fs.open(file, O_RDONLY | (O_NONBLOCK ?? 0)).catch((error: unknown) => fail(fn, openProblem(file, error)));
  try {
    const stat = await handle.stat(); // the file opened, not whatever the path names now
    if (!stat.isFile()) fail(fn, `${file} is ${kindOf(stat)}, not a safetensors file`);
    const size = stat.size;
    const readExactly = async (length: number, position: number, what: string): Promise<Uint8Array> => {
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
        if (bytesRead === 0) fail(fn, `${what} ends after ${done} of ${length} bytes (the file shrank while being read)`);
        done += bytesRead;
      }
      return buffer;
    };
    try {
      const first8 = size >= 8 ? await readExactly(8, 0, 'the header length') : new Uint8Array(8);
      const n = readHeaderLength(fn, first8, size);
      const header = parseHeader(fn, await readExactly(n, 8, 'the header'), size - 8 - n);
      const data = withData ? await readExactly(header.dataLength, 8 + n, 'the data section') : new Uint8Array(0);
      return { header, data };
    } catch (error) {
      rethrowNamingFile(fn, file, error);
    }
  } finally {
    await handle.close();
  }
}
