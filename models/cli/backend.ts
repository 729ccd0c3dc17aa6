// Selecting the backend the CLI's tensors live on. These imports register the CPU and gpu.js
// backends and the Tensor methods, as the root index.ts does (the CLI does not import the root,
// so that the root may re-export the CLI's pieces without a cycle).
import '../../core/cpu/backend.js';
import '../../core/gpu/index.js';
import '../../ops/methods.js';
import { setBackend } from '../../core/backend.js';
import { backendInfo } from '../../core/gpu/index.js';

export const BACKENDS = ['cpu', 'gpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export function useBackend(name: BackendName): void {
  setBackend(name);
}

/** 'cpu', or 'gpu (gpu.js mode webasm)': what the log line says ran. */
export function describeBackend(name: BackendName): string {
  if (name !== 'gpu') return name;
  const info = backendInfo('gpu');
  return `gpu (gpu.js mode ${info.mode}${info.onDevice ? '' : ', not on a graphics device'})`;
}
