// NaN follows PyTorch in every elementwise op and reduction (issue 15.5), on every backend here:
// the CPU in float32 (WebAssembly kernels and JavaScript ones) and float64, and each gpu.js mode
// that runs. A NaN input gives NaN — relu and relu6 included (they gave 0), maximum/minimum in
// both argument orders (maximum(NaN, 1) gave 1), max/min reductions, softmax, logsumexp — except
// where PyTorch itself returns a number: sign(NaN) = 0 and heaviside(NaN, v) = 0 (both are
// (x > 0) − (x < 0)-style tests), and argmax/argmin point at the first NaN.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { UNARY } from '../../ops/unary_table.js';
import { modeCases } from '../gpu/modes.js';

/** Ops whose NaN result PyTorch defines as a number, and the unary ops that need parameters. */
const NUMBER_FOR_NAN: Record<string, number> = { sign: 0 };
const WITH_PARAMETERS: Record<string, (x: tg.Tensor) => tg.Tensor> = {
  clamp: (x) => tg.clamp(x, 0, 1),
  heaviside: (x) => tg.heaviside(x, 0.5),
  threshold: (x) => tg.threshold(x, 0.5, 7),
  geluTanh: (x) => tg.gelu(x, 'tanh'),
};
const HEAVISIDE_OF_NAN = 0;

type Setup = { name: string; skip: string | null; enter: () => void; dtype: 'float32' | 'float64' };

const gpu = modeCases('nan');
const setups: Setup[] = [
  { name: 'cpu float32 (WebAssembly)', skip: null, enter: () => tg.setBackend('cpu', { wasm: true }), dtype: 'float32' },
  { name: 'cpu float32 (JavaScript)', skip: null, enter: () => tg.setBackend('cpu', { wasm: false }), dtype: 'float32' },
  { name: 'cpu float64', skip: null, enter: () => tg.setBackend('cpu', { wasm: true }), dtype: 'float64' },
  ...gpu.map((m) => ({ name: `gpu.js ${m.mode}`, skip: m.skip, enter: () => tg.setBackend(m.backend), dtype: 'float32' as const })),
];

for (const s of setups) {
  if (s.skip !== null) {
    console.log(`skipped: NaN semantics on ${s.name}: ${s.skip}`);
    test.skip(`NaN semantics on ${s.name} (skipped: ${s.skip})`, () => {});
    continue;
  }
  test(`NaN semantics on ${s.name}`, () => {
    s.enter();
    try {
      const t = (values: number[]) => tg.tensor(values, { dtype: s.dtype });
      const value = (y: tg.Tensor) => y.data()[0];
      // every unary table entry, NaN in → NaN out (or PyTorch's number)
      for (const name of Object.keys(UNARY)) {
        const op = WITH_PARAMETERS[name] ?? ((x: tg.Tensor) => (tg as unknown as Record<string, (x: tg.Tensor) => tg.Tensor>)[name](x));
        const got = value(op(t([NaN])));
        const want = name === 'heaviside' ? HEAVISIDE_OF_NAN : NUMBER_FOR_NAN[name] ?? NaN;
        assert.ok(got === want || (Number.isNaN(got) && Number.isNaN(want)), `${name}(NaN) is ${got}, PyTorch gives ${want}`);
      }
      // the cases, with ordinary neighbours that must stay ordinary
      assert.equal([...tg.relu(t([NaN, -1, 2])).data()].map(String), ['NaN', '0', '2']);
      assert.equal([...tg.relu6(t([NaN, 7])).data()].map(String), ['NaN', '6']);
      for (const op of ['maximum', 'minimum'] as const) {
        assert.equal([...tg[op](t([NaN, 1, 2]), t([1, NaN, 3])).data()].map(String), ['NaN', 'NaN', op === 'maximum' ? '3' : '2'], op);
      }
      // reductions: NaN wins, whole and along an axis; arg* point at the first NaN
      const x = t([1, NaN, 3, NaN]);
      for (const op of ['max', 'min', 'sum', 'prod', 'mean', 'logsumexp', 'norm'] as const) assert.ok(Number.isNaN(x[op]().item()), `${op} of [1, NaN, 3, NaN]`);
      assert.is(x.argmax().item(), 1);
      assert.is(x.argmin().item(), 1);
      const rows = tg.tensor([[1, NaN, 3], [4, 5, 6]], { dtype: s.dtype });
      assert.equal([...rows.max(1).data()].map(String), ['NaN', '6']);
      assert.equal([...rows.min(1).data()].map(String), ['NaN', '4']);
      assert.equal([...tg.softmax(rows, -1).data()].slice(0, 3).map(String), ['NaN', 'NaN', 'NaN']);
    } finally {
      tg.setBackend('cpu', { wasm: true });
    }
  });
}

test.run();
