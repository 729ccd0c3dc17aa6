// The WebAssembly memory across a long training run: float32 tensors live in it (core/wasm/heap.ts)
// and are freed by tidy/dispose, so after the first steps every allocation reuses a freed block
// and the memory stops growing. 10,000 steps of a small MLP with Adam: the instance's memory size,
// the heap's live bytes and memory()'s live tensors are the same after step 100 and step 10,000.
// And a tensor the memory cannot hold lives on the JavaScript heap, with the reason in backendInfo.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';
import { setMemoryLimitForTest } from '../../core/wasm/runtime.js';

test('10,000 training steps: the WebAssembly memory, its live bytes and the live tensors stay flat', () => {
  tg.manualSeed(3);
  const model = new tg.nn.Sequential(new tg.nn.Linear(4, 32), new tg.nn.ReLU(), new tg.nn.Linear(32, 3));
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = tg.randn([16, 4]);
  const labels = tg.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  const step = () => tg.tidy(() => {
    opt.zeroGrad();
    const loss = tg.crossEntropy(model.forward(x), labels);
    loss.backward();
    opt.step();
    return loss.item();
  });
  const snapshot = () => {
    const heap = cpuInfo().wasmHeap!;
    return { memoryBytes: heap.memoryBytes, liveBytes: heap.liveBytes, tensors: tg.memory().tensors };
  };
  let first = 0, last = 0;
  for (let s = 0; s < 100; s++) first = step();
  const early = snapshot();
  assert.ok(early.liveBytes > 0, 'the parameters live in the WebAssembly memory');
  for (let s = 100; s < 10_000; s++) last = step();
  const late = snapshot();
  assert.equal(late, early, `after 100 steps ${JSON.stringify(early)}, after 10,000 ${JSON.stringify(late)}`);
  assert.ok(last < first, `the loss went down (${first} → ${last}): the steps did train`);
  assert.ok((cpuInfo().kernelRuns.matmul ?? 0) >= 30_000, 'the products ran in WebAssembly');
  opt.zeroGrad();
});

test('a tensor larger than the WebAssembly memory may hold lives on the JavaScript heap, and says so', () => {
  setMemoryLimitForTest(4 << 20);
  try {
    const big = tg.ones([2_000_000]); // 8 MB
    assert.is(big.sum().item(), 2_000_000);
    assert.match(cpuInfo().oversizeFallback ?? '', /float32 tensor of 2000000 elements does not fit the WebAssembly memory .* runs? in JavaScript/);
    big.dispose();
  } finally {
    setMemoryLimitForTest(null);
  }
});

test.run();
