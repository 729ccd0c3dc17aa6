// The workload of the graph-lifetime tests: forward passes that are never backpropagated (the
// way evaluation code and a `.item()` for logging run), through a small MLP with a DEU and a PAU,
// in and out of tidy, in train and eval mode. Afterwards live tensors and bytes must be where they
// started, and the process's RSS must not have grown with the number of passes.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** A full collection, then the turns of the event loop in which finalizers run. */
export async function collect(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

export function lifetimeModel(backend: string): tg.nn.Module {
  tg.manualSeed(0);
  const { nn } = tg;
  const model = new nn.Sequential(new nn.Linear(8, 32), new nn.DEU(32), new nn.Linear(32, 32), new nn.PAU(), new nn.Dropout(0.1), new nn.Linear(32, 4));
  if (backend !== 'cpu') model.to(backend);
  return model;
}

const MB = 1024 * 1024;

/**
 * `passes` forward passes split evenly over {train, eval} × {in tidy, out of tidy}. In tidy the
 * count must stay exact after every pass (nothing waits for the collector); out of tidy the
 * dropped graphs must all be freed once the collector has run.
 */
export async function assertForwardPassesLeaveNothing(backend: string, passes: number): Promise<void> {
  const model = lifetimeModel(backend);
  const x = tg.keep(tg.randn([16, 8]).toBackend(backend));
  const each = passes / 4;
  const forward = () => model.forward(x).sum().item();
  for (let i = 0; i < 20; i++) tg.tidy(forward); // warm the kernel caches
  await collect();
  const rssBefore = process.memoryUsage().rss;
  for (const mode of ['train', 'eval'] as const) {
    model.train(mode === 'train');
    const start = tg.memory(backend);
    for (let i = 0; i < each; i++) {
      tg.tidy(forward);
      if (i % 250 === 0 || i === each - 1) {
        const now = tg.memory(backend);
        assert.is(now.tensors, start.tensors, `${backend} ${mode} in tidy: live tensors after ${i + 1} passes`);
        assert.is(now.bytes, start.bytes, `${backend} ${mode} in tidy: bytes after ${i + 1} passes`);
      }
    }
    await collect();
    const settled = tg.memory(backend);
    for (let i = 0; i < each; i++) {
      forward(); // nothing disposed: the collector must find the dropped graphs
      if (i % 500 === 499) await collect();
    }
    await collect();
    const after = tg.memory(backend);
    assert.is(after.tensors, settled.tensors, `${backend} ${mode} out of tidy: live tensors after ${each} passes and a collection`);
    assert.is(after.bytes, settled.bytes, `${backend} ${mode} out of tidy: bytes after ${each} passes and a collection`);
  }
  await collect();
  const grown = (process.memoryUsage().rss - rssBefore) / MB;
  assert.ok(grown < 40, `${backend}: RSS grew ${grown.toFixed(1)} MB over ${passes} forward passes`);
  // the parameters were saved by every pass's entries; none of those holds them any more
  const count = tg.memory(backend).tensors;
  for (const p of model.parameters()) p.dispose();
  assert.is(tg.memory(backend).tensors, count - model.parameters().length, 'parameters are freed at once by dispose()');
  x.dispose();
}
