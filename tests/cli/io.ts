// Streams that collect what a command writes, for calling main() in-process.
import { Writable } from 'node:stream';
import type { Io } from '../../models/cli/index.js';

export interface Captured extends Io {
  out(): string;
  err(): string;
}

export function captureIo(): Captured {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]) => new Writable({ write(chunk, _encoding, done) { into.push(String(chunk)); done(); } });
  return { stdout: sink(chunks.out), stderr: sink(chunks.err), out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}
