// The metrics file: JSON lines, one EpochRecord per epoch, appended as each epoch ends, so a
// plotting script can follow a run while it trains. A line is appended before the epoch's
// checkpoint is written, so a crash between the two makes the resumed run append that epoch
// again rather than lose it; readers keep the last line of each epoch.
import { fail } from '../../core/errors.js';
import { checkEpochRecord } from './loop_state.js';
import { nodeFiles } from './node_files.js';
import type { EpochRecord } from './records.js';

export async function appendMetricsLine(file: string, record: EpochRecord): Promise<void> {
  const { fs, path } = await nodeFiles();
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.appendFile(file, `${JSON.stringify(record)}\n`);
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
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    fail(fn, `cannot read ${file}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  lines.pop(); // what follows the last newline: '' or an unfinished line
  const byEpoch = new Map<number, EpochRecord>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      fail(fn, `${where} is not valid JSON (${(error as Error).message})`);
    }
    const bad = (field: string, expected: string, got: unknown): never => fail(fn, `${where}: field '${field}' must be ${expected}, got ${JSON.stringify(got)}`);
    const record = checkEpochRecord(bad, 'record', value);
    byEpoch.set(record.epoch, record);
  });
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
