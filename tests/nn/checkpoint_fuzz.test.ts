// Fuzzing the checkpoint reader with fast-check: a real checkpoint (a BatchNorm MLP with Adam
// state) is mutated (flipped bytes, a rewritten header length, header entries with other
// dtypes, shapes and offsets, edited optimizer metadata, truncation, trailing bytes) and loaded
// into a fresh model and optimizer. Whatever the mutation:
//   - the load succeeds or throws a TapegradError naming a function (never a TypeError,
//     RangeError or stack overflow from inside);
//   - it allocates at most 64 MB of typed arrays for a file under 1 MB (counted by wrapping the
//     typed-array constructors while it runs);
//   - a refused load leaves the model and the optimizer exactly as they were.
// The same holds for `tapegrad eval`'s loadTrained with mutated run info, which builds a model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../index.js';
import { TapegradError } from '../../core/errors.js';
import { loadTrained, METADATA_KEY } from '../../models/cli/index.js';

const { nn } = tg;
const LIMIT = 64 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'tapegrad-fuzz-'));

function model(seed: number) {
  tg.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(3, 5), new nn.BatchNorm1d(5), new nn.Tanh(), new nn.Linear(5, 2));
}

type Model = ReturnType<typeof model>;
const snapshot = (m: Model) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => {
  const values = Array.from(t.data());
  t.dispose();
  return [k, values];
}));

/** Bytes of typed arrays and ArrayBuffers constructed while `fn` runs. */
async function allocatedDuring(fn: () => Promise<void>): Promise<number> {
  const names = ['ArrayBuffer', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'] as const;
  const g = globalThis as unknown as Record<string, unknown>;
  const originals = names.map((name) => g[name]);
  let bytes = 0;
  names.forEach((name, i) => {
    const original = originals[i] as { BYTES_PER_ELEMENT?: number } & (new (...args: unknown[]) => object);
    const width = name === 'ArrayBuffer' ? 1 : original.BYTES_PER_ELEMENT!;
    g[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        const first = args[0];
        if (typeof first === 'number') bytes += first * width;
        else if (first !== null && typeof first === 'object' && 'length' in first && typeof (first as { length: unknown }).length === 'number') bytes += (first as { length: number }).length * width;
        return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget);
      },
    });
  });
  try {
    await fn();
  } finally {
    names.forEach((name, i) => (g[name] = originals[i]));
  }
  return bytes;
}

// the checkpoint every case mutates
const source = model(1);
const adam = new tg.optim.Adam(source.parameters(), { lr: 0.01 });
tg.tidy(() => {
  adam.zeroGrad();
  tg.mseLoss(source.forward(tg.ones([4, 3])), tg.zeros([4, 2])).backward();
  adam.step();
});
const packed = nn.packCheckpoint(source, adam, { epoch: '1' });
const original = nn.encodeSafetensors(packed.tensors, packed.metadata, { dtypes: packed.dtypes });
for (const t of Object.values(packed.tensors)) t.dispose();
const headerLength = Number(new DataView(original.buffer).getBigUint64(0, true));
const header = JSON.parse(new TextDecoder().decode(original.subarray(8, 8 + headerLength)));
const names = Object.keys(header).filter((k) => k !== '__metadata__');

function withHeader(h: unknown, data = original.subarray(8 + headerLength)): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const big = fc.oneof(fc.integer({ min: -10, max: 2000 }), fc.constantFrom(2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 1e300, -1, 0.5, NaN));
const jsonish = fc.oneof(big, fc.string({ maxLength: 6 }), fc.constant(null), fc.array(big, { maxLength: 5 }), fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'a', '0'), big, { maxKeys: 2 }));

const mutation: fc.Arbitrary<Uint8Array> = fc.oneof(
  // flipped bytes anywhere, the header included
  fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
    const bytes = original.slice();
    for (const [at, value] of flips) bytes[at] = value;
    return bytes;
  }),
  // another header length, up to 2^64 − 1
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => {
    const bytes = original.slice();
    new DataView(bytes.buffer).setBigUint64(0, n, true);
    return bytes;
  }),
  // one entry's dtype, shape or offsets replaced
  fc.tuple(fc.constantFrom(...names), fc.constantFrom('dtype', 'shape', 'data_offsets'), fc.oneof(jsonish, fc.constantFrom('F16', 'I64', 'U8', 'BOOL', 'F64', 'I32'), fc.array(fc.constantFrom(0, 1, 2, 5, 2 ** 40), { maxLength: 4 }))).map(([name, field, value]) => {
    const h = structuredClone(header);
    h[name][field] = value;
    return withHeader(h);
  }),
  // an entry removed or renamed (to __proto__ too)
  fc.tuple(fc.constantFrom(...names), fc.constantFrom(null, '__proto__', 'constructor', 'optimizer.state.0.x', 'optimizer.state.01.exp_avg')).map(([name, to]) => {
    const text = JSON.stringify(header);
    const edited = to === null ? text.replace(new RegExp(`"${name.replace(/\./g, '\\.')}":\\{[^}]*\\},?`), '').replace(',}', '}') : text.replace(`"${name}":`, `"${to}":`);
    return withHeader(JSON.parse(edited));
  }),
  // the optimizer metadata edited: a field replaced, at the top or in a group or a state
  fc.tuple(fc.constantFrom('top', 'group', 'state', 'tensors'), fc.constantFrom('param_groups', 'state', 'tensors', 'lr', 'betas', 'amsgrad', 'params', 'step', 'constructor', 'hasOwnProperty', '__proto__', '0'), jsonish).map(([where, key, value]) => {
    const h = structuredClone(header);
    const optimizer = JSON.parse(h.__metadata__.optimizer);
    const target = where === 'top' ? optimizer : where === 'group' ? optimizer.param_groups[0] : where === 'state' ? optimizer.state['0'] : optimizer.tensors;
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
    h.__metadata__.optimizer = JSON.stringify(optimizer);
    return withHeader(h);
  }),
  // truncated, or with bytes appended
  fc.nat(original.length - 1).map((n) => original.slice(0, n)),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) => Uint8Array.from([...original, ...extra])),
);

