// Runs one drawn parity case on the CPU reference and on a gpu backend and compares the outputs
// at the case's tolerances. Shared by the Node suite (parity.test.ts) and the browser page
// (examples/browser-parity), so both check exactly the same thing.
import type { Kernels, Storage, View } from '../../core/backend.js';
import type { Shape } from '../../core/shape.js';
import { cpuReader, type ParityCase, type Upload } from './parity_cases.js';

export interface Backendish {
  kernels: Kernels;
  upload(a: Float32Array): Storage;
  read(s: Storage): Float32Array | Float64Array;
  free(s: Storage): void;
}

export class ParityMismatch extends Error {}

/** Throws ParityMismatch (or the kernel's own error) when the gpu disagrees; frees what it made. */
export function checkParity<T>(name: string, pc: ParityCase<T>, c: T, cpu: Backendish, gpu: Backendish): void {
  cpuReader.read = (s) => cpu.read(s) as Float32Array;
  const made: [Backendish, Storage][] = [];
  const uploader = (b: Backendish): Upload => (shape: Shape, data: Float32Array): View => {
    const storage = b.upload(data);
    made.push([b, storage]);
    return { storage, shape, dtype: 'float32' };
  };
  const asRecord = (r: Storage | Record<string, Storage>): Record<string, Storage> => ('refs' in r && 'size' in r ? { out: r as Storage } : (r as Record<string, Storage>));
  const fail = (message: string): never => {
    throw new ParityMismatch(`${name} ${pc.describe(c)}: ${message}`);
  };
  try {
    const want = asRecord(pc.call(cpu.kernels, uploader(cpu), c));
    for (const s of Object.values(want)) made.push([cpu, s]);
    const got = asRecord(pc.call(gpu.kernels, uploader(gpu), c));
    for (const s of Object.values(got)) made.push([gpu, s]);
    const wantValues: Record<string, Float32Array> = {};
    for (const [key, s] of Object.entries(want)) wantValues[key] = cpu.read(s) as Float32Array;
    const tol = pc.tolerance(c, cpu.kernels, uploader(cpu), wantValues);
    for (const key of Object.keys(want)) {
      if (!got[key]) fail(`the gpu kernel did not return output '${key}'`);
      const g = gpu.read(got[key]);
      const w = wantValues[key];
      if (g.length !== w.length) fail(`output '${key}' has ${g.length} values, expected ${w.length}`);
      const t = tol[key] ?? 0;
      for (let i = 0; i < w.length; i++) {
        const allowed = typeof t === 'number' ? t : t[i];
        const ok = Number.isNaN(w[i]) ? Number.isNaN(g[i]) : !Number.isFinite(w[i]) ? g[i] === w[i] : Math.abs(g[i] - w[i]) <= allowed;
        if (!ok) fail(`output '${key}'[${i}] is ${g[i]} on the gpu, ${w[i]} on the cpu (allowed |Δ| ≤ ${allowed})`);
      }
    }
  } finally {
    for (const [b, s] of made) b.free(s);
  }
}
