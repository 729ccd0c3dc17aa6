// The backend registry: setBackend(name, options) configures a backend before its first use.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tg from '../../index.js';
import { assertThrows } from '../helpers.js';

test("setBackend(name, {mode}) picks the gpu.js mode; tensors are then created there", () => {
  tg.registerGpuBackend('registry-test');
  tg.setBackend('registry-test', { mode: 'cpu' });
  try {
    const t = tg.ones([2, 2]).mul(3).sum();
    assert.is(t.backend.name, 'registry-test');
    assert.is(t.item(), 12);
    assert.is(tg.backendInfo('registry-test').mode, 'cpu');
  } finally {
    tg.setBackend('cpu');
  }
  assert.is(tg.ones([1]).backend.name, 'cpu');
});

test('unknown backends and options a backend does not take are errors', () => {
  assertThrows(() => tg.setBackend('tpu'), 'getBackend', "no backend named 'tpu'");
  assertThrows(() => tg.setBackend('cpu', { mode: 'webgl2' }), 'setBackend', "unknown option 'mode'", 'threads, wasm');
  assertThrows(() => tg.setBackend('registry-test', { mode: 'webgl2' }), 'registerGpuBackend', "already runs in mode 'cpu'");
});

test.run();