test('mutated checkpoints: a TapegradError or a load, ≤ 64 MB, never half-loaded', async () => {
  // the meter sees the reader's allocations: the unmutated file takes at least its own size
  const path0 = join(dir, 'original.safetensors');
  writeFileSync(path0, original);
  const m0 = model(3);
  const counted = await allocatedDuring(async () => void (await nn.loadCheckpoint(path0, m0, new tg.optim.Adam(m0.parameters()))));
  assert.ok(counted >= original.length, `counted ${counted} bytes`);
  let refused = 0;
  await fc.assert(fc.asyncProperty(mutation, async (bytes) => {
    assert.ok(bytes.length < 1024 * 1024);
    const path = join(dir, 'mutated.safetensors');
    writeFileSync(path, bytes);
    const target = model(2);
    const optimizer = new tg.optim.Adam(target.parameters(), { lr: 0.01 });
    const before = snapshot(target);
    const tensors = tg.memory().tensors;
    let error: unknown = null;
    const allocated = await allocatedDuring(async () => {
      try {
        await nn.loadCheckpoint(path, target, optimizer);
      } catch (e) {
        error = e;
      }
    });
    assert.ok(allocated <= LIMIT, `allocated ${allocated} bytes for a ${bytes.length}-byte file`);
    if (error !== null) {
      refused++;
      assert.ok(error instanceof TapegradError, `not a TapegradError: ${String(error)}`);
      assert.equal(snapshot(target), before, 'the model is unchanged');
      assert.is(optimizer.state.size, 0, 'the optimizer is unchanged');
      // (≤, not =: tensors of earlier tests dropped without dispose() may be collected meanwhile)
      assert.ok(tg.memory().tensors <= tensors, `a refused load leaves no tensor behind: ${tg.memory().tensors} live, ${tensors} before`);
    }
    target.dispose();
    for (const s of optimizer.state.values()) for (const v of Object.values(s)) if (v instanceof tg.Tensor) v.dispose();
  }), { numRuns: 400, seed: 15 });
  assert.ok(refused > 200, `most mutations are refused (${refused} of 400)`);
});

const info = {
  format: 'tapegrad-run', version: 1, model: 'mlp', act: 'relu', dataset: 'circles', seed: 0, inputShape: [2], numClasses: 2, hidden: [3],
  task: 'classification', loss: 'cross_entropy', metrics: ['accuracy'], optimizer: 'adam', lr: 0.001, batch: 32, epochs: 1, backend: 'cpu',
};

test("mutated run info: eval's loadTrained refuses with a message, ≤ 64 MB, before building anything large", async () => {
  tg.manualSeed(0);
  const mlp = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 2));
  const weights = mlp.stateDict();
  const fields = Object.keys(info);
  const value = fc.oneof(jsonish, fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 4 }), fc.constantFrom('mlp', 'vgg8', 'mnist', 'maxout', 'deu', [1, 28, 28], [20000]));
  await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...fields), value), { minLength: 1, maxLength: 3 }), async (edits) => {
    const edited: Record<string, unknown> = { ...info };
    for (const [key, v] of edits) edited[key] = v;
    const path = join(dir, 'run.safetensors');
    writeFileSync(path, nn.encodeSafetensors(weights, { [METADATA_KEY]: JSON.stringify(edited) }));
    let error: unknown = null;
    const allocated = await allocatedDuring(async () => {
      try {
        (await loadTrained(path)).model.dispose();
      } catch (e) {
        error = e;
      }
    });
    assert.ok(allocated <= LIMIT, `allocated ${allocated} bytes for ${JSON.stringify(edits)}`);
    if (error !== null) {
      assert.ok(!(error instanceof TypeError) && !(error instanceof RangeError), `a crash, not a message: ${String(error)}`);
      assert.ok((error as Error).message.includes(path), `the message names the file: ${(error as Error).message}`);
    }
  }), { numRuns: 200, seed: 15 });
  for (const t of Object.values(weights)) t.dispose();
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
