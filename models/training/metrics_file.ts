// The metrics file: JSON lines, one EpochRecord per epoch, appended as each epoch ends, so a
// plotting script can follow a run while it trains. A line is appended before the epoch's
// checkpoint is written, so a crash between the two makes the resumed run append that epoch
// again rather than lose it; readers keep the last line of each epoch.
//
// A run killed in the middle of an append leaves an unfinished last line; the next append cuts
// it off first, so the resumed run's lines never glue onto it. The file is opened with
// O_NOFOLLOW: a symbolic link planted in the run folder under its name is refused, never
// written through.
import { fail, TapegradError } from '../../core/errors.js';
import { parseJsonText } from '../../nn/json_text.js';
import { checkEpochRecord } from './loop_state.js';
import { nodeFiles } from './node_files.js';
import type { EpochRecord } from './records.js';

export async function appendMetricsLine(file: string, record: EpochRecord): Promise<void> {
  const fn = 'appendMetricsLine';
  const { fs, path } = await nodeFiles();
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const { O_RDWR, O_CREAT, O_APPEND, O_NOFOLLOW } = fs.constants;
  let handle;
  try {
    handle = await fs.open(file, O_RDWR | O_CREAT | O_APPEND | (O_NOFOLLOW ?? 0), 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') fail(fn, `metrics file ${file} is a symbolic link; tapegrad writes a run's files only as regular files of its folder, never through a link (remove it)`);
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) fail(fn, `metrics file ${file} is not a regular file`);
    await cutUnfinishedLine(handle, stat.size);
    await handle.write(`${JSON.stringify(record)}\n`);
  } finally {
    await handle.close();
  }
}

type Handle = Awaited<ReturnType<Awaited<ReturnType<typeof nodeFiles>>['fs']['open']>>;

/** Truncates the file after its last newline (to nothing if it has none). */
async function cutUnfinishedLine(handle: Handle, size: number): Promise<void> {
  const chunk = new Uint8Array(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) {
      if (start + newline + 1 < size) await handle.truncate(start + newline + 1);
      return;
    }
    end = start;
  }
  if (size > 0) await handle.truncate(0);
}

/**
 * The records of a metrics file in epoch order, the last line of each epoch winning (a resumed
 * run may repeat an epoch). An unfinished last line, from a run killed mid-write, is ignored.
 */
export async function readMetricsFile(file: string): Promise<EpochRecord[]> {
  const fn = 'readMetricsFile';
  if (typeof file !== 'string' || file === '') fail(fn, `expected a file path, got ${JSON.stringify(file)}`);
  const { fs } = await nodeFiles();
  let text: string;
  try {
    // a FIFO or a device would block the read or never end
    if (!(await fs.stat(file)).isFile()) fail(fn, `${file} is not a regular file`);
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof TapegradError) throw error;
    fail(fn, `cannot read ${file}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  lines.pop(); // what follows the last newline: '' or an unfinished line
  const byEpoch = new Map<number, EpochRecord>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    const value = parseJsonText(fn, where, line);
    const bad = (field: string, expected: string, got: unknown): never => fail(fn, `${where}: field '${field}' must be ${expected}, got ${JSON.stringify(got)}`);
    const record = checkEpochRecord(bad, 'record', value);
    byEpoch.set(record.epoch, record);
  });
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
