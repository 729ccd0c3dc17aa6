// Shared set-ups for the training-loop tests: a tiny MLP with random layers (dropout and RReLU,
// so the global RNG matters), Adam with a StepLR, and small circles loaders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as tg from '../../index.js';

const { nn, optim, data } = tg;

export function makeRun(initSeed: number, { hidden = 16, lr = 0.05 } = {}) {
  tg.manualSeed(initSeed);
  const model = new nn.Sequential(new nn.Linear(2, hidden), new nn.RReLU(), new nn.Dropout(0.2), new nn.Linear(hidden, 2));
  const optimizer = new optim.Adam(model.parameters(), { lr });
  const scheduler = new optim.StepLR(optimizer, 2, 0.5);
  const train = new data.DataLoader(data.circles({ n: 128, seed: 1 }), { batchSize: 16, shuffle: true, seed: 7 });
  const test = new data.DataLoader(data.circles({ n: 64, seed: 2 }), { batchSize: 32 });
  return { model, optimizer, scheduler, train, test };
}

/** Every parameter's values, as plain numbers, by name. */
export function parameterValues(model: tg.nn.Module): Record<string, number[]> {
  return Object.fromEntries(model.namedParameters().map(([name, p]) => [name, Array.from(p.data())]));
}

export function withTempDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-fit-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** A stream that remembers what was written; isTTY makes it look like a terminal. */
export class CaptureStream extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Resolves to the error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
