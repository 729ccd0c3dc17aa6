// The two element types tapegrad computes in. float32 is the default (it is what GPUs and
// gpu.js give); float64 exists for the CPU reference and for gradient checking.
export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64';
}

export function allocArray(dtype: DType, size: number): TypedArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

export function dtypeOfArray(array: TypedArray): DType {
  return array instanceof Float64Array ? 'float64' : 'float32';
}
