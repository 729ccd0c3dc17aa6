// Runs a test body in one DEU arithmetic (setBackend('cpu', { deuArithmetic })) and puts back the
// one that was set before, so that no test file changes what the files after it run.
import * as tg from '../../index.js';
import { cpuInfo } from '../../core/cpu/wasm_switch.js';

export function inDeuArithmetic<T>(arithmetic: 'float32' | 'float64', fn: () => T): T {
  const before = cpuInfo().deuArithmetic;
  tg.setBackend('cpu', { deuArithmetic: arithmetic });
  try {
    return fn();
  } finally {
    tg.setBackend('cpu', { deuArithmetic: before });
  }
}
